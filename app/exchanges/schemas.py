from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from app.db import local_zone

# Times leave the API in the service's zone (Asia/Shanghai), whatever offset they were written with.
LocalDatetime = Annotated[datetime, AfterValidator(lambda d: d.astimezone(local_zone()))]

ExchangeState = Literal["seekers_sent", "jobs_supplied", "matched", "recruiting", "closed", "cancelled"]
MatchStatus = Literal[
    "proposed", "accepted", "declined", "interviewing", "offered", "rejected", "hired", "withdrawn"
]


class ExchangeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    receiving_region_code: str = Field(
        pattern=r"^\d{6}$", description="输入地（结对帮扶方）行政区划代码", examples=["120105"]
    )
    title: str = Field(min_length=1, max_length=200, description="本轮对接名称，如“2020年10月求职清单”")
    seeker_ids: list[str] = Field(
        min_length=1, max_length=20_000, description="求职清单：本县求职者 ID 列表（不可重复）"
    )


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(default=None, max_length=1000, description="说明（可选）")


class JobSupplyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    job_ids: list[str] = Field(
        min_length=1, max_length=10_000, description="岗位供给清单：本地区在招岗位 ID 列表"
    )


class MatchRunIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    per_seeker: int = Field(default=3, ge=1, le=20, description="每位求职者至少推荐的岗位数")


class HistoryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: LocalDatetime = Field(description="变更时间")
    principal_id: str = Field(description="操作方 API 密钥 ID")
    principal_name: str = Field(description="操作方名称")
    from_state: str | None = Field(description="原状态；创建时为 null")
    to_state: str = Field(description="新状态")
    note: str | None = Field(description="说明")


class ExchangeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str = Field(description="对接 ID")
    sending_region_code: str = Field(description="输出地行政区划代码")
    receiving_region_code: str = Field(description="输入地行政区划代码")
    partnership_id: str = Field(description="依据的结对关系 ID")
    title: str = Field(description="本轮对接名称")
    state: ExchangeState = Field(
        description="状态：seekers_sent 已报送求职清单 → jobs_supplied 已回应岗位 → matched 已匹配 → "
        "recruiting 招聘中 → closed 已关闭；任意状态可 cancelled 取消"
    )
    seekers_count: int = Field(description="求职清单人数")
    jobs_count: int = Field(description="岗位供给清单岗位数")
    created_at: LocalDatetime = Field(description="创建时间")
    updated_at: LocalDatetime = Field(description="更新时间")
    history: list[HistoryOut] | None = Field(default=None, description="状态变更记录（仅单个获取时返回）")


class ExchangePage(BaseModel):
    items: list[ExchangeOut] = Field(description="本页数据")
    next_cursor: str | None = Field(description="下一页游标")


class SeekerMaskedOut(BaseModel):
    """The view the receiving side gets: no ID number, no phone, name masked."""

    id: str = Field(description="求职者 ID")
    name: str = Field(description="姓名（脱敏，如“张*”）")
    gender: str = Field(description="性别")
    age: int | None = Field(description="年龄（周岁）")
    hukou_region_code: str = Field(description="户籍所在地行政区划代码")
    education: str | None = Field(description="文化程度")
    skills: list[str] = Field(description="技能")
    certificates: list[str] = Field(description="证书")
    desired_occupations: list[str] = Field(description="意向工种")
    occupation_codes: list[str] = Field(description="归一化后的职业代码（职业分类大典 2022）")
    wants_work: bool = Field(description="是否有就业意愿")
    mobility: str = Field(description="外出意愿：local 就近就地、in_province 省内、cross_province 跨省")
    preferred_region_codes: list[str] = Field(description="意向就业地区")
    expected_salary: int | None = Field(description="期望月薪（元）")
    needs_housing: bool = Field(description="是否需要住宿")
    available_from: date | None = Field(description="可到岗日期")
    employment_status: str = Field(description="就业状态")
    training_needs: list[str] = Field(description="培训需求")


class SeekerFullOut(SeekerMaskedOut):
    """The owner's view (sending county, admin): full name, masked ID number, phone."""

    name: str = Field(description="姓名")
    external_id: str = Field(description="输出地系统中的编号")
    id_number_masked: str = Field(description="身份证号（脱敏）")
    phone: str | None = Field(description="手机号（完整；读取记入审计日志）")
    birth_date: date = Field(description="出生日期")
    household_id: str | None = Field(description="户编号")
    tags: list[str] = Field(description="人员类别标签")


class ExchangeSeekerPage(BaseModel):
    items: list[SeekerFullOut | SeekerMaskedOut] = Field(
        description="本页求职者；输入地与调度方看到脱敏视图（无身份证号、无手机号）"
    )
    next_cursor: str | None = Field(description="下一页游标")


class CountOut(BaseModel):
    label: str = Field(description="分类（职业名称、技能、外出意愿或培训需求）")
    code: str | None = Field(default=None, description="职业代码（能识别时）")
    count: int = Field(description="人数")


class PhraseOut(BaseModel):
    phrase: str = Field(description="未能识别为职业的原文")
    field: Literal["skills", "desired_occupations"] = Field(description="出现在哪个字段")
    count: int = Field(description="出现人数")


class DemandSummaryOut(BaseModel):
    exchange_id: str = Field(description="对接 ID")
    seekers_total: int = Field(description="求职清单人数")
    wants_work: int = Field(description="其中有就业意愿的人数")
    by_desired_occupation: list[CountOut] = Field(description="按意向职业（已归一化）统计")
    by_skill: list[CountOut] = Field(description="按技能统计")
    by_mobility: list[CountOut] = Field(description="按外出意愿统计")
    by_training_need: list[CountOut] = Field(description="按培训需求统计")
    unrecognised_phrases: list[PhraseOut] = Field(
        description="职业词库未能识别的技能或意向原文，供补充同义词"
    )


class MatchRunOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str = Field(description="匹配批次 ID")
    exchange_id: str = Field(description="对接 ID")
    status: Literal["running", "succeeded", "failed"] = Field(description="批次状态")
    per_seeker: int = Field(description="每人推荐数")
    seekers_count: int = Field(description="参与匹配的求职者数")
    jobs_count: int = Field(description="参与匹配的岗位数")
    created_count: int = Field(description="本次新建的推荐数")
    replaced_count: int = Field(description="被替换（删除）的未处理推荐数")
    kept_count: int = Field(description="保留的已处理推荐数")
    seekers_without_match: int = Field(description="有就业意愿但没有合适岗位的人数")
    scoring_ms: int = Field(description="评分耗时（毫秒）")
    writing_ms: int = Field(description="写库耗时（毫秒）")
    started_at: LocalDatetime = Field(description="开始时间")
    finished_at: LocalDatetime | None = Field(description="完成时间")


class JobSummaryOut(BaseModel):
    id: str = Field(description="岗位 ID")
    title: str = Field(description="岗位名称")
    occupation: str | None = Field(description="职业（工种）")
    employer_id: str = Field(description="用人单位 ID")
    employer_name: str = Field(description="用人单位名称")
    region_code: str = Field(description="工作地行政区划代码")
    salary_min: int = Field(description="月薪下限（元）")
    salary_max: int = Field(description="月薪上限（元）")
    housing_provided: bool = Field(description="是否提供住宿")
    meals_provided: bool = Field(description="是否提供餐食")
    headcount: int = Field(description="招聘人数")


class MatchOut(BaseModel):
    id: str = Field(description="推荐 ID")
    exchange_id: str = Field(description="对接 ID")
    seeker: SeekerFullOut | SeekerMaskedOut = Field(description="求职者（按调用方角色脱敏）")
    job: JobSummaryOut = Field(description="岗位摘要")
    score: float = Field(description="匹配分（0–100）")
    rank: int = Field(description="在该求职者推荐列表中的名次（1 为最佳）")
    components: dict[str, float] = Field(
        description="分项得分（0–1）：skill、location、salary、housing、wording 等，含义同匹配预览"
    )
    reasons: list[str] = Field(description="推荐理由")
    status: MatchStatus = Field(
        description="状态：proposed 待确认 → accepted 同意 / declined 拒绝 → interviewing 面试中 → "
        "offered 拟录用 / rejected 未通过 → hired 已录用；hired 之前任一方可 withdrawn 撤回"
    )
    start_date: date | None = Field(description="到岗日期（hired 时）")
    note: str | None = Field(description="最近一次变更说明")
    history: list[HistoryOut] | None = Field(default=None, description="状态变更记录（仅单个获取时返回）")
    created_at: LocalDatetime = Field(description="创建时间")
    updated_at: LocalDatetime = Field(description="更新时间")


class MatchPage(BaseModel):
    items: list[MatchOut] = Field(description="本页数据")
    next_cursor: str | None = Field(description="下一页游标")


class MatchPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: MatchStatus = Field(description="目标状态")
    note: str | None = Field(default=None, max_length=1000, description="说明")
    start_date: date | None = Field(default=None, description="到岗日期；变更为 hired 时必填")
