"""HSDS ``metadata`` rows from the audit trail: what changed in a listing, when, and how.

One row per published field that an audited change of the center altered, oldest first:
``last_action_date`` = the day of the change, ``last_action_type`` = what happened (``update``,
``verified``, ``published`` …), ``field_name`` = the HSDS field (``url`` for the website,
``assured_date`` for the verification date …), the previous and new value as plain text, and
``updated_by`` = the team (never the staff member: see ``publisher``).

Left out: internal fields (slug, listing status beyond the HSDS status, verification notes and
who verified, sources, external keys), the creation of a listing and any change from or to no
value (HSDS requires both ``previous_value`` and ``replacement_value``; a first value shows in the
record itself), and changes that do not change what HSDS shows (pending → draft are both
``inactive``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from directory.hsds.publisher import Publisher
from directory.models import AuditEvent, ListingStatus

Row = dict[str, Any]
Formatter = Callable[[Any], str | None]

STATUS_TO_HSDS: dict[ListingStatus, str] = {
    ListingStatus.PUBLISHED: "active",
    ListingStatus.PENDING: "inactive",
    ListingStatus.DRAFT: "inactive",
    ListingStatus.SUSPENDED: "temporarily closed",
    ListingStatus.CLOSED: "defunct",
}
#: Audit actions (the part after the dot) → HSDS ``last_action_type``; others keep their verb.
ACTION_TYPES = {"created": "create", "submitted": "create", "updated": "update", "edited": "update"}


def _text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _status(value: Any) -> str | None:
    try:
        return STATUS_TO_HSDS[ListingStatus(value)]
    except ValueError:
        return None


def _date(value: Any) -> str | None:
    return str(value)[:10] if value else None


def _yes_no(value: Any) -> str | None:
    return None if value is None else ("true" if value else "false")


def _phones(value: Any) -> str | None:
    numbers = [
        f"{phone.get('number')} ext. {phone['extension']}"
        if phone.get("extension")
        else str(phone.get("number"))
        for phone in value or []
    ]
    return "; ".join(numbers) or None


def _locations(value: Any) -> str | None:
    def one(location: Mapping[str, Any]) -> str:
        place = " ".join(str(part) for part in (location.get("state"), location.get("postal_code")) if part)
        parts = (location.get("address_1"), location.get("address_2"), location.get("city"), place)
        return ", ".join(str(part) for part in parts if part)

    return "; ".join(one(location) for location in value or []) or None


def _states(value: Any) -> str | None:
    return ", ".join(sorted(value)) if value else None


def _terms(value: Any) -> str | None:
    codes = [f"{scheme}:{code}" for scheme, items in sorted((value or {}).items()) for code in items]
    return ", ".join(codes) or None


#: Audited center fields that HSDS shows → (HSDS field name, how its value is written).
PUBLISHED_FIELDS: dict[str, tuple[str, Formatter]] = {
    "name": ("name", _text),
    "description": ("description", _text),
    "website": ("url", _text),
    "email": ("email", _text),
    "price_notes": ("fees_description", _text),
    "status": ("status", _status),
    "verified_at": ("assured_date", _date),
    "is_advertiser": ("advertiser", _yes_no),
    "cash_price_min": ("cost_option lowest amount", _text),
    "cash_price_max": ("cost_option highest amount", _text),
    "phones": ("phones", _phones),
    "locations": ("locations", _locations),
    "service_area_states": ("service_areas", _states),
    "terms": ("attributes", _terms),
}


def action_type(action: str) -> str:
    """Return the HSDS ``last_action_type`` of an audit action: ``center.edited`` → ``update``."""
    verb = action.rpartition(".")[2]
    return ACTION_TYPES.get(verb, verb)


def metadata_rows(events: Iterable[AuditEvent], service_id: uuid.UUID, publisher: Publisher) -> list[Row]:
    """Return the metadata rows of a center's audited changes (``events``, oldest first)."""
    rows = []
    for event in events:
        before, after = event.before or {}, event.after or {}
        if event.before is None:
            continue
        for name, (field_name, write) in PUBLISHED_FIELDS.items():
            if name not in before and name not in after:
                continue
            previous, replacement = write(before.get(name)), write(after.get(name))
            if previous is None or replacement is None or previous == replacement:
                continue
            rows.append(
                {
                    "id": str(uuid.uuid5(event.id, f"metadata/{field_name}")),
                    "resource_id": str(service_id),
                    "resource_type": "service",
                    "last_action_date": event.occurred_at.date().isoformat(),
                    "last_action_type": action_type(event.action),
                    "field_name": field_name,
                    "previous_value": previous,
                    "replacement_value": replacement,
                    "updated_by": publisher.team,
                }
            )
    return rows
