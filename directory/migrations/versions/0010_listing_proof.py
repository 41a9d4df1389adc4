"""listing proof: how staff can confirm a submitted center offers the therapies it chose

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 16:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("listing_submissions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("therapy_proof", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("listing_submissions", schema=None) as batch_op:
        batch_op.drop_column("therapy_proof")
