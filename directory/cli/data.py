"""``flask data``: load the sample directory (and, later, real data)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from directory.cli.progress import progress_bar
from directory.database import get_session
from directory.operations.sample_data import SampleDataError, load_sample

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "data"


@click.group("data", help="Load data into the directory.", cls=AppGroup)
def data_group() -> None:
    """Group the data commands."""


@data_group.command("load-sample", help="Validate the sample files, then insert or update them.")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="Folder holding taxonomy.json, centers.json and articles/ (default: the project's data/).",
)
def load_sample_command(data_dir: Path | None) -> None:
    """Load the fictional sample directory; a second run changes nothing."""
    folder = data_dir or Path(current_app.config.get("SAMPLE_DATA_DIR", DEFAULT_DATA_DIR))
    session = get_session()
    try:
        report = load_sample(session, folder, progress_bar)
    except SampleDataError as error:
        session.rollback()
        for problem in error.problems:
            click.echo(f"  {problem}", err=True)
        raise click.ClickException(error.message) from error
    session.commit()
    for kind, counts in (("centers", report.centers), ("articles", report.articles)):
        click.echo(
            f"{kind}: {counts['created']} created, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged"
        )
    click.echo(f"taxonomy: {report.terms_changed} schemes or terms changed")
    if not report.changed_anything:
        click.echo("Nothing changed: the database already holds the sample data.")
