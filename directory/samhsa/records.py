"""Turning a SAMHSA facility row into a directory listing (``CenterInput`` shape)."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from marshmallow.utils import missing

from directory.models import ListingStatus, PhoneType, VerificationStatus
from directory.operations.taxonomy import TermIndex
from directory.samhsa.workbook import Facility
from directory.schemas.centers import CenterInput
from directory.schemas.geography import US_STATES
from search_index.geo import zip_centroid
from search_index.schema import slugify

DEFAULT_MAPPING_FILE = Path(__file__).resolve().parents[2] / "data" / "samhsa_mapping.json"
PHONE_LABELS = {
    "phone": None,
    "intake1": "Intake",
    "intake2": "Intake",
    "intake1a": "Intake",
    "intake2a": "Intake",
}
#: The order in which the description names a facility's settings and treatments.
SETTING_SCHEMES = ("level_of_care",)
TREATMENT_SCHEMES = ("therapy",)
PAYMENT_SCHEMES = ("payment",)


@dataclass(frozen=True)
class CodeMapping:
    """Service code → taxonomy terms and center fields, from ``data/samhsa_mapping.json``."""

    source: str
    terms: Mapping[str, tuple[tuple[str, str], ...]]
    fields: Mapping[str, Mapping[str, Any]]

    @classmethod
    def load(cls, path: Path = DEFAULT_MAPPING_FILE) -> CodeMapping:
        """Read the mapping file."""
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            source=data["source"]["code"],
            terms={
                code: tuple(tuple(term.split(":", 1)) for term in entry.get("terms", ()))  # type: ignore[misc]
                for code, entry in data["codes"].items()
            },
            fields={code: entry.get("fields", {}) for code, entry in data["codes"].items()},
        )


@dataclass
class MappedFacility:
    """A facility as listing data, with what could not be mapped or located."""

    key: str
    data: dict[str, Any]
    unmapped_codes: list[str] = field(default_factory=list)
    geocoded: bool = True


def base_key(facility: Facility) -> str:
    """Return the facility's stable key: normalised name lines, street lines and ZIP."""
    parts = (facility.name1, facility.name2, facility.street1, facility.street2, facility.zip5)
    return "|".join(" ".join(re.findall(r"[a-z0-9]+", (part or "").lower())) for part in parts)


def assign_keys(facilities: Iterable[Facility]) -> dict[int, str]:
    """Key every row; rows sharing a name and address are told apart by their main phone number."""
    facilities = list(facilities)
    counts = Counter(base_key(f) for f in facilities)
    keys: dict[int, str] = {}
    for facility in facilities:
        key = base_key(facility)
        if counts[key] > 1:
            main = facility.phones[0][0] if facility.phones else ""
            key = f"{key}|{re.sub(r'[^0-9]', '', main)}"
        keys[facility.row] = key
    return keys


def map_facility(
    facility: Facility, key: str, mapping: CodeMapping, terms: TermIndex, edition: str
) -> MappedFacility:
    """Return the listing data for one facility."""
    term_codes: dict[str, list[str]] = {}
    extra_fields: dict[str, Any] = {}
    unmapped: list[str] = []
    for code in facility.codes:
        if code not in mapping.terms:
            unmapped.append(code)
            continue
        for scheme, term in mapping.terms[code]:
            if term not in term_codes.setdefault(scheme, []):
                term_codes[scheme].append(term)
        extra_fields.update(mapping.fields[code])
    term_codes = {scheme: sorted(codes) for scheme, codes in sorted(term_codes.items()) if codes}
    centroid = zip_centroid(facility.zip5)
    name = facility.name1 if not facility.name2 else f"{facility.name1} \u2013 {facility.name2}"
    data: dict[str, Any] = {
        **input_defaults(),
        "slug": listing_slug(name, facility.city, facility.state, key),
        "name": name[:200],
        "description": describe(facility, term_codes, terms, edition),
        "website": None,
        "email": None,
        "phones": [
            {
                "number": number,
                "type": PhoneType.VOICE,
                "extension": extension,
                "description": PHONE_LABELS[column],
            }
            for number, extension, column in facility.phones
        ],
        "locations": [
            {
                "name": facility.name2,
                "address_1": facility.street1,
                "address_2": facility.street2,
                "city": facility.city,
                "state": facility.state,
                "postal_code": facility.zip5,
                "country": "US",
                "latitude": centroid[0] if centroid else None,
                "longitude": centroid[1] if centroid else None,
            }
        ],
        "service_area_states": [],
        "status": ListingStatus.PUBLISHED,
        "accepting_new_clients": None,
        "sliding_scale": extra_fields.get("sliding_scale"),
        "payment_assistance": extra_fields.get("payment_assistance"),
        "terms": term_codes,
        "verification_status": VerificationStatus.UNVERIFIED,
        "is_advertiser": False,
        "source": mapping.source,
        "source_edition": edition,
        "external_key": key,
        "source_codes": list(facility.codes),
    }
    return MappedFacility(key=key, data=data, unmapped_codes=unmapped, geocoded=centroid is not None)


@cache
def _defaults() -> dict[str, Any]:
    return {name: f.load_default for name, f in CenterInput().fields.items() if f.load_default is not missing}


def input_defaults() -> dict[str, Any]:
    """Return ``CenterInput``'s defaults for every optional field (fresh lists and dicts)."""
    return {name: value() if callable(value) else value for name, value in _defaults().items()}


def listing_slug(name: str, city: str, state: str, key: str) -> str:
    """Return a readable slug, made unique by a short digest of the facility's key."""
    digest = hashlib.blake2b(key.encode(), digest_size=3).hexdigest()
    return f"{slugify(f'{name} {city} {state}')[:100].strip('-')}-{digest}"


def describe(facility: Facility, term_codes: Mapping[str, list[str]], terms: TermIndex, edition: str) -> str:
    """Write a plain description from the facility's mapped services."""

    def labels(schemes: tuple[str, ...]) -> list[str]:
        return [
            terms.terms[(scheme, code)].label
            for scheme in schemes
            for code in term_codes.get(scheme, ())
            if (scheme, code) in terms.terms
        ]

    kinds = labels(("facility_type",))
    place = f"{facility.city}, {US_STATES.get(facility.state, facility.state)}"
    sentences = [f"{kinds[0] if kinds else 'Mental health treatment facility'} in {place}."]
    for title, schemes in (
        ("Care settings", SETTING_SCHEMES),
        ("Treatments include", TREATMENT_SCHEMES),
        ("Payment accepted", PAYMENT_SCHEMES),
    ):
        found = labels(schemes)
        if found:
            sentences.append(f"{title}: {', '.join(found)}.")
    sentences.append(
        f"Listed from SAMHSA's National Directory of Mental Health Treatment Facilities ({edition}); "
        "not yet verified by our research team."
    )
    return " ".join(sentences)
