"""Parse the API's search parameters with the public page's parser (and the console's, for staff).

One parser, two surfaces: the API's query string is the search page's query string, so a search
URL works at ``/api/v1/search`` by changing its path. Problems come back per parameter.
"""

from __future__ import annotations

import math

from flask import Request, url_for
from werkzeug.datastructures import MultiDict

from directory.public.search_args import MAX_PAGE, SearchArgs, SearchArgsError, parse_search_args
from directory.schemas.presets import STAFF_PARAMS
from directory.search import Viewer
from directory.staff.search_args import StaffSearchArgsError, parse_staff_search_args
from search_index import Vocabulary


class ApiArgsError(ValueError):
    """The parameters cannot be searched: ``status`` (400 or 403), a message and problems per parameter."""

    def __init__(self, status: int, message: str, errors: dict[str, list[str]]) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors


def parse_api_search(request: Request, vocabulary: Vocabulary, viewer: Viewer) -> SearchArgs:
    """Return the search the request asks for; raise :class:`ApiArgsError` naming each problem."""
    staff_only = [name for name in STAFF_PARAMS if name in request.args]
    if staff_only and viewer is not Viewer.STAFF:
        raise ApiArgsError(
            403,
            "The staff-only filters need a staff session or a staff API token.",
            {name: ["This filter is for staff only."] for name in staff_only},
        )
    parse = parse_staff_search_args if viewer is Viewer.STAFF else parse_search_args
    try:
        return parse(request.args, vocabulary, request.query_string)
    except (SearchArgsError, StaffSearchArgsError) as error:
        errors = _problems_by_parameter(request, vocabulary, parse) or {"_": list(error.problems)}
        raise ApiArgsError(400, " ".join(error.problems), errors) from None


def _problems_by_parameter(request: Request, vocabulary: Vocabulary, parse: object) -> dict[str, list[str]]:
    """Return each parameter's own problems, found by parsing it alone (only on the error path)."""
    errors: dict[str, list[str]] = {}
    raw_parts = request.query_string.split(b"&")
    for name in dict.fromkeys(request.args):
        alone = MultiDict([(name, value) for value in request.args.getlist(name)])
        if name == "sort":  # sorting by distance is judged with the place it needs
            alone.setlist("near", request.args.getlist("near"))
        raw = b"&".join(part for part in raw_parts if part.partition(b"=")[0] == name.encode())
        try:
            parse(alone, vocabulary, raw)  # type: ignore[operator]
        except (SearchArgsError, StaffSearchArgsError) as error:
            errors[name] = list(error.problems)
    return errors


def page_links(endpoint: str, args: SearchArgs, total: int) -> tuple[int, dict[str, str | None]]:
    """Return the last page number and the links to this page, the first, last, previous and next."""
    last = max(1, min(MAX_PAGE, math.ceil(total / args.per_page)))

    def link(page: int) -> str:
        return url_for(endpoint, **_multi(args.replace(page=page).params()))

    return last, {
        "self": link(args.page),
        "first": link(1),
        "last": link(last),
        "prev": link(min(args.page - 1, last)) if args.page > 1 else None,
        "next": link(args.page + 1) if args.page < last else None,
    }


def _multi(params: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Group query parameters for ``url_for`` (repeated names become lists)."""
    grouped: dict[str, list[str]] = {}
    for name, value in params:
        grouped.setdefault(name, []).append(value)
    return grouped
