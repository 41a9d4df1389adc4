"""Turning any user string into a safe query: words and quoted phrases, expanded by synonyms.

The public never reaches Whoosh's query syntax: no wildcards, fields, ranges or operators.
Words are analysed like the indexed text (stemmed, stop words dropped); each word or quoted
phrase is a clause that must match (AND); a clause matches any of its alternatives (OR):
the words themselves, their synonyms, and the taxonomy terms the synonyms stand for.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from search_index.analysis import analyze
from search_index.synonyms import SynonymTable, Tokens
from search_index.types import SearchError

MAX_QUERY_LENGTH = 200
MAX_CLAUSES = 12
#: Words that say nothing about what to find ("ketamine clinic near me"): dropped.
FILLER_WORDS = frozenset(
    [
        "near",
        "me",
        "my",
        "i",
        "nearby",
        "around",
        "find",
        "finding",
        "best",
        "top",
        "good",
        "looking",
        "want",
        "need",
        "help",
        "please",
    ]
)
#: Words that describe almost every listing: they rank, but a listing need not contain them.
OPTIONAL_WORDS = frozenset(
    analyze(
        "center centers centre clinic clinics facility facilities program programs treatment "
        "treatments service services provider providers care therapy therapies"
    )
)
QUOTE_PATTERN = re.compile(r'"([^"]*)"')


@dataclass(frozen=True)
class Clause:
    """One part of a query that must match: any of its phrases in the text, or any of its terms."""

    phrases: tuple[Tokens, ...]
    #: Taxonomy terms the words name: listings carrying one (or a term below it) match.
    terms: tuple[tuple[str, str], ...] = ()
    #: Typed inside quotes: matched as a phrase, never expanded by synonyms.
    quoted: bool = False
    #: A generic word: it raises the score of listings that have it but filters nothing.
    optional: bool = False


@dataclass(frozen=True)
class ParsedQuery:
    """The clauses of a query, and the words that were typed (for did-you-mean)."""

    clauses: tuple[Clause, ...]
    #: What was typed, in order: single words, and quoted phrases (``quoted`` True).
    typed: tuple[tuple[str, bool], ...]

    @property
    def is_empty(self) -> bool:
        """Whether nothing searchable is left (for example only stop words or punctuation)."""
        return not self.clauses

    @property
    def required(self) -> tuple[Clause, ...]:
        """The clauses every result must match; if all are optional, any one of them must match."""
        return tuple(c for c in self.clauses if not c.optional)

    def named_terms(self) -> tuple[tuple[str, str], ...]:
        """Return the taxonomy terms the query's words name, as (scheme, code), in typed order."""
        return tuple(dict.fromkeys(term for clause in self.clauses for term in clause.terms))

    def highlight_terms(self) -> frozenset[str]:
        """Return every analysed word the query can match, for highlighting."""
        return frozenset(token for clause in self.clauses for phrase in clause.phrases for token in phrase)


def clean_text(text: str) -> str:
    """Blank out characters no search needs: NUL, controls, lone surrogates, unassigned code points."""
    return "".join(" " if unicodedata.category(char)[0] == "C" else char for char in text)


def parse_query(text: str, synonyms: SynonymTable) -> ParsedQuery:
    """Parse user text; raise :class:`SearchError` only when it is too long."""
    if len(text) > MAX_QUERY_LENGTH:
        raise SearchError(f"Search text is limited to {MAX_QUERY_LENGTH} characters; please shorten it.")
    text = clean_text(text)
    clauses: list[Clause] = []
    typed: list[tuple[str, bool]] = []
    position = 0
    for match in QUOTE_PATTERN.finditer(text):
        clauses.extend(_word_clauses(text[position : match.start()], synonyms, typed))
        tokens = tuple(analyze(match.group(1)))
        if tokens:
            clauses.append(Clause(phrases=(tokens,), quoted=True))
            typed.append((" ".join(match.group(1).split()), True))
        position = match.end()
    clauses.extend(_word_clauses(text[position:].replace('"', " "), synonyms, typed))
    return ParsedQuery(tuple(dict.fromkeys(clauses))[:MAX_CLAUSES], tuple(typed))


def _word_clauses(text: str, synonyms: SynonymTable, typed: list[tuple[str, bool]]) -> list[Clause]:
    """Split unquoted text into clauses, one per word or recognised synonym phrase."""
    words = [w for w in re.findall(r"\w[\w'\u2019-]*", text) if w.lower() not in FILLER_WORDS]
    typed.extend((word, False) for word in words)
    tokens: list[str] = []
    groups: list[int] = []  # which typed word each token came from
    for index, word in enumerate(words):
        for token in analyze(word):
            tokens.append(token)
            groups.append(index)
    clauses: list[Clause] = []
    start = 0
    while start < len(tokens):
        found = synonyms.match(tuple(tokens), start)
        if found:
            length, expansion = found
            clauses.append(Clause(phrases=expansion.phrases, terms=expansion.terms))
            start += length
            continue
        # A hyphenated word ("post-traumatic") gives several tokens: keep them together as a phrase.
        end = start + 1
        while end < len(tokens) and groups[end] == groups[start]:
            end += 1
        phrase = tuple(tokens[start:end])
        clauses.append(Clause(phrases=(phrase,), optional=len(phrase) == 1 and phrase[0] in OPTIONAL_WORDS))
        start = end
    return clauses
