"""Writing the directory as an HSDS 3.0 tabular data package, or as service JSON lines.

The files share only listings with a public life (:data:`SHARED_STATUSES`): published, suspended
and closed. Drafts and submissions awaiting review stay inside the directory.
"""

from __future__ import annotations

import csv
import json
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from directory.hsds.layout import Layout, package_descriptor
from directory.hsds.mapping import Rows, TermSortKey, center_rows, term_sort_key, vocabulary_rows
from directory.hsds.nesting import ServiceNester
from directory.hsds.publisher import Publisher, current_publisher
from directory.hsds.samhsa_codes import samhsa_codes
from directory.models import AuditEvent, Center, ListingStatus, Taxonomy
from directory.operations.sample_data import Progress, no_progress

BATCH = 200

#: The listing statuses the file export shares: those a listing reaches after review, with their
#: HSDS statuses ``active``, ``temporarily closed`` and ``defunct``. Drafts and pending are left out.
SHARED_STATUSES: frozenset[ListingStatus] = frozenset(
    {ListingStatus.PUBLISHED, ListingStatus.SUSPENDED, ListingStatus.CLOSED}
)


def export_package(
    session: Session,
    folder: Path,
    layout: Layout,
    progress: Progress[Any] = no_progress,
    publisher: Publisher | None = None,
) -> Counter[str]:
    """Write one CSV per HSDS resource and ``datapackage.json`` into ``folder``; return rows per file.

    Only the shared listings (:data:`SHARED_STATUSES`) are written. ``publisher`` defaults to the
    current app's (:func:`current_publisher`).
    """
    folder.mkdir(parents=True, exist_ok=True)
    publisher = publisher or current_publisher()
    schemes = load_vocabulary(session)
    term_key = term_sort_key(schemes)
    with TableWriter(folder, layout) as writer:
        writer.write(vocabulary_rows(schemes, publisher, samhsa_codes()))
        for rows in progress(
            iter_center_rows(session, term_key, publisher), count_centers(session), "Centers"
        ):
            writer.write(rows)
        counts = writer.counts
    descriptor = json.dumps(package_descriptor(layout), indent=2, ensure_ascii=False)
    (folder / "datapackage.json").write_text(descriptor + "\n", encoding="utf-8")
    return counts


def export_json(
    session: Session,
    stream: TextIO,
    layout: Layout,
    progress: Progress[Any] = no_progress,
    publisher: Publisher | None = None,
) -> int:
    """Write one nested HSDS service per line to ``stream``, for the shared listings; return how many."""
    publisher = publisher or current_publisher()
    schemes = load_vocabulary(session)
    term_key = term_sort_key(schemes)
    nester = ServiceNester(layout, vocabulary_rows(schemes, publisher, samhsa_codes()))
    written = 0
    for rows in progress(iter_center_rows(session, term_key, publisher), count_centers(session), "Services"):
        stream.write(json.dumps(nester.nest(rows), ensure_ascii=False) + "\n")
        written += 1
    return written


def load_vocabulary(session: Session) -> Sequence[Taxonomy]:
    """Return every scheme with its terms, in the vocabulary's order."""
    statement = (
        select(Taxonomy).order_by(Taxonomy.position, Taxonomy.code).options(selectinload(Taxonomy.terms))
    )
    return session.scalars(statement).all()


def count_centers(session: Session) -> int:
    """Return how many centers the file export shares (those in :data:`SHARED_STATUSES`)."""
    statement = select(func.count()).select_from(Center).where(Center.status.in_(SHARED_STATUSES))
    return session.scalar(statement) or 0


def iter_center_rows(
    session: Session, term_key: TermSortKey, publisher: Publisher, *, published_only: bool = False
) -> Iterator[Rows]:
    """Yield the HSDS rows of the shared centers (or of the published ones only), by slug, in batches."""
    statuses = {ListingStatus.PUBLISHED} if published_only else SHARED_STATUSES
    statement = select(Center.id).where(Center.status.in_(statuses)).order_by(Center.slug)
    center_ids = session.scalars(statement).all()
    for start in range(0, len(center_ids), BATCH):
        yield from rows_of_centers(session, center_ids[start : start + BATCH], term_key, publisher)


def rows_of_centers(
    session: Session, center_ids: Sequence[uuid.UUID], term_key: TermSortKey, publisher: Publisher
) -> list[Rows]:
    """Return the HSDS rows of the centers ``center_ids``, in that order, loaded together (six queries)."""
    statement = (
        select(Center)
        .where(Center.id.in_(center_ids))
        .options(
            selectinload(Center.locations),
            selectinload(Center.phones),
            selectinload(Center.service_areas),
            selectinload(Center.terms),
        )
    )
    centers = {center.id: center for center in session.scalars(statement)}
    events = audit_trails(session, [str(center_id) for center_id in center_ids])
    return [
        center_rows(centers[center_id], term_key, publisher, events[str(center_id)])
        for center_id in center_ids
        if center_id in centers
    ]


def audit_trails(session: Session, record_ids: Sequence[str]) -> dict[str, list[AuditEvent]]:
    """Return the audit events of the centers ``record_ids``, oldest first, by record id."""
    statement = (
        select(AuditEvent)
        .where(AuditEvent.record_type == "center", AuditEvent.record_id.in_(record_ids))
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
    )
    trails: dict[str, list[AuditEvent]] = defaultdict(list)
    for event in session.scalars(statement):
        trails[event.record_id].append(event)
    return trails


class TableWriter:
    """The CSV files of a package, each with the layout's header, open for appending rows."""

    def __init__(self, folder: Path, layout: Layout) -> None:
        self.folder = folder
        self.layout = layout
        self.counts: Counter[str] = Counter()
        self._stack = ExitStack()
        self._writers: dict[str, Any] = {}

    def __enter__(self) -> TableWriter:
        for resource in self.layout.resources:
            handle = self._stack.enter_context(
                (self.folder / resource["path"]).open("w", encoding="utf-8", newline="")
            )
            writer = csv.writer(handle)
            writer.writerow(self.layout.columns(resource["name"]))
            self._writers[resource["name"]] = writer
            self.counts[resource["path"]] = 0
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stack.close()

    def write(self, rows: Rows) -> None:
        """Append ``rows`` (by resource name) to their files, in the layout's column order."""
        for resource, records in rows.items():
            columns = self.layout.columns(resource)
            for record in records:
                unknown = set(record) - set(columns)
                if unknown:
                    raise ValueError(f"{resource} has no column {', '.join(sorted(unknown))}")
                self._writers[resource].writerow([cell(record.get(name)) for name in columns])
            self.counts[self.layout.resource(resource)["path"]] += len(records)


def cell(value: Any) -> str:
    """Return the CSV text of a value: empty for none, ``repr`` for floats so they read back exactly."""
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value)
