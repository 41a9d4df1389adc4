"""Reading the audit trail for the admin page: one filtered page of events, newest first, made readable.

Read-only: nothing here writes to ``audit_events`` (the model refuses updates and deletes too).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, select, true
from sqlalchemy.orm import Session

from directory.admin.audit_filters import AuditFilters
from directory.models import Article, AuditEvent, Center, User
from directory.staff.history import center_events

PER_PAGE = 50
#: The longest value the page shows of one field before or after a change.
MAX_VALUE_TEXT = 300


class UnknownListing(LookupError):
    """The ``record`` filter names a listing slug that no listing has."""


@dataclass(frozen=True)
class Change:
    """One field of an event's data: its value before and after (empty when not recorded)."""

    name: str
    before: str
    after: str


@dataclass
class EventRow:
    """One audit event as the page shows it."""

    event: AuditEvent
    changes: list[Change]
    #: How the record reads (a listing's name, an account's address, an article's title), if known.
    record_label: str = ""
    #: The endpoint and arguments of the record's own page, if it has one.
    record_link: tuple[str, dict[str, str]] | None = None


@dataclass
class AuditPage:
    """A page of events with what pagination needs."""

    rows: list[EventRow] = field(default_factory=list)
    total: int = 0
    page: int = 1
    last_page: int = 1


def audit_page(session: Session, filters: AuditFilters, per_page: int = PER_PAGE) -> AuditPage:
    """Return the page ``filters`` asks for; raise :class:`UnknownListing` for an unknown slug."""
    condition = _condition(session, filters)
    total = session.scalar(select(func.count()).select_from(AuditEvent).where(condition)) or 0
    last_page = max(1, -(-total // per_page))
    query = (
        select(AuditEvent)
        .where(condition)
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .offset((filters.page - 1) * per_page)
        .limit(per_page)
    )
    events = list(session.scalars(query))
    rows = [EventRow(event, readable_changes(event.before, event.after)) for event in events]
    _label_records(session, rows)
    return AuditPage(rows, total, filters.page, last_page)


def known_actions(session: Session) -> list[str]:
    """Return every action the trail holds, for the filter's suggestions."""
    return list(session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


def _condition(session: Session, filters: AuditFilters) -> ColumnElement[bool]:
    """Return the SQL condition for the filters."""
    parts: list[ColumnElement[bool]] = []
    if filters.action.endswith(".*"):
        parts.append(AuditEvent.action.startswith(filters.action[:-1], autoescape=True))
    elif filters.action:
        parts.append(AuditEvent.action == filters.action)
    if filters.actor:
        parts.append(func.lower(AuditEvent.actor_label).contains(filters.actor.lower(), autoescape=True))
    if filters.record is not None:
        kind, record_id = filters.record
        parts.append(AuditEvent.record_id == record_id)
        if kind:
            parts.append(AuditEvent.record_type == kind)
    if filters.slug:
        center = session.scalar(select(Center).where(Center.slug == filters.slug))
        if center is None:
            raise UnknownListing(filters.slug)
        parts.append(center_events(session, center))
    if filters.since:
        parts.append(AuditEvent.occurred_at >= _start_of(filters.since))
    if filters.until:
        parts.append(AuditEvent.occurred_at < _start_of(filters.until + timedelta(days=1)))
    condition: ColumnElement[bool] = true()
    for part in parts:
        condition = condition & part
    return condition


def _start_of(day: date) -> datetime:
    """Return midnight UTC at the start of ``day``."""
    return datetime.combine(day, time.min, tzinfo=UTC)


def readable_changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[Change]:
    """Return each field the event recorded, with its value before and after, in the order recorded."""
    before, after = before or {}, after or {}
    names = list(dict.fromkeys([*before, *after]))
    return [
        Change(
            name.replace("_", " "),
            value_text(before[name]) if name in before else "",
            value_text(after[name]) if name in after else "",
        )
        for name in names
    ]


def value_text(value: Any) -> str:
    """Return a recorded value as a person reads it (short; JSON for structures)."""
    if value is None:
        text = "(none)"
    elif isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, str):
        text = value or "(empty)"
    elif isinstance(value, list) and all(isinstance(item, str | int | float) for item in value):
        text = ", ".join(str(item) for item in value) or "(none)"
    else:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return text if len(text) <= MAX_VALUE_TEXT else text[: MAX_VALUE_TEXT - 1] + "…"


def _label_records(session: Session, rows: list[EventRow]) -> None:
    """Name the listings, accounts and articles the page's events are about (one query per kind)."""
    ids: dict[str, set[Any]] = {"center": set(), "user": set(), "article": set()}
    for row in rows:
        if row.event.record_type in ids:
            ids[row.event.record_type].add(row.event.record_id)
    centers = _by_id(session, Center, ids["center"])
    users = _by_id(session, User, ids["user"])
    articles = _by_id(session, Article, ids["article"])
    for row in rows:
        key = row.event.record_id
        if row.event.record_type == "center" and key in centers:
            row.record_label = centers[key].name
            row.record_link = ("staff.center", {"slug": centers[key].slug})
        elif row.event.record_type == "user" and key in users:
            row.record_label = users[key].email
        elif row.event.record_type == "article" and key in articles:
            row.record_label = articles[key].title
            row.record_link = ("admin.edit_article", {"slug": articles[key].slug})


def _by_id(session: Session, model: Any, record_ids: set[str]) -> dict[str, Any]:
    """Return the rows of ``model`` with these ids, by id string (ids that are not UUIDs are skipped)."""
    keys = []
    for record_id in record_ids:
        try:
            keys.append(uuid.UUID(record_id))
        except ValueError:
            continue
    if not keys:
        return {}
    return {str(row.id): row for row in session.scalars(select(model).where(model.id.in_(keys)))}
