"""Job seekers (求职清单) as the API sees them. ID number is write-only; the phone is shown to its owner."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator

from app.core.identity import parse_id_number
from app.core.importing import (
    LocalTime,
    Mobile,
    Mode,
    OptionalLocalTime,
    RegionCode,
    RegionCodeList,
    Text50,
    Text64,
    TextList,
    choice_list,
)

Education = Literal["none", "primary", "junior_high", "senior_high", "vocational", "college", "bachelor"]
Mobility = Literal["local", "in_province", "cross_province"]
EmploymentStatus = Literal["unemployed", "employed", "in_training"]
Tag = Literal["registered_poor", "zero_employment", "monitored", "marginal", "returned", "relocated", "sanwu"]


def _id_number(value: object) -> str:
    return parse_id_number(value).number


IdNumber = Annotated[str, BeforeValidator(_id_number)]
Tags = Annotated[list[Tag], choice_list(7)]

_D = {
    "external_id": "本县系统中的人员编号；本地区内唯一，批量导入按它更新",
    "name": "姓名",
    "id_number": "18位公民身份号码（GB 11643 校验）；只写不读，响应中只给出脱敏的 id_number_masked",
    "phone": "大陆手机号（11位）",
    "household_id": "户编号（同一家庭的成员相同）",
    "hukou_region_code": "户籍所在县（区）的6位行政区划代码",
    "education": "文化程度：none 文盲或半文盲、primary 小学、junior_high 初中、senior_high 高中、"
    "vocational 中专或技校、college 大专、bachelor 本科及以上",
    "skills": "技能特长（自由文本，去重）",
    "certificates": "持有证书",
    "desired_occupations": "意向工种",
    "wants_work": "就业意愿：是否愿意就业",
    "mobility": "外出意愿：local 就近就地、in_province 省内、cross_province 跨省",
    "preferred_region_codes": "意向就业地区代码（省、市、县均可；省或市代码覆盖其下所有县）",
    "expected_salary": "期望月薪（元/月）",
    "needs_housing": "是否需要住宿",
    "available_from": "可到岗日期",
    "employment_status": "就业状态：unemployed 未就业、employed 已就业、in_training 培训中",
    "tags": "人员类别：registered_poor 建档立卡、zero_employment 零就业家庭、monitored 监测户、"
    "marginal 边缘户、returned 回流人员、relocated 易地搬迁、sanwu 三无人员",
    "training_needs": "培训需求",
}


class SeekerIn(BaseModel):
    """One labourer, as posted by a sending county (also one item of a batch or one spreadsheet row)."""

    model_config = ConfigDict(extra="forbid")

    external_id: Text64 = Field(description=_D["external_id"], examples=["QS-2019-0001"])
    name: Text50 = Field(description=_D["name"], examples=["张三"])
    id_number: IdNumber = Field(description=_D["id_number"], examples=["620521199001010012"])
    phone: Mobile = Field(default=None, description=_D["phone"], examples=["13912345678"])
    household_id: Text64 | None = Field(default=None, description=_D["household_id"])
    hukou_region_code: RegionCode = Field(description=_D["hukou_region_code"], examples=["620521"])
    education: Education | None = Field(default=None, description=_D["education"])
    skills: TextList = Field(default_factory=list, description=_D["skills"], examples=[["电焊", "叉车"]])
    certificates: TextList = Field(default_factory=list, description=_D["certificates"])
    desired_occupations: TextList = Field(default_factory=list, description=_D["desired_occupations"])
    wants_work: bool = Field(default=True, description=_D["wants_work"])
    mobility: Mobility = Field(default="cross_province", description=_D["mobility"])
    preferred_region_codes: RegionCodeList = Field(
        default_factory=list, description=_D["preferred_region_codes"]
    )
    expected_salary: int | None = Field(default=None, ge=0, le=1_000_000, description=_D["expected_salary"])
    needs_housing: bool = Field(default=False, description=_D["needs_housing"])
    available_from: date | None = Field(default=None, description=_D["available_from"])
    employment_status: EmploymentStatus = Field(default="unemployed", description=_D["employment_status"])
    tags: Tags = Field(default_factory=list, description=_D["tags"])
    training_needs: TextList = Field(default_factory=list, description=_D["training_needs"])
    gender: Literal["male", "female"] | None = Field(
        default=None,
        validate_default=True,
        description="性别：可不填，由身份证号得出；填写时须与身份证号一致",
    )
    birth_date: date | None = Field(
        default=None,
        validate_default=True,
        description="出生日期：可不填，由身份证号得出；填写时须与身份证号一致",
    )

    @field_validator("gender", "birth_date")
    @classmethod
    def _derived_from_id_number(cls, value: Any, info: ValidationInfo) -> Any:
        # Clients that echo a full record back send gender and birth date too: accept them when they agree
        # with the ID number; what is stored is always what the ID number says.
        raw = info.data.get("id_number")
        if raw is None:  # the ID number itself failed and is reported on its own
            return value
        derived = getattr(parse_id_number(raw), str(info.field_name))
        if value is not None and value != derived:
            raise ValueError("与身份证号不一致")
        return derived


class SeekerPatch(BaseModel):
    """Fields to change; absent fields stay. ``null`` clears an optional field."""

    model_config = ConfigDict(extra="forbid")

    external_id: Text64 | None = Field(default=None, description=_D["external_id"])
    name: Text50 | None = Field(default=None, description=_D["name"])
    id_number: IdNumber | None = Field(default=None, description=_D["id_number"])
    phone: Mobile = Field(default=None, description=_D["phone"])
    household_id: Text64 | None = Field(default=None, description=_D["household_id"])
    hukou_region_code: RegionCode | None = Field(default=None, description=_D["hukou_region_code"])
    education: Education | None = Field(default=None, description=_D["education"])
    skills: TextList | None = Field(default=None, description=_D["skills"])
    certificates: TextList | None = Field(default=None, description=_D["certificates"])
    desired_occupations: TextList | None = Field(default=None, description=_D["desired_occupations"])
    wants_work: bool | None = Field(default=None, description=_D["wants_work"])
    mobility: Mobility | None = Field(default=None, description=_D["mobility"])
    preferred_region_codes: RegionCodeList | None = Field(
        default=None, description=_D["preferred_region_codes"]
    )
    expected_salary: int | None = Field(default=None, ge=0, le=1_000_000, description=_D["expected_salary"])
    needs_housing: bool | None = Field(default=None, description=_D["needs_housing"])
    available_from: date | None = Field(default=None, description=_D["available_from"])
    employment_status: EmploymentStatus | None = Field(default=None, description=_D["employment_status"])
    tags: Tags | None = Field(default=None, description=_D["tags"])
    training_needs: TextList | None = Field(default=None, description=_D["training_needs"])


class SeekerOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str = Field(description="求职者 ID")
    owner_region_code: str = Field(description="所属输出地（报送县）行政区划代码")
    external_id: str = Field(description=_D["external_id"])
    name: str = Field(description=_D["name"])
    id_number_masked: str = Field(description="脱敏的身份证号，如 620521********1234；完整号码任何人都不可读")
    phone: str | None = Field(
        default=None,
        description="手机号：仅数据所属输出地可见（每次查看写入审计日志）；其他调用方为 null，见 phone_masked",
    )
    phone_masked: str | None = Field(description="脱敏的手机号，如 139****5678")
    gender: Literal["male", "female"] = Field(description="性别（由身份证号得出）")
    birth_date: date = Field(description="出生日期（由身份证号得出）")
    household_id: str | None = Field(description=_D["household_id"])
    hukou_region_code: str = Field(description=_D["hukou_region_code"])
    education: Education | None = Field(description=_D["education"])
    skills: list[str] = Field(description=_D["skills"])
    certificates: list[str] = Field(description=_D["certificates"])
    desired_occupations: list[str] = Field(description=_D["desired_occupations"])
    occupation_codes: list[str] = Field(
        description="由技能、意向工种和证书归一得到的职业分类大典代码（供核对）", examples=[["6-18-02-04"]]
    )
    wants_work: bool = Field(description=_D["wants_work"])
    mobility: Mobility = Field(description=_D["mobility"])
    preferred_region_codes: list[str] = Field(description=_D["preferred_region_codes"])
    expected_salary: int | None = Field(description=_D["expected_salary"])
    needs_housing: bool = Field(description=_D["needs_housing"])
    available_from: date | None = Field(description=_D["available_from"])
    employment_status: EmploymentStatus = Field(description=_D["employment_status"])
    tags: list[str] = Field(description=_D["tags"])
    training_needs: list[str] = Field(description=_D["training_needs"])
    created_at: LocalTime = Field(description="创建时间")
    updated_at: LocalTime = Field(description="更新时间（删除也会更新）")
    deleted_at: OptionalLocalTime = Field(
        description="删除时间；非空表示已删除（墓碑记录，仅 include_deleted=true 时返回）"
    )


class SeekerPage(BaseModel):
    items: list[SeekerOut] = Field(description="本页数据")
    next_cursor: str | None = Field(description="下一页游标；为 null 表示没有更多数据")


class SeekerBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[Any] = Field(
        description="求职者数组，每项字段同 POST /v1/seekers；逐项校验，错误按序号（从 0 起）报告"
    )
    mode: Mode = Field(default="partial", description="partial：写入无误的项；atomic：任一项出错则全部不写入")
