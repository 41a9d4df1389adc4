"""corrections and listing submissions

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 17:13:00.705559
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "corrections",
        sa.Column("center_id", sa.Uuid(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "contact",
                "address",
                "services",
                "payment",
                "hours",
                "closed",
                "other",
                name="correction_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("reporter_email", sa.String(length=254), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "new",
                "accepted",
                "rejected",
                name="correction_status",
                native_enum=False,
                create_constraint=True,
            ),
            server_default="new",
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["center_id"], ["centers.id"], name=op.f("fk_corrections_center_id_centers"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["resolved_by"], ["users.id"], name=op.f("fk_corrections_resolved_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_corrections")),
    )
    with op.batch_alter_table("corrections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_corrections_center_id"), ["center_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_corrections_status"), ["status"], unique=False)

    op.create_table(
        "listing_submissions",
        sa.Column("center_id", sa.Uuid(), nullable=False),
        sa.Column("contact_name", sa.String(length=200), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["center_id"],
            ["centers.id"],
            name=op.f("fk_listing_submissions_center_id_centers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listing_submissions")),
        sa.UniqueConstraint("center_id", name=op.f("uq_listing_submissions_center_id")),
    )


def downgrade() -> None:
    op.drop_table("listing_submissions")
    with op.batch_alter_table("corrections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_corrections_status"))
        batch_op.drop_index(batch_op.f("ix_corrections_center_id"))

    op.drop_table("corrections")
