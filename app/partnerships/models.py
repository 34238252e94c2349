from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, IdMixin, TimestampMixin


class Partnership(IdMixin, TimestampMixin, Base):
    __tablename__ = "partnerships"

    receiving_region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), nullable=False, index=True)
    sending_region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), nullable=False, index=True)
    agreement_no: Mapped[str | None] = mapped_column(String(100))
    valid_from: Mapped[date] = mapped_column(Date, nullable=False)
    valid_to: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}


class Target(IdMixin, TimestampMixin, Base):
    __tablename__ = "targets"
    __table_args__ = (UniqueConstraint("receiving_region_code", "period"),)

    receiving_region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), nullable=False, index=True)
    period: Mapped[str] = mapped_column(String(7), nullable=False)
    jobs_to_provide: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    employed_in_receiving: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    employed_locally: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    employed_elsewhere: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}
