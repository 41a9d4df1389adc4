"""Importing an HSDS 3.0 tabular package: check it all, then create or update listings idempotently.

Nothing is written unless the whole package checks out: problems in the files, and any bad value
in a service this directory exported, stop the import with every problem listed. Other
publishers' services that cannot be listings are skipped with their reasons. Listings are
matched by source and service id, so a second import changes nothing; a new listing's slug comes
from its name, and one from this directory's own export keeps its exported id. A service whose
center is already in this database under another source (say, our export imported back into the
database it came from) is skipped: an export does not carry every field of a listing, so
importing it over the listing would lose what the export left out.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from directory.hsds.draft import Mapped, Rejected
from directory.hsds.errors import rejected_package
from directory.hsds.index import PackageIndex
from directory.hsds.reading import Package, Row, read_package
from directory.hsds.records import ServiceMapper
from directory.hsds.vocabulary import apply_vocabulary, map_vocabulary, plan_vocabulary
from directory.models import Center
from directory.operations.centers import save_center
from directory.operations.sample_data import Progress, no_progress
from directory.operations.taxonomy import TermIndex
from search_index.schema import slugify

ACTOR = "HSDS import"
#: Files of this directory's export that describe the exporting database itself (its audit trail).
DERIVED_FILES = frozenset({"metadata.csv"})


@dataclass
class ImportReport:
    """What an import did."""

    centers: Counter[str] = field(default_factory=Counter)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    schemes_created: int = 0
    terms_created: int = 0


def import_package(
    session: Session, folder: Path, *, source: str | None = None, progress: Progress[Any] = no_progress
) -> ImportReport:
    """Check and import the package in ``folder``; flush, never commit. Raise :class:`HSDSError`."""
    package = read_package(folder)
    index = PackageIndex(package)
    vocabulary = map_vocabulary(index)
    plan = plan_vocabulary(session, vocabulary)
    source = (source or f"hsds:{package.name or 'package'}")[:40]
    mapper = ServiceMapper(index, vocabulary, plan.available, source)
    report = ImportReport(notes=list(vocabulary.notes))
    problems = [*vocabulary.problems, *plan.problems]
    slugs = SlugChooser(session, source)
    records: list[Mapped] = []
    all_own = True
    for service in index.rows("service"):
        all_own = all_own and mapper.is_own(service)
        result = mapper.map(service, slugs.choose)
        if isinstance(result, Rejected) and result.own:
            problems.extend(result.problems)
        elif isinstance(result, Rejected):
            report.skipped.append(f"{result.label}: {'; '.join(result.problems)}")
        else:
            records.append(result)
            report.notes.extend(result.notes)
    problems.extend(_duplicates(records))
    if problems:
        raise rejected_package(folder, problems)
    report.notes.extend(_unread_notes(package, all_own))
    apply_vocabulary(session, plan)
    report.schemes_created, report.terms_created = plan.schemes_created, plan.terms_created
    _save(session, records, report, progress)
    return report


def _save(session: Session, records: list[Mapped], report: ImportReport, progress: Progress[Any]) -> None:
    terms = TermIndex.load(session)
    slugs_by_id = dict(session.execute(select(Center.id, Center.slug)).all())
    for record in progress(records, len(records), "Centers"):
        current = slugs_by_id.get(record.center_id) if record.center_id else None
        if current is not None and current != record.data["slug"]:
            report.skipped.append(
                f"{record.label}: this directory already has the center with id {record.center_id} "
                f"(as '{current}'); an HSDS export does not carry every field, so it is not imported over it"
            )
            continue
        _center, outcome = save_center(session, record.data, terms, actor=ACTOR, center_id=record.center_id)
        report.centers[outcome] += 1
    session.flush()


def _duplicates(records: list[Mapped]) -> list[str]:
    """Return a problem for every slug or center id that two services of the package share."""
    problems = []
    for key, name in (("slug", "slug"), ("center_id", "organization id")):
        seen: dict[Any, str] = {}
        for record in records:
            value = record.data["slug"] if key == "slug" else record.center_id
            if value is None:
                continue
            if value in seen:
                problems.append(f"{record.label}: same {name} '{value}' as {seen[value]}.")
            seen.setdefault(value, record.label)
    return problems


def _unread_notes(package: Package, all_own: bool) -> list[str]:
    """Note the rows of resources the directory has no place for."""
    return [
        f"{file}: {rows} row(s) not imported (the directory has no place for them)."
        for file, rows in sorted(package.unread.items())
        if rows and not (all_own and file in DERIVED_FILES)
    ]


class SlugChooser:
    """Choose slugs for other publishers' services: kept from an earlier import, else from the name."""

    def __init__(self, session: Session, source: str) -> None:
        rows = session.execute(select(Center.slug, Center.source, Center.external_key)).all()
        self.taken = {slug for slug, _source, _key in rows}
        self.earlier = {key: slug for slug, row_source, key in rows if row_source == source and key}

    def choose(self, service: Row) -> str:
        """Return the slug of ``service``, unique among the database's and this import's."""
        key = service.get("id") or ""
        if key in self.earlier:
            return self.earlier[key]
        base = slugify(service.get("name") or "")[:100].strip("-") or "listing"
        slug = base
        if slug in self.taken:
            suffix = uuid.uuid5(uuid.NAMESPACE_URL, key).hex[:6] if key else "listing"
            slug = f"{base}-{suffix}"
        self.taken.add(slug)
        self.earlier[key] = slug
        return slug
