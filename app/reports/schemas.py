from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

ReportFormat = Literal["json", "xlsx", "csv"]
ShortfallKind = Literal["no_service", "under_3_recommendations", "household_under_3_services"]


class OutcomeProgress(BaseModel):
    target: int | None = Field(description="任务数（该期间的目标；未设定目标时为空）")
    achieved: int = Field(description="完成数：期间内到岗的劳动力人数，每人每类每期只计一次")
    rate: float | None = Field(description="完成率（%，保留一位小数）；无目标或目标为 0 时为空")


class JobsProgress(BaseModel):
    required_by_rule: int = Field(
        description="按“每个输入地每年提供 1000 个岗位”折算的应提供岗位数：年 1000，半年 500，季度 250，月 83"
    )
    target: int | None = Field(description="目标中设定的应提供岗位数（未设定目标时为空）")
    provided: int = Field(description="期间内该输入地新发布岗位的招聘人数合计（已删除的岗位不计）")


class ProgressRow(BaseModel):
    region_code: str = Field(description="输入地行政区划代码")
    region_name: str = Field(description="输入地名称")
    employed_in_receiving: OutcomeProgress = Field(description="来津（来输入地）就业")
    employed_locally: OutcomeProgress = Field(description="就近就地就业")
    employed_elsewhere: OutcomeProgress = Field(description="转移其他地区就业")
    jobs: JobsProgress = Field(description="提供岗位")


class ProgressTotals(BaseModel):
    employed_in_receiving: OutcomeProgress = Field(description="来津就业合计")
    employed_locally: OutcomeProgress = Field(description="就近就地就业合计")
    employed_elsewhere: OutcomeProgress = Field(description="转移其他地区就业合计")
    jobs: JobsProgress = Field(description="提供岗位合计")


class ProgressReport(BaseModel):
    period: str = Field(description="期间：2019、2019-H1、2019-Q3 或 2019-07")
    first_day: date = Field(description="期间第一天")
    last_day: date = Field(description="期间最后一天")
    rows: list[ProgressRow] = Field(description="每个输入地一行：有该期间目标或有结对关系的输入地")
    totals: ProgressTotals = Field(description="合计行（各行之和）")
    generated_at: datetime = Field(description="生成时间")


class ServicesRow(BaseModel):
    region_code: str = Field(description="输出地（县）行政区划代码")
    region_name: str = Field(description="输出地名称")
    seekers_wanting_work: int = Field(description="有就业意愿的劳动力人数（未删除、期末前已登记）")
    seekers_served: int = Field(description="其中本期至少获得 1 次就业服务的人数")
    seekers_not_served: int = Field(description="其中本期未获得就业服务的人数")
    zero_employment_households: int = Field(
        description="零就业家庭户数（标记为零就业家庭的劳动力按户号去重）"
    )
    zero_employment_households_served_3: int = Field(description="其中本期全户获得至少 3 次就业服务的户数")
    seekers_under_3_recommendations: int = Field(description="有就业意愿但本期推荐岗位不足 3 个的人数")


class ServicesTotals(BaseModel):
    seekers_wanting_work: int = Field(description="有就业意愿人数合计")
    seekers_served: int = Field(description="获得服务人数合计")
    seekers_not_served: int = Field(description="未获服务人数合计")
    zero_employment_households: int = Field(description="零就业家庭户数合计")
    zero_employment_households_served_3: int = Field(description="获得至少 3 次服务的零就业家庭户数合计")
    seekers_under_3_recommendations: int = Field(description="推荐岗位不足 3 个人数合计")


class Shortfall(BaseModel):
    seeker_id: str = Field(description="劳动力 ID")
    external_id: str = Field(description="输出地编号")
    name_masked: str = Field(description="姓名（脱敏）")
    region_code: str = Field(description="输出地行政区划代码")
    household_id: str | None = Field(description="户编号")
    wants_work: bool = Field(description="是否有就业意愿")
    zero_employment: bool = Field(description="是否零就业家庭成员")
    services: int = Field(description="本期获得就业服务次数")
    recommendations: int = Field(description="本期推荐岗位个数")
    household_services: int | None = Field(description="零就业家庭本期全户获得服务次数（非零就业家庭为空）")
    missing: list[ShortfallKind] = Field(
        description="缺项：no_service 本期未获服务；under_3_recommendations 推荐岗位不足 3 个；"
        "household_under_3_services 零就业家庭全户服务不足 3 次"
    )
    missing_text: str = Field(description="缺项说明（中文）")


class ServicesReport(BaseModel):
    period: str = Field(description="期间")
    first_day: date = Field(description="期间第一天")
    last_day: date = Field(description="期间最后一天")
    rows: list[ServicesRow] = Field(description="每个输出地一行")
    totals: ServicesTotals = Field(description="合计行")
    shortfalls: list[Shortfall] = Field(
        description="待补服务名单（按输出地、户、编号排序），供经办人逐一联系"
    )
    shortfalls_total: int = Field(description="待补服务名单总人数")
    shortfalls_truncated: bool = Field(description="名单是否因 shortfall_limit 被截断（下载表格可得全部）")
    generated_at: datetime = Field(description="生成时间")


class TrainingNeedRow(BaseModel):
    region_code: str = Field(description="输出地行政区划代码")
    region_name: str = Field(description="输出地名称")
    training_need: str = Field(description="培训需求（工种或项目）")
    seekers: int = Field(description="有该培训需求的劳动力人数")


class TrainingNeedTotal(BaseModel):
    training_need: str = Field(description="培训需求")
    seekers: int = Field(description="各输出地合计人数")


class TrainingRegionTotal(BaseModel):
    region_code: str = Field(description="输出地行政区划代码")
    region_name: str = Field(description="输出地名称")
    seekers: int = Field(description="该输出地有培训需求的劳动力人数（每人只计一次）")


class TrainingNeedsReport(BaseModel):
    month: str = Field(description="月份，如 2020-10")
    as_of: date = Field(description="统计截止日（该月最后一天）")
    rows: list[TrainingNeedRow] = Field(description="按输出地、培训需求分列的人数")
    by_need: list[TrainingNeedTotal] = Field(description="按培训需求汇总（人数从多到少）")
    by_region: list[TrainingRegionTotal] = Field(description="按输出地汇总")
    total_seekers: int = Field(description="有培训需求的劳动力总人数（每人只计一次）")
    generated_at: datetime = Field(description="生成时间")
