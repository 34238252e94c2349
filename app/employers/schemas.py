"""Employers and jobs (岗位供给清单) as the API sees them."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from app.core.identity import parse_uscc
from app.core.importing import (
    LocalTime,
    Mobile,
    Mode,
    OptionalLocalTime,
    RegionCode,
    Text50,
    Text64,
    Text100,
    Text200,
    Text2000,
    TextList,
)

EmployerKind = Literal["ordinary", "poverty_base", "workshop", "community_factory", "soe"]
Education = Literal["none", "primary", "junior_high", "senior_high", "vocational", "college", "bachelor"]
JobStatus = Literal["open", "closed"]


def _uscc(value: object) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_uscc(value)


Uscc = Annotated[str, BeforeValidator(_uscc)]
OptionalUscc = Annotated[str | None, BeforeValidator(_uscc)]

_KIND = "单位类型：ordinary 普通企业、poverty_base 就业扶贫基地、workshop 扶贫车间、community_factory 社区工厂、soe 国有企业"
_PHONE = "联系人手机号；仅所属输入地可见（每次查看写入审计日志），其他调用方为 null，见 contact_phone_masked"


class EmployerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Text200 = Field(description="单位名称", examples=["天津某某电气有限公司"])
    uscc: Uscc = Field(
        description="统一社会信用代码（GB 32100 校验）；本地区内唯一", examples=["91120105MA0511111Q"]
    )
    region_code: RegionCode = Field(description="单位所在县（区）行政区划代码", examples=["120105"])
    kind: EmployerKind = Field(default="ordinary", description=_KIND)
    contact_name: Text50 | None = Field(default=None, description="联系人")
    contact_phone: Mobile = Field(default=None, description="联系人手机号（大陆手机）")


class EmployerPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Text200 | None = Field(default=None, description="单位名称")
    uscc: OptionalUscc = Field(default=None, description="统一社会信用代码")
    region_code: RegionCode | None = Field(default=None, description="单位所在县（区）行政区划代码")
    kind: EmployerKind | None = Field(default=None, description=_KIND)
    contact_name: Text50 | None = Field(default=None, description="联系人；null 清空")
    contact_phone: Mobile = Field(default=None, description="联系人手机号；null 清空")


class EmployerOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str = Field(description="用人单位 ID")
    owner_region_code: str = Field(description="所属输入地行政区划代码")
    name: str = Field(description="单位名称")
    uscc: str = Field(description="统一社会信用代码")
    region_code: str = Field(description="单位所在地行政区划代码")
    kind: EmployerKind = Field(description=_KIND)
    contact_name: str | None = Field(description="联系人")
    contact_phone: str | None = Field(default=None, description=_PHONE)
    contact_phone_masked: str | None = Field(description="脱敏的联系人手机号")
    created_at: LocalTime = Field(description="创建时间")
    updated_at: LocalTime = Field(description="更新时间")
    deleted_at: OptionalLocalTime = Field(description="删除时间（墓碑）")


class EmployerPage(BaseModel):
    items: list[EmployerOut] = Field(description="本页数据")
    next_cursor: str | None = Field(description="下一页游标")


_J = {
    "external_id": "本区系统中的岗位编号；本地区内唯一，批量导入按它更新",
    "employer_id": "用人单位 ID（须为本地区登记的单位）；与 employer_uscc 二选一",
    "employer_uscc": "用人单位统一社会信用代码；与 employer_id 二选一，单位须已在本地区登记",
    "title": "岗位名称",
    "occupation": "工种",
    "description": "岗位描述",
    "skills_required": "技能要求",
    "headcount": "招聘人数（≥1）",
    "region_code": "工作地所在县（区）行政区划代码",
    "address": "工作地址",
    "salary_min": "月薪下限（元/月），不高于 salary_max",
    "salary_max": "月薪上限（元/月）",
    "housing_provided": "是否提供住宿",
    "meals_provided": "是否提供餐食",
    "age_min": "最低年龄",
    "age_max": "最高年龄，不低于 age_min",
    "education_min": "最低学历（取值同求职者 education）",
    "public_welfare": "是否公益性岗位",
    "valid_until": "有效期至",
    "status": "状态：open 招聘中、closed 已关闭",
}


class JobIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    external_id: Text64 = Field(description=_J["external_id"], examples=["HB-2019-0001"])
    employer_id: Text64 | None = Field(default=None, description=_J["employer_id"])
    employer_uscc: OptionalUscc = Field(default=None, description=_J["employer_uscc"])
    title: Text100 = Field(description=_J["title"], examples=["电焊工"])
    occupation: Text100 | None = Field(default=None, description=_J["occupation"])
    description: Text2000 | None = Field(default=None, description=_J["description"])
    skills_required: TextList = Field(default_factory=list, description=_J["skills_required"])
    headcount: int = Field(ge=1, le=100_000, description=_J["headcount"])
    region_code: RegionCode = Field(description=_J["region_code"], examples=["120105"])
    address: Text200 | None = Field(default=None, description=_J["address"])
    salary_min: int = Field(ge=0, le=1_000_000, description=_J["salary_min"])
    salary_max: int = Field(ge=0, le=1_000_000, description=_J["salary_max"])
    housing_provided: bool = Field(default=False, description=_J["housing_provided"])
    meals_provided: bool = Field(default=False, description=_J["meals_provided"])
    age_min: int | None = Field(default=None, ge=16, le=100, description=_J["age_min"])
    age_max: int | None = Field(default=None, ge=16, le=100, description=_J["age_max"])
    education_min: Education | None = Field(default=None, description=_J["education_min"])
    public_welfare: bool = Field(default=False, description=_J["public_welfare"])
    valid_until: date | None = Field(default=None, description=_J["valid_until"])
    status: JobStatus = Field(default="open", description=_J["status"])


class JobPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    external_id: Text64 | None = Field(default=None, description=_J["external_id"])
    employer_id: Text64 | None = Field(default=None, description=_J["employer_id"])
    employer_uscc: OptionalUscc = Field(default=None, description=_J["employer_uscc"])
    title: Text100 | None = Field(default=None, description=_J["title"])
    occupation: Text100 | None = Field(default=None, description=_J["occupation"])
    description: Text2000 | None = Field(default=None, description=_J["description"])
    skills_required: TextList | None = Field(default=None, description=_J["skills_required"])
    headcount: int | None = Field(default=None, ge=1, le=100_000, description=_J["headcount"])
    region_code: RegionCode | None = Field(default=None, description=_J["region_code"])
    address: Text200 | None = Field(default=None, description=_J["address"])
    salary_min: int | None = Field(default=None, ge=0, le=1_000_000, description=_J["salary_min"])
    salary_max: int | None = Field(default=None, ge=0, le=1_000_000, description=_J["salary_max"])
    housing_provided: bool | None = Field(default=None, description=_J["housing_provided"])
    meals_provided: bool | None = Field(default=None, description=_J["meals_provided"])
    age_min: int | None = Field(default=None, ge=16, le=100, description=_J["age_min"])
    age_max: int | None = Field(default=None, ge=16, le=100, description=_J["age_max"])
    education_min: Education | None = Field(default=None, description=_J["education_min"])
    public_welfare: bool | None = Field(default=None, description=_J["public_welfare"])
    valid_until: date | None = Field(default=None, description=_J["valid_until"])
    status: JobStatus | None = Field(default=None, description=_J["status"])


class JobOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str = Field(description="岗位 ID")
    owner_region_code: str = Field(description="所属输入地行政区划代码")
    external_id: str = Field(description=_J["external_id"])
    employer_id: str = Field(description="用人单位 ID")
    employer_name: str | None = Field(default=None, description="用人单位名称")
    title: str = Field(description=_J["title"])
    occupation: str | None = Field(description=_J["occupation"])
    description: str | None = Field(description=_J["description"])
    skills_required: list[str] = Field(description=_J["skills_required"])
    occupation_codes: list[str] = Field(
        description="由岗位名称、工种和技能要求归一得到的职业分类大典代码（供核对）"
    )
    headcount: int = Field(description=_J["headcount"])
    region_code: str = Field(description=_J["region_code"])
    address: str | None = Field(description=_J["address"])
    salary_min: int = Field(description=_J["salary_min"])
    salary_max: int = Field(description=_J["salary_max"])
    housing_provided: bool = Field(description=_J["housing_provided"])
    meals_provided: bool = Field(description=_J["meals_provided"])
    age_min: int | None = Field(description=_J["age_min"])
    age_max: int | None = Field(description=_J["age_max"])
    education_min: Education | None = Field(description=_J["education_min"])
    public_welfare: bool = Field(description=_J["public_welfare"])
    valid_until: date | None = Field(description=_J["valid_until"])
    status: JobStatus = Field(description=_J["status"])
    created_at: LocalTime = Field(description="创建时间")
    updated_at: LocalTime = Field(description="更新时间（删除也会更新）")
    deleted_at: OptionalLocalTime = Field(description="删除时间（墓碑，仅 include_deleted=true 时返回）")


class JobPage(BaseModel):
    items: list[JobOut] = Field(description="本页数据")
    next_cursor: str | None = Field(description="下一页游标")


class JobBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[Any] = Field(
        description="岗位数组，每项字段同 POST /v1/jobs；逐项校验，错误按序号（从 0 起）报告"
    )
    mode: Mode = Field(default="partial", description="partial：写入无误的项；atomic：任一项出错则全部不写入")
