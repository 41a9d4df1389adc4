"""``flask data``: load the sample directory and import real data."""

from __future__ import annotations

import re
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from directory.cli.progress import progress_bar
from directory.database import get_session
from directory.indexing import DEFER_KEY
from directory.operations.samhsa_import import ImportReport, InvalidRows, import_samhsa
from directory.operations.sample_data import SampleDataError, load_sample, load_vocabulary_file
from directory.samhsa.workbook import WorkbookError
from directory.search import get_search_service

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "data"
#: Above this many changed listings, rebuilding the index is faster than applying each change.
REBUILD_ABOVE = 2000


@click.group("data", help="Load data into the directory.", cls=AppGroup)
def data_group() -> None:
    """Group the data commands."""


@data_group.command("load-sample", help="Validate the sample files, then insert or update them.")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help=(
        "Folder holding taxonomy.json, centers.json, articles/ and optionally presets.json "
        "(default: the project's data/)."
    ),
)
@click.option(
    "--without-centers",
    is_flag=True,
    help="Load only the vocabulary and the articles (for a directory of real data).",
)
def load_sample_command(data_dir: Path | None, without_centers: bool) -> None:
    """Load the fictional sample directory; a second run changes nothing."""
    folder = data_dir or Path(current_app.config.get("SAMPLE_DATA_DIR", DEFAULT_DATA_DIR))
    session = get_session()
    try:
        report = load_sample(session, folder, progress_bar, with_centers=not without_centers)
    except SampleDataError as error:
        session.rollback()
        for problem in error.problems:
            click.echo(f"  {problem}", err=True)
        raise click.ClickException(error.message) from error
    session.commit()
    for kind, counts in (
        ("centers", report.centers),
        ("articles", report.articles),
        ("team presets", report.presets),
    ):
        click.echo(
            f"{kind}: {counts['created']} created, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged"
        )
    click.echo(f"taxonomy: {report.terms_changed} schemes or terms changed")
    if not report.changed_anything:
        click.echo("Nothing changed: the database already holds the sample data.")


@data_group.command(
    "import-samhsa", help="Import SAMHSA's National Directory of Mental Health Treatment Facilities."
)
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--edition", help="The directory's edition, e.g. 2022 (default: the year in the file name).")
@click.option("--dry-run", is_flag=True, help="Validate and report what would change; write nothing.")
@click.option(
    "--skip-invalid", is_flag=True, help="Import the valid rows and report the invalid ones as skipped."
)
def import_samhsa_command(path: Path, edition: str | None, dry_run: bool, skip_invalid: bool) -> None:
    """Validate the whole workbook, import it in batches, then bring the search index up to date."""
    edition = edition or _edition_from_name(path)
    session = get_session()
    session.info[DEFER_KEY] = True
    started = time.perf_counter()
    try:
        load_vocabulary_file(session, DEFAULT_DATA_DIR / "taxonomy.json")
        report = import_samhsa(
            session,
            path,
            edition=edition,
            commit=(lambda: session.flush()) if dry_run else session.commit,
            skip_invalid=skip_invalid,
            progress=progress_bar,
        )
    except (WorkbookError, InvalidRows, SampleDataError, ValueError) as error:
        session.rollback()
        raise click.ClickException(str(error)) from error
    finally:
        session.info.pop(DEFER_KEY, None)
    if dry_run:
        session.rollback()
    else:
        session.commit()
        _refresh_index(sum(report.outcomes[o] for o in ("created", "updated")))
    _print_report(report, dry_run, time.perf_counter() - started)


def _edition_from_name(path: Path) -> str:
    match = re.search(r"(19|20)\d{2}", path.name)
    if match is None:
        raise click.UsageError(f"Give --edition: no year in the file name '{path.name}'.")
    return match.group(0)


def _refresh_index(changed: int) -> None:
    """Apply the import to this node's index: a rebuild for big imports, a sync otherwise."""
    service = get_search_service()
    if service.index.rebuild_reason() or changed > REBUILD_ABOVE:
        count = service.rebuild()
        click.echo(f"Search index rebuilt: {count} listings.")
    else:
        report = service.sync.sync(timeout=30)
        click.echo(f"Search index updated: {report.upserted} listings.")


def _print_report(report: ImportReport, dry_run: bool, seconds: float) -> None:
    heading = "Dry run, nothing written" if dry_run else "Imported"
    outcomes = report.outcomes
    click.echo(
        f"{heading}: {report.rows} rows; {outcomes['created']} created, {outcomes['updated']} updated, "
        f"{outcomes['unchanged']} unchanged, {len(report.skipped)} skipped; "
        f"{report.marked_missing} listing(s) no longer in the source marked missing ({seconds:.1f} s)."
    )
    if report.duplicates_told_apart:
        click.echo(
            f"{report.duplicates_told_apart} rows share a name and address with another row and were "
            "told apart by their phone number (separate programs)."
        )
    for line in report.skipped:
        click.echo(f"  skipped: {line}")
    for line in report.conflicts:
        click.echo(f"  kept staff edit: {line}")
    if report.unmapped_codes:
        codes = ", ".join(f"{code} ({n})" for code, n in report.unmapped_codes.most_common())
        click.echo(f"Codes with no directory term (kept on each record): {codes}")
    if report.ungeocoded:
        click.echo(f"{len(report.ungeocoded)} facility ZIP code(s) not found; imported without coordinates:")
        for line in report.ungeocoded:
            click.echo(f"  {line}")
