"""lists: a deleted seeker no longer blocks its ID number

The blind index of the ID number was unique per owner over all rows, tombstones included, so a clerk
who deleted a wrongly keyed seeker could never add the same person again under the right external id.
Uniqueness now covers live rows only (a partial unique index, supported by SQLite and PostgreSQL).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LIVE = sa.text("deleted_at IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("seekers", schema=None) as batch_op:
        batch_op.drop_constraint("uq_seekers_owner_region_code_id_number_bidx", type_="unique")
    op.create_index(
        "uq_seekers_live_id_number_bidx",
        "seekers",
        ["owner_region_code", "id_number_bidx"],
        unique=True,
        sqlite_where=_LIVE,
        postgresql_where=_LIVE,
    )


def downgrade() -> None:
    op.drop_index("uq_seekers_live_id_number_bidx", table_name="seekers")
    with op.batch_alter_table("seekers", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            "uq_seekers_owner_region_code_id_number_bidx", ["owner_region_code", "id_number_bidx"]
        )
