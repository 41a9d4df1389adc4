"""The HSDS 3.0 read API's parameters (marshmallow) and answers (JSON schema), for parsing and OpenAPI.

Parameter names and types follow HSDS's ``openapi.json`` (``proximity`` and ids are strings there
too); each adds the range this directory accepts, a description and an example. Types and ranges
are checked here (422 per parameter); what the values mean (a known taxonomy, a ZIP code with a
centroid) is checked by :mod:`directory.hsds.api_queries` (400 per parameter).

The answers are documented by each HSDS object's required fields (HSDS's own ``required`` lists)
with every other HSDS field allowed: accurate, so Schemathesis can hold the answers to them. The
full official schemas (``schema/*.json`` of HSDS 3.0) are the contract, checked field by field by
``tests/test_api_hsds.py``; they are not shipped with the package (only the tabular
``datapackage.json`` is, see ``directory/hsds/spec/v3.0/README.md``), so the document links them.
"""

from __future__ import annotations

from typing import Any

from marshmallow import EXCLUDE, Schema, fields, validate

from directory.hsds.api_filters import METERS_PER_MILE
from directory.hsds.paging import DEFAULT_PER_PAGE, MAX_PER_PAGE
from directory.public.search_args import MAX_PAGE
from search_index.query import MAX_QUERY_LENGTH
from search_index.searching import MAX_RADIUS_MILES, MIN_RADIUS_MILES

HSDS_SCHEMAS = "https://github.com/openreferral/specification/tree/3.0/schema"
ID_LENGTH = 64
UUID_EXAMPLE = "3f7b145d-84af-42d7-8fae-eaca714b02b2"
NDJSON = "application/x-ndjson"
MIN_METERS = MIN_RADIUS_MILES * METERS_PER_MILE
MAX_METERS = MAX_RADIUS_MILES * METERS_PER_MILE


def _meta(description: str, example: Any, **extra: Any) -> dict[str, Any]:
    return {"metadata": {"description": description, "example": example, **extra}}


def _id(description: str) -> fields.String:
    return fields.String(validate=validate.Length(max=ID_LENGTH), **_meta(f"{description}.", UUID_EXAMPLE))


def _flag(description: str) -> fields.Boolean:
    return fields.Boolean(**_meta(f"{description} true or false (default false).", True, enum=[True, False]))


def _search() -> fields.String:
    return fields.String(
        validate=validate.Length(max=MAX_QUERY_LENGTH),
        **_meta("Full-text search, every word (a URL with search terms is never cached).", "ketamine"),
    )


def _paging() -> dict[str, fields.Field]:
    return {
        "page": fields.Integer(
            validate=validate.Range(min=1, max=MAX_PAGE), **_meta("Page number, from 1.", 1, default=1)
        ),
        "per_page": fields.Integer(
            validate=validate.Range(min=1, max=MAX_PER_PAGE),
            **_meta(f"Results per page, 1 to {MAX_PER_PAGE}.", 20, default=DEFAULT_PER_PAGE),
        ),
    }


def _service_filters() -> dict[str, fields.Field]:
    return {
        "search": _search(),
        "taxonomy_term_id": _id(
            "Only services with the taxonomy term of this id (a UUID; see /api/hsds/taxonomy_terms)"
        ),
        "taxonomy_id": _id(
            "Only services with any term of the taxonomy of this id (a UUID; see /api/hsds/taxonomies)"
        ),
        "organization_id": _id("Only the services of the organization of this id (a UUID)"),
        "modified_after": fields.String(
            validate=validate.Length(max=40),
            **_meta(
                "Only services modified on or after this date or date-time (ISO 8601; UTC if no zone).",
                "2025-03-04T15:30:00Z",
            ),
        ),
    }


class _Query(Schema):
    class Meta:
        unknown = EXCLUDE  # HSDS clients may send parameters this API does not use (minimal, full)


ServicesQuery: type[Schema] = _Query.from_dict(
    {
        **_service_filters(),
        **_paging(),
        "format": fields.String(
            validate=validate.OneOf(["json", "ndjson"]),
            **_meta(
                "json (default): a page of services. ndjson: every published service fully nested, one "
                "JSON object a line, streamed without paging (page and per_page are ignored; filters "
                "are refused with 400).",
                "ndjson",
            ),
        ),
    },
    name="HsdsServicesQuery",
)
ServiceAtLocationsQuery: type[Schema] = _Query.from_dict(
    {
        **_service_filters(),
        **_paging(),
        "postcode": fields.String(
            validate=validate.Regexp(r"^[0-9]{5}(-[0-9]{4})?$"),
            **_meta(
                "A US ZIP code: alone, the locations with that ZIP code; with proximity, those within "
                "proximity meters of its centroid, nearest first.",
                "84101",
                pattern=r"^[0-9]{5}(-[0-9]{4})?$",
            ),
        ),
        "proximity": fields.String(
            validate=validate.Regexp(r"^[0-9]{1,6}(\.[0-9]{1,3})?$"),
            **_meta(
                f"Distance in meters from the postcode's centroid, {MIN_METERS:g} to {MAX_METERS:g} "
                "(needs postcode).",
                "40000",
                pattern=r"^[0-9]{1,6}(\.[0-9]{1,3})?$",
            ),
        ),
    },
    name="HsdsServiceAtLocationsQuery",
)
OrganizationsQuery: type[Schema] = _Query.from_dict(
    {"search": _search(), **_paging()}, name="HsdsOrganizationsQuery"
)
OrganizationQuery: type[Schema] = _Query.from_dict(
    {"full_service": _flag("Each service fully nested rather than its one-to-one fields:")},
    name="HsdsOrganizationQuery",
)
TaxonomiesQuery: type[Schema] = _Query.from_dict(
    {"search": _search(), **_paging()}, name="HsdsTaxonomiesQuery"
)
TaxonomyTermsQuery: type[Schema] = _Query.from_dict(
    {
        "search": _search(),
        "taxonomy_id": _id("Only the terms of the taxonomy of this id (a UUID)"),
        "parent_id": _id("Only the children of the term of this id (a UUID)"),
        "top_only": _flag("Only the terms without a parent:"),
        **_paging(),
    },
    name="HsdsTaxonomyTermsQuery",
)


def path_id(what: str) -> dict[str, Any]:
    """Return the OpenAPI description of an ``{id}`` path parameter naming ``what``."""
    return {
        "in": "path",
        "name": "id",
        "required": True,
        "description": f"The id of the {what} (a UUID).",
        "schema": {"type": "string", "minLength": 1, "maxLength": ID_LENGTH},
        "example": UUID_EXAMPLE,
    }


# --- the answers ---------------------------------------------------------------------------------

_UUID = {"type": "string", "format": "uuid"}


def _hsds_object(name: str, required: dict[str, Any]) -> dict[str, Any]:
    """Return a schema for an HSDS ``name`` object: its ``required`` fields typed, any others allowed."""
    return {
        "type": "object",
        "description": f"An HSDS 3.0 {name} (see {HSDS_SCHEMAS}/{name}.json).",
        "required": sorted(required),
        "properties": required,
        "additionalProperties": True,
    }


_TEXT = {"type": "string"}
SERVICE = _hsds_object(
    "service", {"id": _UUID, "name": _TEXT, "status": {"type": "string", "enum": ["active"]}}
)
ORGANIZATION = _hsds_object("organization", {"id": _UUID, "name": _TEXT, "description": _TEXT})
LOCATION = _hsds_object("location", {"id": _UUID, "location_type": _TEXT})
SERVICE_AT_LOCATION = _hsds_object(
    "service_at_location", {"id": _UUID, "service": SERVICE, "location": LOCATION}
)
TAXONOMY = _hsds_object("taxonomy", {"id": _UUID, "name": _TEXT, "description": _TEXT})
TAXONOMY_TERM = _hsds_object("taxonomy_term", {"id": _UUID, "name": _TEXT, "description": _TEXT})

ROOT: dict[str, Any] = {
    "type": "object",
    "required": ["version", "profile", "openapi_url"],
    "properties": {
        "version": {"type": "string", "description": "HSDS version of this API.", "example": "3.0"},
        "profile": {"type": "string", "format": "uri", "description": "The HSDS profile this API follows."},
        "openapi_url": {"type": "string", "format": "uri", "description": "This API's OpenAPI document."},
    },
}


def page_of(item: dict[str, Any]) -> dict[str, Any]:
    """Return the schema of HSDS's page envelope (``components/schemas/Page``) holding ``item``s."""
    whole = {"type": "integer", "minimum": 0}
    flag = {"type": "boolean"}
    return {
        "type": "object",
        "required": [
            "total_items",
            "total_pages",
            "page_number",
            "size",
            "first_page",
            "last_page",
            "empty",
            "contents",
        ],
        "properties": {
            "total_items": {**whole, "description": "How many items match, over every page."},
            "total_pages": {**whole, "description": "How many pages there are."},
            "page_number": {"type": "integer", "minimum": 1, "description": "This page's number."},
            "size": {**whole, "description": "How many items this page holds."},
            "first_page": {**flag, "description": "Whether this is the first page."},
            "last_page": {**flag, "description": "Whether this is the last page (or beyond it)."},
            "empty": {**flag, "description": "Whether this page holds nothing."},
            "contents": {"type": "array", "items": item},
        },
        "additionalProperties": False,
    }
