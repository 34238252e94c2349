from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, IdMixin, TimestampMixin, UTCDateTime


class Employer(IdMixin, TimestampMixin, Base):
    __tablename__ = "employers"
    __table_args__ = (UniqueConstraint("owner_region_code", "uscc"),)

    owner_region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    uscc: Mapped[str] = mapped_column(String(18), nullable=False)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), nullable=False)
    kind: Mapped[str] = mapped_column(String(30), nullable=False, default="ordinary")
    contact_name: Mapped[str | None] = mapped_column(String(50))
    contact_phone_enc: Mapped[str | None] = mapped_column(Text)
    contact_phone_masked: Mapped[str | None] = mapped_column(String(11))
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}


class Job(IdMixin, TimestampMixin, Base):
    """A post on a receiving district's 岗位供给清单."""

    __tablename__ = "jobs"
    __table_args__ = (UniqueConstraint("owner_region_code", "external_id"),)

    owner_region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), nullable=False, index=True)
    external_id: Mapped[str] = mapped_column(String(64), nullable=False)
    employer_id: Mapped[str] = mapped_column(ForeignKey("employers.id"), nullable=False, index=True)
    title: Mapped[str] = mapped_column(String(100), nullable=False)
    occupation: Mapped[str | None] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(Text)
    skills_required: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    occupation_codes: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    occupation_codes_text: Mapped[str] = mapped_column(Text, nullable=False, default=",")
    headcount: Mapped[int] = mapped_column(Integer, nullable=False)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), nullable=False, index=True)
    address: Mapped[str | None] = mapped_column(String(200))
    salary_min: Mapped[int] = mapped_column(Integer, nullable=False)
    salary_max: Mapped[int] = mapped_column(Integer, nullable=False)
    housing_provided: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    meals_provided: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    age_min: Mapped[int | None] = mapped_column(Integer)
    age_max: Mapped[int | None] = mapped_column(Integer)
    education_min: Mapped[str | None] = mapped_column(String(20))
    public_welfare: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    valid_until: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="open", index=True)
    content_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}
