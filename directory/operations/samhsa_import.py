"""Importing SAMHSA's national directory: idempotent, updating, and respectful of staff edits.

Facilities are matched on a stable key (normalised name lines, street lines and ZIP). A
re-import updates what changed, never duplicates, and leaves alone every field whose value is
no longer the one the import last wrote (staff edited it: staff edits win, and the conflict is
reported). A facility missing from a newer edition is marked, not deleted.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from directory.models import Center
from directory.operations.centers import center_as_input, comparable_input, jsonable, save_center
from directory.operations.taxonomy import TermIndex
from directory.samhsa.records import CodeMapping, MappedFacility, assign_keys, map_facility
from directory.samhsa.workbook import RowProblem, Workbook, read_workbook

ACTOR = "SAMHSA import"
BATCH_SIZE = 500
#: Fields the import maintains; any other field belongs to staff from the start.
OWNED_FIELDS = ("name", "description", "phones", "locations", "terms", "sliding_scale", "payment_assistance")
#: Raw source fields, always refreshed.
SOURCE_FIELDS = ("source_edition", "source_codes")
T = TypeVar("T")


class InvalidRows(ValueError):
    """Rows that cannot be imported; nothing was written."""

    def __init__(self, problems: list[RowProblem]) -> None:
        shown = "; ".join(str(p) for p in problems[:20])
        more = f" (and {len(problems) - 20} more)" if len(problems) > 20 else ""
        super().__init__(f"{len(problems)} invalid cell(s), nothing was imported: {shown}{more}")
        self.problems = problems


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do)."""

    rows: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    skipped: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    unmapped_codes: Counter[str] = field(default_factory=Counter)
    ungeocoded: list[str] = field(default_factory=list)
    marked_missing: int = 0
    duplicates_told_apart: int = 0


def import_samhsa(
    session: Session,
    path: Path,
    *,
    edition: str,
    commit: Callable[[], None],
    skip_invalid: bool = False,
    progress: Callable[[Iterable[T], int, str], Iterator[T]] | None = None,
) -> ImportReport:
    """Validate the workbook whole, then import it in batches, calling ``commit`` after each batch."""
    workbook = read_workbook(path)
    report = ImportReport(rows=workbook.rows)
    if workbook.problems and not skip_invalid:
        raise InvalidRows(workbook.problems)
    report.skipped.extend(f"{problem} (row skipped)" for problem in workbook.problems)
    mapping = CodeMapping.load()
    terms = TermIndex.load(session)
    _check_vocabulary(mapping, terms)
    mapped = _map_all(workbook, mapping, terms, edition, report)
    batches = [mapped[i : i + BATCH_SIZE] for i in range(0, len(mapped), BATCH_SIZE)]
    steps = progress(batches, len(batches), "Importing") if progress else iter(batches)
    for batch in steps:
        _import_batch(session, batch, terms, mapping.source, report)
        commit()
    report.marked_missing = _mark_missing(session, mapping.source, {m.key for m in mapped})
    commit()
    return report


def _check_vocabulary(mapping: CodeMapping, terms: TermIndex) -> None:
    missing = sorted(
        {f"{scheme}:{code}" for pairs in mapping.terms.values() for scheme, code in pairs}
        - {f"{scheme}:{code}" for scheme, code in terms.terms}
    )
    if missing:
        raise ValueError(
            f"The vocabulary lacks terms the SAMHSA mapping uses ({', '.join(missing)}); "
            "run 'flask data load-sample' or load data/taxonomy.json first."
        )


def _map_all(
    workbook: Workbook, mapping: CodeMapping, terms: TermIndex, edition: str, report: ImportReport
) -> list[MappedFacility]:
    keys = assign_keys(workbook.facilities)
    report.duplicates_told_apart = sum(1 for key in keys.values() if key.count("|") > 4)
    mapped: list[MappedFacility] = []
    seen: dict[str, int] = {}
    for facility in workbook.facilities:
        key = keys[facility.row]
        if key in seen:
            report.skipped.append(f"row {facility.row}: the same facility as row {seen[key]} (skipped)")
            continue
        seen[key] = facility.row
        item = map_facility(facility, key, mapping, terms, edition)
        report.unmapped_codes.update(item.unmapped_codes)
        if not item.geocoded:
            report.ungeocoded.append(f"row {facility.row}: ZIP {facility.zip5} ({facility.name1})")
        mapped.append(item)
    return mapped


def _import_batch(
    session: Session, batch: list[MappedFacility], terms: TermIndex, source: str, report: ImportReport
) -> None:
    existing = {
        center.external_key: center
        for center in session.scalars(
            select(Center)
            .where(Center.source == source, Center.external_key.in_([m.key for m in batch]))
            .options(
                selectinload(Center.locations),
                selectinload(Center.phones),
                selectinload(Center.service_areas),
                selectinload(Center.terms),
            )
        )
    }
    for item in batch:
        center = existing.get(item.key)
        if center is None:
            center, outcome = save_center(session, item.data, terms, actor=ACTOR)
        else:
            outcome = _update(session, center, item, terms, report)
        center.imported_values = _owned_values(item.data)
        if center.missing_from_source_since is not None:
            center.missing_from_source_since = None
        report.outcomes[outcome] += 1
    session.flush()


def _update(
    session: Session, center: Center, item: MappedFacility, terms: TermIndex, report: ImportReport
) -> str:
    """Merge a facility into its listing: the import's fields update, staff-edited ones stay."""
    current = center_as_input(center)
    last = center.imported_values or {}
    merged = dict(current)
    new_values = _owned_values(item.data)
    for name in OWNED_FIELDS:
        now = _owned_values(current)[name]
        if now == last.get(name):
            merged[name] = item.data[name]
        elif new_values[name] != now and new_values[name] != last.get(name):
            report.conflicts.append(
                f"{center.name} ({center.slug}): '{name}' was edited by staff; "
                "the import's newer value was not applied"
            )
    for name in SOURCE_FIELDS:
        merged[name] = item.data[name]
    if comparable_input(merged) == comparable_input(current) and not center.missing_from_source_since:
        return "unchanged"
    _center, outcome = save_center(session, merged, terms, actor=ACTOR, reason="re-import")
    return outcome


def _owned_values(data: dict[str, Any]) -> dict[str, Any]:
    """Return the import-maintained fields in a comparable JSON form."""
    values = {name: jsonable(data[name]) for name in OWNED_FIELDS}
    values["terms"] = {scheme: sorted(codes) for scheme, codes in sorted(data["terms"].items()) if codes}
    return values


def _mark_missing(session: Session, source: str, present: set[str]) -> int:
    """Mark listings of this source that the file no longer has; return how many were newly marked."""
    gone = [
        center_id
        for center_id, key in session.execute(
            select(Center.id, Center.external_key).where(
                Center.source == source, Center.missing_from_source_since.is_(None)
            )
        )
        if key not in present
    ]
    if gone:
        session.execute(
            update(Center).where(Center.id.in_(gone)).values(missing_from_source_since=dt.date.today())
        )
    return len(gone)
