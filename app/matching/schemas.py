"""API shapes of the matching preview (stateless, no personal data)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Code6 = Annotated[str, Field(pattern=r"^\d{6}$")]
Phrase = Annotated[str, Field(min_length=1, max_length=100)]
Education = Literal["none", "primary", "junior_high", "senior_high", "vocational", "college", "bachelor"]
Tag = Literal["registered_poor", "zero_employment", "monitored", "marginal", "returned", "relocated", "sanwu"]


class PreviewSeeker(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ref: str = Field(
        min_length=1, max_length=64, description="调用方自定的求职者引用（不要填写身份证号等个人信息）"
    )
    skills: list[Phrase] = Field(
        default_factory=list, max_length=30, description="技能特长，口语亦可，如“会电焊”"
    )
    desired_occupations: list[Phrase] = Field(default_factory=list, max_length=30, description="意向工种")
    certificates: list[Phrase] = Field(default_factory=list, max_length=30, description="证书，如“叉车证”")
    hukou_region_code: Code6 = Field(description="户籍地县级区划代码")
    mobility: Literal["local", "in_province", "cross_province"] = Field(
        description="外出意愿：local 就近就地（本县）、in_province 省内、cross_province 跨省"
    )
    preferred_region_codes: list[Code6] = Field(
        default_factory=list, max_length=50, description="意向地区代码（省、市或县级均可）"
    )
    expected_salary: int | None = Field(default=None, ge=0, le=1_000_000, description="期望月薪（元）")
    needs_housing: bool = Field(default=False, description="是否需要住宿")
    birth_date: date | None = Field(default=None, description="出生日期（用于岗位年龄限制）")
    education: Education | None = Field(default=None, description="文化程度")
    tags: list[Tag] = Field(default_factory=list, max_length=7, description="人员类别")


class PreviewJob(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ref: str = Field(min_length=1, max_length=64, description="调用方自定的岗位引用")
    title: str = Field(min_length=1, max_length=100, description="岗位名称，如“电焊工”")
    occupation: str | None = Field(
        default=None, max_length=100, description="工种名称或职业分类代码（如 6-18-02-04）"
    )
    skills_required: list[Phrase] = Field(default_factory=list, max_length=30, description="技能要求")
    region_code: Code6 = Field(description="工作地区划代码")
    salary_min: int = Field(ge=0, le=1_000_000, description="月薪下限（元）")
    salary_max: int = Field(ge=0, le=1_000_000, description="月薪上限（元）")
    housing_provided: bool = Field(default=False, description="是否提供住宿")
    headcount: int = Field(default=1, ge=1, le=100_000, description="招聘人数")
    age_min: int | None = Field(default=None, ge=14, le=100, description="最低年龄")
    age_max: int | None = Field(default=None, ge=14, le=100, description="最高年龄")
    education_min: Education | None = Field(default=None, description="最低学历")
    public_welfare: bool = Field(default=False, description="是否公益性岗位（只面向本县户籍劳动力）")

    @model_validator(mode="after")
    def _ranges(self) -> PreviewJob:
        if self.salary_min > self.salary_max:
            raise ValueError("salary_min 不能大于 salary_max")
        if self.age_min is not None and self.age_max is not None and self.age_min > self.age_max:
            raise ValueError("age_min 不能大于 age_max")
        return self


class PreviewRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    seekers: list[PreviewSeeker] = Field(
        min_length=1, max_length=2000, description="求职者（不含个人身份信息）"
    )
    jobs: list[PreviewJob] = Field(min_length=1, max_length=5000, description="岗位")
    per_seeker: int = Field(default=3, ge=1, le=50, description="每人至少推荐的岗位数")

    @model_validator(mode="after")
    def _unique_refs(self) -> PreviewRequest:
        if len({s.ref for s in self.seekers}) != len(self.seekers):
            raise ValueError("seekers 中的 ref 不能重复")
        if len({j.ref for j in self.jobs}) != len(self.jobs):
            raise ValueError("jobs 中的 ref 不能重复")
        return self


class PreviewMatch(BaseModel):
    job_ref: str = Field(description="岗位引用")
    score: float = Field(ge=0, le=100, description="匹配得分（0–100）")
    components: dict[str, float] = Field(
        description="分项得分（0–1）：skill 技能/工种契合、location 地点、salary 薪资、housing 住宿、meals 餐食、open_entry 零门槛、wording 措辞相近（求职者原话与岗位名称、技能要求的文字相似度；工种判读未到满分时，它补足其余部分）；"
        "求职者填写了求职意向时另有 willingness 意愿（1 为其意向工种，0 为意向之外、仅凭技能可做的工种；意向之外的岗位排在意向岗位之后）"
    )
    reasons: list[str] = Field(description="推荐理由（中文）")


class PreviewResult(BaseModel):
    seeker_ref: str = Field(description="求职者引用")
    matches: list[PreviewMatch] = Field(description="按得分从高到低排列的推荐岗位")


class PreviewResponse(BaseModel):
    results: list[PreviewResult] = Field(description="每位求职者的推荐结果，顺序与请求一致")
