"""The synonym table: taxonomy aliases plus the groups in ``data/synonyms.json``, as token sequences."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from search_index.analysis import analyze
from search_index.types import SynonymGroup, Vocabulary

Tokens = tuple[str, ...]


def groups_from_json(data: Mapping[str, Any]) -> list[SynonymGroup]:
    """Read the groups of ``data/synonyms.json``: lists of phrases, or phrases naming terms.

    A group is either a list of equivalent phrases, or ``{"phrases": [...], "terms":
    ["scheme:code", ...]}``: phrases that also name those taxonomy terms (one way: a term's own
    words do not lead back to the group's phrases).
    """
    groups = []
    for group in data["groups"]:
        if isinstance(group, Mapping):
            terms = tuple((scheme, code) for scheme, _, code in (t.partition(":") for t in group["terms"]))
            groups.append(SynonymGroup(phrases=tuple(group["phrases"]), terms=terms))
        else:
            groups.append(SynonymGroup(phrases=tuple(group)))
    return groups


def groups_from_vocabulary(vocabulary: Vocabulary) -> list[SynonymGroup]:
    """Make one group per taxonomy term: its label, its code as words and its aliases name it."""
    return [
        SynonymGroup(
            phrases=(term.label, term.code.replace("-", " "), *term.aliases),
            terms=((term.scheme, term.code),),
        )
        for terms in vocabulary.schemes.values()
        for term in terms
    ]


@dataclass(frozen=True)
class Expansion:
    """What one recognised phrase of a query also matches."""

    phrases: tuple[Tokens, ...]
    terms: tuple[tuple[str, str], ...]


class SynonymTable:
    """Looks up the longest known phrase at each position of an analysed query."""

    def __init__(self, groups: Iterable[SynonymGroup]) -> None:
        #: Phrase → (every phrase it matches, the terms it names in the order the groups list them).
        self._by_phrase: dict[Tokens, tuple[set[Tokens], dict[tuple[str, str], None]]] = {}
        self._words: set[str] = set()
        for group in groups:
            self._words.update(
                word.lower() for phrase in group.phrases for word in re.findall(r"\w+", phrase)
            )
            phrases = {tokens for phrase in group.phrases if (tokens := tuple(analyze(phrase)))}
            for tokens in phrases:
                known_phrases, known_terms = self._by_phrase.setdefault(tokens, (set(), {}))
                known_phrases.update(phrases)
                known_terms.update(dict.fromkeys(group.terms))
        self.longest = max((len(tokens) for tokens in self._by_phrase), default=0)

    def vocabulary(self) -> set[str]:
        """Return every word the table knows, as typed (not stemmed), for did-you-mean."""
        return set(self._words)

    def match(self, tokens: Tokens, start: int) -> tuple[int, Expansion] | None:
        """Return the length and expansion of the longest phrase starting at ``start``, if any."""
        for length in range(min(self.longest, len(tokens) - start), 0, -1):
            found = self._by_phrase.get(tokens[start : start + length])
            if found:
                phrases, terms = found
                return length, Expansion(tuple(sorted(phrases)), tuple(terms))
        return None
