"""RFC 5545 calendars of interviews, for Outlook and phone calendars (one event or a subscribable feed)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC

from icalendar import Calendar, Event

from app.db import local_zone
from app.interviews.schemas import InterviewOut

_MODE = {"remote": "远程视频面试", "onsite": "现场面试"}


def _event(iv: InterviewOut) -> Event:
    ev = Event()
    # Stable UID plus SEQUENCE: a calendar replaces the event it already has instead of adding a copy.
    ev.add("uid", f"{iv.id}@laowu")
    ev.add("dtstamp", iv.updated_at.astimezone(UTC))
    ev.add("last-modified", iv.updated_at.astimezone(UTC))
    ev.add("dtstart", iv.starts_at.astimezone(local_zone()))
    ev.add("dtend", iv.ends_at.astimezone(local_zone()))
    ev.add("sequence", iv.sequence)
    # Masked name only: calendars are synced to phones and shared; no PII goes there.
    ev.add("summary", f"{_MODE[iv.mode]}：{iv.job_title}（{iv.seeker_name}）")
    ev.add("status", "CANCELLED" if iv.status == "cancelled" else "CONFIRMED")
    lines = [f"岗位：{iv.job_title}", f"求职者：{iv.seeker_name}", f"面试官：{iv.interviewer}"]
    if iv.meeting_url:
        ev.add("url", iv.meeting_url)
        lines.append(f"会议链接：{iv.meeting_url}")
    if iv.location or iv.meeting_url:
        ev.add("location", iv.location or iv.meeting_url)
    if iv.status not in ("scheduled", "cancelled"):
        lines.append(f"状态：{iv.status}")
    ev.add("description", "\n".join(lines))
    return ev


def calendar(interviews: Sequence[InterviewOut], name: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//laowu//劳务协作远程面试//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", local_zone().key)
    for iv in interviews:
        cal.add_component(_event(iv))
    cal.add_missing_timezones()
    return cal.to_ical()
