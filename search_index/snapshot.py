"""Per-generation caches: filter bitsets, sort and geo arrays, and scored text matches.

Built once for each version of the index a searcher sees, so that filters, facet counts,
distances and sorts never touch Whoosh; Whoosh only enumerates and scores text matches,
and each (field, words) match list is kept until the index changes.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

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


class Snapshot:
    """Everything a search needs about one version of the index, in memory."""

    def __init__(self, searcher: Searcher) -> None:
        self.searcher = searcher
        reader = searcher.reader()
        self.size = reader.doc_count_all()
        self.listing_ids: list[str | None] = [None] * self.size
        self.latitudes = np.full(self.size, np.nan)
        self.longitudes = np.full(self.size, np.nan)
        self.verified_at = np.zeros(self.size)
        self.digests: dict[str, str] = {}
        names: list[str] = [""] * self.size
        alive_flags = np.zeros(self.size, dtype=bool)
        for docnum, stored in reader.iter_docs():
            latitude, longitude, name, verified_at, digest = stored["card"]
            alive_flags[docnum] = True
            self.listing_ids[docnum] = stored["id"]
            self.latitudes[docnum] = latitude
            self.longitudes[docnum] = longitude
            self.verified_at[docnum] = verified_at
            names[docnum] = name
            self.digests[stored["id"]] = digest
        self.alive = bitsets.from_flags(alive_flags)
        self.count = int(alive_flags.sum())
        order = sorted(range(self.size), key=lambda n: (names[n].casefold(), names[n]))
        self.name_rank = np.empty(self.size, dtype=np.int64)
        self.name_rank[order] = np.arange(self.size)
        self.tags: dict[str, int] = {}
        for raw in reader.lexicon(TAG_FIELD):
            tag = raw.decode("utf-8")
            ids = np.fromiter(reader.postings(TAG_FIELD, raw).all_ids(), dtype=np.int64)
            self.tags[tag] = bitsets.from_ids(ids, self.size)
        self.is_verified = np.zeros(self.size, dtype=bool)
        self.is_verified[bitsets.to_ids(self.tag("verification:verified"), self.size)] = True
        self._matches: OrderedDict[tuple[str, tuple[str, ...]], Matches] = OrderedDict()

    def tag(self, tag: str) -> int:
        """Return the documents carrying a filter tag (``therapy:esketamine``, ``state:UT``…)."""
        return self.tags.get(tag, 0)

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
