"""The console's search screen: the public search's query string plus staff-only filters, as a table.

A public search URL opens here by changing its path. Bad input answers 400 with the problem named.
Unlike the public page, the console never corrects spelling: staff look for exact listings, and a
typo should show no result rather than other centers (``as_typed`` is accepted and changes nothing).
"""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from directory.database import get_session
from directory.search import SearchError, SearchResponse, Viewer, get_search_service, search_centers
from directory.staff import bp
from directory.staff.console_page import CONSOLE_SORTS, console_page, console_url, preset_links
from directory.staff.rows import staff_rows
from directory.staff.search_args import (
    ADVERTISER_CHOICES,
    STATUS_LABELS,
    VERIFICATION_LABELS,
    StaffSearchArgsError,
    parse_staff_search_args,
)


@bp.get("/search")
def search() -> tuple[str, int]:
    """Search every listing as staff; bad input answers 400 with the form kept and the problem named."""
    return render_console(request.args, request.query_string)


def render_console(
    query: MultiDict[str, str],
    raw_query: bytes = b"",
    preset_problems: list[str] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    """Run the search ``query`` asks for and render the screen (``preset_problems`` from a preset form)."""
    vocabulary = get_search_service().index.vocabulary
    session = get_session()
    response: SearchResponse | None = None
    problems: list[str] = []
    try:
        args = parse_staff_search_args(query, vocabulary, raw_query)
        response = search_centers(args.to_query(), Viewer.STAFF)
    except StaffSearchArgsError as error:
        args, problems, status = error.form, error.problems, 400
    except SearchError as error:
        problems, status = [str(error)], 400
    rows = staff_rows(session, response.hits, vocabulary) if response else []
    page = console_page(args, response, vocabulary, rows, problems)
    if current_user.is_authenticated:  # the account's presets were read with it (auth.accounts)
        page.presets = preset_links(current_user.presets, current_user.user_id, current_user.is_admin, args)
    return render_template(
        "staff/search.html",
        page=page,
        args=args,
        therapies=vocabulary.schemes.get("therapy", ()),
        preset_problems=preset_problems or [],
        console_sorts=CONSOLE_SORTS,
        status_labels=STATUS_LABELS,
        verification_labels=VERIFICATION_LABELS,
        advertiser_choices=ADVERTISER_CHOICES,
        clear_filters_url=console_url(args.without_filters()),
    ), status
