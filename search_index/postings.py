"""A build's postings, grouped by term in compact arrays, spilled to sorted runs past a memory limit.

Whoosh's own pool keeps every posting as a 5-tuple (about 200 bytes), pickles each one to a run
file when full and merges runs one posting at a time. Here a term's postings are four arrays
(document numbers, weights, value sizes, values: about 30 bytes a posting), a run holds whole
terms, and merging works a term at a time. :meth:`PostingStore.terms` yields the same postings in
the same order as Whoosh's pool would: by field, then term, then document (spelling words, which
Whoosh files under document 0, by their value).
"""

from __future__ import annotations

import heapq
import os
import pickle
import tempfile
from array import array
from collections.abc import Iterator
from itertools import groupby
from pathlib import Path
from typing import BinaryIO

#: A term's postings: document numbers, weights, value sizes and the values end to end.
Entry = tuple[array, array, array, bytearray]
#: One term of a run or of the merged output: (field, term, doc numbers, weights, value sizes, values).
Row = tuple[str, bytes, bytes, bytes, bytes, bytes]
#: Terms per pickled chunk of a run file, at most.
RUN_CHUNK = 2048
#: Bytes of postings per pickled chunk of a run file, about (merging holds one chunk per run).
RUN_CHUNK_BYTES = 2 * 1024 * 1024
#: Estimated bytes of one term's arrays beyond its postings.
TERM_OVERHEAD = 400
#: Estimated bytes of one posting beyond its value (16 in the arrays, and the arrays' spare room).
POSTING_OVERHEAD = 20


def new_entry() -> Entry:
    """Return an empty term entry."""
    return (array("I"), array("d"), array("I"), bytearray())


class PostingStore:
    """Postings by field and term; runs of sorted terms go to ``tempdir`` when over ``limit`` bytes."""

    def __init__(self, tempdir: str | Path, limit: int, spelling_fields: frozenset[str]) -> None:
        self.tempdir = Path(tempdir)
        self.limit = limit
        self.spelling_fields = spelling_fields
        #: field -> term -> entry, for the documents since the last run.
        self.fields: dict[str, dict[bytes, Entry]] = {}
        #: Estimated bytes held in ``fields``.
        self.size = 0
        self.runs: list[Path] = []

    def field(self, name: str) -> dict[bytes, Entry]:
        """Return the term table of field ``name`` (entries are added to it directly)."""
        table = self.fields.get(name)
        if table is None:
            table = self.fields[name] = {}
        return table

    def spill_if_full(self) -> None:
        """Write the held postings as a sorted run if they pass the memory limit."""
        if self.size > self.limit:
            self.spill()

    def spill(self) -> None:
        """Write the held postings to a new run file, sorted by field and term, and forget them."""
        handle, name = tempfile.mkstemp(suffix=".run", dir=self.tempdir)
        path = Path(name)
        self.runs.append(path)
        with os.fdopen(handle, "wb") as out:
            chunk: list[Row] = []
            size = 0
            for row in self._held_rows():
                chunk.append(row)
                size += len(row[2]) + len(row[3]) + len(row[4]) + len(row[5])
                if len(chunk) >= RUN_CHUNK or size >= RUN_CHUNK_BYTES:
                    pickle.dump(chunk, out, pickle.HIGHEST_PROTOCOL)
                    chunk = []
                    size = 0
            if chunk:
                pickle.dump(chunk, out, pickle.HIGHEST_PROTOCOL)
        self.fields = {}
        self.size = 0

    def _held_rows(self) -> Iterator[Row]:
        """Yield the held terms as rows, sorted by field and term, forgetting each once yielded."""
        for name in sorted(self.fields):
            table = self.fields[name]
            for term in sorted(table):
                ids, weights, sizes, values = table.pop(term)
                yield name, term, ids.tobytes(), weights.tobytes(), sizes.tobytes(), bytes(values)

    def terms(self) -> Iterator[tuple[str, bytes, Entry]]:
        """Yield (field, term, entry) for every term, sorted by field then term, runs merged in order.

        Run files are deleted as they are used up.
        """
        if not self.runs:
            for name in sorted(self.fields):
                table = self.fields[name]
                for term in sorted(table):
                    yield name, term, self._ordered(name, table.pop(term))
            return
        sources = [_read_run(path) for path in self.runs]
        sources.append(self._held_rows())
        merged = heapq.merge(*sources, key=_row_key)
        for (name, term), rows in groupby(merged, key=_row_key):
            entry = new_entry()
            for _, _, ids, weights, sizes, values in rows:
                entry[0].frombytes(ids)
                entry[1].frombytes(weights)
                entry[2].frombytes(sizes)
                entry[3].extend(values)
            yield name, term, self._ordered(name, entry)
        self.runs = []
        self.fields = {}

    def _ordered(self, name: str, entry: Entry) -> Entry:
        """Return ``entry`` in Whoosh's pool order: spelling postings (all document 0) by value."""
        if name not in self.spelling_fields:
            return entry
        ids, weights, sizes, values = entry
        parts = sorted(split_values(sizes, values))
        return ids, weights, array("I", map(len, parts)), bytearray(b"".join(parts))

    def cleanup(self) -> None:
        """Delete any run files left (after a cancelled build)."""
        for path in self.runs:
            path.unlink(missing_ok=True)
        self.runs = []
        self.fields = {}


def split_values(sizes: array, values: bytes | bytearray) -> list[bytes]:
    """Return the values of ``values`` cut at ``sizes``."""
    parts = []
    start = 0
    view = bytes(values)
    for size in sizes:
        end = start + size
        parts.append(view[start:end])
        start = end
    return parts


def _row_key(row: Row) -> tuple[str, bytes]:
    return row[0], row[1]


def _read_run(path: Path) -> Iterator[Row]:
    """Yield the rows of a run file, then delete it."""
    with path.open("rb") as source:
        yield from _chunks(source)
    path.unlink(missing_ok=True)


def _chunks(source: BinaryIO) -> Iterator[Row]:
    while True:
        try:
            chunk = pickle.load(source)
        except EOFError:
            return
        yield from chunk
