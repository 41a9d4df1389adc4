"""The staff results table's rows: a search hit plus what a specialist reads out first (the phone).

Each row also carries the labels of its therapies and payment options, whether the center takes new
clients, and its re-verification due date (``overdue`` when that day has passed).
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from directory.models import Center, Correction, CorrectionSource, CorrectionStatus, Phone, PhoneType
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


class RowFacts(NamedTuple):
    """What a results row adds to its hit, read for a whole page in one query."""

    phone: str | None
    accepting: bool | None
    reverify_due_on: date | None
    #: Whether the center has an unresolved staff flag (its marks are read only then).
    flagged: bool


def row_facts(session: Session, center_ids: list[str]) -> dict[str, RowFacts]:
    """Return each center's first callable phone, intake, due date and open-flag bit, by center id.

    One query for the page: the centers outer-joined to their callable phones in order.
    """
    if not center_ids:
        return {}
    flagged = (
        select(Correction.id)
        .where(
            Correction.center_id == Center.id,
            Correction.source == CorrectionSource.STAFF,
            Correction.status == CorrectionStatus.NEW,
        )
        .exists()
    )
    query = (
        select(
            Center.id,
            Center.accepting_new_clients,
            Center.reverify_due_on,
            flagged,
            Phone.number,
            Phone.extension,
        )
        .outerjoin(Phone, (Phone.center_id == Center.id) & Phone.type.in_(CALLABLE))
        .where(Center.id.in_([uuid.UUID(center_id) for center_id in center_ids]))
        .order_by(Center.id, Phone.position)
    )
    facts: dict[str, RowFacts] = {}
    for center_id, accepting, due, has_flag, number, extension in session.execute(query):
        key = str(center_id)
        if key not in facts:
            phone = (f"{number} ext. {extension}" if extension else number) if number else None
            facts[key] = RowFacts(phone, accepting, due, bool(has_flag))
    return facts


def term_labels(vocabulary: Vocabulary | None, scheme: str, codes: list[str]) -> list[str]:
    """Return the labels of ``codes`` in ``scheme`` (codes the vocabulary lacks shown as they are)."""
    if vocabulary is None:
        return list(codes)
    return [term.label if (term := vocabulary.term(scheme, code)) else code for code in codes]


_NO_FACTS = RowFacts(None, None, None, False)


def staff_rows(
    session: Session,
    hits: list[dict[str, Any]],
    vocabulary: Vocabulary | None = None,
    today: date | None = None,
) -> list[dict[str, Any]]:
    """Return the hits with ``phone`` (None when none is listed), ``therapies``, ``payments``,
    ``accepting``, ``reverify_due_on`` and ``overdue`` (due before ``today``)."""
    facts = row_facts(session, [hit["id"] for hit in hits])
    flagged = [center_id for center_id, fact in facts.items() if fact.flagged]
    flags = flag_marks_by_center(session, flagged) if flagged else {}
    today = today or date.today()
    rows = []
    for hit in hits:
        fact = facts.get(hit["id"], _NO_FACTS)
        due = fact.reverify_due_on
        terms = hit.get("terms", {})
        rows.append(
            {
                **hit,
                "phone": fact.phone,
                "therapies": term_labels(vocabulary, "therapy", terms.get("therapy", [])),
                "payments": term_labels(vocabulary, "payment", terms.get("payment", [])),
                "accepting": fact.accepting,
                "reverify_due_on": due,
                "overdue": due is not None and due < today,
                "staff_flags": flags.get(hit["id"], []),
            }
        )
    return rows
