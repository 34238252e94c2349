from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, IdMixin, TimestampMixin, UTCDateTime


class Seeker(IdMixin, TimestampMixin, Base):
    """A labourer on a sending county's 求职清单. ID number and phone are stored only encrypted."""

    __tablename__ = "seekers"
    __table_args__ = (
        UniqueConstraint("owner_region_code", "external_id"),
        # One live row per person and county; a tombstone does not block adding the person again.
        Index(
            "uq_seekers_live_id_number_bidx",
            "owner_region_code",
            "id_number_bidx",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
    )

    owner_region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), nullable=False, index=True)
    external_id: Mapped[str] = mapped_column(String(64), nullable=False)
    name: Mapped[str] = mapped_column(String(50), nullable=False)
    id_number_enc: Mapped[str] = mapped_column(Text, nullable=False)
    # Keyed HMAC of the ID number: finds duplicates without decrypting.
    id_number_bidx: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    id_number_masked: Mapped[str] = mapped_column(String(18), nullable=False)
    phone_enc: Mapped[str | None] = mapped_column(Text)
    phone_masked: Mapped[str | None] = mapped_column(String(11))
    gender: Mapped[str] = mapped_column(String(6), nullable=False)
    birth_date: Mapped[date] = mapped_column(Date, nullable=False)
    household_id: Mapped[str | None] = mapped_column(String(64), index=True)
    hukou_region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), nullable=False, index=True)
    education: Mapped[str | None] = mapped_column(String(20))
    skills: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    certificates: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    desired_occupations: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    occupation_codes: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    wants_work: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    mobility: Mapped[str] = mapped_column(String(20), nullable=False, default="cross_province")
    preferred_region_codes: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    expected_salary: Mapped[int | None] = mapped_column(Integer)
    needs_housing: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    available_from: Mapped[date | None] = mapped_column(Date)
    employment_status: Mapped[str] = mapped_column(String(20), nullable=False, default="unemployed")
    tags: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    training_needs: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    # ",tag1,tag2," and ",code1,code2,": portable LIKE filters on SQLite and PostgreSQL.
    tags_text: Mapped[str] = mapped_column(String(200), nullable=False, default=",")
    occupation_codes_text: Mapped[str] = mapped_column(Text, nullable=False, default=",")
    # Hash of the normalised content: an upsert of the same row counts as `unchanged`.
    content_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}
