"""What the search page shows around its results: chips, facets, sort links, pages and ways out.

Everything here is derived from the parsed :class:`SearchArgs` and the :class:`SearchResponse`;
every link is a whole search URL, so the page needs no JavaScript and keeps all state in the URL.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import url_for

from directory.public.maps import MapView, results_map
from directory.public.search_args import (
    AS_TYPED_PARAM,
    DEFAULT_PER_PAGE,
    FLAG_PARAMS,
    MAX_PAGE,
    RADIUS_CHOICES,
    SORT_LABELS,
    SearchArgs,
    format_miles,
)
from directory.schemas.geography import US_STATES
from directory.search import CenterQuery, SearchError, SearchResponse, Viewer, count_centers, search_centers
from search_index import Vocabulary
from search_index.searching import DEFAULT_RADIUS_MILES, MAX_RADIUS_MILES

#: How the yes/no filters read as chips.
FLAG_LABELS: dict[str, str] = {
    "verified": "Verified only",
    "accepting": "Accepting new clients",
    "closed": "Including closed centers",
}
#: A facet shows this many values before the rest fold into "more".
FACET_VISIBLE = 8
#: With fewer results than this within the distance, the next distance up is offered with its count.
WIDER_OFFER_BELOW = 5


@dataclass(frozen=True)
class Link:
    """A labelled link to another search."""

    label: str
    url: str
    current: bool = False


@dataclass(frozen=True)
class WiderOffer:
    """The same search at the next distance up, and how many centers it finds."""

    #: The distance searched now, and the next one up.
    current_miles: float
    miles: float
    count: int
    url: str

    @property
    def current(self) -> str:
        """Return the distance searched now as the page writes it ('25')."""
        return format_miles(self.current_miles)

    @property
    def label(self) -> str:
        """Return how the offer reads ('12 centers within 100 miles')."""
        counted = "No" if not self.count else f"{self.count:,}"
        centers = "center" if self.count == 1 else "centers"
        return f"{counted} {centers} within {format_miles(self.miles)} miles"


@dataclass(frozen=True)
class Correction:
    """The text as typed found nothing, so the page shows the results of its spelling correction.

    The page's own state (form, chips, facets, sort and page links) is the corrected search, so
    page 2 is an ordinary search for the corrected text. ``typed_url`` runs the text as typed with
    ``as_typed=1``, which is never corrected again (it shows a plain "did you mean" instead).
    """

    corrected: str
    typed: str
    typed_url: str


@dataclass(frozen=True)
class TermOffer:
    """A link narrowing the results to one taxonomy term the search text names ("Show only: …")."""

    label: str
    url: str
    count: int


@dataclass(frozen=True)
class FacetValue:
    """One checkbox of a facet: its code, label, result count and whether it is selected."""

    code: str
    label: str
    count: int
    selected: bool


@dataclass
class FacetGroup:
    """One fieldset of the filter form: a scheme (or state) and its values with results."""

    name: str
    label: str
    values: list[FacetValue]

    @property
    def selected_count(self) -> int:
        """Return how many of the group's values are selected."""
        return sum(value.selected for value in self.values)

    @property
    def shown(self) -> list[FacetValue]:
        """Return the values shown before the fold."""
        return self.values[:FACET_VISIBLE]

    @property
    def folded(self) -> list[FacetValue]:
        """Return the values behind the "more" disclosure."""
        return self.values[FACET_VISIBLE:]

    @property
    def folded_selected(self) -> bool:
        """Whether a value behind the fold is selected (the fold then starts open)."""
        return any(value.selected for value in self.folded)


@dataclass
class SearchPage:
    """Everything the search template needs, for results and for errors alike."""

    args: SearchArgs
    response: SearchResponse | None = None
    errors: list[str] = field(default_factory=list)
    chips: list[Link] = field(default_factory=list)
    facets: list[FacetGroup] = field(default_factory=list)
    sort_links: list[Link] = field(default_factory=list)
    last_page: int = 1
    suggestion: Link | None = None
    correction: Correction | None = None
    show_only: list[TermOffer] = field(default_factory=list)
    #: Labels of terms the text names that no result carries ("None of these centers lists …").
    absent_terms: list[str] = field(default_factory=list)
    wider: WiderOffer | None = None
    narrowest: Link | None = None
    clear_filters: str | None = None
    #: The map of the results on this page (directory.public.maps), when any has a place.
    map: MapView | None = None

    @property
    def beyond_end(self) -> bool:
        """Whether the page asked for lies after the last page of results."""
        return self.response is not None and self.args.page > self.last_page

    @property
    def last_page_url(self) -> str:
        """Return the URL of the last page of these results."""
        return search_url(self.args.replace(page=self.last_page))

    def page_url(self, page: int) -> str:
        """Return the URL of another page of these results."""
        return search_url(self.args.replace(page=page))

    def hidden_fields(self, *, keep_filters: bool) -> list[tuple[str, str]]:
        """Return the state a form must carry: filters for the text form, the rest for the filter form."""
        if keep_filters:
            return self.args.filter_params()
        kept = ("q", AS_TYPED_PARAM, "near", "radius")
        carried = [(name, value) for name, value in self.args.params() if name in kept]
        carried += [("city", city) for city in self.args.filters.get("city", ())]
        if self.args.sort:
            carried.append(("sort", self.args.sort))
        if self.args.per_page != DEFAULT_PER_PAGE:
            carried.append(("per_page", str(self.args.per_page)))
        return carried


def search_url(args: SearchArgs) -> str:
    """Return the search page's URL for ``args``."""
    query = args.query_string()
    return url_for("public.search") + (f"?{query}" if query else "")


def public_query(args: SearchArgs) -> CenterQuery:
    """Return the public page's search: with a place and no sort asked for, nearest first."""
    query = args.to_query()
    if query.near and not args.sort:
        query = dataclasses.replace(query, sort="distance")
    return query


def corrected_search(
    args: SearchArgs, response: SearchResponse
) -> tuple[SearchArgs, SearchResponse, Correction | None]:
    """Return the search to show: the corrected one when the text as typed finds nothing.

    The correction runs only when the typed text finds no center, a spelling suggestion exists,
    the person did not ask for the text as typed, and the corrected text finds something. It
    changes the text alone: every filter, the place, distance, sort and page size are kept, and it
    starts on page 1. Otherwise ``args`` and ``response`` come back unchanged, with no correction.
    """
    if response.total or not response.suggestion or not args.text or args.as_typed:
        return args, response, None
    corrected_args = args.replace(text=response.suggestion)
    try:
        corrected = search_centers(public_query(corrected_args), Viewer.PUBLIC)
    except SearchError:
        return args, response, None
    if not corrected.total:
        return args, response, None
    typed_url = search_url(dataclasses.replace(args, as_typed=True))
    return corrected_args, corrected, Correction(response.suggestion, args.text, typed_url)


def error_page(args: SearchArgs, problems: list[str]) -> SearchPage:
    """Return the page for a search that cannot run: the form as typed and the problems."""
    return SearchPage(args=args, errors=problems)


def results_page(
    args: SearchArgs,
    response: SearchResponse,
    vocabulary: Vocabulary,
    correction: Correction | None = None,
) -> SearchPage:
    """Return the page for a search that ran (``correction``: it is the corrected search)."""
    labels = _labeller(vocabulary)
    page = SearchPage(args=args, response=response, correction=correction)
    page.last_page = max(1, min(MAX_PAGE, math.ceil(response.total / args.per_page)))
    page.chips = _chips(args, labels, response)
    page.facets = facet_groups(args, response, vocabulary)
    page.sort_links = _sort_links(args, response)
    if args.filtered:
        page.clear_filters = search_url(args.without_filters())
    if response.suggestion and correction is None:
        corrected_args = args.replace(text=response.suggestion, as_typed=False)
        page.suggestion = Link(response.suggestion, search_url(corrected_args))
    page.show_only = _show_only(args, response, vocabulary)
    if response.total:
        page.absent_terms = [
            term["label"] for term in response.named_terms if not _term_count(response, term)
        ]
    if response.total < WIDER_OFFER_BELOW:
        page.wider = _wider_area(args, response)
    if response.total == 0:
        page.narrowest = _narrowest_filter(args, response, labels)
    page.map = _results_map(args, response)
    return page


def _results_map(args: SearchArgs, response: SearchResponse) -> MapView | None:
    """Return the map of this page's results, numbered as the list is, with the searched place."""
    if not response.hits:
        return None
    return results_map(
        response.hits,
        (args.page - 1) * args.per_page + 1,
        lambda slug: url_for("public.center", slug=slug),
        place=response.location,
    )


def _labeller(vocabulary: Vocabulary) -> Callable[[str, str], str]:
    """Return a function naming a selected value as its chip reads ('Therapy type: TMS')."""

    def label(name: str, value: str) -> str:
        if name == "state":
            return f"State: {US_STATES.get(value, value)}"
        if name == "city":
            return f"City: {value}"
        term = vocabulary.term(name, value)
        return f"{vocabulary.scheme_labels.get(name, name)}: {term.label if term else value}"

    return label


def _chips(args: SearchArgs, label: Callable[[str, str], str], response: SearchResponse) -> list[Link]:
    """Return one removable chip per selected value, yes/no choice, text and place."""
    chips = []
    if args.text:
        chips.append(Link(f"Search text: {args.text}", search_url(args.without("q"))))
    if args.near:
        radius = (response.location or {}).get("radius_miles") or args.radius or DEFAULT_RADIUS_MILES
        place = (response.location or {}).get("label") or args.near
        chips.append(
            Link(f"Within {format_miles(radius)} miles of {place}", search_url(args.without("near")))
        )
    chips += [
        Link(label(name, value), search_url(args.without(name, value))) for name, value in args.selected()
    ]
    chips += [
        Link(FLAG_LABELS[name], search_url(args.without(name))) for name in FLAG_PARAMS if getattr(args, name)
    ]
    return chips


def facet_groups(args: SearchArgs, response: SearchResponse, vocabulary: Vocabulary) -> list[FacetGroup]:
    """Return one fieldset per scheme (and state): the values with results, and every selected value.

    The public search page and the staff console share it.
    """
    groups = []
    for name, counts in response.facets.items():
        selected = set(args.filters.get(name, ()))
        values = [
            FacetValue(item["code"], item["label"], item["count"], item["code"] in selected)
            for item in counts
            if item["count"] or item["code"] in selected
        ]
        if values:
            label = "State" if name == "state" else vocabulary.scheme_labels.get(name, name)
            groups.append(FacetGroup(name, label, values))
    return groups


def _show_only(args: SearchArgs, response: SearchResponse, vocabulary: Vocabulary) -> list[TermOffer]:
    """Offer each term the text names as the only value of its filter, when that finds centers.

    The count is the term's facet count: results under every other filter, so exactly what the
    link shows. A term already the only value of its filter is not offered again, nor one every
    result already carries while its filter is unset (the link would change nothing).
    """
    offers = []
    order = (*vocabulary.schemes, "state", "city")
    for term in response.named_terms:
        scheme, code = term["scheme"], term["code"]
        if tuple(args.filters.get(scheme, ())) == (code,):
            continue
        count = _term_count(response, term)
        if count and (args.filters.get(scheme) or count < response.total):
            chosen = {**args.filters, scheme: (code,)}
            filters = {name: chosen[name] for name in order if chosen.get(name)}
            offers.append(TermOffer(term["label"], search_url(args.replace(filters=filters)), count))
    return offers


def _term_count(response: SearchResponse, term: dict[str, str]) -> int:
    """Return a term's facet count: the results under every other filter that carry it."""
    facet = response.facets.get(term["scheme"], ())
    return next((item["count"] for item in facet if item["code"] == term["code"]), 0)


def _sort_links(args: SearchArgs, response: SearchResponse) -> list[Link]:
    """Return the sort choices (distance only with a place); the current one is marked."""
    return [
        Link(label, search_url(args.replace(sort=code)), current=response.sort == code)
        for code, label in SORT_LABELS.items()
        if code != "distance" or args.near
    ]


def _wider_area(args: SearchArgs, response: SearchResponse) -> WiderOffer | None:
    """Return the same search at the next distance up, with its count, when a place was given.

    None at the largest distance. The count is one cheap index count (nothing loaded from the
    database); the link keeps every other parameter (sort included) and goes back to page 1.
    """
    if response.location is None:
        return None
    radius = float(response.location.get("radius_miles") or DEFAULT_RADIUS_MILES)
    wider = next((float(r) for r in (*RADIUS_CHOICES, MAX_RADIUS_MILES) if r > radius), None)
    if wider is None:
        return None
    wider_args = args.replace(radius=wider)
    count = count_centers(public_query(wider_args), Viewer.PUBLIC)
    return WiderOffer(radius, wider, count, search_url(wider_args))


def _narrowest_filter(
    args: SearchArgs, response: SearchResponse, label: Callable[[str, str], str]
) -> Link | None:
    """Return the search without the selected value with the fewest results of its own."""
    candidates: list[tuple[int, int, str, str]] = []
    for position, (name, value) in enumerate(args.selected()):
        counts: dict[str, Any] = {item["code"]: item["count"] for item in response.facets.get(name, ())}
        if value in counts:
            candidates.append((counts[value], position, name, value))
    if not candidates:
        return None
    _count, _position, name, value = min(candidates)
    return Link(f"Remove the filter “{label(name, value)}”", search_url(args.without(name, value)))
