from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, IdMixin, TimestampMixin, UTCDateTime


class Placement(IdMixin, TimestampMixin, Base):
    """A labourer in work (到岗): from a hire or recorded directly; ``ended_on`` for 稳岗 follow-up."""

    __tablename__ = "placements"
    __table_args__ = (Index("ix_placements_report", "receiving_region_code", "category", "started_on"),)

    seeker_id: Mapped[str] = mapped_column(ForeignKey("seekers.id"), nullable=False, index=True)
    # The seeker's owner (sending county) and hukou, copied so reports need no join.
    owner_region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), nullable=False, index=True)
    hukou_region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), nullable=False)
    # The receiving region the outcome is attributed to: the partner of the labourer's county.
    receiving_region_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"))
    match_id: Mapped[str | None] = mapped_column(String(32), index=True)
    job_id: Mapped[str | None] = mapped_column(String(32))
    employer_name: Mapped[str] = mapped_column(String(200), nullable=False)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), nullable=False)
    # in_receiving (来津/来输入地) | local (就近就地) | elsewhere (转移其他地区)
    category: Mapped[str] = mapped_column(String(20), nullable=False)
    started_on: Mapped[date] = mapped_column(Date, nullable=False)
    ended_on: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(32), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}


class ServiceRecord(IdMixin, TimestampMixin, Base):
    """An employment service given to a labourer (就业服务); match-run recommendations count automatically."""

    __tablename__ = "service_records"

    seeker_id: Mapped[str] = mapped_column(ForeignKey("seekers.id"), nullable=False, index=True)
    owner_region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), nullable=False, index=True)
    # job_info | recommendation | interview | training | policy | guidance | other
    kind: Mapped[str] = mapped_column(String(30), nullable=False)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
    note: Mapped[str | None] = mapped_column(Text)
    # manual | match_run
    source: Mapped[str] = mapped_column(String(20), nullable=False, default="manual")
    match_id: Mapped[str | None] = mapped_column(String(32), index=True)
    created_by: Mapped[str] = mapped_column(String(32), nullable=False)
