"""matches: partial (updated_at, id) index of the matches labourers agreed to, for schedulers' pages

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("matches", schema=None) as batch_op:
        batch_op.create_index(
            "ix_matches_accepted_updated_at_id",
            ["updated_at", "id"],
            unique=False,
            postgresql_where=sa.text("accepted_at IS NOT NULL"),
            sqlite_where=sa.text("accepted_at IS NOT NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("matches", schema=None) as batch_op:
        batch_op.drop_index("ix_matches_accepted_updated_at_id")
