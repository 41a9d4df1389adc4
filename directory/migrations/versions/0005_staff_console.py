"""staff console: search presets, staff notes, staff flags on corrections

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 09:52:33.346548
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STAFF_FLAG_FIELDS = (
    "(source = 'public' AND reported_by IS NULL AND flag_reason IS NULL AND reverify_by IS NULL)"
    " OR (source = 'staff' AND reported_by IS NOT NULL AND flag_reason IS NOT NULL"
    " AND reverify_by IS NOT NULL AND reporter_email IS NULL)"
)


def upgrade() -> None:
    op.create_table(
        "search_presets",
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("name_key", sa.String(length=80), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=True),
        sa.Column("shared", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=op.f("fk_search_presets_owner_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_presets")),
    )
    with op.batch_alter_table("search_presets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_search_presets_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(
            "uq_search_presets_owner_name",
            ["owner_id", "name_key"],
            unique=True,
            sqlite_where=sa.text("NOT shared"),
            postgresql_where=sa.text("NOT shared"),
        )
        batch_op.create_index(
            "uq_search_presets_team_name",
            ["name_key"],
            unique=True,
            sqlite_where=sa.text("shared"),
            postgresql_where=sa.text("shared"),
        )

    op.create_table(
        "staff_notes",
        sa.Column("center_id", sa.Uuid(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_staff_notes_author_id_users")),
        sa.ForeignKeyConstraint(
            ["center_id"], ["centers.id"], name=op.f("fk_staff_notes_center_id_centers"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_notes")),
    )
    with op.batch_alter_table("staff_notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_notes_center_id"), ["center_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_staff_notes_created_at"), ["created_at"], unique=False)

    with op.batch_alter_table("corrections", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "source",
                sa.Enum(
                    "public", "staff", name="correction_source", native_enum=False, create_constraint=True
                ),
                server_default="public",
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("reported_by", sa.Uuid(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "flag_reason",
                sa.Enum(
                    "phone-not-working",
                    "not-accepting",
                    "closed",
                    "therapy-not-offered",
                    name="flag_reason",
                    native_enum=False,
                    create_constraint=True,
                ),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("reverify_by", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_corrections_reported_by_users"), "users", ["reported_by"], ["id"]
        )
        batch_op.create_check_constraint(batch_op.f("ck_corrections_staff_flag_fields"), STAFF_FLAG_FIELDS)


def downgrade() -> None:
    with op.batch_alter_table("corrections", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_corrections_staff_flag_fields"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_corrections_flag_reason"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_corrections_correction_source"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_corrections_reported_by_users"), type_="foreignkey")
        batch_op.drop_column("reverify_by")
        batch_op.drop_column("flag_reason")
        batch_op.drop_column("reported_by")
        batch_op.drop_column("source")

    with op.batch_alter_table("staff_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_notes_created_at"))
        batch_op.drop_index(batch_op.f("ix_staff_notes_center_id"))
    op.drop_table("staff_notes")

    with op.batch_alter_table("search_presets", schema=None) as batch_op:
        batch_op.drop_index("uq_search_presets_team_name")
        batch_op.drop_index("uq_search_presets_owner_name")
        batch_op.drop_index(batch_op.f("ix_search_presets_owner_id"))
    op.drop_table("search_presets")
