from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class RegionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str = Field(description="GB/T 2260 六位行政区划代码", examples=["620521"])
    name: str = Field(description="名称", examples=["清水县"])
    full_name: str = Field(description="全称（含上级）", examples=["甘肃省天水市清水县"])
    short_name: str = Field(description="简称", examples=["清水"])
    level: Literal["province", "city", "county"] = Field(
        description="层级：省级 province、地级 city、县级 county"
    )
    parent_code: str | None = Field(description="上级区划代码")
    retired: bool = Field(description="是否已撤销（历史代码）")
    replaced_by: str | None = Field(description="撤销后由哪个代码承继（已知时）")
