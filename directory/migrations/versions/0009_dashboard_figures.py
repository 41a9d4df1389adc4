"""dashboard figures: weekly shortlist counters for the advertising-influence figure

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 12:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "shortlist_weekly_counts",
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("centers_added", sa.Integer(), nullable=False),
        sa.Column("advertisers_added", sa.Integer(), nullable=False),
        sa.Column("searches", sa.Integer(), nullable=False),
        sa.Column("search_results", sa.Integer(), nullable=False),
        sa.Column("search_result_advertisers", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("week_start", name=op.f("pk_shortlist_weekly_counts")),
    )


def downgrade() -> None:
    op.drop_table("shortlist_weekly_counts")
