"""verification workflow: verification records, needs_info and rejected, revocation date, contract reference

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 12:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_STATUSES = ("unverified", "pending", "verified", "expired", "revoked")
NEW_STATUSES = ("unverified", "pending", "needs_info", "verified", "expired", "revoked", "rejected")
DECISIONS = ("verify", "request_info", "reject", "revoke", "expire")


def _status_check(values: Sequence[str]) -> str:
    return "verification_status IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def upgrade() -> None:
    with op.batch_alter_table("centers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("verification_revoked_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("advertiser_contract_ref", sa.String(length=100), nullable=True))
        batch_op.drop_constraint(op.f("ck_centers_verification_status"), type_="check")
        batch_op.create_check_constraint(op.f("ck_centers_verification_status"), _status_check(NEW_STATUSES))

    op.create_table(
        "verification_records",
        sa.Column("center_id", sa.Uuid(), nullable=False),
        sa.Column(
            "decision",
            sa.Enum(*DECISIONS, name="verification_decision", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.Uuid(), nullable=True),
        sa.Column("decided_by_label", sa.String(length=254), nullable=False),
        sa.Column("license_number", sa.String(length=60), nullable=True),
        sa.Column("license_state", sa.String(length=2), nullable=True),
        sa.Column("accreditations", sa.JSON(), nullable=False),
        sa.Column("therapies_confirmed", sa.JSON(), nullable=False),
        sa.Column("rems_confirmed", sa.Boolean(), nullable=False),
        sa.Column("website_confirmed", sa.Boolean(), nullable=False),
        sa.Column("phone_confirmed", sa.Boolean(), nullable=False),
        sa.Column("tour_confirmed", sa.Boolean(), nullable=False),
        sa.Column("evidence_note", sa.Text(), nullable=True),
        sa.Column("evidence_url", sa.String(length=500), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("reverify_due_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["center_id"],
            ["centers.id"],
            name=op.f("fk_verification_records_center_id_centers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["users.id"], name=op.f("fk_verification_records_decided_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verification_records")),
    )
    with op.batch_alter_table("verification_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_verification_records_center_id"), ["center_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_verification_records_decided_at"), ["decided_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("verification_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_verification_records_decided_at"))
        batch_op.drop_index(batch_op.f("ix_verification_records_center_id"))
    op.drop_table("verification_records")

    # The older schema knows neither state: waiting for information reads as pending, rejected as unverified.
    op.execute("UPDATE centers SET verification_status = 'pending' WHERE verification_status = 'needs_info'")
    op.execute("UPDATE centers SET verification_status = 'unverified' WHERE verification_status = 'rejected'")
    with op.batch_alter_table("centers", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_centers_verification_status"), type_="check")
        batch_op.create_check_constraint(op.f("ck_centers_verification_status"), _status_check(OLD_STATUSES))
        batch_op.drop_column("advertiser_contract_ref")
        batch_op.drop_column("verification_revoked_on")
