"""Whoosh's indexing of TEXT and KEYWORD fields, computed once per distinct word, not per token.

Whoosh analyses every token through a chain of generators (tokenizer, lower case, stop words,
stemmer, accent folding), one ``Token`` object and five generator steps per word. A build sees the
same few thousand words millions of times, so :class:`TextIndexer` runs that chain once per
distinct raw word and caches its outcome. Its output is the same as Whoosh's own
``field.index(value)`` and ``field.spellable_words(value)`` (``tests/test_search_build_identity.py``
checks it); :func:`indexer_for` returns None for any field whose analysis it does not reproduce.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import pairwise
from pickle import dumps
from typing import Any

from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.analysis.tokenizers import default_pattern
from whoosh.fields import KEYWORD, TEXT
from whoosh.formats import Frequency, Positions
from whoosh.system import pack_uint

from search_index.postings import POSTING_OVERHEAD, TERM_OVERHEAD, Entry, new_entry

#: Whoosh's default token pattern without its capturing group (same matches, usable with findall).
_TOKEN_PATTERN = re.compile(r"\w+(?:\.?\w+)*")
#: Whoosh's SpaceSeparatedTokenizer pattern (KEYWORD fields).
_KEYWORD_PATTERN = re.compile(r"[^ \t\r\n]+")
#: The chain :class:`TextIndexer` reproduces, filter by filter.
_CHAIN = (RegexTokenizer, LowercaseFilter, StopFilter, StemFilter, CharsetFilter)
#: Forget the cached words past this many distinct ones (bounds memory on unusual text).
MAX_CACHED_WORDS = 500_000
#: Cache the encoding of a lone position below this.
MAX_SINGLE = 4096

#: One posting of a document's field: (term bytes, frequency, weight, encoded positions).
Posting = tuple[bytes, int, float, bytes]


class TextIndexer:
    """The postings and spelling words Whoosh writes for one TEXT field, without a Token per word."""

    def __init__(
        self,
        stops: frozenset[str],
        minsize: int,
        maxsize: int | None,
        stem: Callable[[str], str],
        ignore: frozenset[str],
        charmap: Any,
        field_boost: float,
    ) -> None:
        self._stops = stops
        self._minsize = minsize
        self._maxsize = maxsize
        self._stem = stem
        self._ignore = ignore
        self._charmap = charmap
        self._field_boost = float(field_boost)  # so that count * boost is float(count) * boost
        #: raw word -> (indexed term bytes, spelling word bytes), both None for a stop word.
        self._words: dict[str, tuple[bytes | None, bytes | None]] = {}

    def _learn(self, raw: str) -> tuple[bytes | None, bytes | None]:
        """Run Whoosh's chain on one raw word: lower case, stop words, stem, fold accents."""
        if len(self._words) >= MAX_CACHED_WORDS:
            self._words.clear()
        text = raw.lower()
        size = len(text)
        too_long = self._maxsize is not None and size > self._maxsize
        if size < self._minsize or too_long or text in self._stops:
            entry: tuple[bytes | None, bytes | None] = (None, None)
        else:
            stemmed = text if text in self._ignore else self._stem(text)
            entry = (
                stemmed.translate(self._charmap).encode("utf-8"),
                text.translate(self._charmap).encode("utf-8"),
            )
        self._words[raw] = entry
        return entry

    def _positions(self, value: str) -> dict[bytes, list[int]]:
        """Return each indexed term's positions, terms in order of first occurrence."""
        words = self._words
        learn = self._learn
        positions: dict[bytes, list[int]] = {}
        pos = -1
        first = True
        for number, raw in enumerate(_TOKEN_PATTERN.findall(value)):
            entry = words.get(raw) or learn(raw)
            term = entry[0]
            if term is None:
                continue
            # StopFilter(renumber=True): the first kept word keeps its place, the next ones follow it.
            if first:
                pos = number
                first = False
            else:
                pos += 1
            found = positions.get(term)
            if found is None:
                positions[term] = [pos]
            else:
                found.append(pos)
        return positions

    def index(self, value: str) -> list[Posting]:
        """Return what ``field.index(value)`` yields, in the same order."""
        boost = self._field_boost
        return [
            (term, len(poses), len(poses) * boost, _encode(poses))
            for term, poses in self._positions(value).items()
        ]

    def add_to(self, value: str, table: dict[bytes, Entry], docnum: int) -> tuple[int, bytes | None, int]:
        """Add ``index(value)``'s postings for document ``docnum`` to a term table.

        Return the field's length (the number of words indexed), the last posting's value (None
        if there is none) and the estimated bytes added.
        """
        boost = self._field_boost
        single = _SINGLE
        known = len(single)
        length = 0
        size = 0
        vbytes = None
        for term, poses in self._positions(value).items():
            count = len(poses)
            vbytes = single[poses[0]] if count == 1 and poses[0] < known else _encode(poses)
            vsize = len(vbytes)
            entry = table.get(term)
            if entry is None:
                entry = table[term] = new_entry()
                size += TERM_OVERHEAD
            ids, weights, sizes, values = entry
            ids.append(docnum)
            weights.append(count * boost)
            sizes.append(vsize)
            values.extend(vbytes)
            size += POSTING_OVERHEAD + vsize
            length += count
        return length, vbytes, size

    def spellable_words(self, value: str) -> list[bytes]:
        """Return ``field.spellable_words(value)`` UTF-8 encoded: the unstemmed words, sorted, once each."""
        words = self._words
        learn = self._learn
        found = {(words.get(raw) or learn(raw))[1] for raw in _TOKEN_PATTERN.findall(value)}
        found.discard(None)
        # Sorting UTF-8 bytes orders like sorting the strings (code point order).
        return sorted(found)  # type: ignore[type-var]


def _encode(poses: list[int]) -> bytes:
    """Return ``Positions.encode(poses)``: the count, then the pickled gaps between positions."""
    deltas = [poses[0], *(later - earlier for earlier, later in pairwise(poses))]
    return pack_uint(len(deltas)) + dumps(deltas, 2)


#: ``Positions.encode([position])`` by position: most words occur once in a field.
_SINGLE = [_encode([position]) for position in range(MAX_SINGLE)]


class KeywordIndexer:
    """Whoosh's indexing of a KEYWORD field (words between spaces, with their frequencies)."""

    def __init__(self, field_boost: float) -> None:
        self._field_boost = float(field_boost)  # so that count * boost is float(count) * boost
        self._terms: dict[str, bytes] = {}

    def _counts(self, value: str) -> dict[bytes, int]:
        """Return each word's count, words in order of first occurrence."""
        terms = self._terms
        counts: dict[bytes, int] = {}
        for word in _KEYWORD_PATTERN.findall(value):
            term = terms.get(word)
            if term is None:
                if len(terms) >= MAX_CACHED_WORDS:
                    terms.clear()
                term = terms[word] = word.encode("utf-8")
            counts[term] = counts.get(term, 0) + 1
        return counts

    def index(self, value: str) -> list[Posting]:
        """Return what ``field.index(value)`` yields, in the same order."""
        boost = self._field_boost
        counts = self._counts(value)
        return [(term, count, float(count) * boost, pack_uint(count)) for term, count in counts.items()]

    def add_to(self, value: str, table: dict[bytes, Entry], docnum: int) -> tuple[int, bytes | None, int]:
        """Add ``index(value)``'s postings to a term table, as :meth:`TextIndexer.add_to` does."""
        boost = self._field_boost
        length = 0
        size = 0
        vbytes = None
        for term, count in self._counts(value).items():
            vbytes = pack_uint(count)
            entry = table.get(term)
            if entry is None:
                entry = table[term] = new_entry()
                size += TERM_OVERHEAD
            entry[0].append(docnum)
            entry[1].append(float(count) * boost)
            entry[2].append(4)
            entry[3].extend(vbytes)
            size += POSTING_OVERHEAD + 4
            length += count
        return length, vbytes, size

    def spellable_words(self, value: str) -> list[bytes]:
        """Keyword fields keep no separate spelling words."""
        raise TypeError("a KEYWORD field has no separate spelling words")


Indexer = TextIndexer | KeywordIndexer


def indexer_for(field: Any) -> Indexer | None:
    """Return an indexer equal to ``field``'s own indexing, or None to keep Whoosh's path.

    A TEXT field qualifies with positions and the analyzer ``StemmingAnalyzer | CharsetFilter``
    over Whoosh's default token pattern; a KEYWORD field with frequencies and words split at
    spaces, without lower-casing.
    """
    if field.vector:
        return None
    if type(field) is KEYWORD:
        return _keyword_indexer(field)
    if type(field) is TEXT:
        return _text_indexer(field)
    return None


def _keyword_indexer(field: Any) -> KeywordIndexer | None:
    analyzer = field.analyzer
    if type(field.format) is not Frequency or type(analyzer) is not RegexTokenizer or analyzer.gaps:
        return None
    if not _same_pattern(analyzer.expression, _KEYWORD_PATTERN):
        return None
    return KeywordIndexer(field.format.field_boost)


def _text_indexer(field: Any) -> TextIndexer | None:
    if type(field.format) is not Positions:
        return None
    items = getattr(field.analyzer, "items", None)
    if items is None or tuple(type(item) for item in items) != _CHAIN:
        return None
    tokenizer, _, stop, stemmer, charset = items
    if tokenizer.gaps or not _same_pattern(tokenizer.expression, default_pattern):
        return None
    if not stop.renumber or stemmer.lang:
        return None
    return TextIndexer(
        stops=stop.stops,
        minsize=stop.min,
        maxsize=stop.max,
        stem=stemmer.stemfn,
        ignore=stemmer.ignore,
        charmap=charset.charmap,
        field_boost=field.format.field_boost,
    )


def _same_pattern(expression: re.Pattern[str], expected: re.Pattern[str]) -> bool:
    return expression.pattern == expected.pattern and expression.flags == expected.flags
