"""listing sources

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 17:00:01.008952
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("centers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("source_edition", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("external_key", sa.String(length=400), nullable=True))
        batch_op.add_column(sa.Column("source_codes", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("imported_values", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("missing_from_source_since", sa.Date(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_centers_source"), ["source", "external_key"])


def downgrade() -> None:
    with op.batch_alter_table("centers", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_centers_source"), type_="unique")
        batch_op.drop_column("missing_from_source_since")
        batch_op.drop_column("imported_values")
        batch_op.drop_column("source_codes")
        batch_op.drop_column("external_key")
        batch_op.drop_column("source_edition")
        batch_op.drop_column("source")
