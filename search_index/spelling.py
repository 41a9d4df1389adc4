"""Did-you-mean: the words an index can suggest, and the nearest of them to a word it does not know.

The words are the unstemmed words of the spelling fields (``schema.SPELLING_FIELDS``) and the
synonym table's words. Each Whoosh segment's words are read once, when a suggestion first needs
them, and kept by segment id: segments never change, so the next snapshot reuses them and after
an update only the new segment is read. A :class:`WordTable` indexes words by length, letter
counts and letter pairs, so finding the words within two edits of a typed word checks a handful
of candidates instead of walking the whole word list (Whoosh's corrector walks it on every query).

Correcting is pure work on those in-memory tables: the caller reads what it needs from the index
under its lock and corrects outside it. The work per query is bounded: at most
:data:`MAX_CORRECTED_WORDS` words, at most :data:`MAX_CANDIDATES` candidates checked per word and
table, and the caller retries one respelled search.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from search_index.query import MAX_QUERY_LENGTH

#: A query with more unknown words than this is not respelled (it is not a typo).
MAX_CORRECTED_WORDS = 4
#: Candidates checked by edit distance, per word and per table (the likeliest first).
MAX_CANDIDATES = 100
#: Words longer than this are neither suggested nor corrected.
MAX_WORD_LENGTH = 40
#: Letter-count buckets: a-z, then one for every other character.
_BUCKETS = {letter: number for number, letter in enumerate("abcdefghijklmnopqrstuvwxyz")}
_OTHER = len(_BUCKETS)

#: What was typed, as ``ParsedQuery.typed`` holds it: (text, quoted) pieces.
Typed = Sequence[tuple[str, bool]]


def allowed_edits(word: str) -> int:
    """Return how many edits a correction of ``word`` may make: none up to 2 letters, 1 up to 5, else 2."""
    return 0 if len(word) <= 2 else 1 if len(word) <= 5 else 2


def edit_distance(a: str, b: str, limit: int) -> int:
    """Return the edit distance of two words (a swap of neighbours is one edit), or ``limit + 1`` if above."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cost = min(cost, before[j - 2] + 1)
            current[j] = cost
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return min(previous[-1], limit + 1)


def letter_pairs(word: str) -> list[str]:
    """Return the word's neighbouring letter pairs, with its start and end marked (``^k ke … e$``)."""
    marked = f"\x02{word}\x03"
    return [marked[i : i + 2] for i in range(len(marked) - 1)]


class WordTable:
    """Words and how many listings use each, indexed to find the words within a few edits of another."""

    def __init__(self, counts: Mapping[str, int]) -> None:
        self.words = [word for word in counts if 0 < len(word) <= MAX_WORD_LENGTH]
        self.counts = [counts[word] for word in self.words]
        self.lengths = np.fromiter(map(len, self.words), dtype=np.int32, count=len(self.words))
        self.longest = int(self.lengths.max()) if self.words else 0
        owners = np.repeat(np.arange(len(self.words)), self.lengths)
        buckets = np.fromiter(
            (_BUCKETS.get(char, _OTHER) for word in self.words for char in word),
            dtype=np.intp,
            count=int(self.lengths.sum()),
        )
        self.letters = np.zeros((len(self.words), _OTHER + 1), dtype=np.int16)
        np.add.at(self.letters, (owners, buckets), 1)
        pairs: dict[str, list[int]] = {}
        for number, word in enumerate(self.words):
            for pair in letter_pairs(word):
                pairs.setdefault(pair, []).append(number)
        self.pairs = {pair: np.array(numbers, dtype=np.int32) for pair, numbers in pairs.items()}

    def near(self, word: str, edits: int) -> dict[str, tuple[int, int]]:
        """Return the words within ``edits`` of ``word`` (not ``word`` itself), with distance and count."""
        if not self.words or edits < 1 or len(word) > self.longest + edits:
            return {}
        candidates = self._candidates(word, edits)
        found = {}
        for number in candidates:
            candidate = self.words[number]
            distance = edit_distance(word, candidate, edits)
            if 0 < distance <= edits:
                found[candidate] = (distance, self.counts[number])
        return found

    def _candidates(self, word: str, edits: int) -> np.ndarray:
        """Return the numbers of the words that can be within ``edits``, the likeliest first, bounded.

        Necessary conditions, each cheap over every word at once: the lengths differ by at most
        ``edits``; letter counts differ by at most two per edit; and at most three letter pairs
        per edit are lost (a swap of neighbours loses three), so enough pairs must be shared.
        """
        postings = [self.pairs[pair] for pair in set(letter_pairs(word)) if pair in self.pairs]
        if not postings:
            return np.empty(0, dtype=np.intp)
        shared = np.bincount(np.concatenate(postings), minlength=len(self.words))
        needed = np.maximum(self.lengths, len(word)) + 1 - 3 * edits
        possible = np.flatnonzero((np.abs(self.lengths - len(word)) <= edits) & (shared >= needed))
        if possible.size:
            letters = np.zeros(_OTHER + 1, dtype=np.int16)
            np.add.at(letters, [_BUCKETS.get(char, _OTHER) for char in word], 1)
            possible = possible[np.abs(self.letters[possible] - letters).sum(axis=1) <= 2 * edits]
        if possible.size > MAX_CANDIDATES:
            possible = possible[np.argsort(-shared[possible], kind="stable")[:MAX_CANDIDATES]]
        return possible


class _LazyTable:
    """A segment's words, made into a :class:`WordTable` by the first suggestion that needs it."""

    def __init__(self, counts: dict[str, int]) -> None:
        self.counts = counts
        self._table: WordTable | None = None
        self._building = threading.Lock()

    def table(self) -> WordTable:
        """Return the table, building it once (concurrent callers wait for the one build)."""
        with self._building:
            if self._table is None:
                self._table = WordTable(self.counts)
                self.counts = {}
            return self._table


class Speller:
    """The words of one version of the index (its segments' and the synonyms'), for corrections."""

    def __init__(self, tables: Iterable[WordTable | _LazyTable]) -> None:
        self._tables = tuple(tables)

    def closest(self, word: str) -> str | None:
        """Return the nearest known word: fewest edits, then used by the most listings, then first by name."""
        edits = allowed_edits(word)
        if not edits or len(word) > MAX_WORD_LENGTH:
            return None
        found: dict[str, list[int]] = {}
        for entry in self._tables:
            table = entry.table() if isinstance(entry, _LazyTable) else entry
            for candidate, (distance, count) in table.near(word, edits).items():
                known = found.setdefault(candidate, [distance, 0])
                known[1] += count
        ranked = ((distance, -count, candidate) for candidate, (distance, count) in found.items())
        best = min(ranked, default=None)
        return best[2] if best else None


def segment_words(reader: Any, fields: Iterable[str]) -> dict[str, int]:
    """Return the unstemmed words of ``fields`` in one Whoosh segment, with how many documents use each."""
    counts: dict[str, int] = {}
    for field in fields:
        spelling_field = reader.schema[field].spelling_fieldname(field)
        decode = reader.schema[spelling_field].from_bytes
        for raw, info in reader.iter_field(spelling_field):
            word = decode(raw)
            counts[word] = counts.get(word, 0) + info.doc_frequency()
    return counts


class SpellingCache:
    """Each segment's words, read once and kept while the segment is in use; one speller per version."""

    def __init__(self, fields: Sequence[str], extra_words: Iterable[str] = ()) -> None:
        self.fields = tuple(fields)
        self._extra = WordTable(dict.fromkeys(extra_words, 0))
        self._segments: dict[str, _LazyTable] = {}
        self._latest: tuple[tuple[str, ...], Speller] | None = None

    def speller(self, reader: Any) -> Speller:
        """Return the speller of a Whoosh reader's segments (call under the lock that guards the reader)."""
        leaves = [
            (leaf.segment().segment_id(), leaf)
            for leaf, _ in reader.leaf_readers()
            if leaf.segment() is not None  # an empty index has no segments
        ]
        key = tuple(segment_id for segment_id, _ in leaves)
        if self._latest is not None and self._latest[0] == key:
            return self._latest[1]
        self._segments = {
            segment_id: self._segments.get(segment_id) or _LazyTable(segment_words(leaf, self.fields))
            for segment_id, leaf in leaves
        }
        speller = Speller([self._extra, *self._segments.values()])
        self._latest = (key, speller)
        return speller


def typed_parts(typed: Typed) -> Iterator[str]:
    """Yield every part of every typed word, lower-cased (``Ketamne-assisted`` gives two parts)."""
    for text, _quoted in typed:
        for word in text.split():
            yield from (part for part in word.lower().split("-") if part)


def unknown_parts(typed: Typed, is_known: Callable[[str], bool]) -> tuple[str, ...] | None:
    """Return the distinct typed parts ``is_known`` rejects; None if there are none or too many to respell."""
    unknown: list[str] = []
    for part in dict.fromkeys(typed_parts(typed)):
        if not is_known(part):
            unknown.append(part)
            if len(unknown) > MAX_CORRECTED_WORDS:
                return None
    return tuple(unknown) or None


def respell(typed: Typed, corrections: Mapping[str, str]) -> str:
    """Return the typed text with corrected parts replaced, quoted phrases still quoted."""
    pieces = []
    for text, quoted in typed:
        words = (
            "-".join(corrections.get(part, part) for part in word.lower().split("-")) for word in text.split()
        )
        joined = " ".join(words)
        pieces.append(f'"{joined}"' if quoted else joined)
    return " ".join(pieces)


@dataclass(frozen=True)
class Respelling:
    """What a suggestion needs, taken from the index under its lock: the query, unknown words, a speller."""

    typed: Typed
    unknown: tuple[str, ...]
    speller: Speller

    def text(self) -> str | None:
        """Return the query with its unknown words corrected; None if nothing changes or it is too long."""
        corrections = {part: fixed for part in self.unknown if (fixed := self.speller.closest(part))}
        if not corrections:
            return None
        respelled = respell(self.typed, corrections)
        return respelled if len(respelled) <= MAX_QUERY_LENGTH else None
