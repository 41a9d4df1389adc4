"""The Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from directory.database import make_engine
from directory.migrate import current_revision, head_revision, upgrade_database
from directory.models import Base
from tests.conftest import reset_database


def schema_differences(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True}
        )
        return compare_metadata(context, Base.metadata)


def test_migrated_schema_matches_the_models(engine):
    assert schema_differences(engine) == []
    assert current_revision(engine) == head_revision()


def test_migration_creates_every_model_table_with_its_check_constraints(engine):
    inspector = inspect(engine)
    assert set(Base.metadata.tables) <= set(inspector.get_table_names())
    checks = {c["name"] for c in inspector.get_check_constraints("centers")}
    assert "ck_centers_advertiser_requires_verification" in checks


def test_fresh_sqlite_database_migrates_down_and_up_again(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    upgrade_database(url)
    engine = make_engine(url)
    assert schema_differences(engine) == []
    from alembic import command

    from directory.migrate import alembic_config

    command.downgrade(alembic_config(url), "base")
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    upgrade_database(url)
    assert schema_differences(engine) == []
    engine.dispose()


def test_reset_leaves_nothing_behind(tmp_path):
    url = f"sqlite:///{tmp_path / 'reset.sqlite3'}"
    upgrade_database(url)
    reset_database(url)
    engine = make_engine(url)
    assert inspect(engine).get_table_names() == []
    engine.dispose()


def test_downgrade_from_0006_keeps_rows_readable_by_the_older_schema(tmp_path):
    from alembic import command
    from sqlalchemy import text

    from directory.migrate import alembic_config

    url = f"sqlite:///{tmp_path / 'states.sqlite3'}"
    upgrade_database(url)
    engine = make_engine(url)
    with engine.begin() as connection:
        for slug, status in (("waiting", "needs_info"), ("refused", "rejected")):
            connection.execute(
                text(
                    "INSERT INTO centers (id, slug, name, description, status, verification_status,"
                    " is_advertiser) VALUES (:id, :slug, :slug, '', 'draft', :status, 0)"
                ),
                {"id": slug.ljust(32, "0"), "slug": slug, "status": status},
            )
    command.downgrade(alembic_config(url), "0005")
    with engine.connect() as connection:
        rows = dict(connection.execute(text("SELECT slug, verification_status FROM centers")).all())
    assert rows == {"waiting": "pending", "refused": "unverified"}
    engine.dispose()
