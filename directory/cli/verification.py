"""``flask verification``: the research team's scheduled verification jobs."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import AppGroup

from directory.database import get_session
from directory.operations.advertisers import end_advertising_on_end_dates
from directory.operations.verification import expire_overdue_verifications

ACTOR = "verification schedule"


@click.group("verification", cls=AppGroup, help="Verification jobs (run 'expire' daily, e.g. from cron).")
def verification_group() -> None:
    """Group the verification commands."""


@verification_group.command(
    "expire",
    help="End advertising whose end date has come; expire verifications past their re-verification date.",
)
@click.option("--dry-run", is_flag=True, help="List what would end or expire; change nothing.")
def expire_command(dry_run: bool) -> None:
    """End advertising on its end date, expire overdue verifications (with their advertising); list them."""
    session = get_session()
    today = date.today()
    ended = end_advertising_on_end_dates(session, today, actor=ACTOR)
    for center in ended:
        click.echo(f"{center.name} ({center.slug}): advertising ended on {center.advertiser_ends_on}")
    expired = expire_overdue_verifications(session, today, actor=ACTOR)
    for center in expired:
        click.echo(f"{center.name} ({center.slug}): re-verification was due {center.reverify_due_on}")
    if dry_run:
        session.rollback()
        click.echo(
            f"Dry run: {len(ended)} advertiser(s) would end and {len(expired)} verification(s) would expire;"
            " nothing changed."
        )
        return
    session.commit()
    click.echo(f"{len(ended)} advertiser(s) ended on their end date.")
    click.echo(f"{len(expired)} verification(s) expired.")
