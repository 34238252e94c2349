from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

RoleName = Literal["admin", "sending", "receiving", "scheduler"]


class ApiKeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, description="密钥名称（用途或对接系统）")
    role: RoleName = Field(
        description="角色：admin 管理员、sending 输出地、receiving 输入地、scheduler 面试排期"
    )
    region_code: str | None = Field(
        default=None, pattern=r"^\d{6}$", description="绑定的行政区划代码（输出地、输入地、排期角色必填）"
    )


class ApiKeyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str = Field(description="密钥 ID")
    name: str = Field(description="密钥名称")
    role: RoleName = Field(description="角色")
    region_code: str | None = Field(description="绑定的行政区划代码")
    prefix: str = Field(description="密钥前缀，便于辨认（不是密钥本身）")
    created_at: datetime = Field(description="创建时间")
    revoked_at: datetime | None = Field(description="吊销时间；未吊销为 null")


class ApiKeyCreated(ApiKeyOut):
    key: str = Field(description="密钥明文，只在创建时显示这一次，请妥善保存")


class ApiKeyPage(BaseModel):
    items: list[ApiKeyOut] = Field(description="本页数据")
    next_cursor: str | None = Field(description="下一页游标")
