"""The directory-fields taxonomy: one term per listing field that HSDS has no column for.

An attribute with such a term carries the field's value JSON-encoded, exactly as
``CenterInput`` dumps and loads it, so that an export imports back without loss.
"""

from __future__ import annotations

import json
from typing import Any

from directory.schemas.centers import CenterInput

#: Center fields that travel in HSDS columns or rows of their own, not in attributes.
COLUMN_FIELDS = frozenset(
    {
        "name",
        "description",
        "website",
        "email",
        "price_notes",
        "phones",
        "locations",
        "service_area_states",
        "terms",
    }
)
#: Center fields carried as service attributes, in ``CenterInput`` order.
CENTER_FIELDS: tuple[str, ...] = tuple(name for name in CenterInput().fields if name not in COLUMN_FIELDS)
#: A phone extension HSDS cannot hold as a number (attribute of the phone).
PHONE_EXTENSION = "phone_extension"
#: A vocabulary term's aliases, the search engine's synonyms (attribute of the taxonomy term).
TERM_ALIASES = "term_aliases"
FIELD_NAMES: tuple[str, ...] = (*CENTER_FIELDS, PHONE_EXTENSION, TERM_ALIASES)

TAXONOMY_NAME = "Treatment directory fields"
TAXONOMY_DESCRIPTION = (
    "Fields of a treatment directory listing that HSDS has no column for. An attribute with one of "
    "these terms holds the field's value, JSON-encoded."
)
#: Term codes are ``directory-field:<name>``; the hyphen keeps them apart from vocabulary codes.
CODE_PREFIX = "directory-field:"
LABELS = {
    "slug": "Listing slug",
    "status": "Listing status",
    "year_opened": "Year opened",
    PHONE_EXTENSION: "Phone extension",
    TERM_ALIASES: "Term aliases",
}


def field_label(name: str) -> str:
    """Return the human name of the field ``name``."""
    return LABELS.get(name) or name.replace("_", " ").capitalize()


def field_description(name: str) -> str:
    """Return the description of the field term ``name``."""
    if name == PHONE_EXTENSION:
        return "A phone extension that is not a plain number, as a JSON string."
    if name == TERM_ALIASES:
        return "Other words people use for a vocabulary term, as a JSON list of strings."
    return f"{field_label(name)}: the listing field '{name}', JSON-encoded."


def encode(value: Any) -> str:
    """Return ``value`` JSON-encoded for an attribute."""
    return json.dumps(value, ensure_ascii=False)


def decode(text: str) -> Any:
    """Return the value of an attribute; raise ``ValueError`` when it is not JSON."""
    return json.loads(text)
