"""The plain data that goes into and comes out of the search index."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

SortOrder = Literal["relevance", "distance", "name", "verified"]
SORT_ORDERS: tuple[SortOrder, ...] = ("relevance", "distance", "name", "verified")

#: Document fields that are filters but not taxonomy schemes.
PLACE_FILTERS = ("state", "city")


class SearchError(ValueError):
    """A search request that cannot be answered as asked; the message is for a person."""


class LocationError(SearchError):
    """A place that cannot be found or understood."""


@dataclass(frozen=True)
class VocabTerm:
    """One taxonomy term: its scheme, code, label, parent code and aliases."""

    scheme: str
    code: str
    label: str
    parent: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Vocabulary:
    """The taxonomy, scheme by scheme, in display order."""

    schemes: Mapping[str, tuple[VocabTerm, ...]]
    scheme_labels: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Vocabulary:
        """Build from the shape of ``data/taxonomy.json``."""
        return cls(
            schemes={
                scheme["code"]: tuple(
                    VocabTerm(
                        scheme=scheme["code"],
                        code=term["code"],
                        label=term["label"],
                        parent=term.get("parent"),
                        aliases=tuple(term.get("aliases", ())),
                    )
                    for term in scheme["terms"]
                )
                for scheme in data["schemes"]
            },
            scheme_labels={scheme["code"]: scheme["label"] for scheme in data["schemes"]},
        )

    def term(self, scheme: str, code: str) -> VocabTerm | None:
        """Return the term, or None if the scheme has no such code."""
        index: dict[tuple[str, str], VocabTerm] | None = self.__dict__.get("_by_code")
        if index is None:
            index = {(t.scheme, t.code): t for terms in self.schemes.values() for t in terms}
            self.__dict__["_by_code"] = index
        return index.get((scheme, code))

    def with_descendants(self, scheme: str, code: str) -> tuple[str, ...]:
        """Return ``code`` and the codes of every term below it (a parent matches its children)."""
        cache: dict[tuple[str, str], tuple[str, ...]] = self.__dict__.setdefault("_descendants", {})
        found = cache.get((scheme, code))
        if found is None:
            codes = [code]
            for current in codes:
                codes.extend(t.code for t in self.schemes.get(scheme, ()) if t.parent == current)
            found = cache[(scheme, code)] = tuple(dict.fromkeys(codes))
        return found


@dataclass(frozen=True)
class SynonymGroup:
    """Words and phrases people use for the same thing, optionally naming taxonomy terms.

    A query phrase of the group matches the group's other phrases and the listings carrying
    any of ``terms`` (or a term below one of them).
    """

    phrases: tuple[str, ...]
    terms: tuple[tuple[str, str], ...] = ()  # (scheme, code) pairs


@dataclass(frozen=True)
class SearchRequest:
    """What to search for. Codes are taxonomy term codes; ``filters`` may also hold ``state``/``city``."""

    text: str = ""
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    statuses: tuple[str, ...] = ("published",)
    verification: tuple[str, ...] = ()
    advertiser: bool | None = None
    verified_only: bool = False
    accepting_only: bool = False
    #: Only listings whose re-verification was due before this day (staff: "overdue" is today).
    overdue_on: date | None = None
    near: tuple[float, float] | None = None
    radius_miles: float | None = None
    sort: SortOrder | None = None
    page: int = 1
    per_page: int = 20


@dataclass(frozen=True)
class FacetCount:
    """How many results a filter value would give."""

    code: str
    label: str
    count: int


@dataclass(frozen=True)
class Hit:
    """One result: the listing's id, its text score and its distance."""

    id: str
    score: float
    distance_miles: float | None


@dataclass(frozen=True)
class SearchResult:
    """A page of results, the total, facet counts and a did-you-mean suggestion."""

    total: int
    page: int
    per_page: int
    sort: SortOrder
    hits: list[Hit]
    facets: dict[str, list[FacetCount]]
    suggestion: str | None
    #: Analysed words of the query, for highlighting the matched text.
    highlight_terms: frozenset[str]
    #: Taxonomy terms the query's words name, as (scheme, code), in the order they were typed.
    named_terms: tuple[tuple[str, str], ...] = ()
