"""Per-version caches: filter bitsets, sort and geo arrays, and scored text matches.

Built for each version of the index a searcher sees, so that filters, facet counts,
distances, sorts and text matches never go through Whoosh at query time; each (field, words)
match list, scored with BM25F, is kept until the index changes.

What a segment holds comes from its side file (:mod:`search_index.segments`), read without
decoding anything in Python. Whoosh segments never change once written (only their deletions
do), so that data is kept by segment id and reused by the next snapshot: after a small update
only the new segment is read. Tag bitsets, the name order and the live states are worked out
when first asked for, so opening a generation costs little more than reading its side files.
"""

from __future__ import annotations

import bisect
import functools
import math
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from whoosh.query import Phrase
from whoosh.searching import Searcher

from search_index import bitsets, segments
from search_index.schema import TAG_FIELD
from search_index.segments import SegmentData

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


class _ListingIds:
    """Every document's listing id across segments, decoded only for the documents asked for."""

    def __init__(self, parts: list[tuple[SegmentData, int, Any]]) -> None:
        self._parts = parts
        self._starts = [offset for _, offset, _ in parts]

    def __getitem__(self, docnum: int) -> str:
        data, offset, _ = self._parts[bisect.bisect_right(self._starts, docnum) - 1]
        return data.listing_id(docnum - offset)


class Snapshot:
    """Everything a search needs about one version of the index, in memory."""

    def __init__(self, searcher: Searcher, generation: Path, previous: Snapshot | None = None) -> None:
        self.searcher = searcher
        reusable = previous.segments if previous is not None else {}
        self.segments: dict[str, SegmentData] = {}
        parts: list[tuple[SegmentData, int, Any]] = []
        for reader, offset in searcher.reader().leaf_readers():
            segment = reader.segment()
            if segment is None:  # an empty index has no segments
                continue
            segment_id = segment.segment_id()
            data = reusable.get(segment_id) or segments.load(generation, reader)
            self.segments[segment_id] = data
            parts.append((data, offset, reader))
        self.size = sum(data.size for data, _, _ in parts)
        self.listing_ids = _ListingIds(parts)
        self.latitudes = _concat([data.latitudes for data, _, _ in parts])
        self.longitudes = _concat([data.longitudes for data, _, _ in parts])
        self.verified_at = _concat([data.verified_at for data, _, _ in parts])
        #: Re-verification due dates as day numbers (NaN: none), compared with a day at query time.
        self.reverify_due = _concat([data.reverify_due for data, _, _ in parts])
        alive_flags = np.zeros(self.size, dtype=bool)
        for data, offset, reader in parts:
            alive_flags[offset : offset + data.size] = True
            if reader.has_deletions():
                deleted = np.fromiter(segment_deletions(reader), dtype=np.int64)
                alive_flags[deleted[deleted < data.size] + offset] = False
        self.alive = bitsets.from_flags(alive_flags)
        self.count = int(alive_flags.sum())
        self._parts = parts
        self._alive_flags = alive_flags
        self._tags: dict[str, int] = {}
        self._matches: OrderedDict[tuple[str, tuple[str, ...]], Matches] = OrderedDict()
        self._expanded: dict[tuple[str, ...], int] = {}
        self._overdue: dict[int, int] = {}
        self._average_lengths: dict[str, float] = {}

    @functools.cached_property
    def name_rank(self) -> np.ndarray:
        """Each document's place in name order (casefolded; ties in document order)."""
        return merged_name_rank([(data, offset) for data, offset, _ in self._parts], self.size)

    @functools.cached_property
    def states(self) -> list[str]:
        """State codes that have live listings, for the state facet (worked out once, not per search)."""
        tags = {tag for data, _, _ in self._parts for tag in data.tag_names("state:")}
        return sorted(tag.removeprefix("state:") for tag in tags if self.tag(tag) & self.alive)

    @functools.cached_property
    def is_verified(self) -> np.ndarray:
        """Whether each document is verified (a tie-break: verified listings first)."""
        flags = np.zeros(self.size, dtype=bool)
        flags[self._tag_ids("verification:verified")] = True
        return flags

    def tag(self, tag: str) -> int:
        """Return the documents carrying a filter tag (``therapy:esketamine``, ``state:UT``…).

        Deleted documents may be in it too: every search masks them with :attr:`alive`.
        """
        found = self._tags.get(tag)
        if found is None:
            found = self._tags[tag] = bitsets.from_ids(self._tag_ids(tag), self.size)
        return found

    def _tag_ids(self, tag: str) -> np.ndarray:
        found = [data.postings(TAG_FIELD, tag)[0] + offset for data, offset, _ in self._parts]
        return np.concatenate(found) if found else np.empty(0, dtype=np.int64)

    def any_tag(self, tags: tuple[str, ...]) -> int:
        """Return the documents carrying any of ``tags`` (cached: facets ask the same unions often)."""
        found = self._expanded.get(tags)
        if found is None:
            found = 0
            for tag in tags:
                found |= self.tag(tag)
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
            for local, digest in enumerate(data.digests()):
                if self._alive_flags[offset + local]:
                    result[data.listing_id(local)] = digest
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
        for data, offset, _ in self._parts:
            local, tf = data.postings(field, word)
            if local.size:
                live = self._alive_flags[local + offset]
                ids.append(local[live] + offset)
                frequencies.append(tf[live])
                lengths.append(data.lengths(field)[local[live]])
        if not ids:
            return np.empty(0, dtype=np.int64), np.empty(0)
        docnums = np.concatenate(ids)
        if not docnums.size:
            return docnums, np.empty(0)
        idf = math.log(self.count / (docnums.size + 1)) + 1
        scores = bm25(idf, np.concatenate(frequencies), np.concatenate(lengths), self._average_length(field))
        return docnums, scores

    def _phrase_scores(self, field: str, words: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
        """Find the phrase (from the side files' positions); score each match as its words' scores summed."""
        docnums = self._phrase_docnums(field, words)
        docnums = docnums[self._alive_flags[docnums]] if docnums.size else docnums
        scores = np.zeros(docnums.size)
        for word in dict.fromkeys(words):
            word_docs, word_scores = self._term_scores(field, word)
            positions = np.searchsorted(word_docs, docnums)
            scores += (
                word_scores[np.minimum(positions, max(word_docs.size - 1, 0))] if word_docs.size else 0.0
            )
        return docnums, scores

    def _phrase_docnums(self, field: str, words: tuple[str, ...]) -> np.ndarray:
        """Return the documents (deleted ones too) holding the phrase, in order."""
        if not all(data.has_positions(field) for data, _, _ in self._parts):
            matcher = Phrase(field, list(words)).matcher(self.searcher, self.searcher.boolean_context())
            if not matcher.is_active():
                return np.empty(0, np.int64)
            return np.fromiter(matcher.all_ids(), dtype=np.int64)
        found = [data.phrase(field, words) + offset for data, offset, _ in self._parts]
        return np.concatenate(found) if found else np.empty(0, np.int64)

    def _average_length(self, field: str) -> float:
        """Return the mean length of ``field`` over live documents (1 for an empty index)."""
        found = self._average_lengths.get(field)
        if found is None:
            total = sum(
                float(data.lengths(field)[self._alive_flags[offset : offset + data.size]].sum())
                for data, offset, _ in self._parts
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


def merged_name_rank(parts: list[tuple[SegmentData, int]], size: int) -> np.ndarray:
    """Merge the segments' own name orders into one, as a stable sort of all names would give.

    A document's place is its place in its segment plus, in every other segment, the names
    before it: equal names count as before it in earlier segments and after it in later ones.
    """
    rank = np.empty(size, dtype=np.int64)
    width = max((data.names_sorted.dtype.itemsize for data, _ in parts), default=1)
    keys = [data.names_sorted.astype(f"S{width}") for data, _ in parts]
    for i, (data, offset) in enumerate(parts):
        place = np.arange(data.size, dtype=np.int64)
        for j, other in enumerate(keys):
            if j != i:
                place += np.searchsorted(other, keys[i], side="right" if j < i else "left")
        rank[offset : offset + data.size] = place[data.name_rank]
    return rank


def segment_deletions(reader: Any) -> list[int]:
    """Return the document numbers deleted in a segment reader's segment."""
    return sorted(reader.segment().deleted_docs())


def _concat(arrays: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(arrays) if arrays else np.empty(0)
