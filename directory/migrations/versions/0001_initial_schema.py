"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-26 16:24:17.915445
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("author_name", sa.String(length=200), nullable=False),
        sa.Column("author_bio", sa.Text(), nullable=False),
        sa.Column("reviewer_name", sa.String(length=200), nullable=False),
        sa.Column("reviewer_credentials", sa.String(length=200), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("updated_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_articles")),
        sa.UniqueConstraint("slug", name=op.f("uq_articles_slug")),
    )
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_articles_published_on"), ["published_on"], unique=False)

    op.create_table(
        "centers",
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("website", sa.String(length=500), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "pending",
                "published",
                "suspended",
                "closed",
                name="listing_status",
                native_enum=False,
                create_constraint=True,
            ),
            server_default="draft",
            nullable=False,
        ),
        sa.Column("accepting_new_clients", sa.Boolean(), nullable=True),
        sa.Column("cash_price_min", sa.Integer(), nullable=True),
        sa.Column("cash_price_max", sa.Integer(), nullable=True),
        sa.Column("sliding_scale", sa.Boolean(), nullable=True),
        sa.Column("payment_assistance", sa.Boolean(), nullable=True),
        sa.Column("price_notes", sa.Text(), nullable=True),
        sa.Column("spravato_rems_certified", sa.Boolean(), nullable=True),
        sa.Column("offers_in_clinic", sa.Boolean(), nullable=True),
        sa.Column("offers_at_home", sa.Boolean(), nullable=True),
        sa.Column("session_monitoring", sa.Text(), nullable=True),
        sa.Column("private_treatment_room", sa.Boolean(), nullable=True),
        sa.Column("support_person_allowed", sa.Boolean(), nullable=True),
        sa.Column("integration_therapy", sa.Boolean(), nullable=True),
        sa.Column("year_opened", sa.Integer(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column(
            "verification_status",
            sa.Enum(
                "unverified",
                "pending",
                "verified",
                "expired",
                "revoked",
                name="verification_status",
                native_enum=False,
                create_constraint=True,
            ),
            server_default="unverified",
            nullable=False,
        ),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("verified_by", sa.String(length=200), nullable=True),
        sa.Column("reverify_due_on", sa.Date(), nullable=True),
        sa.Column("license_number", sa.String(length=60), nullable=True),
        sa.Column("license_state", sa.String(length=2), nullable=True),
        sa.Column("verification_notes", sa.Text(), nullable=True),
        sa.Column("is_advertiser", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("advertiser_starts_on", sa.Date(), nullable=True),
        sa.Column("advertiser_ends_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "NOT is_advertiser OR verification_status = 'verified'",
            name=op.f("ck_centers_advertiser_requires_verification"),
        ),
        sa.CheckConstraint(
            "cash_price_min IS NULL OR cash_price_max IS NULL OR cash_price_min <= cash_price_max",
            name=op.f("ck_centers_price_range_ordered"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_centers")),
        sa.UniqueConstraint("slug", name=op.f("uq_centers_slug")),
    )
    with op.batch_alter_table("centers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_centers_is_advertiser"), ["is_advertiser"], unique=False)
        batch_op.create_index(batch_op.f("ix_centers_name"), ["name"], unique=False)
        batch_op.create_index(batch_op.f("ix_centers_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_centers_verification_status"), ["verification_status"], unique=False
        )

    op.create_table(
        "taxonomies",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_taxonomies")),
    )
    op.create_table(
        "users",
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column(
            "role",
            sa.Enum("admin", "specialist", name="user_role", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "article_citations",
        sa.Column("article_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_citations_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_article_citations")),
        sa.UniqueConstraint("article_id", "position", name=op.f("uq_article_citations_article_id")),
    )
    op.create_table(
        "article_faqs",
        sa.Column("article_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_faqs_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_article_faqs")),
        sa.UniqueConstraint("article_id", "position", name=op.f("uq_article_faqs_article_id")),
    )
    op.create_table(
        "article_related_centers",
        sa.Column("article_id", sa.Uuid(), nullable=False),
        sa.Column("center_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_related_centers_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["center_id"],
            ["centers.id"],
            name=op.f("fk_article_related_centers_center_id_centers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", "center_id", name=op.f("pk_article_related_centers")),
    )
    op.create_table(
        "audit_events",
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("actor_label", sa.String(length=254), nullable=False),
        sa.Column("action", sa.String(length=80), nullable=False),
        sa.Column("record_type", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_audit_events_actor_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_events_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_events_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_events_occurred_at"), ["occurred_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_events_record_id"), ["record_id"], unique=False)

    op.create_table(
        "locations",
        sa.Column("center_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("address_1", sa.String(length=200), nullable=False),
        sa.Column("address_2", sa.String(length=200), nullable=True),
        sa.Column("city", sa.String(length=100), nullable=False),
        sa.Column("state", sa.String(length=2), nullable=False),
        sa.Column("postal_code", sa.String(length=10), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "latitude IS NULL OR latitude BETWEEN -90 AND 90",
            name=op.f("ck_locations_latitude_range"),
        ),
        sa.CheckConstraint(
            "longitude IS NULL OR longitude BETWEEN -180 AND 180",
            name=op.f("ck_locations_longitude_range"),
        ),
        sa.ForeignKeyConstraint(
            ["center_id"],
            ["centers.id"],
            name=op.f("fk_locations_center_id_centers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_locations")),
    )
    with op.batch_alter_table("locations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_locations_center_id"), ["center_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_locations_city"), ["city"], unique=False)
        batch_op.create_index(batch_op.f("ix_locations_state"), ["state"], unique=False)

    op.create_table(
        "phones",
        sa.Column("center_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("extension", sa.String(length=10), nullable=True),
        sa.Column(
            "type",
            sa.Enum(
                "voice",
                "fax",
                "text",
                "hotline",
                "tty",
                name="phone_type",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["center_id"],
            ["centers.id"],
            name=op.f("fk_phones_center_id_centers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_phones")),
    )
    with op.batch_alter_table("phones", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_phones_center_id"), ["center_id"], unique=False)

    op.create_table(
        "service_areas",
        sa.Column("center_id", sa.Uuid(), nullable=False),
        sa.Column("state", sa.String(length=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["center_id"],
            ["centers.id"],
            name=op.f("fk_service_areas_center_id_centers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("center_id", "state", name=op.f("pk_service_areas")),
    )
    op.create_table(
        "taxonomy_terms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scheme", sa.String(length=40), nullable=False),
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("label", sa.String(length=160), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["taxonomy_terms.id"],
            name=op.f("fk_taxonomy_terms_parent_id_taxonomy_terms"),
        ),
        sa.ForeignKeyConstraint(
            ["scheme"], ["taxonomies.code"], name=op.f("fk_taxonomy_terms_scheme_taxonomies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_taxonomy_terms")),
        sa.UniqueConstraint("scheme", "code", name=op.f("uq_taxonomy_terms_scheme")),
    )
    with op.batch_alter_table("taxonomy_terms", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_taxonomy_terms_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_taxonomy_terms_scheme"), ["scheme"], unique=False)

    op.create_table(
        "article_topics",
        sa.Column("article_id", sa.Uuid(), nullable=False),
        sa.Column("term_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_topics_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["term_id"],
            ["taxonomy_terms.id"],
            name=op.f("fk_article_topics_term_id_taxonomy_terms"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", "term_id", name=op.f("pk_article_topics")),
    )
    op.create_table(
        "center_terms",
        sa.Column("center_id", sa.Uuid(), nullable=False),
        sa.Column("term_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["center_id"],
            ["centers.id"],
            name=op.f("fk_center_terms_center_id_centers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["term_id"],
            ["taxonomy_terms.id"],
            name=op.f("fk_center_terms_term_id_taxonomy_terms"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("center_id", "term_id", name=op.f("pk_center_terms")),
    )


def downgrade() -> None:
    op.drop_table("center_terms")
    op.drop_table("article_topics")
    with op.batch_alter_table("taxonomy_terms", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_taxonomy_terms_scheme"))
        batch_op.drop_index(batch_op.f("ix_taxonomy_terms_parent_id"))

    op.drop_table("taxonomy_terms")
    op.drop_table("service_areas")
    with op.batch_alter_table("phones", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_phones_center_id"))

    op.drop_table("phones")
    with op.batch_alter_table("locations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_locations_state"))
        batch_op.drop_index(batch_op.f("ix_locations_city"))
        batch_op.drop_index(batch_op.f("ix_locations_center_id"))

    op.drop_table("locations")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_events_record_id"))
        batch_op.drop_index(batch_op.f("ix_audit_events_occurred_at"))
        batch_op.drop_index(batch_op.f("ix_audit_events_actor_id"))
        batch_op.drop_index(batch_op.f("ix_audit_events_action"))

    op.drop_table("audit_events")
    op.drop_table("article_related_centers")
    op.drop_table("article_faqs")
    op.drop_table("article_citations")
    op.drop_table("users")
    op.drop_table("taxonomies")
    with op.batch_alter_table("centers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_centers_verification_status"))
        batch_op.drop_index(batch_op.f("ix_centers_status"))
        batch_op.drop_index(batch_op.f("ix_centers_name"))
        batch_op.drop_index(batch_op.f("ix_centers_is_advertiser"))

    op.drop_table("centers")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_articles_published_on"))

    op.drop_table("articles")
