from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, IdMixin, TimestampMixin, UTCDateTime, utcnow


class Exchange(IdMixin, TimestampMixin, Base):
    """One 三来三往 round between a sending county and a receiving region."""

    __tablename__ = "exchanges"

    sending_region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), nullable=False, index=True)
    receiving_region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), nullable=False, index=True)
    partnership_id: Mapped[str] = mapped_column(ForeignKey("partnerships.id"), nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    # seekers_sent | jobs_supplied | matched | recruiting | closed | cancelled
    state: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    created_by: Mapped[str] = mapped_column(String(32), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}


class ExchangeSeeker(Base):
    """A labourer on the exchange's 求职清单."""

    __tablename__ = "exchange_seekers"

    exchange_id: Mapped[str] = mapped_column(ForeignKey("exchanges.id"), primary_key=True)
    seeker_id: Mapped[str] = mapped_column(ForeignKey("seekers.id"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False)


class ExchangeJob(Base):
    """A post on the exchange's 岗位供给清单."""

    __tablename__ = "exchange_jobs"

    exchange_id: Mapped[str] = mapped_column(ForeignKey("exchanges.id"), primary_key=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id"), primary_key=True, index=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class MatchRun(IdMixin, TimestampMixin, Base):
    __tablename__ = "match_runs"

    exchange_id: Mapped[str] = mapped_column(ForeignKey("exchanges.id"), nullable=False, index=True)
    # running | succeeded | failed
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    per_seeker: Mapped[int] = mapped_column(Integer, nullable=False)
    seekers_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    jobs_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    replaced_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    kept_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    seekers_without_match: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    scoring_ms: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    writing_ms: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(32), nullable=False)


class Match(IdMixin, TimestampMixin, Base):
    """A recommendation of one job to one labourer, and its way to a hire."""

    __tablename__ = "matches"
    __table_args__ = (
        UniqueConstraint("exchange_id", "seeker_id", "job_id"),
        Index("ix_matches_exchange_status", "exchange_id", "status"),
        # District portals page by (updated_at, id), often with status=: one match run writes tens of
        # thousands of rows with one updated_at, so without id in the key every page sorts that tie.
        Index("ix_matches_updated_at_id", "updated_at", "id"),
        Index("ix_matches_status_updated_at_id", "status", "updated_at", "id"),
        # Schedulers see only matches the labourer agreed to. A run's proposals come first in
        # (updated_at, id) order, so without this index their first page skips tens of thousands.
        Index(
            "ix_matches_accepted_updated_at_id",
            "updated_at",
            "id",
            postgresql_where=text("accepted_at IS NOT NULL"),
            sqlite_where=text("accepted_at IS NOT NULL"),
        ),
    )

    # Paged by (updated_at, id): the composite index above serves it, and a lone index on updated_at
    # only tempts PostgreSQL into sorting the thousands of rows one match run stamps with the same time.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)
    exchange_id: Mapped[str] = mapped_column(ForeignKey("exchanges.id"), nullable=False)
    run_id: Mapped[str | None] = mapped_column(String(32))
    seeker_id: Mapped[str] = mapped_column(ForeignKey("seekers.id"), nullable=False, index=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id"), nullable=False, index=True)
    score: Mapped[float] = mapped_column(Float, nullable=False)
    rank: Mapped[int] = mapped_column(Integer, nullable=False)
    components: Mapped[dict[str, float]] = mapped_column(JSON, nullable=False, default=dict)
    reasons: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    # proposed | accepted | declined | interviewing | offered | rejected | hired | withdrawn
    status: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    # Set once the labourer consents: schedulers see only matches that got this far.
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    start_date: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}


class StateChange(IdMixin, Base):
    """One row per state transition of an exchange, match or interview: the audit trail of the hand-over."""

    __tablename__ = "state_changes"
    __table_args__ = (Index("ix_state_changes_subject", "machine", "subject_id", "at"),)

    machine: Mapped[str] = mapped_column(String(20), nullable=False)
    subject_id: Mapped[str] = mapped_column(String(32), nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    principal_id: Mapped[str] = mapped_column(String(32), nullable=False)
    principal_name: Mapped[str] = mapped_column(String(100), nullable=False)
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20), nullable=False)
    note: Mapped[str | None] = mapped_column(Text)
