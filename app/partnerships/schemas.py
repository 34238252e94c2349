from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.core.periods import PERIOD_PATTERN


class PartnershipCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    receiving_region_code: str = Field(
        pattern=r"^\d{6}$", description="输入地（帮扶方）行政区划代码", examples=["120105"]
    )
    sending_region_code: str = Field(
        pattern=r"^\d{6}$", description="输出地（受帮扶县）行政区划代码", examples=["620521"]
    )
    agreement_no: str | None = Field(default=None, max_length=100, description="劳务协作协议编号")
    valid_from: date = Field(description="协议生效日期")
    valid_to: date | None = Field(default=None, description="协议截止日期；为空表示长期有效")

    @model_validator(mode="after")
    def _dates(self) -> PartnershipCreate:
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError("valid_to 不能早于 valid_from")
        if self.receiving_region_code == self.sending_region_code:
            raise ValueError("输入地与输出地不能相同")
        return self


class PartnershipPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    agreement_no: str | None = Field(default=None, max_length=100, description="劳务协作协议编号")
    valid_to: date | None = Field(default=None, description="协议截止日期（提前终止时填写）")


class PartnershipOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str = Field(description="结对关系 ID")
    receiving_region_code: str = Field(description="输入地行政区划代码")
    sending_region_code: str = Field(description="输出地行政区划代码")
    agreement_no: str | None = Field(description="协议编号")
    valid_from: date = Field(description="生效日期")
    valid_to: date | None = Field(description="截止日期")
    active: bool = Field(description="今天是否有效")
    created_at: datetime = Field(description="创建时间")
    updated_at: datetime = Field(description="更新时间")


class TargetCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    receiving_region_code: str = Field(pattern=r"^\d{6}$", description="输入地行政区划代码")
    period: str = Field(pattern=PERIOD_PATTERN, description="期间：2019、2019-H1、2019-Q3 或 2019-07")
    jobs_to_provide: int = Field(default=0, ge=0, le=10_000_000, description="应提供岗位数")
    employed_in_receiving: int = Field(
        default=0, ge=0, le=10_000_000, description="来津（来输入地）就业目标人数"
    )
    employed_locally: int = Field(default=0, ge=0, le=10_000_000, description="就近就地就业目标人数")
    employed_elsewhere: int = Field(default=0, ge=0, le=10_000_000, description="转移其他地区就业目标人数")


class TargetPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    jobs_to_provide: int | None = Field(default=None, ge=0, le=10_000_000, description="应提供岗位数")
    employed_in_receiving: int | None = Field(default=None, ge=0, le=10_000_000, description="来津就业目标")
    employed_locally: int | None = Field(default=None, ge=0, le=10_000_000, description="就近就地就业目标")
    employed_elsewhere: int | None = Field(
        default=None, ge=0, le=10_000_000, description="转移其他地区就业目标"
    )


class TargetOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str = Field(description="目标 ID")
    receiving_region_code: str = Field(description="输入地行政区划代码")
    period: str = Field(description="期间")
    jobs_to_provide: int = Field(description="应提供岗位数")
    employed_in_receiving: int = Field(description="来津就业目标")
    employed_locally: int = Field(description="就近就地就业目标")
    employed_elsewhere: int = Field(description="转移其他地区就业目标")
    created_at: datetime = Field(description="创建时间")
    updated_at: datetime = Field(description="更新时间")


class PartnershipPage(BaseModel):
    items: list[PartnershipOut] = Field(description="本页数据")
    next_cursor: str | None = Field(description="下一页游标")


class TargetPage(BaseModel):
    items: list[TargetOut] = Field(description="本页数据")
    next_cursor: str | None = Field(description="下一页游标")
