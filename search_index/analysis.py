"""Text analysis: one English stemming analyzer, shared by indexing, queries and highlighting."""

from __future__ import annotations

from functools import cache

from whoosh.analysis import Analyzer, CharsetFilter, StemmingAnalyzer
from whoosh.support.charset import accent_map


@cache
def analyzer() -> Analyzer:
    """Return the analyzer: words, lower-cased, accents folded, stop words dropped, stemmed."""
    return StemmingAnalyzer(minsize=1) | CharsetFilter(accent_map)


def analyze(text: str) -> list[str]:
    """Return the indexed forms of the words in ``text``, in order."""
    return [token.text for token in analyzer()(text)]
