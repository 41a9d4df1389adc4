"""Shared fixtures: a real, migrated database (SQLite by default, PostgreSQL with TEST_DATABASE_URL).

With ``TEST_DATABASE_URL`` set to a PostgreSQL database, the suite drops and recreates that
database's ``public`` schema: point it only at a database kept for tests.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from directory import create_app
from directory.database import get_session, make_engine
from directory.migrate import upgrade_database
from directory.models import Base, Center, Location
from directory.operations.sample_data import load_sample, read_sample
from directory.operations.taxonomy import sync_vocabulary
from directory.search import get_search_service

PROJECT_DIR = Path(__file__).resolve().parents[1]
DATA_DIR = PROJECT_DIR / "data"


def reset_database(url: str) -> None:
    """Empty the database at ``url`` completely (tables, the Alembic stamp, everything)."""
    engine = make_engine(url)
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        else:
            Base.metadata.drop_all(connection)
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The URL of the database under test, migrated to the newest revision."""
    url = os.environ.get("TEST_DATABASE_URL") or (
        f"sqlite:///{tmp_path_factory.mktemp('db') / 'directory.sqlite3'}"
    )
    reset_database(url)
    upgrade_database(url)
    return url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on the test database, for tests that speak SQL directly."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def _empty_tables(engine: Engine) -> None:
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())


def load_directory(app: Flask, session: Session, extra: Callable[[Session], None] | None = None) -> None:
    """Load the sample directory (and ``extra`` listings), commit, and build the search index."""
    app.config["SEARCH_SYNC_INTERVAL"] = 0.0
    load_sample(session, DATA_DIR)
    if extra is not None:
        extra(session)
    session.commit()
    get_search_service(app).rebuild()


@contextlib.contextmanager
def sample_site(
    database_url: str, engine: Engine, index_dir: Path, extra: Callable[[Session], None] | None = None
) -> Iterator[Flask]:
    """An app holding the sample directory, indexed, for a module's tests; emptied afterwards."""
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "tests",
            "SEARCH_INDEX_DIR": str(index_dir),
        }
    )
    try:
        with app.app_context():
            load_directory(app, get_session(), extra)
        yield app
    finally:
        app.extensions["database"].dispose()
        _empty_tables(engine)


@pytest.fixture
def app(database_url: str, engine: Engine, tmp_path: Path) -> Iterator[Flask]:
    """The app on the test database; every table is emptied after the test."""
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret",
            "SEARCH_INDEX_DIR": str(tmp_path / "search-index"),
        }
    )
    yield app
    app.extensions["database"].dispose()
    _empty_tables(engine)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """An HTTP client for the app."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """A runner for the app's commands."""
    return app.test_cli_runner()


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """The app context's database session."""
    with app.app_context():
        yield get_session()


@pytest.fixture(scope="session")
def sample():
    """The project's sample data, read and validated once."""
    return read_sample(DATA_DIR)


@pytest.fixture
def vocabulary(session: Session, sample: Any) -> Session:
    """Load the taxonomy into the database."""
    sync_vocabulary(session, sample.vocabulary)
    session.commit()
    return session


@pytest.fixture
def create_center(session: Session):
    """Return a factory that adds a center (with one location) and flushes it."""

    def factory(**overrides: Any) -> Center:
        slug = overrides.pop("slug", f"center-{uuid.uuid4().hex[:10]}")
        location = overrides.pop(
            "location",
            {"address_1": "1 Main St", "city": "Salt Lake City", "state": "UT", "postal_code": "84101"},
        )
        center = Center(slug=slug, name=overrides.pop("name", slug.replace("-", " ").title()), **overrides)
        center.locations = [Location(position=0, **location)]
        session.add(center)
        session.flush()
        return center

    return factory
