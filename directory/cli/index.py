"""``flask index``: keep this node's search index in step with the database."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from directory.indexing import IndexNotBuilt
from directory.search import SearchUnavailable, get_search_service
from search_index import Fault, IndexBusy, IndexCorrupt, storage


@click.group("index", cls=AppGroup, help="Build, update and check this node's search index.")
def index_group() -> None:
    """Group the index commands."""


@index_group.command("rebuild", help="Build a complete new index from the database and switch to it.")
def rebuild_command() -> None:
    """Rebuild with a progress bar; searches use the old index until the switch."""
    service = get_search_service()
    bar = click.progressbar(length=1, label="Indexing".ljust(10), file=sys.stderr, show_pos=True)
    with bar:

        def progress(done: int, total: int) -> None:
            bar.length = max(total, 1)
            bar.update(done - bar.pos)

        try:
            count = service.rebuild(progress)
        except IndexBusy as error:
            raise click.ClickException(
                f"{error}: wait for it to finish, then run 'flask index check'."
            ) from error
    click.echo(f"Indexed {count} listings into {service.index.state() and service.index.root}.")


@index_group.command("sync", help="Apply every change in the database's change log that this index lacks.")
@click.option("--timeout", default=10.0, show_default=True, help="Seconds to wait for the index lock.")
def sync_command(timeout: float) -> None:
    """Apply pending changes."""
    service = get_search_service()
    try:
        report = service.sync.sync(timeout=timeout)
    except IndexBusy as error:
        raise click.ClickException(f"{error}; the changes stay in the log, try again shortly.") from error
    except IndexNotBuilt as error:
        raise click.ClickException(f"{error}; run 'flask index rebuild'.") from error
    except IndexCorrupt as error:
        raise click.ClickException(explain_fault(error.fault)) from error
    click.echo(
        f"Applied changes through #{report.applied_through}: {report.upserted} updated, "
        f"{report.deleted} removed ({report.gaps} change ids still awaited)."
    )


@index_group.command(
    "check",
    help="Read every index file, then compare the database with the index; exit 1 on damage or drift.",
)
def check_command() -> None:
    """Report a damaged file, or missing, stale and extra documents."""
    from directory.indexing import check_drift

    service = get_search_service()
    try:
        service.ensure_ready()
    except SearchUnavailable as error:
        raise click.ClickException(f"{error} Run the check when the build has finished.") from error
    fault = service.index.check_files(deep=True)
    if fault is not None:
        raise click.ClickException(explain_fault(fault))
    drift = check_drift(service.sync)
    for kind in ("missing", "stale", "extra"):
        for listing in getattr(drift, kind):
            click.echo(f"{kind}: {listing}")
    if drift.total:
        raise click.ClickException(
            f"The index has drifted: {len(drift.missing)} missing, {len(drift.stale)} stale, "
            f"{len(drift.extra)} extra. Run 'flask index sync' or 'flask index rebuild'."
        )
    click.echo(f"The index matches the database ({drift.checked} listings).")


def explain_fault(fault: Fault) -> str:
    """Say what is damaged, what the site does meanwhile and what to run."""
    earlier = [
        generation.name
        for generation in storage.generations(fault.generation.parent)
        if generation != fault.generation and storage.read_state(generation) is not None
    ]
    meanwhile = (
        f"answers searches from the previous generation ({earlier[0]}) meanwhile"
        if earlier
        else "answers searches with a 503 page meanwhile (there is no previous generation)"
    )
    return (
        f"The search index is damaged: {fault.describe()}.\n"
        f"A running site rebuilds it in the background once it notices, and {meanwhile}.\n"
        "To repair it now, run 'flask index rebuild': it builds a new generation from the database "
        "and removes the damaged one."
    )
