"""How the directory maps onto Open Referral HSDS 3.0 (the export side; ``records`` reads it back).

A center is one **organization** (``id`` = the center's id; name, description — the name when the
center has none, since HSDS requires one — email, website) delivering one **service**
(``id`` = uuid5(center id, "service"); name, description, ``url`` = website, email,
``fees_description`` = price notes, ``status`` below, ``assured_date`` = the date of
``verified_at`` while the center is verified, ``licenses`` = "number (state)" for reading only).

- **Locations**: each location is a ``location`` (type ``physical``, name, coordinates,
  ``organization_id``) with one ``address`` (type ``physical``; ``state_province`` = the state
  code) and a ``service_at_location`` row. Ids are uuid5(center id, "location/<n>") and so on by
  position, because the database replaces location rows on every save.
- **Phones** belong to the service only (``service_id``; the organization and the service are
  one listing, so the number is not repeated). An extension that is not a plain number, which
  HSDS's numeric ``extension`` cannot hold, is a ``phone_extension`` attribute of the phone.
- **Telehealth states**: one ``service_area`` each: ``name`` = the state's name, ``extent`` = its
  code, ``extent_type`` = ``text``.
- **Vocabulary**: each scheme is a ``taxonomy`` (id uuid5(namespace, "taxonomy/<scheme>"), name =
  label, description, or the label where it has none); each term a ``taxonomy_term`` (id from
  scheme and code; ``code`` = ``scheme:code`` since HSDS codes are unique across taxonomies,
  ``parent_id``, ``taxonomy_id``, ``taxonomy`` = the scheme's label, ``language`` = ``en``;
  description, or the label where it has none). A term's aliases are a ``term_aliases``
  attribute of the term. Each term of a center is an ``attribute`` of its service
  (``link_entity`` = ``service``, no value).
- **Every other center field** (slug, listing status, accepting new clients, prices, care
  specifics, verification, advertiser status and dates, source, edition, external key, source
  codes) is an attribute of the service whose term belongs to the "Treatment directory fields"
  taxonomy (``code`` = ``directory-field:<field>``) and whose value is the field's JSON encoding
  as ``CenterInput`` dumps it; unset fields have no attribute. Import reads these back, so
  export → import → export gives the same files.
- **Listing status** → ``service.status``: published → ``active``, pending and draft →
  ``inactive``, suspended → ``temporarily closed``, closed → ``defunct``; the exact status is the
  ``status`` attribute. Services from other publishers map back active → published, inactive →
  draft, temporarily closed → suspended, defunct → closed.
- **Cash prices** are also ``cost_option`` rows (USD, per session) for HSDS readers; import reads
  the prices from the attributes only, so nothing doubles.
- **Provenance**: a center with a ``source`` gets a ``metadata`` row on its service:
  ``last_action_type`` ``import``, ``field_name`` ``source``, ``replacement_value`` "<source>
  <edition>", ``last_action_date`` = the date the center entered this database (``created_at``;
  the one exported value that is the receiving database's own after a round trip),
  ``previous_value`` ``(none)`` (HSDS requires a value).
- Not exported: ``imported_values`` and ``missing_from_source_since`` (the SAMHSA importer's
  bookkeeping, which ``CenterInput`` cannot set), ``created_at``/``updated_at`` (so that a round
  trip is byte-identical), articles (not HSDS).
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from directory.hsds import ids
from directory.hsds.fields import (
    CENTER_FIELDS,
    CODE_PREFIX,
    FIELD_NAMES,
    PHONE_EXTENSION,
    TAXONOMY_DESCRIPTION,
    TAXONOMY_NAME,
    TERM_ALIASES,
    encode,
    field_description,
    field_label,
)
from directory.models import Center, ListingStatus, Taxonomy, TaxonomyTerm, VerificationStatus
from directory.operations.centers import center_as_input
from directory.schemas.centers import CenterInput
from directory.schemas.geography import US_STATES

Row = dict[str, Any]
Rows = dict[str, list[Row]]
TermSortKey = Callable[[TaxonomyTerm], tuple[int, int, str]]

STATUS_TO_HSDS: dict[ListingStatus, str] = {
    ListingStatus.PUBLISHED: "active",
    ListingStatus.PENDING: "inactive",
    ListingStatus.DRAFT: "inactive",
    ListingStatus.SUSPENDED: "temporarily closed",
    ListingStatus.CLOSED: "defunct",
}
HSDS_TO_STATUS: dict[str, ListingStatus] = {
    "active": ListingStatus.PUBLISHED,
    "inactive": ListingStatus.DRAFT,
    "temporarily closed": ListingStatus.SUSPENDED,
    "defunct": ListingStatus.CLOSED,
}
LANGUAGE = "en"
PRICE_DESCRIPTION = "The usual self-pay price of one treatment session, in US dollars."
NO_PREVIOUS_VALUE = "(none)"
PLAIN_NUMBER = re.compile(r"^(0|[1-9][0-9]{0,8})$")

_FIELD_DUMPER = CenterInput(only=CENTER_FIELDS)


def compact(row: Row) -> Row:
    """Drop empty values: an empty CSV cell and an absent JSON key both mean "unknown"."""
    return {key: value for key, value in row.items() if value is not None and value != ""}


def field_attribute(link_id: uuid.UUID, link_entity: str, name: str, value: Any) -> Row:
    """Return the attribute giving the directory field ``name`` of record ``link_id`` its value."""
    term = ids.field_term_id(name)
    return {
        "id": str(ids.attribute_id(link_id, term)),
        "link_id": str(link_id),
        "taxonomy_term_id": str(term),
        "link_entity": link_entity,
        "value": encode(value),
    }


def term_sort_key(schemes: Sequence[Taxonomy]) -> TermSortKey:
    """Return the key that orders terms as the vocabulary does: scheme, then term position."""
    places = {scheme.code: index for index, scheme in enumerate(schemes)}
    return lambda term: (places.get(term.scheme, len(places)), term.position, term.code)


def vocabulary_rows(schemes: Sequence[Taxonomy]) -> Rows:
    """Return the taxonomy, taxonomy_term and alias attribute rows of the vocabulary and the field terms."""
    rows: Rows = defaultdict(list)
    terms = {term.id: term for scheme in schemes for term in scheme.terms}
    for scheme in schemes:
        taxonomy = str(ids.taxonomy_id(scheme.code))
        rows["taxonomy"].append(
            compact({"id": taxonomy, "name": scheme.label, "description": scheme.description or scheme.label})
        )
        for term in sorted(scheme.terms, key=lambda t: (t.position, t.code)):
            term_id = ids.term_id(term.scheme, term.code)
            parent = terms.get(term.parent_id) if term.parent_id is not None else None
            rows["taxonomy_term"].append(
                compact(
                    {
                        "id": str(term_id),
                        "code": f"{term.scheme}:{term.code}",
                        "name": term.label,
                        "description": term.description or term.label,
                        "parent_id": str(ids.term_id(parent.scheme, parent.code)) if parent else None,
                        "taxonomy": scheme.label,
                        "language": LANGUAGE,
                        "taxonomy_id": taxonomy,
                    }
                )
            )
            if term.aliases:
                rows["attribute"].append(
                    field_attribute(term_id, "taxonomy_term", TERM_ALIASES, list(term.aliases))
                )
    _add_field_terms(rows)
    return rows


def _add_field_terms(rows: Rows) -> None:
    """Add the directory-fields taxonomy and one term per field."""
    taxonomy = str(ids.FIELDS_TAXONOMY_ID)
    rows["taxonomy"].append({"id": taxonomy, "name": TAXONOMY_NAME, "description": TAXONOMY_DESCRIPTION})
    for name in FIELD_NAMES:
        rows["taxonomy_term"].append(
            {
                "id": str(ids.field_term_id(name)),
                "code": f"{CODE_PREFIX}{name}",
                "name": field_label(name),
                "description": field_description(name),
                "taxonomy": TAXONOMY_NAME,
                "language": LANGUAGE,
                "taxonomy_id": taxonomy,
            }
        )


def center_rows(center: Center, term_key: TermSortKey) -> Rows:
    """Return every HSDS row of one center, by resource name."""
    service = ids.service_id(center.id)
    rows: Rows = defaultdict(list)
    rows["organization"].append(_organization(center))
    rows["service"].append(_service(center, service))
    _add_locations(rows, center, service)
    _add_phones(rows, center, service)
    for area in sorted(center.service_areas, key=lambda area: area.state):
        state = US_STATES.get(area.state, area.state)
        rows["service_area"].append(
            {
                "id": str(ids.part_id(center.id, "service_area", area.state)),
                "service_id": str(service),
                "name": state,
                "description": f"Telehealth for people in {state}.",
                "extent": area.state,
                "extent_type": "text",
            }
        )
    for term in sorted(center.terms, key=term_key):
        term_id = ids.term_id(term.scheme, term.code)
        rows["attribute"].append(
            {
                "id": str(ids.attribute_id(service, term_id)),
                "link_id": str(service),
                "taxonomy_term_id": str(term_id),
                "link_entity": "service",
            }
        )
    values = _FIELD_DUMPER.dump(center_as_input(center))
    rows["attribute"].extend(
        field_attribute(service, "service", name, values[name])
        for name in CENTER_FIELDS
        if values[name] is not None
    )
    rows["cost_option"].extend(_cost_options(center, service))
    if center.source:
        rows["metadata"].append(_source_metadata(center, service))
    return rows


def _organization(center: Center) -> Row:
    return compact(
        {
            "id": str(center.id),
            "name": center.name,
            "description": center.description or center.name,
            "email": center.email,
            "website": center.website,
        }
    )


def _service(center: Center, service: uuid.UUID) -> Row:
    verified = center.verification_status == VerificationStatus.VERIFIED and center.verified_at
    license_text = (
        f"{center.license_number} ({center.license_state})"
        if center.license_number and center.license_state
        else center.license_number
    )
    return compact(
        {
            "id": str(service),
            "organization_id": str(center.id),
            "name": center.name,
            "description": center.description,
            "url": center.website,
            "email": center.email,
            "status": STATUS_TO_HSDS[ListingStatus(center.status)],
            "fees_description": center.price_notes,
            "assured_date": center.verified_at.date().isoformat() if verified else None,
            "licenses": license_text,
        }
    )


def _add_locations(rows: Rows, center: Center, service: uuid.UUID) -> None:
    for position, location in enumerate(sorted(center.locations, key=lambda loc: loc.position)):
        location_id = str(ids.part_id(center.id, "location", position))
        rows["location"].append(
            compact(
                {
                    "id": location_id,
                    "location_type": "physical",
                    "organization_id": str(center.id),
                    "name": location.name,
                    "latitude": location.latitude,
                    "longitude": location.longitude,
                }
            )
        )
        rows["address"].append(
            compact(
                {
                    "id": str(ids.part_id(center.id, "address", position)),
                    "location_id": location_id,
                    "address_1": location.address_1,
                    "address_2": location.address_2,
                    "city": location.city,
                    "state_province": location.state,
                    "postal_code": location.postal_code,
                    "country": location.country,
                    "address_type": "physical",
                }
            )
        )
        rows["service_at_location"].append(
            {
                "id": str(ids.part_id(center.id, "service_at_location", position)),
                "service_id": str(service),
                "location_id": location_id,
            }
        )


def _add_phones(rows: Rows, center: Center, service: uuid.UUID) -> None:
    for position, phone in enumerate(sorted(center.phones, key=lambda phone: phone.position)):
        phone_id = ids.part_id(center.id, "phone", position)
        numeric = phone.extension if phone.extension and PLAIN_NUMBER.match(phone.extension) else None
        rows["phone"].append(
            compact(
                {
                    "id": str(phone_id),
                    "service_id": str(service),
                    "number": phone.number,
                    "extension": int(numeric) if numeric else None,
                    "type": phone.type.value,
                    "description": phone.description,
                }
            )
        )
        if phone.extension and not numeric:
            rows["attribute"].append(field_attribute(phone_id, "phone", PHONE_EXTENSION, phone.extension))


def _cost_options(center: Center, service: uuid.UUID) -> Iterable[Row]:
    """Describe the cash price range as cost options: one when it is a single price, else two."""
    low, high = center.cash_price_min, center.cash_price_max
    if low is not None and low == high:
        prices = [("price", "Self-pay price per session", low)]
    else:
        prices = [
            ("lowest", "Self-pay price per session, lowest", low),
            ("highest", "Self-pay price per session, highest", high),
        ]
    for key, option, amount in prices:
        if amount is not None:
            yield {
                "id": str(ids.part_id(center.id, "cost_option", key)),
                "service_id": str(service),
                "option": option,
                "currency": "USD",
                "amount": amount,
                "amount_description": PRICE_DESCRIPTION,
            }


def _source_metadata(center: Center, service: uuid.UUID) -> Row:
    return {
        "id": str(ids.part_id(center.id, "metadata", "source")),
        "resource_id": str(service),
        "resource_type": "service",
        "last_action_date": center.created_at.date().isoformat(),
        "last_action_type": "import",
        "field_name": "source",
        "previous_value": NO_PREVIOUS_VALUE,
        "replacement_value": " ".join(part for part in (center.source, center.source_edition) if part),
        "updated_by": f"{center.source} importer",
    }
