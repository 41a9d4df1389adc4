"""The staff results table's rows: a search hit plus what a specialist reads out first (the phone).

Each row also carries the labels of its therapies and payment options, whether the center takes new
clients, and its re-verification due date (``overdue`` when that day has passed).
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from directory.models import Center, Phone, PhoneType
from directory.staff.flag_marks import flag_marks_by_center
from search_index import Vocabulary

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


def center_facts(session: Session, center_ids: list[str]) -> dict[str, tuple[bool | None, date | None]]:
    """Return each center's (accepting new clients, re-verification due date), by center id."""
    if not center_ids:
        return {}
    query = select(Center.id, Center.accepting_new_clients, Center.reverify_due_on).where(
        Center.id.in_([uuid.UUID(center_id) for center_id in center_ids])
    )
    return {str(center_id): (accepting, due) for center_id, accepting, due in session.execute(query)}


def term_labels(vocabulary: Vocabulary | None, scheme: str, codes: list[str]) -> list[str]:
    """Return the labels of ``codes`` in ``scheme`` (codes the vocabulary lacks shown as they are)."""
    if vocabulary is None:
        return list(codes)
    return [term.label if (term := vocabulary.term(scheme, code)) else code for code in codes]


def staff_rows(
    session: Session,
    hits: list[dict[str, Any]],
    vocabulary: Vocabulary | None = None,
    today: date | None = None,
) -> list[dict[str, Any]]:
    """Return the hits with ``phone`` (None when none is listed), ``therapies``, ``payments``,
    ``accepting``, ``reverify_due_on`` and ``overdue`` (due before ``today``)."""
    ids = [hit["id"] for hit in hits]
    phones = first_phones(session, ids)
    facts = center_facts(session, ids)
    flags = flag_marks_by_center(session, ids)
    today = today or date.today()
    rows = []
    for hit in hits:
        accepting, due = facts.get(hit["id"], (None, None))
        terms = hit.get("terms", {})
        rows.append(
            {
                **hit,
                "phone": phones.get(hit["id"]),
                "therapies": term_labels(vocabulary, "therapy", terms.get("therapy", [])),
                "payments": term_labels(vocabulary, "payment", terms.get("payment", [])),
                "accepting": accepting,
                "reverify_due_on": due,
                "overdue": due is not None and due < today,
                "staff_flags": flags.get(hit["id"], []),
            }
        )
    return rows
