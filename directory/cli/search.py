"""``flask search``: the directory's search from the command line, as staff and scripts use it."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import with_appcontext

from directory.search import (
    CenterQuery,
    SearchError,
    SearchResponse,
    SearchUnavailable,
    Viewer,
    get_search_service,
    search_centers,
)
from search_index.types import SORT_ORDERS

TAXONOMY_FILE = Path(__file__).resolve().parents[2] / "data" / "taxonomy.json"
#: One repeatable option per scheme of the vocabulary file (values are term codes, checked by the
#: search), plus state and city; read from the file so that a new scheme gets its option.
SCHEME_OPTIONS = (
    *(scheme["code"] for scheme in json.loads(TAXONOMY_FILE.read_text(encoding="utf-8"))["schemes"]),
    "state",
    "city",
)


def _scheme_options(command: click.Command) -> click.Command:
    for scheme in reversed(SCHEME_OPTIONS):
        command = click.option(
            f"--{scheme.replace('_', '-')}",
            scheme,
            multiple=True,
            help=f"Only listings with this {scheme.replace('_', ' ')} (repeat to allow several).",
        )(command)
    return command


@click.command("search", help="Search the directory and print the results (--json for the API document).")
@click.argument("text", required=False, default="")
@_scheme_options
@click.option("--near", help="A ZIP code, 'City, ST' or 'lat,lon'.")
@click.option("--radius", type=float, help="Miles around --near (0.5 to 500; default 25).")
@click.option("--verified-only", is_flag=True, help="Only listings verified by the research team.")
@click.option("--accepting", is_flag=True, help="Only listings accepting new clients.")
@click.option("--include-closed", is_flag=True, help="Also show closed listings (marked as closed).")
@click.option("--status", "statuses", multiple=True, help="Staff: listing status (default: published).")
@click.option("--verification", multiple=True, help="Staff: verification status.")
@click.option("--advertiser/--not-advertiser", default=None, help="Staff: advertisers only, or none.")
@click.option("--sort", type=click.Choice(SORT_ORDERS))
@click.option("--page", type=int, default=1, show_default=True)
@click.option("--per-page", type=int, default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the API's JSON document.")
@with_appcontext
@click.pass_context
def search_command(ctx: click.Context, text: str, **options: object) -> None:
    """Run one search as staff; exit 2 with a one-line message on bad input."""
    filters = {scheme: tuple(options.pop(scheme)) for scheme in SCHEME_OPTIONS}  # type: ignore[arg-type]
    as_json = options.pop("as_json")
    statuses = tuple(options.pop("statuses")) or ("published",) + (
        ("closed",) if options["include_closed"] else ()
    )
    query = CenterQuery(
        text=text,
        filters=filters,
        near=options["near"],  # type: ignore[arg-type]
        radius_miles=options["radius"],  # type: ignore[arg-type]
        verified_only=bool(options["verified_only"]),
        accepting_only=bool(options["accepting"]),
        include_closed=bool(options["include_closed"]),
        statuses=statuses,  # type: ignore[arg-type]
        verification=tuple(options["verification"]),  # type: ignore[arg-type]
        advertiser=options["advertiser"],  # type: ignore[arg-type]
        sort=options["sort"],  # type: ignore[arg-type]
        page=options["page"],  # type: ignore[arg-type]
        per_page=options["per_page"],  # type: ignore[arg-type]
    )
    try:
        response = _search_waiting_for_repair(query)
    except SearchError as error:
        click.echo(f"Error: {error}", err=True)
        ctx.exit(2)
    if as_json:
        click.echo(json.dumps(response.as_json(), indent=2, ensure_ascii=False))
        return
    _print_table(response)


def _search_waiting_for_repair(query: CenterQuery) -> SearchResponse:
    """Search; if the index is damaged with nothing to fall back on, wait for its rebuild first."""
    try:
        return search_centers(query, Viewer.STAFF)
    except SearchUnavailable:
        click.echo("The search index is damaged; rebuilding it from the database first.", err=True)
        get_search_service().repair.wait()
    try:
        return search_centers(query, Viewer.STAFF)
    except SearchUnavailable as error:
        raise click.ClickException(
            "The search index could not be rebuilt; see 'flask index check'."
        ) from error


def _print_table(response: object) -> None:
    hits = response.hits  # type: ignore[attr-defined]
    click.echo(f"{response.total} result(s), page {response.page}, sorted by {response.sort}.")  # type: ignore[attr-defined]
    if response.suggestion:  # type: ignore[attr-defined]
        click.echo(f"Did you mean: {response.suggestion}?")  # type: ignore[attr-defined]
    for hit in hits:
        marks = " ".join(
            mark
            for mark, on in (
                ("[verified]", hit["verified"]),
                ("[advertiser]", hit["advertiser"]),
                (f"[{hit['status']}]", hit["status"] != "published"),
            )
            if on
        )
        distance = f" {hit['distance_miles']:.1f} mi" if hit["distance_miles"] is not None else ""
        click.echo(f"- {hit['name']} ({hit['city']}, {hit['state']}){distance} {marks}".rstrip())
