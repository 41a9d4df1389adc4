"""``flask tokens``: partners' API tokens (issue, list, revoke), with the operations the admin pages use."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

import click
from flask.cli import AppGroup
from sqlalchemy import select

from directory.database import get_session
from directory.models import ApiToken, TokenScope, utcnow
from directory.operations import api_tokens as operations
from directory.operations.errors import OperationError

ACTOR = "command line"
USAGE_DAYS = 30


@click.group(
    "tokens", help="Manage partners' API tokens (stored hashed; a new token is shown once).", cls=AppGroup
)
def tokens_group() -> None:
    """Group the API-token commands."""


@tokens_group.command("issue", help="Issue a token and print it once, on standard output.")
@click.argument("name")
@click.option(
    "--scope",
    type=click.Choice([scope.value for scope in TokenScope]),
    default=TokenScope.PUBLIC.value,
    show_default=True,
    help="public: what anyone may read; staff: also the staff-only filters and fields.",
)
@click.option(
    "--last-day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The last day (UTC) the token works, YYYY-MM-DD, at most a year ahead [default: in 90 days].",
)
def issue_command(name: str, scope: str, last_day: datetime | None) -> None:
    """Issue a token; only the token goes to standard output, the rest to standard error."""
    today = utcnow().date()
    expires_on: date = last_day.date() if last_day else today + timedelta(days=90)
    session = get_session()
    try:
        token, raw_token = operations.issue_token(session, ACTOR, name, scope, expires_on, today=today)
    except OperationError as error:
        session.rollback()
        raise click.ClickException(error.message) from error
    session.commit()
    click.echo(
        f"Issued {token.scope.value}-read token {token.prefix}… for {token.name!r}, working through "
        f"{expires_on.isoformat()} (UTC). It is shown only now:",
        err=True,
    )
    click.echo(raw_token)


@tokens_group.command(
    "list", help="List every token: id, first characters, scope, last day, status, recent uses."
)
def list_command() -> None:
    """Print one line per token, newest first."""
    session = get_session()
    today = utcnow().date()
    uses = operations.uses_since(session, today - timedelta(days=USAGE_DAYS - 1))
    tokens = operations.all_tokens(session)
    if not tokens:
        click.echo("No API token has been issued.")
        return
    for token in tokens:
        click.echo(
            "\t".join(
                (
                    str(token.id),
                    f"{token.prefix}…",
                    token.scope.value,
                    f"last day {operations.last_day(token).isoformat()}",
                    operations.token_status(token, today),
                    f"{uses.get(token.id, 0)} uses in {USAGE_DAYS} days",
                    token.name,
                )
            )
        )


@tokens_group.command("revoke", help="Revoke a token for good, named by its id or its first characters.")
@click.argument("token")
def revoke_command(token: str) -> None:
    """Revoke the token with this id or prefix."""
    session = get_session()
    token_id = _token_id(token)
    try:
        revoked = operations.revoke_token(session, ACTOR, token_id)
    except OperationError as error:
        session.rollback()
        raise click.ClickException(error.message) from error
    session.commit()
    click.echo(f"Revoked the token {revoked.prefix}… ({revoked.name!r}): it no longer works.")


def _token_id(text: str) -> uuid.UUID:
    """Return the id of the token named by its id or by its first characters, or stop with a message."""
    text = text.strip().rstrip("…")
    try:
        return uuid.UUID(text)
    except ValueError:
        pass
    if len(text) < 6:
        raise click.ClickException("Name the token by its id or by at least its first 6 characters.")
    found = (
        get_session()
        .scalars(select(ApiToken.id).where(ApiToken.prefix.startswith(text[:16], autoescape=True)))
        .all()
    )
    if len(found) != 1:
        raise click.ClickException(
            f"No token starts with {text!r}; see `flask tokens list`."
            if not found
            else f"{len(found)} tokens start with {text!r}: name the token by its id."
        )
    return found[0]
