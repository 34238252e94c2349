"""load indexes: matches paged by (updated_at, id), with and without status

Revision ID: 0006
Revises: 0004
Create Date: 2026-11-24
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("matches", schema=None) as batch_op:
        batch_op.create_index("ix_matches_updated_at_id", ["updated_at", "id"], unique=False)
        batch_op.create_index("ix_matches_status_updated_at_id", ["status", "updated_at", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("matches", schema=None) as batch_op:
        batch_op.drop_index("ix_matches_status_updated_at_id")
        batch_op.drop_index("ix_matches_updated_at_id")
