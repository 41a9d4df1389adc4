"""Counting shortlist additions in aggregate, for the dashboard's advertising-influence figure.

Each addition adds one to its ISO week's counters: the center, whether it was an advertiser at that
moment, and, the first time a center is added from a given console search, that search's number
of results and of advertisers among them. Only the counts are kept (:class:`ShortlistWeek`): not
the center, the specialist, the caller or the search text. No audit event is written either: an
event would record which center which specialist shortlisted when, which is what counting in
aggregate avoids, and the counters change nothing in the directory.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from directory.models import Center, ShortlistWeek, User, utcnow
from directory.operations.errors import OperationError
from directory.operations.staff_roles import require_staff

COUNTERS = ("centers_added", "advertisers_added", "searches", "search_results", "search_result_advertisers")


@dataclass(frozen=True)
class ResultCounts:
    """How many listings a search returned, and how many of them were advertisers."""

    results: int
    advertisers: int

    def __post_init__(self) -> None:
        if not 0 <= self.advertisers <= self.results:
            raise ValueError("advertisers must be between 0 and the number of results")


def week_start(day: date) -> date:
    """Return the Monday that starts ``day``'s ISO week."""
    return day - timedelta(days=day.weekday())


def count_shortlist_addition(
    session: Session,
    center_id: uuid.UUID | str,
    *,
    actor: User,
    search: ResultCounts | None = None,
    day: date | None = None,
) -> bool:
    """Count one center added to a shortlist (and its search's results, when first counted).

    ``search`` is given only the first time a center is added from that search. Returns whether the
    center was an advertiser. Flushes, never commits; ``actor`` is checked, never stored.
    """
    require_staff(actor)
    key = center_id if isinstance(center_id, uuid.UUID) else uuid.UUID(str(center_id))
    advertiser = session.scalar(select(Center.is_advertiser).where(Center.id == key))
    if advertiser is None:
        raise OperationError("That listing is no longer in the directory.")
    add_to_week(
        session,
        week_start(day or utcnow().date()),
        centers_added=1,
        advertisers_added=int(bool(advertiser)),
        searches=int(search is not None),
        search_results=search.results if search else 0,
        search_result_advertisers=search.advertisers if search else 0,
    )
    return bool(advertiser)


def add_to_week(session: Session, week: date, **amounts: int) -> None:
    """Add ``amounts`` to the week's counters in one atomic upsert (SQLite and PostgreSQL)."""
    unknown = set(amounts) - set(COUNTERS)
    if unknown:
        raise ValueError(f"unknown counters: {sorted(unknown)}")
    values = {name: amounts.get(name, 0) for name in COUNTERS}
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(ShortlistWeek).values(week_start=week, **values)
    table = ShortlistWeek.__table__
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.week_start],
        set_={name: table.c[name] + statement.excluded[name] for name in COUNTERS},
    )
    session.execute(statement)
