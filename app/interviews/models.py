from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, IdMixin, TimestampMixin, UTCDateTime


class Interview(IdMixin, TimestampMixin, Base):
    """A (remote) interview of a labourer for the job of one match."""

    __tablename__ = "interviews"

    match_id: Mapped[str] = mapped_column(ForeignKey("matches.id"), nullable=False, index=True)
    exchange_id: Mapped[str] = mapped_column(ForeignKey("exchanges.id"), nullable=False, index=True)
    seeker_id: Mapped[str] = mapped_column(ForeignKey("seekers.id"), nullable=False, index=True)
    # Copied from the exchange so scoping needs no join.
    sending_region_code: Mapped[str] = mapped_column(String(6), nullable=False, index=True)
    receiving_region_code: Mapped[str] = mapped_column(String(6), nullable=False, index=True)
    mode: Mapped[str] = mapped_column(String(10), nullable=False)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    duration_minutes: Mapped[int] = mapped_column(Integer, nullable=False)
    interviewer: Mapped[str] = mapped_column(String(100), nullable=False)
    meeting_url: Mapped[str | None] = mapped_column(String(500))
    location: Mapped[str | None] = mapped_column(String(200))
    # scheduled | cancelled | completed | no_show
    status: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    outcome: Mapped[str | None] = mapped_column(String(10))
    note: Mapped[str | None] = mapped_column(Text)
    # iCalendar SEQUENCE: raised on every reschedule or cancellation so calendars take the update.
    sequence: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created_by: Mapped[str] = mapped_column(String(32), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}


class InterviewSlot(Base):
    """One row per (resource, 15-minute slot) a scheduled interview occupies.

    The unique constraint is what makes double booking impossible even when two schedulers book the same
    slot in the same second: the second insert fails in the database, whatever the application checked.
    """

    __tablename__ = "interview_slots"
    __table_args__ = (UniqueConstraint("resource", "slot"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # "seeker:<id>" or "interviewer:<receiving region>:<normalised name>"
    resource: Mapped[str] = mapped_column(String(200), nullable=False)
    # Minutes since the epoch / 15.
    slot: Mapped[int] = mapped_column(Integer, nullable=False)
    interview_id: Mapped[str] = mapped_column(ForeignKey("interviews.id"), nullable=False, index=True)
