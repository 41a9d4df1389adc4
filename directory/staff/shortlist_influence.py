"""Which console search a shortlist addition came from, so each search is counted once per call.

The "Add to shortlist" form already carries the page it came from (``next``); when that page is the
console's search, the addition came from that search. Its result counts are recomputed from those
parameters (two index counts, no rows kept), and the search is remembered for the rest of the call
only as a keyed digest under a random per-call salt in the specialist's signed session cookie, so a
second center added from the same search (any page or order of it) does not count it again. The
digest cannot be read back into the search, and nothing about it reaches the database: the
counters (:mod:`directory.operations.shortlist_counts`) hold numbers only.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from flask import current_app, session, url_for
from werkzeug.datastructures import MultiDict

from directory.operations.shortlist_counts import ResultCounts
from directory.public.search_args import DEFAULT_PER_PAGE
from directory.search import SearchError, SearchUnavailable, Viewer, get_search_service, search_centers
from directory.staff.search_args import StaffSearchArgs, StaffSearchArgsError, parse_staff_search_args

#: The session key of this call's counted searches: ``{"s": salt, "d": [digest, ...]}``.
COUNTED_KEY = "counted_searches"
#: Searches remembered per call (the oldest is forgotten first; the cookie stays small).
MAX_REMEMBERED = 12
_DIGEST_CHARS = 16


@dataclass(frozen=True)
class SearchToCount:
    """A console search not yet counted in this call: its digest and its result counts."""

    digest: str
    counts: ResultCounts


def search_to_count(next_url: str | None) -> SearchToCount | None:
    """Return the console search ``next_url`` shows with its counts, unless this call counted it already."""
    query = console_query(next_url)
    if query is None:
        return None
    try:
        args = parse_staff_search_args(query, get_search_service().index.vocabulary)
    except StaffSearchArgsError:
        return None
    digest = search_digest(args)
    if digest in _remembered()["d"]:
        return None
    try:
        counts = result_counts(args)
    except (SearchError, SearchUnavailable):
        return None
    return SearchToCount(digest, counts)


def mark_counted(search: SearchToCount) -> None:
    """Remember for the rest of the call that ``search`` is counted."""
    remembered = _remembered()
    digests = [d for d in remembered["d"] if d != search.digest] + [search.digest]
    session[COUNTED_KEY] = {"s": remembered["s"], "d": digests[-MAX_REMEMBERED:]}


def console_query(next_url: str | None) -> MultiDict[str, str] | None:
    """Return the query parameters of ``next_url`` when it is the console's search page, else None."""
    if not next_url:
        return None
    parts = urlsplit(next_url)
    if parts.path != url_for("staff.search"):
        return None
    return MultiDict(parse_qsl(parts.query, keep_blank_values=True))


def search_digest(args: StaffSearchArgs) -> str:
    """Return the search's digest for this call: the same for every page and order of one search."""
    same_results = dataclasses.replace(args, page=1, per_page=DEFAULT_PER_PAGE, sort=None)
    key = hmac.new(
        str(current_app.config["SECRET_KEY"]).encode(), b"shortlist-search-digest", hashlib.sha256
    ).digest()
    message = f"{_remembered()['s']}\n{same_results.query_string()}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:_DIGEST_CHARS]


def result_counts(args: StaffSearchArgs) -> ResultCounts:
    """Return how many listings the search finds and how many of them are advertisers."""
    query = dataclasses.replace(args.to_query(), page=1, per_page=1, sort=None)
    total = search_centers(query, Viewer.STAFF).total
    if args.advertiser is not None or total == 0:
        advertisers = total if args.advertiser else 0
    else:
        advertisers = search_centers(dataclasses.replace(query, advertiser=True), Viewer.STAFF).total
    return ResultCounts(total, advertisers)


def _remembered() -> dict[str, object]:
    raw = session.get(COUNTED_KEY)
    if isinstance(raw, dict) and isinstance(raw.get("s"), str) and isinstance(raw.get("d"), list):
        return {"s": raw["s"], "d": [d for d in raw["d"] if isinstance(d, str)]}
    fresh: dict[str, object] = {"s": secrets.token_hex(8), "d": []}
    session[COUNTED_KEY] = fresh
    return fresh
