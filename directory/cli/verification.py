"""``flask verification``: the research team's scheduled verification jobs."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import AppGroup

from directory.database import get_session
from directory.operations.verification import expire_overdue_verifications


@click.group("verification", cls=AppGroup, help="Verification jobs (run 'expire' daily, e.g. from cron).")
def verification_group() -> None:
    """Group the verification commands."""


@verification_group.command("expire", help="Expire verifications whose re-verification date has passed.")
@click.option("--dry-run", is_flag=True, help="List what would expire; change nothing.")
def expire_command(dry_run: bool) -> None:
    """Expire overdue verifications (advertiser status ends with them) and list them."""
    session = get_session()
    expired = expire_overdue_verifications(session, date.today(), actor="verification schedule")
    for center in expired:
        click.echo(f"{center.name} ({center.slug}): re-verification was due {center.reverify_due_on}")
    if dry_run:
        session.rollback()
        click.echo(f"Dry run: {len(expired)} verification(s) would expire; nothing changed.")
        return
    session.commit()
    click.echo(f"{len(expired)} verification(s) expired.")
