"""The staff results table's rows: a search hit plus what a specialist reads out first (the phone)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from directory.models import Phone, PhoneType
from directory.staff.flag_marks import flag_marks_by_center

#: Phone kinds a caller can ring, in the order a specialist would give them.
CALLABLE = (PhoneType.VOICE, PhoneType.HOTLINE, PhoneType.TEXT)


def first_phones(session: Session, center_ids: list[str]) -> dict[str, str]:
    """Return each center's first callable phone number (with extension), by center id."""
    if not center_ids:
        return {}
    ids = [uuid.UUID(center_id) for center_id in center_ids]
    query = (
        select(Phone)
        .where(Phone.center_id.in_(ids), Phone.type.in_(CALLABLE))
        .order_by(Phone.center_id, Phone.position)
    )
    phones: dict[str, str] = {}
    for phone in session.scalars(query):
        key = str(phone.center_id)
        if key not in phones:
            phones[key] = f"{phone.number} ext. {phone.extension}" if phone.extension else phone.number
    return phones


def staff_rows(session: Session, hits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the hits with a ``phone`` each (None when none) and their open ``staff_flags``."""
    ids = [hit["id"] for hit in hits]
    phones, flags = first_phones(session, ids), flag_marks_by_center(session, ids)
    return [{**hit, "phone": phones.get(hit["id"]), "staff_flags": flags.get(hit["id"], [])} for hit in hits]
