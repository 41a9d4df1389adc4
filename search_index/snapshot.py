"""Per-version caches: filter bitsets, sort and geo arrays, and scored text matches.

Built for each version of the index a searcher sees, so that filters, facet counts,
distances and sorts never touch Whoosh; Whoosh only enumerates and scores text matches,
and each (field, words) match list is kept until the index changes.

Whoosh segments never change once written (only their deletions do), so the data read from a
segment is kept by segment id and reused by the next snapshot: after a small update only the
new segment is read, and a change is searchable in milliseconds rather than a full re-read.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np
from whoosh.query import Phrase, Term
from whoosh.searching import Searcher

from search_index import bitsets
from search_index.schema import TAG_FIELD

MAX_CACHED_MATCHES = 4096


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
        for docnum, stored in reader.iter_docs():
            latitude, longitude, name, verified_at, digest = stored["card"]
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
        alive_flags = np.zeros(self.size, dtype=bool)
        for _data, offset, reader in parts:
            alive_flags[np.fromiter(reader.all_doc_ids(), dtype=np.int64) + offset] = True
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
        self.is_verified = np.zeros(self.size, dtype=bool)
        self.is_verified[bitsets.to_ids(self.tag("verification:verified"), self.size)] = True
        self._parts = parts
        self._alive_flags = alive_flags
        self._matches: OrderedDict[tuple[str, tuple[str, ...]], Matches] = OrderedDict()
        self._expanded: dict[tuple[str, ...], int] = {}

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
        query = Term(field, words[0]) if len(words) == 1 else Phrase(field, list(words))
        matcher = query.matcher(self.searcher, self.searcher.context())
        docnums: list[int] = []
        scores: list[float] = []
        while matcher.is_active():
            docnums.append(matcher.id())
            scores.append(matcher.score())
            matcher.next()
        array = np.array(docnums, dtype=np.int64)
        found = Matches(array, np.array(scores, dtype=np.float64), bitsets.from_ids(array, self.size))
        self._matches[key] = found
        if len(self._matches) > MAX_CACHED_MATCHES:
            self._matches.popitem(last=False)
        return found

    def tag_matches(self, tag: str) -> Matches:
        """Return the scored documents carrying ``tag`` (for synonyms that stand for a term)."""
        return self.matches(TAG_FIELD, (tag,))


def _concat(arrays: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(arrays) if arrays else np.empty(0)
