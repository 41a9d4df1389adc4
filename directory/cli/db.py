"""``flask db``: create and migrate the database schema."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from directory.database import get_database
from directory.migrate import current_revision, head_revision, upgrade_database


@click.group("db", help="Create and migrate the database schema (Alembic).", cls=AppGroup)
def db_group() -> None:
    """Group the database commands."""


@db_group.command("upgrade", help="Migrate the database to the newest schema revision.")
@click.option("--revision", default="head", show_default=True, help="Target revision.")
def upgrade_command(revision: str) -> None:
    """Migrate the configured database."""
    upgrade_database(current_app.config["DATABASE_URL"], revision)
    click.echo(f"Database at revision {current_revision(get_database().engine)}.")


@db_group.command("current", help="Print the database's schema revision and the newest one.")
def current_command() -> None:
    """Show where the schema stands."""
    click.echo(f"database: {current_revision(get_database().engine) or 'not migrated'}")
    click.echo(f"newest:   {head_revision()}")
