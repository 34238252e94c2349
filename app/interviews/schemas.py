from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from app.exchanges.schemas import HistoryOut, LocalDatetime

Mode = Literal["remote", "onsite"]
InterviewStatus = Literal["scheduled", "cancelled", "completed", "no_show"]
Outcome = Literal["passed", "failed"]
_URL = r"^https?://\S+$"


class InterviewCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    match_id: str = Field(min_length=1, max_length=32, description="推荐 ID（须劳动者已同意）")
    mode: Mode = Field(description="面试方式：remote 远程视频、onsite 现场")
    starts_at: AwareDatetime = Field(
        description="开始时间（RFC 3339，须带时区）", examples=["2020-10-12T09:00:00+08:00"]
    )
    duration_minutes: int = Field(ge=5, le=480, description="时长（分钟，5–480）")
    interviewer: str = Field(min_length=1, max_length=100, description="面试官（同一输入地内同名视为同一人）")
    meeting_url: str | None = Field(default=None, max_length=500, pattern=_URL, description="视频会议链接")
    location: str | None = Field(
        default=None, max_length=200, description="面试地点（现场面试或劳动者集中收看点）"
    )
    note: str | None = Field(default=None, max_length=1000, description="说明")


class InterviewPatch(BaseModel):
    """Either a reschedule (time, duration, interviewer, place) or a status change, not both."""

    model_config = ConfigDict(extra="forbid")

    starts_at: AwareDatetime | None = Field(default=None, description="新的开始时间（改期）")
    duration_minutes: int | None = Field(default=None, ge=5, le=480, description="新的时长（分钟）")
    interviewer: str | None = Field(default=None, min_length=1, max_length=100, description="新的面试官")
    mode: Mode | None = Field(default=None, description="面试方式")
    meeting_url: str | None = Field(default=None, max_length=500, pattern=_URL, description="视频会议链接")
    location: str | None = Field(default=None, max_length=200, description="面试地点")
    status: Literal["cancelled", "completed", "no_show"] | None = Field(
        default=None, description="状态变更：cancelled 取消、completed 已完成（须填 outcome）、no_show 缺席"
    )
    outcome: Outcome | None = Field(default=None, description="面试结果：passed 通过、failed 未通过")
    note: str | None = Field(default=None, max_length=1000, description="说明")

    @model_validator(mode="after")
    def _consistent(self) -> InterviewPatch:
        moves = {"starts_at", "duration_minutes", "interviewer"} & self.model_fields_set
        if self.status is not None and moves:
            raise ValueError("改期与状态变更请分两次提交")
        if self.status == "completed" and self.outcome is None:
            raise ValueError("status 为 completed 时须填写 outcome（passed 或 failed）")
        if self.outcome is not None and self.status != "completed":
            raise ValueError("只有 status 为 completed 时才能填写 outcome")
        return self


class InterviewOut(BaseModel):
    id: str = Field(description="面试 ID")
    match_id: str = Field(description="推荐 ID")
    exchange_id: str = Field(description="对接 ID")
    seeker_id: str = Field(description="求职者 ID")
    seeker_name: str = Field(description="求职者姓名（脱敏）")
    job_title: str = Field(description="岗位名称")
    mode: Mode = Field(description="面试方式")
    starts_at: LocalDatetime = Field(description="开始时间（Asia/Shanghai）")
    ends_at: LocalDatetime = Field(description="结束时间（Asia/Shanghai）")
    duration_minutes: int = Field(description="时长（分钟）")
    interviewer: str = Field(description="面试官")
    meeting_url: str | None = Field(description="视频会议链接")
    location: str | None = Field(description="面试地点")
    status: InterviewStatus = Field(
        description="状态：scheduled 已安排、cancelled 已取消、completed 已完成、no_show 缺席"
    )
    outcome: Outcome | None = Field(description="面试结果")
    note: str | None = Field(description="说明")
    sequence: int = Field(description="日历修订号（iCalendar SEQUENCE，每次改期或取消加一）")
    history: list[HistoryOut] | None = Field(default=None, description="状态变更记录（仅单个获取时返回）")
    created_at: LocalDatetime = Field(description="创建时间")
    updated_at: LocalDatetime = Field(description="更新时间")


class InterviewPage(BaseModel):
    items: list[InterviewOut] = Field(description="本页数据")
    next_cursor: str | None = Field(description="下一页游标")
