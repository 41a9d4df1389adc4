"""The search endpoint's parameters and answer, as marshmallow schemas (parsing and OpenAPI at once).

The parameters mirror the public search page's (:mod:`directory.public.search_args`), which does
the real parse; these schemas check types and ranges first (422 per parameter) and document each
parameter with its type, range, description and an example. One repeatable parameter per taxonomy
scheme, named by the scheme's code, with the scheme's codes as its choices (``data/taxonomy.json``).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from marshmallow import EXCLUDE, Schema, fields, validate

from directory.models import ListingStatus, VerificationStatus
from directory.public.search_args import DEFAULT_PER_PAGE, MAX_CITIES, MAX_PAGE
from search_index.geo import MAX_PLACE_LENGTH
from search_index.query import MAX_QUERY_LENGTH
from search_index.searching import DEFAULT_RADIUS_MILES, MAX_PER_PAGE, MAX_RADIUS_MILES, MIN_RADIUS_MILES
from search_index.types import SORT_ORDERS

TAXONOMY_FILE = Path(__file__).resolve().parents[2] / "data" / "taxonomy.json"
YES_NO = validate.OneOf(["0", "1"])


def _meta(description: str, example: Any, **extra: Any) -> dict[str, Any]:
    return {"metadata": {"description": description, "example": example, **extra}}


def _yes_no(description: str) -> fields.String:
    return fields.String(validate=YES_NO, **_meta(f"{description} 1 for yes, 0 (or absent) for no.", "1"))


@cache
def taxonomy_schemes() -> list[dict[str, Any]]:
    """Return the vocabulary's schemes ({"code", "label", "terms"}) as ``data/taxonomy.json`` holds them."""
    return json.loads(TAXONOMY_FILE.read_text(encoding="utf-8"))["schemes"]


def _scheme_field(scheme: dict[str, Any]) -> fields.List:
    codes = [term["code"] for term in scheme["terms"]]
    return fields.List(
        fields.String(validate=validate.OneOf(codes)),
        **_meta(
            f"{scheme['label']}: a term code (see /api/v1/taxonomy). Repeat the parameter for "
            "any of several terms (OR); different parameters all apply (AND).",
            [codes[0]],
        ),
    )


def _fields() -> dict[str, fields.Field]:
    base: dict[str, fields.Field] = {
        "q": fields.String(
            validate=validate.Length(max=MAX_QUERY_LENGTH),
            **_meta("Search text: names, therapies, conditions, places.", "ketamine depression"),
        ),
        "near": fields.String(
            validate=validate.Length(max=MAX_PLACE_LENGTH),
            **_meta("A place to search around: a 5-digit ZIP, 'City, ST' or 'lat,lon'.", "80202"),
        ),
        "radius": fields.Float(
            validate=validate.Range(min=MIN_RADIUS_MILES, max=MAX_RADIUS_MILES),
            **_meta(f"Distance from `near` in miles (default {DEFAULT_RADIUS_MILES:g}).", 25),
        ),
        "state": fields.List(
            fields.String(validate=validate.Regexp(r"^[A-Za-z]{2}$")),
            **_meta("A two-letter US state code; repeat for any of several states.", ["CO"]),
        ),
        "city": fields.List(
            fields.String(validate=validate.Length(min=4, max=90)),
            validate=validate.Length(max=MAX_CITIES),
            **_meta(f"A city as 'City, ST'; repeat for any of up to {MAX_CITIES} cities.", ["Denver, CO"]),
        ),
        "verified": _yes_no("Only centers verified by the research team."),
        "accepting": _yes_no("Only centers accepting new clients."),
        "closed": _yes_no("Include centers that have closed."),
        "sort": fields.String(
            validate=validate.OneOf(SORT_ORDERS),
            **_meta("Order of results; distance needs `near` (the default when `near` is given).", "name"),
        ),
        "page": fields.Integer(
            validate=validate.Range(min=1, max=MAX_PAGE),
            **_meta("Page number, from 1.", 1, default=1),
        ),
        "per_page": fields.Integer(
            validate=validate.Range(min=1, max=MAX_PER_PAGE),
            **_meta("Results per page.", DEFAULT_PER_PAGE, default=DEFAULT_PER_PAGE),
        ),
        # Staff-only filters: refused with 403 without a staff session or a staff token.
        "status": fields.List(
            fields.String(validate=validate.OneOf([s.value for s in ListingStatus])),
            **_meta("Staff only: listing status; repeat for any of several.", ["published"]),
        ),
        "verification": fields.List(
            fields.String(validate=validate.OneOf([v.value for v in VerificationStatus])),
            **_meta("Staff only: verification status; repeat for any of several.", ["verified"]),
        ),
        "advertiser": fields.String(
            validate=YES_NO, **_meta("Staff only: 1 for advertisers only, 0 for non-advertisers.", "1")
        ),
        "overdue": _yes_no("Staff only: listings whose re-verification date has passed."),
    }
    for scheme in taxonomy_schemes():
        base[scheme["code"]] = _scheme_field(scheme)
    return base


class _QueryBase(Schema):
    class Meta:
        unknown = EXCLUDE  # unknown parameters are refused by the page's parser (400), naming them


#: The search parameters (one class, built from the vocabulary file).
SearchQuerySchema: type[Schema] = _QueryBase.from_dict(_fields(), name="SearchQuery")


# -- the answer ---------------------------------------------------------------------------------


class PhoneLinkSchema(Schema):
    """A phone a card shows."""

    text = fields.String(required=True, metadata={"example": "(303) 555-0100"})
    tel = fields.String(required=True, metadata={"example": "tel:+13035550100"})


class AddressSchema(Schema):
    """A street address."""

    lines = fields.List(fields.String(), required=True, metadata={"example": ["100 Main St"]})
    city = fields.String(required=True, metadata={"example": "Denver"})
    state = fields.String(required=True, metadata={"example": "CO"})
    zip = fields.String(required=True, metadata={"example": "80202"})
    text = fields.String(required=True, metadata={"example": "100 Main St, Denver, CO 80202"})


class HitSchema(Schema):
    """A center as a search hit: the same fields as ``flask search --json``."""

    id = fields.String(required=True, metadata={"description": "The center's id (a UUID)."})
    slug = fields.String(required=True, metadata={"example": "eskerlane-mood-clinic"})
    name = fields.String(required=True)
    city = fields.String(allow_none=True, required=True)
    state = fields.String(allow_none=True, required=True)
    zip = fields.String(allow_none=True, required=True)
    phone = fields.Nested(PhoneLinkSchema, allow_none=True, required=True)
    address = fields.Nested(AddressSchema, allow_none=True, required=True)
    latitude = fields.Float(allow_none=True, required=True)
    longitude = fields.Float(allow_none=True, required=True)
    distance_miles = fields.Float(
        allow_none=True, required=True, metadata={"description": "Miles from `near`, when given."}
    )
    verified = fields.Boolean(required=True)
    verified_at = fields.String(allow_none=True, required=True, metadata={"description": "ISO date-time."})
    verification = fields.String(
        required=True,
        validate=validate.OneOf(["verified", "not-verified", "expired", "withdrawn"]),
        metadata={"description": "The public verification state."},
    )
    verification_on = fields.String(
        allow_none=True, required=True, metadata={"description": "ISO date of the verification state."}
    )
    advertiser = fields.Boolean(required=True, metadata={"description": "The advertiser mark."})
    status = fields.String(required=True, metadata={"example": "published"})
    terms = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        required=True,
        metadata={"description": "Term codes by scheme.", "example": {"therapy": ["ketamine-iv"]}},
    )
    highlight = fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "Description excerpt (HTML) with the words searched in <mark>."},
    )


class FacetCountSchema(Schema):
    """How many results a filter value would give."""

    code = fields.String(required=True)
    label = fields.String(required=True)
    count = fields.Integer(required=True)


class LocationSchema(Schema):
    """The place searched around."""

    label = fields.String(required=True)
    latitude = fields.Float(required=True)
    longitude = fields.Float(required=True)
    radius_miles = fields.Float(required=True)


class NamedTermSchema(Schema):
    """A taxonomy term the search text names."""

    scheme = fields.String(required=True)
    code = fields.String(required=True)
    label = fields.String(required=True)


class PageLinksSchema(Schema):
    """Links to this page's neighbours (absent at the ends)."""

    self = fields.String(required=True)
    first = fields.String(required=True)
    last = fields.String(required=True)
    prev = fields.String(allow_none=True, required=True)
    next = fields.String(allow_none=True, required=True)


class SearchResultSchema(Schema):
    """A page of search results with its facet counts, suggestion and page envelope."""

    total = fields.Integer(required=True, metadata={"description": "Results in all pages."})
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    pages = fields.Integer(required=True, metadata={"description": "The last page number (at least 1)."})
    sort = fields.String(required=True)
    hits = fields.List(fields.Nested(HitSchema), required=True)
    facets = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.Nested(FacetCountSchema)),
        required=True,
        metadata={"description": "Counts per filter value, by parameter name."},
    )
    suggestion = fields.String(
        allow_none=True, required=True, metadata={"description": "Did you mean: a corrected search text."}
    )
    location = fields.Nested(LocationSchema, allow_none=True, required=True)
    named_terms = fields.List(fields.Nested(NamedTermSchema), required=True)
    links = fields.Nested(PageLinksSchema, required=True)
