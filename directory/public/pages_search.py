"""Public pages: search (the form, results, filters and pages; all state in the query string)."""

from __future__ import annotations

from flask import render_template, request

from directory.public import bp
from directory.public.search_args import SearchArgs, SearchArgsError, choice_radius, parse_search_args
from directory.public.search_presenter import (
    SearchPage,
    corrected_search,
    error_page,
    public_query,
    results_page,
)
from directory.search import SearchError, Viewer, get_search_service, search_centers
from search_index.searching import DEFAULT_RADIUS_MILES


@bp.get("/search")
def search() -> tuple[str, int]:
    """Search the directory, nearest first when a place is given.

    Text that finds nothing is corrected when its correction finds centers (see
    :func:`corrected_search`). Bad input answers 400 with the form kept and the problem named.
    """
    vocabulary = get_search_service().index.vocabulary
    try:
        args = parse_search_args(request.args, vocabulary, request.query_string)
        response = search_centers(public_query(args), Viewer.PUBLIC)
        args, response, correction = corrected_search(args, response)
    except SearchArgsError as error:
        return _render(error_page(error.form, error.problems), 400)
    except SearchError as error:
        return _render(error_page(args, [str(error)]), 400)
    return _render(results_page(args, response, vocabulary, correction), 200)


def _render(page: SearchPage, status: int) -> tuple[str, int]:
    return render_template("public/search.html", page=page), status


@bp.app_template_global()
def page_window(page: int, last_page: int, around: int = 2) -> list[int | None]:
    """Return the page numbers a pagination shows: first, last and ``around`` either side; None is a gap.

    A gap of a single page shows that page instead of an ellipsis.
    """
    page = min(max(page, 1), last_page)
    wanted = sorted({1, last_page, *range(max(1, page - around), min(last_page, page + around) + 1)})
    window: list[int | None] = []
    previous = 0
    for number in wanted:
        if number - previous == 2:
            window.append(previous + 1)
        elif previous and number - previous > 2:
            window.append(None)
        window.append(number)
        previous = number
    return window


@bp.app_template_global()
def radius_choices(args: SearchArgs | None) -> tuple[float, list[float]]:
    """Return the distance the search form shows selected, and its choices."""
    current, choices = choice_radius(args or SearchArgs(), DEFAULT_RADIUS_MILES)
    return current, list(choices)
