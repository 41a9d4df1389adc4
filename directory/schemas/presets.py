"""Search presets: a name and a saved search, as the search page's query-string parameters.

The parameters are those of the public search page (``q``, ``near``, ``radius``, ``sort``, the
yes/no choices, ``state``, ``city`` and one parameter per taxonomy scheme) plus the console's
staff-only filters (``STAFF_PARAMS``). Every value is a string, as in a URL; a preset keeps
filters, never a page of results. Whether a scheme or term exists is checked against the
vocabulary by the caller (``unknown_terms``), since this schema cannot see the database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from directory.models import ListingStatus, VerificationStatus
from directory.schemas.fields import SLUG_PATTERN, SafeString, check_safe_text
from directory.schemas.geography import US_STATES
from search_index import LocationError, resolve_place
from search_index.geo import MAX_PLACE_LENGTH
from search_index.query import MAX_QUERY_LENGTH
from search_index.searching import MAX_RADIUS_MILES, MIN_RADIUS_MILES
from search_index.types import SORT_ORDERS

#: Filters only the staff console understands (the public search page refuses them).
STAFF_PARAMS: tuple[str, ...] = ("status", "verification", "advertiser", "overdue")
#: Parameters that take one value.
SINGLE_PARAMS: tuple[str, ...] = (
    "q",
    "near",
    "radius",
    "sort",
    "verified",
    "accepting",
    "closed",
    "advertiser",
    "overdue",
)
#: Repeatable parameters other than the taxonomy schemes.
LIST_PARAMS: tuple[str, ...] = ("state", "city", "status", "verification")
#: Parameters of a page of results, which a preset does not keep.
PAGE_PARAMS: tuple[str, ...] = ("page", "per_page")
YES_NO_PARAMS: tuple[str, ...] = ("verified", "accepting", "closed", "advertiser", "overdue")
MAX_VALUES = 20
MAX_PRESET_NAME = 80

_SCHEME_NAME = re.compile(r"^[a-z]+(?:_[a-z]+)*$")
_MILES = re.compile(r"[0-9]{1,4}(?:\.[0-9]{1,3})?", re.ASCII)
_CITY = re.compile(r"(?P<city>[^,]{1,80}),\s*(?P<state>[A-Za-z]{2})")
_CHOICES: dict[str, tuple[str, ...]] = {
    "sort": tuple(SORT_ORDERS),
    "status": tuple(s.value for s in ListingStatus),
    "verification": tuple(v.value for v in VerificationStatus),
    **{name: ("0", "1") for name in YES_NO_PARAMS},
}


def clean_preset_params(raw: Any) -> dict[str, list[str]]:
    """Return the parameters checked and tidied (empty values dropped); raise ValidationError."""
    if not isinstance(raw, Mapping):
        raise ValidationError("Must be an object of parameter names and lists of values.")
    errors: dict[str, list[str]] = {}
    params: dict[str, list[str]] = {}
    for name, values in raw.items():
        try:
            cleaned = _clean_param(name, values)
        except ValidationError as error:
            errors[str(name)[:40]] = error.messages  # type: ignore[assignment]
            continue
        if cleaned:
            params[name] = cleaned
    if errors:
        raise ValidationError(errors)
    if not params:
        raise ValidationError("A preset needs at least one filter or search words.")
    if params.get("sort") == ["distance"] and "near" not in params:
        raise ValidationError(
            {"sort": ["Sorting by distance needs a place; leave the sort out and distance is the order."]}
        )
    return params


def _clean_param(name: Any, values: Any) -> list[str]:
    """Return one parameter's distinct non-empty values, checked."""
    if name in PAGE_PARAMS:
        raise ValidationError("A preset keeps filters, not a page of results.")
    if not isinstance(name, str) or not _known_name(name):
        raise ValidationError(f"There is no search parameter '{str(name)[:40]}'.")
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list) or not all(isinstance(value, str) for value in values):
        raise ValidationError("Must be a list of text values.")
    for value in values:
        check_safe_text(value)
    cleaned = list(dict.fromkeys(value.strip() for value in values if value.strip()))
    if name in SINGLE_PARAMS and len(cleaned) > 1:
        raise ValidationError("Give only one value.")
    if len(cleaned) > MAX_VALUES:
        raise ValidationError(f"Choose at most {MAX_VALUES} values.")
    return [_clean_value(name, value) for value in cleaned]


def _known_name(name: str) -> bool:
    return name in SINGLE_PARAMS or name in LIST_PARAMS or bool(_SCHEME_NAME.match(name))


def _clean_value(name: str, value: str) -> str:
    """Return one value checked (and normalised: state codes upper-cased, cities tidied)."""
    if name in _CHOICES:
        if value not in _CHOICES[name]:
            raise ValidationError(f"'{value[:40]}' is not one of: {', '.join(_CHOICES[name])}.")
        return value
    if name == "q":
        if len(value) > MAX_QUERY_LENGTH:
            raise ValidationError(f"Search words are limited to {MAX_QUERY_LENGTH} characters.")
        return value
    if name == "near":
        if len(value) > MAX_PLACE_LENGTH:
            raise ValidationError(f"A place is limited to {MAX_PLACE_LENGTH} characters.")
        try:
            resolve_place(value)
        except LocationError as error:
            raise ValidationError(str(error)) from error
        return value
    if name == "radius":
        if not _MILES.fullmatch(value) or not MIN_RADIUS_MILES <= float(value) <= MAX_RADIUS_MILES:
            raise ValidationError(
                f"Choose a number of miles between {MIN_RADIUS_MILES:g} and {MAX_RADIUS_MILES:g}."
            )
        return f"{float(value):g}"
    if name == "state":
        if value.upper() not in US_STATES:
            raise ValidationError(f"'{value[:40]}' is not a US state code, such as 'UT'.")
        return value.upper()
    if name == "city":
        match = _CITY.fullmatch(value)
        if not match or match["state"].upper() not in US_STATES:
            raise ValidationError(f"Give a city as 'City, ST' (such as 'Denver, CO'), not '{value[:40]}'.")
        return f"{' '.join(match['city'].split())}, {match['state'].upper()}"
    if len(value) > 80 or not SLUG_PATTERN.match(value):
        raise ValidationError(f"'{value[:40]}' is not a term code, such as 'self-pay'.")
    return value


def taxonomy_params(params: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    """Return the parameters that name taxonomy schemes (everything not a fixed parameter)."""
    return {
        name: list(values)
        for name, values in params.items()
        if name not in SINGLE_PARAMS and name not in LIST_PARAMS
    }


def unknown_terms(
    params: Mapping[str, Iterable[str]], schemes: set[str], terms: set[tuple[str, str]]
) -> list[str]:
    """Return every taxonomy parameter or value the vocabulary lacks, as a person reads it."""
    unknown = []
    for scheme, codes in taxonomy_params(params).items():
        if scheme not in schemes:
            unknown.append(f"filter '{scheme}'")
        else:
            unknown.extend(f"{scheme} '{code}'" for code in codes if (scheme, code) not in terms)
    return unknown


class PresetParams(fields.Field):
    """A saved search: an object of parameter names and lists of string values."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> dict[str, list[str]]:
        return clean_preset_params(value)


class PresetInput(Schema):
    """A preset as a specialist saves it, and as ``data/presets.json`` lists team presets."""

    class Meta:
        unknown = RAISE

    name = SafeString(
        required=True,
        validate=validate.Length(
            min=1, max=MAX_PRESET_NAME, error="Give the preset a name of 1 to {max} characters."
        ),
        error_messages={"required": "Give the preset a name.", "null": "Give the preset a name."},
    )
    params = PresetParams(required=True, error_messages={"required": "A preset needs its search."})
