"""listing review: how reports were closed, what submitters were asked, where merged submissions went

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 12:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("corrections", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "resolution",
                sa.Enum(
                    "fixed",
                    "not-reproducible",
                    "spam",
                    name="correction_resolution",
                    native_enum=False,
                    create_constraint=True,
                    length=16,
                ),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("resolution_note", sa.Text(), nullable=True))

    with op.batch_alter_table("listing_submissions", schema=None) as batch_op:
        batch_op.alter_column("center_id", existing_type=sa.Uuid(), nullable=True)
        batch_op.add_column(sa.Column("info_requested", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("info_requested_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("merged_into_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("merged_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_listing_submissions_merged_into_id_centers"),
            "centers",
            ["merged_into_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    # Merged submissions have no listing of their own: they cannot exist under the older schema.
    op.execute("DELETE FROM listing_submissions WHERE center_id IS NULL")
    with op.batch_alter_table("listing_submissions", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_listing_submissions_merged_into_id_centers"), type_="foreignkey"
        )
        batch_op.drop_column("merged_at")
        batch_op.drop_column("merged_into_id")
        batch_op.drop_column("info_requested_at")
        batch_op.drop_column("info_requested")
        batch_op.alter_column("center_id", existing_type=sa.Uuid(), nullable=False)

    with op.batch_alter_table("corrections", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_corrections_correction_resolution"), type_="check")
        batch_op.drop_column("resolution_note")
        batch_op.drop_column("resolution")
