"""Columns of the job-seeker (求职清单) import template, and the labels clerks use for enumerations.

The same specs drive the downloadable template and the importer, so the two cannot drift apart.
Aliases are the column names found in county systems' own exports (扶贫开发信息系统, 人社台账).
"""

from app.core.tabular import ColumnSpec

__all__ = [
    "EDUCATION_LABELS",
    "EMPLOYMENT_STATUS_LABELS",
    "MOBILITY_LABELS",
    "SEEKER_COLUMNS",
    "SEEKER_EXAMPLE",
    "SEEKER_TEMPLATE_INSTRUCTIONS",
    "TAG_LABELS",
]

# Canonical Chinese label → API value. The first label of each value is what the template offers and
# what reports print; the synonym tables below only widen what the importer accepts.
EDUCATION_LABELS: dict[str, str] = {
    "文盲或半文盲": "none",
    "小学": "primary",
    "初中": "junior_high",
    "高中": "senior_high",
    "中专或技校": "vocational",
    "大专": "college",
    "本科及以上": "bachelor",
}
_EDUCATION_SYNONYMS: dict[str, str] = {
    "文盲": "none",
    "半文盲": "none",
    "无": "none",
    "小学及以下": "primary",
    "初中及以下": "junior_high",
    "普通高中": "senior_high",
    "中专": "vocational",
    "技校": "vocational",
    "职高": "vocational",
    "中职": "vocational",
    "专科": "college",
    "大学专科": "college",
    "高职": "college",
    "本科": "bachelor",
    "大学本科": "bachelor",
    "研究生": "bachelor",
    "硕士": "bachelor",
    "博士": "bachelor",
}

MOBILITY_LABELS: dict[str, str] = {
    "就近就地": "local",
    "省内": "in_province",
    "跨省": "cross_province",
}
_MOBILITY_SYNONYMS: dict[str, str] = {
    "就近": "local",
    "就地": "local",
    "本地": "local",
    "县内": "local",
    "就近就业": "local",
    "省内务工": "in_province",
    "省内就业": "in_province",
    "跨省务工": "cross_province",
    "跨省就业": "cross_province",
    "省外": "cross_province",
    "出省": "cross_province",
}

EMPLOYMENT_STATUS_LABELS: dict[str, str] = {
    "未就业": "unemployed",
    "已就业": "employed",
    "培训中": "in_training",
}
_EMPLOYMENT_STATUS_SYNONYMS: dict[str, str] = {
    "失业": "unemployed",
    "待业": "unemployed",
    "无业": "unemployed",
    "在岗": "employed",
    "务工": "employed",
    "在培": "in_training",
    "参加培训": "in_training",
}

TAG_LABELS: dict[str, str] = {
    "建档立卡": "registered_poor",
    "零就业家庭": "zero_employment",
    "监测户": "monitored",
    "边缘户": "marginal",
    "回流人员": "returned",
    "易地搬迁": "relocated",
    "三无人员": "sanwu",
}
_TAG_SYNONYMS: dict[str, str] = {
    "建档立卡户": "registered_poor",
    "建档立卡贫困户": "registered_poor",
    "建档立卡贫困劳动力": "registered_poor",
    "贫困户": "registered_poor",
    "脱贫户": "registered_poor",
    "脱贫人口": "registered_poor",
    "零就业": "zero_employment",
    "监测对象": "monitored",
    "防返贫监测户": "monitored",
    "边缘易致贫户": "marginal",
    "返乡人员": "returned",
    "返乡回流": "returned",
    "回流": "returned",
    "易地扶贫搬迁": "relocated",
    "搬迁户": "relocated",
    "三无": "sanwu",
}

# A checksum-valid number of 清水县 (620521), born 1990-01-01; it belongs to nobody on record.
_EXAMPLE_ID_NUMBER = "620521199001010012"

SEEKER_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec(
        "external_id",
        "外部编号",
        aliases=("人员编号", "编号", "人员ID", "系统编号", "劳动力编号"),
        required=True,
        example="QS-2019-0001",
        note="本县系统中的人员编号，同一编号再次导入时更新该人员",
    ),
    ColumnSpec(
        "name", "姓名", aliases=("劳动力姓名", "求职者姓名", "人员姓名"), required=True, example="张三"
    ),
    ColumnSpec(
        "id_number",
        "身份证号",
        aliases=("公民身份号码", "身份证号码", "身份证", "证件号码", "身份证件号码"),
        required=True,
        example=_EXAMPLE_ID_NUMBER,
        note="18位，本列已设为文本格式；请勿改成数字，否则Excel会丢失末尾数字",
    ),
    ColumnSpec(
        "phone",
        "手机号",
        aliases=("联系电话", "手机号码", "电话", "联系方式", "手机"),
        example="13912345678",
        note="11位大陆手机号",
    ),
    ColumnSpec("household_id", "户编号", aliases=("家庭编号", "户号", "户主编号"), example="620521001001"),
    ColumnSpec(
        "hukou_region_code",
        "户籍地区划代码",
        aliases=("户籍地代码", "户籍区划代码", "户籍所在地代码", "户籍地行政区划代码"),
        required=True,
        example="620521",
        note="户籍所在县（区）的6位行政区划代码",
    ),
    ColumnSpec(
        "education",
        "文化程度",
        aliases=("学历", "受教育程度", "文化水平"),
        kind="enum",
        choices={**EDUCATION_LABELS, **_EDUCATION_SYNONYMS},
        example="初中",
    ),
    ColumnSpec(
        "skills",
        "技能特长",
        aliases=("技能", "特长", "专业技能", "掌握技能"),
        kind="list",
        example="电焊、叉车",
        note="多项用顿号（、）分隔",
    ),
    ColumnSpec(
        "certificates",
        "证书",
        aliases=("职业资格证书", "技能证书", "持有证书", "资格证书"),
        kind="list",
        example="焊工证",
        note="多项用顿号（、）分隔",
    ),
    ColumnSpec(
        "desired_occupations",
        "意向工种",
        aliases=("求职意向", "意向岗位", "求职工种", "期望工种", "期望岗位"),
        kind="list",
        example="焊工、普工",
        note="多项用顿号（、）分隔",
    ),
    ColumnSpec(
        "wants_work",
        "就业意愿",
        aliases=("是否有就业意愿", "有无就业意愿", "务工意愿", "是否愿意就业"),
        kind="bool",
        example="是",
    ),
    ColumnSpec(
        "mobility",
        "外出意愿",
        aliases=("外出务工意愿", "就业去向意愿", "务工地域意愿"),
        kind="enum",
        choices={**MOBILITY_LABELS, **_MOBILITY_SYNONYMS},
        example="跨省",
    ),
    ColumnSpec(
        "preferred_region_codes",
        "意向地区代码",
        aliases=("意向就业地区代码", "意向地区", "意向务工地代码"),
        kind="list",
        example="120105",
        note="省、市或县的6位区划代码，多个用顿号分隔",
    ),
    ColumnSpec(
        "expected_salary",
        "期望月薪",
        aliases=("期望工资", "期望薪资", "期望月收入", "月薪要求"),
        kind="int",
        example="4000",
        note="元/月，填整数",
    ),
    ColumnSpec(
        "needs_housing",
        "需要住宿",
        aliases=("是否需要住宿", "需要提供住宿", "住宿需求"),
        kind="bool",
        example="是",
    ),
    ColumnSpec(
        "available_from",
        "可到岗日期",
        aliases=("到岗日期", "可上岗日期", "可就业日期"),
        kind="date",
        example="2019-03-01",
        note="如 2019-03-01",
    ),
    ColumnSpec(
        "employment_status",
        "就业状态",
        aliases=("就业情况", "目前就业状态", "当前状态"),
        kind="enum",
        choices={**EMPLOYMENT_STATUS_LABELS, **_EMPLOYMENT_STATUS_SYNONYMS},
        example="未就业",
    ),
    ColumnSpec(
        "tags",
        "人员类别",
        aliases=("人员类型", "人员属性", "贫困属性", "户类型"),
        kind="list",
        choices={**TAG_LABELS, **_TAG_SYNONYMS},
        example="建档立卡、零就业家庭",
        note="可多选，用顿号分隔：" + "、".join(TAG_LABELS),
    ),
    ColumnSpec(
        "training_needs",
        "培训需求",
        aliases=("培训意向", "培训意愿", "意向培训工种"),
        kind="list",
        example="焊工",
        note="多项用顿号（、）分隔",
    ),
)

# The example row is marked 示例 in its first column: the importer skips such a row directly under the
# header, so a clerk who leaves it in place does not import a fictitious person.
SEEKER_EXAMPLE: dict[str, str] = {spec.field: spec.example for spec in SEEKER_COLUMNS} | {
    "external_id": "示例-0001",
}

SEEKER_TEMPLATE_INSTRUCTIONS: tuple[str, ...] = (
    "1. 在“填写”工作表中每行填写一名求职者，表头请勿修改；带 * 的列为必填。",
    "2. 第2行为示例（外部编号以“示例”开头），导入时会自动跳过，可直接覆盖或保留。",
    "3. 身份证号、手机号等列已设为文本格式。请勿改为数字格式，否则Excel会把身份证号变成科学计数法（如6.2E+17）并丢失末尾数字。",
    "4. 文化程度、外出意愿、就业状态、是/否 列请从下拉列表中选择。",
    "5. 技能特长、证书、意向工种、人员类别、培训需求可填多项，用顿号（、）分隔。",
    "6. 日期写作 2019-03-01 或 2019/3/1；金额填写整数，单位为元/月。",
    "7. 同一外部编号再次导入时更新该人员信息，内容未变的行计为“未变化”。",
    "8. 导入结果会列出有问题的行号和列名，改正后可重新上传整个文件。",
)
