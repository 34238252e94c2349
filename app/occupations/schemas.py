from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class OccupationHitOut(BaseModel):
    code: str = Field(description="职业分类大典（2022 版）细类代码，如 6-18-02-04", examples=["6-18-02-04"])
    name: str = Field(description="标准职业名称", examples=["焊工"])
    score: float = Field(ge=0, le=100, description="匹配度（0–100），越高越可信")
    matched: str = Field(description="命中的词条（标准名、别名、口语说法或证书）")


class OccupationSearchResult(BaseModel):
    items: list[OccupationHitOut] = Field(description="按匹配度从高到低排列的职业")
    next_cursor: str | None = Field(default=None, description="始终为 null：搜索结果只有一页")


class OccupationOut(BaseModel):
    code: str = Field(description="职业代码")
    name: str = Field(description="标准职业名称")
    aliases: list[str] = Field(description="别名与常见说法")
    open_entry: bool = Field(description="是否零门槛岗位（无需证书，可在岗学习）")


class SynonymsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    phrases: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(
        min_length=1, max_length=200, description="要加入词库的说法，如“烧电焊的”"
    )


class SynonymsOut(BaseModel):
    code: str = Field(description="职业代码")
    added: list[str] = Field(description="新加入的说法")
    existing: list[str] = Field(description="已存在（本次未重复加入）的说法")
