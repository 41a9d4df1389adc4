"""The database connection: one engine per app, one session per app context."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str, echo: bool = False) -> Engine:
    """Create an engine; on SQLite, turn on foreign keys and wait for locks.

    Statement parameters never appear in errors or the echo log: they hold what people submit.
    """
    kwargs: dict[str, Any] = {"echo": echo, "future": True, "hide_parameters": True}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": 15}
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Enforce foreign keys and use write-ahead logging on every SQLite connection."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


class Database:
    """The app's engine and session factory, kept in ``app.extensions['database']``."""

    def __init__(self, url: str, echo: bool = False) -> None:
        self.engine = make_engine(url, echo=echo)
        self.sessions = sessionmaker(bind=self.engine, expire_on_commit=False)

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def init_app(app: Flask) -> None:
    """Create the app's database and close each context's session at teardown."""
    app.extensions["database"] = Database(app.config["DATABASE_URL"], app.config["SQLALCHEMY_ECHO"])
    app.teardown_appcontext(_close_session)


def get_database() -> Database:
    """Return the current app's database."""
    return current_app.extensions["database"]


def get_session() -> Session:
    """Return this app context's session, opening it on first use."""
    if "db_session" not in g:
        g.db_session = get_database().sessions()
    return g.db_session


def _close_session(_exc: BaseException | None) -> None:
    """Roll back anything uncommitted and close the context's session."""
    session: Session | None = g.pop("db_session", None)
    if session is not None:
        session.close()
