"""Staff search: the public search's query string, run as staff, shown as a compact table.

A public search URL opens here by changing its path. Bad input answers 400 with the problem named.
"""

from __future__ import annotations

from flask import render_template, request

from directory.database import get_session
from directory.public.search_args import SearchArgs, SearchArgsError, parse_search_args
from directory.search import SearchError, SearchResponse, Viewer, get_search_service, search_centers
from directory.staff import bp
from directory.staff.rows import staff_rows


@bp.get("/search")
def search() -> tuple[str, int]:
    """Search every listing as staff; bad input answers 400 with the form kept and the problem named."""
    vocabulary = get_search_service().index.vocabulary
    try:
        args = parse_search_args(request.args, vocabulary, request.query_string)
        response = search_centers(args.to_query(), Viewer.STAFF)
    except SearchArgsError as error:
        return _render(error.form, None, error.problems, 400)
    except SearchError as error:
        return _render(args, None, [str(error)], 400)
    return _render(args, response, [], 200)


def _render(
    args: SearchArgs, response: SearchResponse | None, problems: list[str], status: int
) -> tuple[str, int]:
    rows = staff_rows(get_session(), response.hits) if response else []
    therapies = get_search_service().index.vocabulary.schemes.get("therapy", ())
    page = render_template(
        "staff/search.html", args=args, response=response, rows=rows, problems=problems, therapies=therapies
    )
    return page, status
