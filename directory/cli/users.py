"""``flask users``: staff accounts."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from directory.database import get_session
from directory.models import Role
from directory.operations.errors import OperationError
from directory.operations.users import create_user


@click.group("users", help="Manage staff accounts (admins and support specialists).", cls=AppGroup)
def users_group() -> None:
    """Group the user commands."""


@users_group.command("create", help="Create a staff account. The password is prompted for, never echoed.")
@click.argument("email")
@click.option(
    "--role", type=click.Choice([r.value for r in Role]), required=True, help="What the person may do."
)
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of standard input."
)
def create_command(email: str, role: str, password_stdin: bool) -> None:
    """Create an active staff account."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    session = get_session()
    try:
        user = create_user(session, email, role, password, actor="command line")
    except OperationError as error:
        session.rollback()
        raise click.ClickException(error.message) from error
    session.commit()
    click.echo(f"Created {user.role.value} account {user.email}.")
