"""The Whoosh schema and how a listing document becomes index fields.

A listing document is a plain dict (see ``directory.indexing.document_for``)::

    {"id": str, "name": str, "description": str, "city": str, "state": "UT",
     "state_name": "Utah", "zip": "84101",
     "latitude": float | None, "longitude": float | None, "status": "published",
     "verification_status": "verified", "verified_at": float | None (epoch seconds),
     "reverify_due_on": "YYYY-MM-DD" | None (absent in older callers: treated as None),
     "advertiser": bool, "accepting_new_clients": bool | None,
     "terms": {scheme: [codes]}}

Bump ``SCHEMA_VERSION`` whenever the fields or their meaning change: a node whose index
carries another version rebuilds it.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping
from datetime import date
from typing import Any

from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

from search_index.analysis import analyzer
from search_index.types import Vocabulary

SCHEMA_VERSION = 2

#: Text fields searched for words, with their weight in the BM25F sum.
TEXT_FIELDS: dict[str, float] = {"name": 3.0, "labels": 1.5, "place": 1.0, "description": 1.0}
#: Schemes whose labels are searchable words (insurers, languages and ages are filters only).
LABELLED_SCHEMES = ("therapy", "route", "condition", "level_of_care", "program")
TAG_FIELD = "tags"
LABELS_FIELD = "labels"
#: Weight of a match through a synonym's taxonomy term (``spravato`` → listings tagged esketamine).
TAG_BOOST = 2.0
#: Fields whose unstemmed words feed did-you-mean.
SPELLING_FIELDS = ("name", "labels", "place")


def make_schema() -> Schema:
    """Return the index schema: small stored fields; the database holds the record."""
    return Schema(
        id=ID(stored=True, unique=True),
        name=TEXT(analyzer=analyzer(), spelling=True),
        labels=TEXT(analyzer=analyzer(), spelling=True),
        place=TEXT(analyzer=analyzer(), spelling=True),
        description=TEXT(analyzer=analyzer()),
        tags=KEYWORD(lowercase=False, commas=False, scorable=True),
        card=STORED(),
    )


def slugify(text: str) -> str:
    """Return a lowercase ASCII slug, e.g. ``Salt Lake City`` → ``salt-lake-city``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def city_tag(state: str, city: str) -> str:
    """Return the filter tag of a city, unique within the country."""
    return f"city:{state.lower()}:{slugify(city)}"


def listing_tags(doc: Mapping[str, Any]) -> list[str]:
    """Return every filter value of a document as a ``kind:value`` tag."""
    tags = [f"{scheme}:{code}" for scheme, codes in doc["terms"].items() for code in codes]
    tags.append(f"status:{doc['status']}")
    tags.append(f"verification:{doc['verification_status']}")
    tags.append("advertiser:yes" if doc["advertiser"] else "advertiser:no")
    if doc.get("accepting_new_clients"):
        tags.append("accepting:yes")
    if doc.get("state"):
        tags.append(f"state:{doc['state']}")
        if doc.get("city"):
            tags.append(city_tag(doc["state"], doc["city"]))
    return tags


def document_digest(doc: Mapping[str, Any]) -> str:
    """Return a short fingerprint of a document, to tell stale index entries from fresh ones."""
    canonical = json.dumps(doc, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.blake2b(canonical.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


def index_fields(doc: Mapping[str, Any], vocabulary: Vocabulary) -> dict[str, Any]:
    """Return the Whoosh fields of a document."""
    labels = [
        term.label
        for scheme in LABELLED_SCHEMES
        for code in doc["terms"].get(scheme, ())
        if (term := vocabulary.term(scheme, code)) is not None
    ]
    card = (
        _float_or_nan(doc.get("latitude")),
        _float_or_nan(doc.get("longitude")),
        doc["name"],
        float(doc["verified_at"]) if doc.get("verified_at") is not None else 0.0,
        document_digest(doc),
        reverify_due_ordinal(doc.get("reverify_due_on")),
    )
    return {
        "id": doc["id"],
        "name": doc["name"],
        "labels": " ".join(labels),
        "place": " ".join(filter(None, (doc.get("city"), doc.get("state"), doc.get("state_name")))),
        "description": doc.get("description") or "",
        "tags": " ".join(listing_tags(doc)),
        "card": card,
    }


def reverify_due_ordinal(value: str | date | None) -> float:
    """Return a re-verification due date as a proleptic day number (NaN for none).

    Only the date is indexed: whether it is overdue is decided at query time, against the day the
    search asks about, so an index never goes stale as days pass.
    """
    if value is None or value == "":
        return float("nan")
    day = value if isinstance(value, date) else date.fromisoformat(str(value))
    return float(day.toordinal())


def _float_or_nan(value: Any) -> float:
    return float("nan") if value is None else float(value)
