"""Columns of the job (岗位供给清单) import template.

The same specs drive the downloadable template and the importer. A job names its employer either by
the employer's ID in this service or by its 统一社会信用代码, which clerks have at hand and IDs they
do not; the service resolves one or the other.
"""

from app.core.tabular import ColumnSpec
from app.seekers.columns import EDUCATION_LABELS

__all__ = ["JOB_COLUMNS", "JOB_EXAMPLE", "JOB_STATUS_LABELS", "JOB_TEMPLATE_INSTRUCTIONS"]

JOB_STATUS_LABELS: dict[str, str] = {"招聘中": "open", "已关闭": "closed"}
_JOB_STATUS_SYNONYMS: dict[str, str] = {
    "开放": "open",
    "在招": "open",
    "招聘": "open",
    "关闭": "closed",
    "停招": "closed",
    "已停招": "closed",
    "已招满": "closed",
}
# Clerks write a minimum education the way job adverts do ("初中及以上").
_EDUCATION_MIN_CHOICES: dict[str, str] = {
    **EDUCATION_LABELS,
    "不限": "none",
    "无要求": "none",
    "小学及以上": "primary",
    "初中及以上": "junior_high",
    "高中及以上": "senior_high",
    "中专及以上": "vocational",
    "中专": "vocational",
    "技校": "vocational",
    "大专及以上": "college",
    "专科": "college",
    "本科": "bachelor",
}

# Checksum-valid example code in 天津市河北区 (120105); it names no real company.
_EXAMPLE_USCC = "91120105MA0511111Q"

JOB_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec(
        "external_id",
        "岗位编号",
        aliases=("外部编号", "岗位ID", "编号"),
        required=True,
        example="HB-2019-0001",
        note="本区系统中的岗位编号，同一编号再次导入时更新该岗位",
    ),
    ColumnSpec(
        "employer_id",
        "用人单位ID",
        aliases=("单位ID", "企业ID"),
        note="本系统中的用人单位ID；与“统一社会信用代码”二选一",
    ),
    ColumnSpec(
        "employer_uscc",
        "统一社会信用代码",
        aliases=("单位统一社会信用代码", "企业统一社会信用代码", "信用代码", "社会信用代码"),
        example=_EXAMPLE_USCC,
        note="用人单位的18位统一社会信用代码；与“用人单位ID”二选一，单位须已登记",
    ),
    ColumnSpec(
        "title", "岗位名称", aliases=("招聘岗位", "岗位", "职位名称", "职位"), required=True, example="电焊工"
    ),
    ColumnSpec("occupation", "工种", aliases=("职业", "职业工种", "工种名称"), example="焊工"),
    ColumnSpec(
        "description",
        "岗位描述",
        aliases=("岗位职责", "工作内容", "岗位说明", "职位描述"),
        example="车间焊接作业，两班倒",
    ),
    ColumnSpec(
        "skills_required",
        "技能要求",
        aliases=("任职要求", "技能", "岗位技能要求"),
        kind="list",
        example="电焊",
        note="多项用顿号（、）分隔",
    ),
    ColumnSpec(
        "headcount",
        "招聘人数",
        aliases=("需求人数", "招聘数量", "人数", "用工人数"),
        kind="int",
        required=True,
        example="10",
    ),
    ColumnSpec(
        "region_code",
        "工作地区划代码",
        aliases=("工作地代码", "工作地点代码", "工作地区代码", "区划代码"),
        required=True,
        example="120105",
        note="工作地所在县（区）的6位行政区划代码",
    ),
    ColumnSpec(
        "address", "工作地址", aliases=("工作地点", "详细地址", "地址"), example="天津市河北区某某路1号"
    ),
    ColumnSpec(
        "salary_min",
        "月薪下限",
        aliases=("最低月薪", "薪资下限", "工资下限", "最低工资"),
        kind="int",
        required=True,
        example="4000",
        note="元/月，填整数",
    ),
    ColumnSpec(
        "salary_max",
        "月薪上限",
        aliases=("最高月薪", "薪资上限", "工资上限", "最高工资"),
        kind="int",
        required=True,
        example="6000",
        note="元/月，不低于月薪下限",
    ),
    ColumnSpec(
        "housing_provided", "提供住宿", aliases=("是否提供住宿", "包住", "住宿"), kind="bool", example="是"
    ),
    ColumnSpec(
        "meals_provided",
        "提供餐食",
        aliases=("是否提供餐食", "包吃", "提供食宿", "餐食"),
        kind="bool",
        example="是",
    ),
    ColumnSpec("age_min", "最低年龄", aliases=("年龄下限", "最小年龄"), kind="int", example="18"),
    ColumnSpec("age_max", "最高年龄", aliases=("年龄上限", "最大年龄"), kind="int", example="50"),
    ColumnSpec(
        "education_min",
        "最低学历",
        aliases=("学历要求", "文化程度要求", "最低文化程度"),
        kind="enum",
        choices=_EDUCATION_MIN_CHOICES,
        example="初中",
    ),
    ColumnSpec(
        "public_welfare", "公益性岗位", aliases=("是否公益性岗位", "公益岗"), kind="bool", example="否"
    ),
    ColumnSpec(
        "valid_until",
        "有效期至",
        aliases=("截止日期", "有效期", "招聘截止日期"),
        kind="date",
        example="2019-12-31",
    ),
    ColumnSpec(
        "status",
        "状态",
        aliases=("岗位状态", "招聘状态"),
        kind="enum",
        choices={**JOB_STATUS_LABELS, **_JOB_STATUS_SYNONYMS},
        example="招聘中",
    ),
)

# Marked 示例 in its first column so the importer skips it if the clerk leaves it in place.
JOB_EXAMPLE: dict[str, str] = {spec.field: spec.example for spec in JOB_COLUMNS} | {
    "external_id": "示例-0001"
}

JOB_TEMPLATE_INSTRUCTIONS: tuple[str, ...] = (
    "1. 在“填写”工作表中每行填写一个岗位，表头请勿修改；带 * 的列为必填。",
    "2. 第2行为示例（岗位编号以“示例”开头），导入时会自动跳过，可直接覆盖或保留。",
    "3. 用人单位填写“用人单位ID”或“统一社会信用代码”其中之一；单位须先在系统中登记。",
    "4. 月薪填写整数（元/月），月薪下限不能高于上限；招聘人数须大于0。",
    "5. 是/否 列、最低学历、状态请从下拉列表中选择。",
    "6. 技能要求可填多项，用顿号（、）分隔；日期写作 2019-12-31 或 2019/12/31。",
    "7. 同一岗位编号再次导入时更新该岗位，内容未变的行计为“未变化”。",
)
