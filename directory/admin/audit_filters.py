"""The audit page's query string: a whitelist of named filters, each checked, every problem named.

``action`` (an action such as ``center.updated``, or a family such as ``user.*``), ``actor`` (part
of who acted: an e-mail address or a label such as ``system``), ``record`` (``type:id`` such as
``user:<uuid>``, a bare record id, or a listing's slug), ``since`` and ``until`` (``YYYY-MM-DD``,
both days included, in UTC) and ``page``. Anything else is an error, not silently ignored.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from directory.schemas.fields import SLUG_PATTERN

PARAMS = ("action", "actor", "record", "since", "until", "page")
ACTION_PATTERN = re.compile(r"^[a-z0-9_]+(?:\.[a-z0-9_]+)*(?:\.\*)?$")
RECORD_PATTERN = re.compile(r"^([a-z_]{1,40}):([A-Za-z0-9_.-]{1,64})$")
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_PAGE = 10_000
MAX_ACTOR = 254


class AuditFilterError(ValueError):
    """The query string holds values the audit page cannot use; ``problems`` names each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class AuditFilters:
    """The filters of one audit page, exactly as its URL carries them."""

    action: str = ""
    actor: str = ""
    #: ``(record_type, record_id)``; a type of None matches any type; see ``slug``.
    record: tuple[str | None, str] | None = None
    #: A listing's slug: its events, its corrections' and its staff notes'.
    slug: str = ""
    since: date | None = None
    until: date | None = None
    page: int = 1

    def params(self, page: int | None = None) -> dict[str, str]:
        """Return the query parameters that reproduce these filters (on ``page``)."""
        values = {
            "action": self.action,
            "actor": self.actor,
            "record": self.slug or _record_text(self.record),
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
        }
        params = {name: value for name, value in values.items() if value}
        number = self.page if page is None else page
        if number != 1:
            params["page"] = str(number)
        return params

    @property
    def any(self) -> bool:
        """Whether any filter is chosen."""
        return bool(self.action or self.actor or self.record or self.slug or self.since or self.until)


def _record_text(record: tuple[str | None, str] | None) -> str:
    if record is None:
        return ""
    kind, record_id = record
    return f"{kind}:{record_id}" if kind else record_id


def _short(value: str) -> str:
    """Quote at most the start of what was typed."""
    return repr(value[:40] + ("…" if len(value) > 40 else ""))


def parse_audit_filters(args: Mapping[str, str] | object) -> AuditFilters:
    """Parse the audit page's query string; raise :class:`AuditFilterError` naming every problem."""
    getlist = args.getlist  # type: ignore[attr-defined]
    problems: list[str] = []
    unknown = sorted(set(args) - set(PARAMS))  # type: ignore[call-overload]
    if unknown:
        problems.append(
            f"Unknown filter {', '.join(map(_short, unknown))}; the filters are {', '.join(PARAMS)}."
        )
    values: dict[str, str] = {}
    for name in PARAMS:
        given = getlist(name)
        if len(given) > 1:
            problems.append(f"Give '{name}' once.")
        values[name] = given[0].strip() if given else ""

    action = values["action"]
    if action and (len(action) > 80 or not ACTION_PATTERN.match(action)):
        problems.append(
            f"Action {_short(action)} is not an action name: write one such as 'center.updated', "
            "or a family such as 'user.*'."
        )
    actor = values["actor"]
    if len(actor) > MAX_ACTOR:
        problems.append(f"Who acted is at most {MAX_ACTOR} characters.")

    record, slug = None, ""
    raw = values["record"]
    if raw:
        match = RECORD_PATTERN.match(raw)
        if match:
            record_id = match.group(2)
            record = (match.group(1), str(uuid.UUID(record_id)) if _is_uuid(record_id) else record_id)
        elif _is_uuid(raw):
            record = (None, str(uuid.UUID(raw)))
        elif len(raw) <= 120 and SLUG_PATTERN.match(raw):
            slug = raw
        else:
            problems.append(
                f"Record {_short(raw)} is not one: write a type and id such as 'user:<id>', a record id, "
                "or a listing's slug such as 'sunrise-ketamine-clinic'."
            )

    since = _date(values["since"], "From", problems)
    until = _date(values["until"], "To", problems)
    if since and until and until < since:
        problems.append("The 'to' date is before the 'from' date.")

    page = 1
    if values["page"]:
        if not values["page"].isdigit() or not 1 <= int(values["page"]) <= MAX_PAGE:
            problems.append(f"Page must be a whole number from 1 to {MAX_PAGE:,}.")
        else:
            page = int(values["page"])
    if problems:
        raise AuditFilterError(problems)
    return AuditFilters(action, actor, record, slug, since, until, page)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return len(value) in (32, 36)


def _date(value: str, label: str, problems: list[str]) -> date | None:
    if not value:
        return None
    if DATE_PATTERN.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    problems.append(
        f"{label} date {_short(value)} is not a date: write it as YYYY-MM-DD, such as 2026-03-01."
    )
    return None
