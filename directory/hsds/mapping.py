"""How the directory maps onto Open Referral HSDS 3.0 for partners (the export, and any HSDS API).

Only what a partner needs is published, each value in the HSDS field meant for it; the export is
not a backup of the database (see "What no longer round-trips" below). Only listings with a public
life are shared: the file export (``directory.hsds.export``) writes published, suspended and closed
listings, the HSDS API published ones only; drafts and submissions awaiting review (pending) stay
inside the directory.

A center is one **organization** (``id`` = the center's id; name, description — the name when the
center has none, since HSDS requires one — email, website) delivering one **service**
(``id`` = uuid5(center id, "service"); name, description, ``url`` = website, email,
``fees_description`` = price notes, ``status`` below, ``licenses`` = "number (state)",
``last_modified`` = the center's ``updated_at`` in UTC with milliseconds). A **verified** center's
service has ``assured_date`` = the day of ``verified_at`` and ``assurer_email`` = the research
team's address (``RESEARCH_TEAM_EMAIL``; never a staff member's own); others have neither.
(HSDS 3.0's organization has no ``last_modified``.)

- **Listing status** → ``service.status``: published → ``active``, suspended → ``temporarily
  closed``, closed → ``defunct``. Drafts and pending listings are not exported; their HSDS status,
  ``inactive``, appears only in a shared listing's ``metadata`` (the status before it was
  published, say). Import reads back active → published, inactive (another publisher's package
  may hold it) → draft, temporarily closed → suspended, defunct → closed.
- **Locations**: each location is a ``location`` (type ``physical``, name, coordinates,
  ``organization_id``) with one ``address`` (type ``physical``; ``state_province`` = the state
  code) and a ``service_at_location`` row. Ids are uuid5(center id, "location/<n>") and so on by
  position, because the database replaces location rows on every save.
- **Phones** belong to the service only. ``number`` is as the directory shows it; a US number is
  also a ``phone-e164`` attribute of the phone (``+18015550134``; HSDS 3.0's phone has no E.164
  column). An extension that is not a plain number, which HSDS's numeric ``extension`` cannot
  hold, is a ``phone-extension`` attribute.
- **Telehealth states**: one ``service_area`` each (``name`` = the state's name, ``extent`` = its
  code, ``extent_type`` = ``text``).
- **Cash prices** are ``cost_option`` rows (USD, per session): one when it is a single price.
- **Vocabulary**: each scheme is a ``taxonomy`` (``uri`` = its public page ``/vocabulary/<scheme>``,
  ``version`` = a digest of its terms, so it changes when they do); each term a ``taxonomy_term``
  (``code`` = ``scheme:code`` since HSDS codes are unique across taxonomies, ``term_uri`` = the
  scheme page at ``#<code>``, ``parent_id``, ``language`` = ``en``). A term that a SAMHSA service
  code stands for has a ``samhsa-service-code`` attribute per code. Each term of a center is an
  ``attribute`` of its service (no value).
- **Directory marks** (``marks``): an advertiser's service has the ``advertiser`` attribute with
  value ``true``; nothing else of the listing's internals is published.
- **Metadata** comes from the audit trail (``history``): one row per published field an audited
  change altered, credited to the team.

What no longer round-trips (export → import → export): drafts and pending listings (never
exported), the slug (import derives it from the name), verification (import does not trust another
database's checks: imported listings are unverified, so no ``assured_date`` comes back), the
license (``licenses`` is for reading), advertiser status, accepting new clients, care specifics,
year opened, verification notes, sources, external keys, term aliases, ``last_modified`` and
``metadata`` (the importing database's own). What does: names, descriptions, website, e-mail,
fee description, prices, listing status, locations, phones with extensions,
telehealth states, terms, and the ids of organizations and services.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from directory.contact import e164
from directory.hsds import ids, marks
from directory.hsds.history import STATUS_TO_HSDS, metadata_rows
from directory.hsds.publisher import Publisher
from directory.models import AuditEvent, Center, ListingStatus, Taxonomy, TaxonomyTerm, VerificationStatus
from directory.operations.taxonomy import TermKey
from directory.schemas.geography import US_STATES

Row = dict[str, Any]
Rows = dict[str, list[Row]]
TermSortKey = Callable[[TaxonomyTerm], tuple[int, int, str]]

__all__ = [
    "HSDS_TO_STATUS",
    "STATUS_TO_HSDS",
    "Row",
    "Rows",
    "center_rows",
    "listing_rows",
    "term_sort_key",
    "vocabulary_rows",
]

HSDS_TO_STATUS: dict[str, ListingStatus] = {
    "active": ListingStatus.PUBLISHED,
    "inactive": ListingStatus.DRAFT,
    "temporarily closed": ListingStatus.SUSPENDED,
    "defunct": ListingStatus.CLOSED,
}
LANGUAGE = "en"
PRICE_DESCRIPTION = "The usual self-pay price of one treatment session, in US dollars."
PLAIN_NUMBER = re.compile(r"^(0|[1-9][0-9]{0,8})$")


def compact(row: Row) -> Row:
    """Drop empty values: an empty CSV cell and an absent JSON key both mean "unknown"."""
    return {key: value for key, value in row.items() if value is not None and value != ""}


def mark_attribute(link_id: uuid.UUID, link_entity: str, mark: str, value: str, key: str = "") -> Row:
    """Return the attribute giving record ``link_id`` the directory mark ``mark`` with a plain ``value``."""
    term = marks.BY_CODE[mark].term_id
    attribute_id = (
        ids.attribute_id(link_id, term) if not key else uuid.uuid5(link_id, f"attribute/{term}/{key}")
    )
    return {
        "id": str(attribute_id),
        "link_id": str(link_id),
        "taxonomy_term_id": str(term),
        "link_entity": link_entity,
        "value": value,
    }


def term_sort_key(schemes: Sequence[Taxonomy]) -> TermSortKey:
    """Return the key that orders terms as the vocabulary does: scheme, then term position."""
    places = {scheme.code: index for index, scheme in enumerate(schemes)}
    return lambda term: (places.get(term.scheme, len(places)), term.position, term.code)


def scheme_version(scheme: Taxonomy) -> str:
    """Return the scheme's version: a short digest of its terms' codes, labels, descriptions and parents."""
    codes = {term.id: term.code for term in scheme.terms}
    content = [
        [term.code, term.label, term.description, codes.get(term.parent_id) if term.parent_id else None]
        for term in sorted(scheme.terms, key=lambda t: (t.position, t.code))
    ]
    text = json.dumps([scheme.code, scheme.label, scheme.description, content], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def vocabulary_rows(
    schemes: Sequence[Taxonomy], publisher: Publisher, samhsa: Mapping[TermKey, Sequence[str]]
) -> Rows:
    """Return the taxonomy and taxonomy_term rows of the vocabulary and the marks, with SAMHSA codes."""
    rows: Rows = defaultdict(list)
    terms = {term.id: term for scheme in schemes for term in scheme.terms}
    for scheme in schemes:
        taxonomy = str(ids.taxonomy_id(scheme.code))
        rows["taxonomy"].append(
            {
                "id": taxonomy,
                "name": scheme.label,
                "description": scheme.description or scheme.label,
                "uri": publisher.scheme_uri(scheme.code),
                "version": scheme_version(scheme),
            }
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
                        "term_uri": publisher.term_uri(term.scheme, term.code),
                    }
                )
            )
            rows["attribute"].extend(
                mark_attribute(term_id, "taxonomy_term", marks.SAMHSA_CODE, code, key=code)
                for code in samhsa.get((term.scheme, term.code), ())
            )
    _add_marks(rows, publisher)
    return rows


def _add_marks(rows: Rows, publisher: Publisher) -> None:
    """Add the directory-marks taxonomy and its terms."""
    taxonomy = str(marks.TAXONOMY_ID)
    rows["taxonomy"].append(
        {
            "id": taxonomy,
            "name": marks.LABEL,
            "description": marks.DESCRIPTION,
            "uri": publisher.scheme_uri(marks.SCHEME),
            "version": marks.VERSION,
        }
    )
    for mark in marks.MARKS:
        rows["taxonomy_term"].append(
            {
                "id": str(mark.term_id),
                "code": f"{marks.SCHEME}:{mark.code}",
                "name": mark.label,
                "description": mark.description,
                "taxonomy": marks.LABEL,
                "language": LANGUAGE,
                "taxonomy_id": taxonomy,
                "term_uri": publisher.term_uri(marks.SCHEME, mark.code),
            }
        )


def center_rows(
    center: Center, term_key: TermSortKey, publisher: Publisher, events: Iterable[AuditEvent] = ()
) -> Rows:
    """Return every HSDS row of one center, by resource name; ``events`` are its audit trail, oldest first."""
    service = ids.service_id(center.id)
    rows = listing_rows(center, publisher)
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
    if center.is_advertiser:
        rows["attribute"].append(mark_attribute(service, "service", marks.ADVERTISER, marks.ADVERTISER_VALUE))
    rows["cost_option"].extend(_cost_options(center, service))
    rows["metadata"].extend(metadata_rows(events, service, publisher))
    return rows


def listing_rows(center: Center, publisher: Publisher) -> Rows:
    """Return a center's organization, service and location rows (what lists show; needs only locations)."""
    service = ids.service_id(center.id)
    rows: Rows = defaultdict(list)
    rows["organization"].append(_organization(center))
    rows["service"].append(_service(center, service, publisher))
    _add_locations(rows, center, service)
    return rows


def last_modified(moment: datetime) -> str:
    """Return a moment as HSDS writes ``last_modified``: UTC, milliseconds, ``Z``."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


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


def _service(center: Center, service: uuid.UUID, publisher: Publisher) -> Row:
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
            "assurer_email": publisher.team_email if verified else None,
            "licenses": license_text,
            "last_modified": last_modified(center.updated_at) if center.updated_at else None,
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
        international = e164(phone.number)
        if international:
            rows["attribute"].append(mark_attribute(phone_id, "phone", marks.PHONE_E164, international))
        if phone.extension and not numeric:
            rows["attribute"].append(
                mark_attribute(phone_id, "phone", marks.PHONE_EXTENSION, phone.extension)
            )


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
