"""``flask data export-hsds`` and ``flask data import-hsds``: Open Referral HSDS 3.0 packages."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app

from directory.cli.data import data_group
from directory.cli.progress import progress_bar
from directory.database import get_session
from directory.hsds.errors import HSDSError
from directory.hsds.export import export_json, export_package
from directory.hsds.importing import import_package
from directory.hsds.layout import load_layout
from directory.hsds.publisher import DEVELOPMENT_BASE_URL
from directory.site_address import public_base_url

#: How many problems, skips or notes a command prints before summing up the rest.
SHOWN = 50


@data_group.command(
    "export-hsds",
    help="Write the published, suspended and closed listings as HSDS 3.0 (drafts and pending stay out).",
)
@click.argument("target", type=click.Path(path_type=Path))
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Write TARGET as a file of HSDS service JSON, one full service per line ('-' for standard output), "
    "instead of a tabular data package folder.",
)
@click.option(
    "--reference",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    envvar="HSDS_REFERENCE_DIR",
    default=None,
    help="Folder of an HSDS 3.0 specification holding datapackage.json "
    "(default: the copy shipped in the package, directory/hsds/spec/v3.0).",
)
def export_hsds_command(target: Path, as_json: bool, reference: Path | None) -> None:
    """Export the shared listings as an HSDS tabular data package (TARGET is a folder) or JSON lines."""
    try:
        configured = current_app.config.get("HSDS_REFERENCE_DIR")
        layout = load_layout(reference or (Path(configured) if configured else None))
    except HSDSError as error:
        raise click.ClickException(error.message) from error
    if public_base_url(current_app.config) is None:
        click.echo(
            f"PUBLIC_BASE_URL is not set: vocabulary addresses (uri, term_uri) name {DEVELOPMENT_BASE_URL}.",
            err=True,
        )
    session = get_session()
    if as_json and str(target) == "-":
        written = export_json(session, sys.stdout, layout, progress_bar)
        click.echo(f"{written} services written.", err=True)
        return
    try:
        if as_json:
            with target.open("w", encoding="utf-8") as stream:
                written = export_json(session, stream, layout, progress_bar)
            click.echo(f"{written} services written to {target}.")
            return
        counts = export_package(session, target, layout, progress_bar)
    except OSError as error:
        raise click.ClickException(f"Cannot write {target}: {error}") from error
    click.echo(f"{len(counts)} files and datapackage.json written to {target}:")
    for file, rows in counts.items():
        if rows:
            click.echo(f"  {file}: {rows} rows")


@data_group.command(
    "import-hsds", help="Check an HSDS 3.0 tabular package, then insert or update its services."
)
@click.argument("folder", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option(
    "--source",
    default=None,
    help="The source recorded on listings from other publishers (default: 'hsds:' and the package name).",
)
def import_hsds_command(folder: Path, source: str | None) -> None:
    """Import a package; nothing is written when it has problems, and a second run changes nothing."""
    session = get_session()
    try:
        report = import_package(session, folder, source=source, progress=progress_bar)
    except HSDSError as error:
        session.rollback()
        _echo_list(error.problems, err=True)
        raise click.ClickException(error.message) from error
    session.commit()
    counts = report.centers
    click.echo(
        f"centers: {counts['created']} created, {counts['updated']} updated, "
        f"{counts['unchanged']} unchanged, {len(report.skipped)} skipped"
    )
    click.echo(f"taxonomy: {report.schemes_created} schemes and {report.terms_created} terms created")
    if report.skipped:
        click.echo("skipped:")
        _echo_list(report.skipped)
    if report.notes:
        click.echo("notes:")
        _echo_list(report.notes)


def _echo_list(lines: list[str], *, err: bool = False) -> None:
    for line in lines[:SHOWN]:
        click.echo(f"  {line}", err=err)
    if len(lines) > SHOWN:
        click.echo(f"  … and {len(lines) - SHOWN} more", err=err)
