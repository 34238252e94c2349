from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from app.exchanges.schemas import LocalDatetime

Category = Literal["in_receiving", "local", "elsewhere"]
ServiceKind = Literal["job_info", "recommendation", "interview", "training", "policy", "guidance", "other"]


class PlacementCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    seeker_id: str = Field(min_length=1, max_length=32, description="本县求职者 ID")
    employer_name: str = Field(min_length=1, max_length=200, description="用人单位名称")
    region_code: str = Field(pattern=r"^\d{6}$", description="工作地行政区划代码")
    started_on: date = Field(description="到岗日期")
    ended_on: date | None = Field(default=None, description="离岗日期（稳岗跟踪）")
    end_reason: str | None = Field(default=None, max_length=200, description="离岗原因")

    @model_validator(mode="after")
    def _dates(self) -> PlacementCreate:
        if self.ended_on is not None and self.ended_on < self.started_on:
            raise ValueError("ended_on 不能早于 started_on")
        return self


class PlacementPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ended_on: date | None = Field(default=None, description="离岗日期；为 null 表示仍在岗")
    end_reason: str | None = Field(default=None, max_length=200, description="离岗原因")


class PlacementOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str = Field(description="就业记录 ID")
    seeker_id: str = Field(description="求职者 ID")
    owner_region_code: str = Field(description="输出地（劳动者所属县）行政区划代码")
    hukou_region_code: str = Field(description="户籍所在地行政区划代码")
    receiving_region_code: str | None = Field(description="成绩归属的结对输入地")
    match_id: str | None = Field(description="来自哪条推荐（录用产生时）")
    job_id: str | None = Field(description="岗位 ID（录用产生时）")
    employer_name: str = Field(description="用人单位名称")
    region_code: str = Field(description="工作地行政区划代码")
    category: Category = Field(
        description="就业类别：in_receiving 来津（来输入地）就业、local 就近就地就业、elsewhere 转移其他地区就业"
    )
    started_on: date = Field(description="到岗日期")
    ended_on: date | None = Field(description="离岗日期")
    end_reason: str | None = Field(description="离岗原因")
    created_at: LocalDatetime = Field(description="创建时间")
    updated_at: LocalDatetime = Field(description="更新时间")


class PlacementPage(BaseModel):
    items: list[PlacementOut] = Field(description="本页数据")
    next_cursor: str | None = Field(description="下一页游标")


class ServiceCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: ServiceKind = Field(
        description="服务类型：job_info 岗位信息、recommendation 岗位推荐、interview 面试组织、training 培训、"
        "policy 政策宣传、guidance 职业指导、other 其他"
    )
    occurred_at: AwareDatetime = Field(description="服务时间（RFC 3339，含时区）")
    note: str | None = Field(default=None, max_length=1000, description="说明")


class ServiceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str = Field(description="服务记录 ID")
    seeker_id: str = Field(description="求职者 ID")
    kind: str = Field(description="服务类型")
    occurred_at: LocalDatetime = Field(description="服务时间")
    note: str | None = Field(description="说明")
    source: Literal["manual", "match_run"] = Field(
        description="来源：manual 手工登记、match_run 匹配推荐自动记录"
    )
    match_id: str | None = Field(description="对应的推荐 ID（自动记录时）")
    created_at: LocalDatetime = Field(description="创建时间")
    updated_at: LocalDatetime = Field(description="更新时间")


class ServicePage(BaseModel):
    items: list[ServiceOut] = Field(description="本页数据")
    next_cursor: str | None = Field(description="下一页游标")
