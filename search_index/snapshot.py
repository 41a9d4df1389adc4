"""Per-version caches: filter bitsets, sort and geo arrays, and scored text matches.

Built for each version of the index a searcher sees, so that filters, facet counts,
distances and sorts never touch Whoosh; Whoosh only enumerates and scores text matches,
and each (field, words) match list is kept until the index changes.

Whoosh segments never change once written (only their deletions do), so the data read from a
segment is kept by segment id and reused by the next snapshot: after a small update only the
new segment is read, and a change is searchable in milliseconds rather than a full re-read.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from whoosh.query import Phrase
from whoosh.searching import Searcher

from search_index import bitsets
from search_index.schema import TAG_FIELD

MAX_CACHED_MATCHES = 4096
#: BM25F parameters, Whoosh's defaults.
B = 0.75
K1 = 1.2


@dataclass(frozen=True)
class Matches:
    """Document numbers matching one (field, words) pair, with their BM25F scores."""

    docnums: np.ndarray
    scores: np.ndarray
    bits: int


class SegmentData:
    """What one immutable Whoosh segment holds, read once: stored cards and tag postings."""

    def __init__(self, reader: Any) -> None:
        self.size = reader.doc_count_all()
        self.listing_ids: list[str | None] = [None] * self.size
        self.latitudes = np.full(self.size, np.nan)
        self.longitudes = np.full(self.size, np.nan)
        self.verified_at = np.zeros(self.size)
        self.names = [""] * self.size
        self.digests: list[str | None] = [None] * self.size
        self.reverify_due = np.full(self.size, np.nan)
        for docnum, stored in reader.iter_docs():
            latitude, longitude, name, verified_at, digest, reverify_due = stored["card"]
            self.reverify_due[docnum] = reverify_due
            self.listing_ids[docnum] = stored["id"]
            self.latitudes[docnum] = latitude
            self.longitudes[docnum] = longitude
            self.verified_at[docnum] = verified_at
            self.names[docnum] = name
            self.digests[docnum] = digest
        self.tags: dict[str, int] = {}
        for raw in reader.lexicon(TAG_FIELD):
            ids = np.fromiter(reader.postings(TAG_FIELD, raw).all_ids(), dtype=np.int64)
            self.tags[raw.decode("utf-8")] = bitsets.from_ids(ids, self.size)
        self._lengths: dict[str, np.ndarray] = {}
        self._postings: OrderedDict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = OrderedDict()

    def lengths(self, reader: Any, field: str) -> np.ndarray:
        """Return every document's length in ``field`` (as Whoosh stores it), read once."""
        found = self._lengths.get(field)
        if found is None:
            found = np.array(
                [reader.doc_field_length(n, field, 0) or 0 for n in range(self.size)], dtype=np.float64
            )
            self._lengths[field] = found
        return found

    def postings(self, reader: Any, field: str, word: str) -> tuple[np.ndarray, np.ndarray]:
        """Return the segment's documents containing ``word`` in ``field``, and its frequency in each."""
        key = (field, word)
        found = self._postings.get(key)
        if found is not None:
            self._postings.move_to_end(key)
            return found
        docnums: list[int] = []
        frequencies: list[float] = []
        if (field, word) in reader:
            matcher = reader.postings(field, word)
            while matcher.is_active():
                docnums.append(matcher.id())
                frequencies.append(matcher.weight())
                matcher.next()
        found = (np.array(docnums, dtype=np.int64), np.array(frequencies, dtype=np.float64))
        self._postings[key] = found
        if len(self._postings) > MAX_CACHED_MATCHES:
            self._postings.popitem(last=False)
        return found


class Snapshot:
    """Everything a search needs about one version of the index, in memory."""

    def __init__(self, searcher: Searcher, previous: Snapshot | None = None) -> None:
        self.searcher = searcher
        reusable = previous.segments if previous is not None else {}
        self.segments: dict[str, SegmentData] = {}
        parts: list[tuple[SegmentData, int, Any]] = []
        for reader, offset in searcher.reader().leaf_readers():
            segment = reader.segment()
            if segment is None:  # an empty index has no segments
                continue
            segment_id = segment.segment_id()
            data = reusable.get(segment_id) or SegmentData(reader)
            self.segments[segment_id] = data
            parts.append((data, offset, reader))
        self.size = sum(data.size for data, _, _ in parts)
        self.listing_ids = [i for data, _, _ in parts for i in data.listing_ids]
        self.latitudes = _concat([data.latitudes for data, _, _ in parts])
        self.longitudes = _concat([data.longitudes for data, _, _ in parts])
        self.verified_at = _concat([data.verified_at for data, _, _ in parts])
        #: Re-verification due dates as day numbers (NaN: none), compared with a day at query time.
        self.reverify_due = _concat([data.reverify_due for data, _, _ in parts])
        alive_flags = np.zeros(self.size, dtype=bool)
        for data, offset, reader in parts:
            if reader.has_deletions():
                alive_flags[np.fromiter(reader.all_doc_ids(), dtype=np.int64) + offset] = True
            else:
                alive_flags[offset : offset + data.size] = True
        self.alive = bitsets.from_flags(alive_flags)
        self.count = int(alive_flags.sum())
        self.tags: dict[str, int] = {}
        for data, offset, _ in parts:
            for tag, bits in data.tags.items():
                self.tags[tag] = self.tags.get(tag, 0) | (bits << offset)
        names = np.array([name.casefold() for data, _, _ in parts for name in data.names] or [""])[
            : self.size
        ]
        self.name_rank = np.empty(self.size, dtype=np.int64)
        self.name_rank[np.argsort(names, kind="stable")] = np.arange(self.size)
        #: State codes that have live listings, for the state facet (computed once, not per search).
        #: Tags come from every document on disk, deleted ones too until a merge: keep live ones.
        self.states = sorted(
            tag.removeprefix("state:")
            for tag, bits in self.tags.items()
            if tag.startswith("state:") and bits & self.alive
        )
        self.is_verified = np.zeros(self.size, dtype=bool)
        self.is_verified[bitsets.to_ids(self.tag("verification:verified"), self.size)] = True
        self._parts = parts
        self._alive_flags = alive_flags
        self._matches: OrderedDict[tuple[str, tuple[str, ...]], Matches] = OrderedDict()
        self._expanded: dict[tuple[str, ...], int] = {}
        self._overdue: dict[int, int] = {}
        self._average_lengths: dict[str, float] = {}

    def tag(self, tag: str) -> int:
        """Return the documents carrying a filter tag (``therapy:esketamine``, ``state:UT``…)."""
        return self.tags.get(tag, 0)

    def any_tag(self, tags: tuple[str, ...]) -> int:
        """Return the documents carrying any of ``tags`` (cached: facets ask the same unions often)."""
        found = self._expanded.get(tags)
        if found is None:
            found = 0
            for tag in tags:
                found |= self.tags.get(tag, 0)
            self._expanded[tags] = found
        return found

    def overdue_on(self, day: date) -> int:
        """Return the documents whose re-verification was due before ``day`` (cached per day)."""
        ordinal = day.toordinal()
        found = self._overdue.get(ordinal)
        if found is None:
            found = bitsets.from_flags(np.nan_to_num(self.reverify_due, nan=np.inf) < ordinal)
            self._overdue = {ordinal: found}
        return found

    def digests(self) -> dict[str, str]:
        """Return each live listing's document fingerprint."""
        result: dict[str, str] = {}
        for data, offset, _ in self._parts:
            for local, (listing_id, digest) in enumerate(zip(data.listing_ids, data.digests, strict=True)):
                if listing_id is not None and digest is not None and self._alive_flags[offset + local]:
                    result[listing_id] = digest
        return result

    def matches(self, field: str, words: tuple[str, ...]) -> Matches:
        """Return the scored documents containing ``words`` (a phrase if several) in ``field``."""
        key = (field, words)
        found = self._matches.get(key)
        if found is not None:
            self._matches.move_to_end(key)
            return found
        if len(words) == 1:
            docnums, scores = self._term_scores(field, words[0])
        else:
            docnums, scores = self._phrase_scores(field, words)
        found = Matches(docnums, scores, bitsets.from_ids(docnums, self.size))
        self._matches[key] = found
        if len(self._matches) > MAX_CACHED_MATCHES:
            self._matches.popitem(last=False)
        return found

    def _term_scores(self, field: str, word: str) -> tuple[np.ndarray, np.ndarray]:
        """Score one word with BM25F over the live documents (see :func:`bm25`)."""
        ids: list[np.ndarray] = []
        frequencies: list[np.ndarray] = []
        lengths: list[np.ndarray] = []
        for data, offset, reader in self._parts:
            local, tf = data.postings(reader, field, word)
            if local.size:
                live = self._alive_flags[local + offset]
                ids.append(local[live] + offset)
                frequencies.append(tf[live])
                lengths.append(data.lengths(reader, field)[local[live]])
        if not ids:
            return np.empty(0, dtype=np.int64), np.empty(0)
        docnums = np.concatenate(ids)
        if not docnums.size:
            return docnums, np.empty(0)
        idf = math.log(self.count / (docnums.size + 1)) + 1
        scores = bm25(idf, np.concatenate(frequencies), np.concatenate(lengths), self._average_length(field))
        return docnums, scores

    def _phrase_scores(self, field: str, words: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
        """Find the phrase with Whoosh; score each match as the sum of its words' scores."""
        matcher = Phrase(field, list(words)).matcher(self.searcher, self.searcher.boolean_context())
        docnums = (
            np.fromiter(matcher.all_ids(), dtype=np.int64) if matcher.is_active() else np.empty(0, np.int64)
        )
        docnums = docnums[self._alive_flags[docnums]] if docnums.size else docnums
        scores = np.zeros(docnums.size)
        for word in dict.fromkeys(words):
            word_docs, word_scores = self._term_scores(field, word)
            positions = np.searchsorted(word_docs, docnums)
            scores += (
                word_scores[np.minimum(positions, max(word_docs.size - 1, 0))] if word_docs.size else 0.0
            )
        return docnums, scores

    def _average_length(self, field: str) -> float:
        """Return the mean length of ``field`` over live documents (1 for an empty index)."""
        found = self._average_lengths.get(field)
        if found is None:
            total = sum(
                float(data.lengths(reader, field)[self._alive_flags[offset : offset + data.size]].sum())
                for data, offset, reader in self._parts
            )
            found = self._average_lengths[field] = (total / self.count) if self.count and total else 1.0
        return found

    def tag_matches(self, tag: str) -> Matches:
        """Return the scored documents carrying ``tag`` (for synonyms that stand for a term)."""
        return self.matches(TAG_FIELD, (tag,))


def bm25(idf: float, tf: np.ndarray, length: np.ndarray, average: float) -> np.ndarray:
    """Whoosh's BM25F formula (B=0.75, K1=1.2), vectorised.

    Its statistics (document count, document frequency, average field length) are taken over
    live documents only, so a listing's score depends on the listings there are, never on the
    history of updates (Whoosh's own counts include deleted copies until segments merge).
    """
    return idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * length / average)))


def _concat(arrays: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(arrays) if arrays else np.empty(0)
