"""The search page's query string: a whitelist of named parameters, parsed into a CenterQuery.

Every parameter the page understands is listed here; anything else is an error, not silently
ignored (as in ohana-api's filters). Taxonomy parameters come from the vocabulary: one repeatable
parameter per scheme, named by the scheme's code. Problems are collected, so a person sees all of
them at once, and each message names the parameter the way the page's form does.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote_to_bytes, urlencode

from werkzeug.datastructures import MultiDict

from directory.schemas.geography import US_STATES
from directory.search import CenterQuery
from search_index import LocationError, Vocabulary, resolve_place
from search_index.geo import MAX_PLACE_LENGTH
from search_index.query import MAX_QUERY_LENGTH
from search_index.searching import MAX_PER_PAGE, MAX_RADIUS_MILES, MIN_RADIUS_MILES
from search_index.types import SORT_ORDERS

DEFAULT_PER_PAGE = 20
#: Deeper pages are refused: nobody reads page 1,001, and crawlers should not try.
MAX_PAGE = 1000
#: The distances the search form offers, in miles; any distance in range is accepted in the URL.
RADIUS_CHOICES: tuple[int, ...] = (5, 10, 25, 50, 100, 250)
#: How the sort orders read on the page.
SORT_LABELS: dict[str, str] = {
    "relevance": "Relevance",
    "distance": "Distance",
    "name": "Name",
    "verified": "Recently verified",
}
#: Yes/no filters, by parameter name.
FLAG_PARAMS: tuple[str, ...] = ("verified", "accepting", "closed")
#: Filters that are places rather than taxonomy schemes.
PLACE_PARAMS: tuple[str, ...] = ("state", "city")
#: Set by a "Search instead for" link: run the text exactly as typed, never corrected automatically.
AS_TYPED_PARAM = "as_typed"
SINGLE_PARAMS: tuple[str, ...] = (
    "q",
    AS_TYPED_PARAM,
    "near",
    "radius",
    "sort",
    "page",
    "per_page",
    *FLAG_PARAMS,
)
MAX_CITIES = 10
#: Parameter names as the page's form speaks of them.
PARAM_NAMES: dict[str, str] = {
    "q": "search text",
    AS_TYPED_PARAM: "'search as typed' choice",
    "near": "place",
    "radius": "distance",
    "sort": "sort order",
    "page": "page number",
    "per_page": "number of results per page",
    "verified": "'Verified only' choice",
    "accepting": "'Accepting new clients' choice",
    "closed": "'Include closed centers' choice",
    "state": "state",
    "city": "city",
}

_WHOLE_NUMBER = re.compile(r"[0-9]{1,9}", re.ASCII)
_MILES = re.compile(r"[0-9]{1,4}(?:\.[0-9]{1,3})?", re.ASCII)
_CITY = re.compile(r"(?P<city>[^,]{1,80}),\s*(?P<state>[A-Za-z]{2})")
_SHOWN_LENGTH = 40


@dataclass(frozen=True)
class SearchArgs:
    """The state of one search page, exactly as its URL carries it."""

    text: str = ""
    near: str = ""
    radius: float | None = None
    #: Selected values by parameter: taxonomy schemes in vocabulary order, then state and city.
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    verified: bool = False
    accepting: bool = False
    closed: bool = False
    sort: str | None = None
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    #: The text is searched as typed: no automatic spelling correction (a "did you mean" at most).
    as_typed: bool = False

    def to_query(self) -> CenterQuery:
        """Return the search to run (a distance counts only with a place)."""
        return CenterQuery(
            text=self.text,
            filters={name: values for name, values in self.filters.items() if values},
            near=self.near or None,
            radius_miles=self.radius if self.near else None,
            verified_only=self.verified,
            accepting_only=self.accepting,
            include_closed=self.closed,
            sort=self.sort,
            page=self.page,
            per_page=self.per_page,
        )

    def selected(self) -> list[tuple[str, str]]:
        """Return every selected filter value as (parameter, value), in page order."""
        return [(name, value) for name, values in self.filters.items() for value in values]

    @property
    def filtered(self) -> bool:
        """Whether any filter or yes/no choice narrows the search."""
        return bool(self.selected() or self.verified or self.accepting or self.closed)

    def filter_params(self) -> list[tuple[str, str]]:
        """Return the filters and yes/no choices as query parameters (kept by a new text search)."""
        params = self.selected()
        params += [(name, "1") for name in FLAG_PARAMS if getattr(self, name)]
        return params

    def params(self) -> list[tuple[str, str]]:
        """Return the whole state as query parameters, in a stable order, defaults left out."""
        params: list[tuple[str, str]] = []
        if self.text:
            params.append(("q", self.text))
            if self.as_typed:
                params.append((AS_TYPED_PARAM, "1"))
        if self.near:
            params.append(("near", self.near))
            if self.radius is not None:
                params.append(("radius", format_miles(self.radius)))
        params += self.filter_params()
        if self.sort:
            params.append(("sort", self.sort))
        if self.per_page != DEFAULT_PER_PAGE:
            params.append(("per_page", str(self.per_page)))
        if self.page != 1:
            params.append(("page", str(self.page)))
        return params

    def query_string(self) -> str:
        """Return :meth:`params` URL-encoded (empty for the default search)."""
        return urlencode(self.params())

    def replace(self, **changes: object) -> SearchArgs:
        """Return a copy with ``changes``; any change but a page change goes back to page 1."""
        if "page" not in changes:
            changes["page"] = 1
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    def without(self, name: str, value: str | None = None) -> SearchArgs:
        """Return the search without one filter value, a yes/no choice, the text or the place."""
        if name in FLAG_PARAMS:
            return self.replace(**{name: False})
        if name == "q":
            return self.replace(text="", as_typed=False)
        if name == "near":
            return self.replace(near="", radius=None, sort=None if self.sort == "distance" else self.sort)
        filters = {
            key: tuple(v for v in values if key != name or (value is not None and v != value))
            for key, values in self.filters.items()
        }
        return self.replace(filters={key: values for key, values in filters.items() if values})

    def without_filters(self) -> SearchArgs:
        """Return the same text and place with no filter and no yes/no choice."""
        return self.replace(filters={}, verified=False, accepting=False, closed=False)


class SearchArgsError(ValueError):
    """The query string cannot be searched; ``problems`` are for a person, ``form`` refills the form."""

    def __init__(self, problems: list[str], form: SearchArgs) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems
        self.form = form


def format_miles(miles: float) -> str:
    """Return a distance as the URL and the page write it: '25', '2.5'."""
    return f"{miles:g}"


def parse_search_args(
    args: MultiDict[str, str], vocabulary: Vocabulary, raw_query: bytes = b""
) -> SearchArgs:
    """Parse the page's query string; raise :class:`SearchArgsError` naming every problem.

    ``raw_query`` is the undecoded query string: undecodable bytes in it are refused (the parsed
    ``args`` would hold them as literal ``%XX`` text).
    """
    parser = _Parser(args, vocabulary)
    parser.check_bytes(raw_query)
    parser.check_names()
    result = parser.parse()
    if parser.problems:
        raise SearchArgsError(parser.problems, result)
    return result


class _Parser:
    """One parse: the whitelisted parameters, checked one by one, with every problem kept."""

    def __init__(self, args: MultiDict[str, str], vocabulary: Vocabulary) -> None:
        self.args = args
        self.vocabulary = vocabulary
        self.problems: list[str] = []
        self.unreadable: set[str] = set()

    def problem(self, message: str) -> None:
        if message not in self.problems:
            self.problems.append(message)

    def check_bytes(self, raw_query: bytes) -> None:
        """Refuse parameters whose percent-decoded bytes are not UTF-8."""
        for part in raw_query.split(b"&"):
            raw_name, _, raw_value = part.partition(b"=")
            try:
                name = _decode(raw_name)
            except UnicodeDecodeError:
                self.problem("The address holds a parameter name we could not read.")
                continue
            try:
                _decode(raw_value)
            except UnicodeDecodeError:
                self.unreadable.add(name)
                self.problem(
                    f"The {_param_name(name, self.vocabulary)} holds bytes that are not text we can "
                    "read. Type it again."
                )

    def check_names(self) -> None:
        """Refuse unknown parameters and repeated single-valued ones."""
        allowed = {*SINGLE_PARAMS, *self.vocabulary.schemes, *PLACE_PARAMS}
        unknown = [name for name in self.args if name not in allowed]
        if unknown:
            shown = ", ".join(shown_text(name) for name in unknown[:5])
            more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
            self.problem(
                f"This search page does not understand the parameter(s) {shown}{more}. "
                "Start a new search from the form."
            )
        for name in SINGLE_PARAMS:
            if len(self.args.getlist(name)) > 1:
                self.problem(f"Give the {PARAM_NAMES[name]} only once.")

    def value(self, name: str) -> str:
        """Return a single parameter's value, stripped; '' when absent, repeated or unreadable."""
        values = self.args.getlist(name)
        if len(values) != 1 or name in self.unreadable:
            return ""
        return self.readable(name, values[0]).strip()

    def values(self, name: str) -> list[str]:
        """Return a repeatable parameter's distinct non-empty values."""
        if name in self.unreadable:
            return []
        values = (self.readable(name, value).strip() for value in self.args.getlist(name))
        return list(dict.fromkeys(value for value in values if value))

    def readable(self, name: str, value: str) -> str:
        """Return ``value`` without hidden or invalid characters, reporting them if there were any."""
        cleaned = without_invalid_characters(value)
        if cleaned != value:
            self.problem(
                f"The {_param_name(name, self.vocabulary)} contains hidden or invalid characters "
                "(such as a NUL byte). Type it again."
            )
        return cleaned

    def parse(self) -> SearchArgs:
        """Return what could be read (for the form); problems are left in ``self.problems``."""
        text = self.value("q")
        if len(text) > MAX_QUERY_LENGTH:
            self.problem(
                f"The search text is {len(text):,} characters long; the limit is {MAX_QUERY_LENGTH}. "
                f"The search box keeps its first {MAX_QUERY_LENGTH} characters: "
                "shorten them and search again."
            )
            text = text[:MAX_QUERY_LENGTH]  # never echo the whole of a rejected text
        near = self.value("near")
        self.check_place(near)
        near = near[:MAX_PLACE_LENGTH]
        radius = self.radius()
        flags = {name: self.flag(name) for name in (*FLAG_PARAMS, AS_TYPED_PARAM)}
        sort = self.sort(near)
        page = self.number("page", 1, MAX_PAGE, default=1)
        per_page = self.number("per_page", 1, MAX_PER_PAGE, default=DEFAULT_PER_PAGE)
        return SearchArgs(
            text=text,
            near=near,
            radius=radius,
            filters=self.filters(),
            sort=sort,
            page=page,
            per_page=per_page,
            **flags,
        )

    def check_place(self, near: str) -> None:
        if not near:
            return
        if len(near) > MAX_PLACE_LENGTH:
            self.problem(
                f"The place is {len(near):,} characters long; the limit is {MAX_PLACE_LENGTH}. "
                f"The place box keeps its first {MAX_PLACE_LENGTH} characters: "
                "enter a 5-digit ZIP code or 'City, ST'."
            )
            return
        try:
            resolve_place(near)
        except LocationError as error:
            self.problem(str(error))

    def radius(self) -> float | None:
        raw = self.value("radius")
        if not raw:
            return None
        if _MILES.fullmatch(raw) and MIN_RADIUS_MILES <= float(raw) <= MAX_RADIUS_MILES:
            return float(raw)
        self.problem(
            f"The distance {shown_text(raw)} is not one we can search: choose a number of miles "
            f"between {MIN_RADIUS_MILES:g} and {MAX_RADIUS_MILES:g}."
        )
        return None

    def flag(self, name: str) -> bool:
        raw = self.value(name)
        if raw in ("", "0"):
            return False
        if raw == "1":
            return True
        self.problem(f"The {PARAM_NAMES[name]} can only be 1 (yes) or 0 (no).")
        return False

    def sort(self, near: str) -> str | None:
        raw = self.value("sort")
        if not raw:
            return None
        if raw not in SORT_ORDERS:
            choices = ", ".join(f"{code} ({label.lower()})" for code, label in SORT_LABELS.items())
            self.problem(f"There is no sort order {shown_text(raw)}. Choose one of: {choices}.")
            return None
        if raw == "distance" and not near:
            self.problem("Sorting by distance needs a place: enter a ZIP code or 'City, ST'.")
            return None
        return raw

    def number(self, name: str, low: int, high: int, *, default: int) -> int:
        raw = self.value(name)
        if not raw:
            return default
        if not _WHOLE_NUMBER.fullmatch(raw) or int(raw) < low:
            self.problem(f"The {PARAM_NAMES[name]} must be a whole number from {low} to {high:,}.")
            return default
        if int(raw) > high:
            if name == "page":
                self.problem(
                    f"Results stop at page {high:,}; page {shown_text(raw)} is too far. "
                    "Narrow the search with filters or a place instead."
                )
            else:
                self.problem(f"The {PARAM_NAMES[name]} must be a whole number from {low} to {high:,}.")
            return default
        return int(raw)

    def filters(self) -> dict[str, tuple[str, ...]]:
        filters: dict[str, tuple[str, ...]] = {}
        for scheme in self.vocabulary.schemes:
            codes = self.values(scheme)
            known = [code for code in codes if self.vocabulary.term(scheme, code) is not None]
            self.report_unknown(scheme, [code for code in codes if code not in known])
            if known:
                filters[scheme] = tuple(known)
        states = [value.upper() for value in self.values("state")]
        self.report_unknown("state", [code for code in states if code not in US_STATES])
        if known_states := tuple(dict.fromkeys(code for code in states if code in US_STATES)):
            filters["state"] = known_states
        if cities := self.cities():
            filters["city"] = cities
        return filters

    def cities(self) -> tuple[str, ...]:
        values = self.values("city")
        if len(values) > MAX_CITIES:
            self.problem(f"Choose at most {MAX_CITIES} cities.")
            values = values[:MAX_CITIES]
        cities = []
        for value in values:
            match = _CITY.fullmatch(value)
            if match and match["state"].upper() in US_STATES:
                cities.append(f"{' '.join(match['city'].split())}, {match['state'].upper()}")
            else:
                self.problem(
                    f"Give a city as 'City, ST' (for example 'Denver, CO'), not {shown_text(value)}."
                )
        return tuple(dict.fromkeys(cities))

    def report_unknown(self, name: str, unknown: list[str]) -> None:
        if not unknown:
            return
        shown = ", ".join(shown_text(code) for code in unknown[:3])
        more = f" and {len(unknown) - 3} more" if len(unknown) > 3 else ""
        what = _param_name(name, self.vocabulary)
        self.problem(f"There is no {what} {shown}{more} in this directory. Choose from the filters.")


def _decode(raw: bytes) -> str:
    """Percent-decode a raw query-string part strictly as UTF-8."""
    return unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")


def _param_name(name: str, vocabulary: Vocabulary) -> str:
    """Return how the page speaks of a parameter ('therapy type', 'distance')."""
    if name in vocabulary.scheme_labels:
        return vocabulary.scheme_labels[name].lower()
    return PARAM_NAMES.get(name, f"parameter {shown_text(name)}")


def is_invalid_character(char: str) -> bool:
    """Whether a character has no place in a search: controls, surrogates, private or unassigned."""
    return char == "\ufffd" or unicodedata.category(char) in ("Cc", "Cs", "Co", "Cn")


def without_invalid_characters(text: str) -> str:
    """Return ``text`` with every invalid character removed."""
    if text.isprintable():
        return text
    return "".join(char for char in text if not is_invalid_character(char))


def shown_text(text: str, limit: int = _SHOWN_LENGTH) -> str:
    """Quote user text for a message: invalid characters removed, at most ``limit`` characters."""
    cleaned = " ".join(without_invalid_characters(text).split())
    if len(cleaned) > limit:
        cleaned = cleaned[: limit - 1] + "…"
    return f"'{cleaned}'"


def choice_radius(args: SearchArgs, default: float) -> tuple[float, Iterable[float]]:
    """Return the distance the form shows selected, and the choices (the URL's own one included)."""
    current = args.radius if args.radius is not None else default
    choices = sorted({*map(float, RADIUS_CHOICES), current})
    return current, choices
