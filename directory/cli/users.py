"""``flask users``: staff accounts."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from directory.database import get_session
from directory.models import Role, User
from directory.operations.errors import OperationError
from directory.operations.sign_in import find_account
from directory.operations.staff_accounts import activate_account, deactivate_account
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


def _account(email: str) -> User:
    """Return the account with this address, or stop with a message naming it."""
    user = find_account(get_session(), email)
    if user is None:
        raise click.ClickException(f"No staff account has the address {email.strip().lower()}.")
    return user


@users_group.command("deactivate", help="Deactivate a staff account: no sign-in; open sessions end.")
@click.argument("email")
def deactivate_command(email: str) -> None:
    """Deactivate an account (never the last active admin)."""
    session = get_session()
    user = _account(email)
    try:
        changed = deactivate_account(session, user, actor="command line")
    except OperationError as error:
        session.rollback()
        raise click.ClickException(error.message) from error
    session.commit()
    click.echo(f"Deactivated {user.email}." if changed else f"{user.email} was already deactivated.")


@users_group.command("activate", help="Reactivate a deactivated staff account.")
@click.argument("email")
def activate_command(email: str) -> None:
    """Reactivate an account."""
    session = get_session()
    user = _account(email)
    changed = activate_account(session, user, actor="command line")
    session.commit()
    click.echo(f"Reactivated {user.email}." if changed else f"{user.email} was already active.")
