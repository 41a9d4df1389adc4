"""Writing the directory as an HSDS 3.0 tabular data package, or as service JSON lines."""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from directory.hsds.layout import Layout, package_descriptor
from directory.hsds.mapping import Rows, center_rows, term_sort_key, vocabulary_rows
from directory.hsds.nesting import ServiceNester
from directory.models import Center, Taxonomy
from directory.operations.sample_data import Progress, no_progress

BATCH = 200


def export_package(
    session: Session, folder: Path, layout: Layout, progress: Progress[Any] = no_progress
) -> Counter[str]:
    """Write one CSV per HSDS resource and ``datapackage.json`` into ``folder``; return rows per file."""
    folder.mkdir(parents=True, exist_ok=True)
    schemes = load_vocabulary(session)
    term_key = term_sort_key(schemes)
    with TableWriter(folder, layout) as writer:
        writer.write(vocabulary_rows(schemes))
        for center in progress(iter_centers(session), count_centers(session), "Centers"):
            writer.write(center_rows(center, term_key))
        counts = writer.counts
    descriptor = json.dumps(package_descriptor(layout), indent=2, ensure_ascii=False)
    (folder / "datapackage.json").write_text(descriptor + "\n", encoding="utf-8")
    return counts


def export_json(
    session: Session, stream: TextIO, layout: Layout, progress: Progress[Any] = no_progress
) -> int:
    """Write one nested HSDS service per line to ``stream``; return how many."""
    schemes = load_vocabulary(session)
    term_key = term_sort_key(schemes)
    nester = ServiceNester(layout, vocabulary_rows(schemes))
    written = 0
    for center in progress(iter_centers(session), count_centers(session), "Services"):
        stream.write(json.dumps(nester.nest(center_rows(center, term_key)), ensure_ascii=False) + "\n")
        written += 1
    return written


def load_vocabulary(session: Session) -> Sequence[Taxonomy]:
    """Return every scheme with its terms, in the vocabulary's order."""
    statement = (
        select(Taxonomy).order_by(Taxonomy.position, Taxonomy.code).options(selectinload(Taxonomy.terms))
    )
    return session.scalars(statement).all()


def count_centers(session: Session) -> int:
    """Return how many centers there are, published or not."""
    return session.scalar(select(func.count()).select_from(Center)) or 0


def iter_centers(session: Session) -> Iterator[Center]:
    """Yield every center, published or not, by slug, with its related rows loaded in batches."""
    statement = (
        select(Center)
        .order_by(Center.slug)
        .options(
            selectinload(Center.locations),
            selectinload(Center.phones),
            selectinload(Center.service_areas),
            selectinload(Center.terms),
        )
        .execution_options(yield_per=BATCH)
    )
    yield from session.scalars(statement)


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
