from __future__ import annotations

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, IdMixin, TimestampMixin


class OccupationSynonym(IdMixin, TimestampMixin, Base):
    """Phrases admins taught the lexicon; replayed into it at start-up."""

    __tablename__ = "occupation_synonyms"
    __table_args__ = (UniqueConstraint("phrase"),)

    code: Mapped[str] = mapped_column(String(16), nullable=False, index=True)
    phrase: Mapped[str] = mapped_column(String(100), nullable=False)
