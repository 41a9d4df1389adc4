"""Quoting what a person typed back to them in a message: short, and visibly cut when it was long."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

#: Longest piece of user input a message repeats (a 64,000-character value is never echoed whole).
SHOWN_LENGTH = 40
#: How many values of a list a message names before saying how many more there are.
SHOWN_VALUES = 3


def shown(value: object, limit: int = SHOWN_LENGTH, *, quote: bool = True) -> str:
    """Return ``value`` for a message: control characters dropped, cut to ``limit`` with '…', quoted."""
    text = value if isinstance(value, str) else repr(value)
    kept = "".join(
        " " if char.isspace() else char
        for char in text[: limit * 4]
        if char.isspace() or unicodedata.category(char)[0] != "C"
    )
    kept = " ".join(kept.split())
    if len(kept) > limit or len(text) > limit * 4:
        kept = kept[: limit - 1].rstrip() + "…"
    return f"'{kept}'" if quote else kept


def shown_list(values: Iterable[object], limit: int = SHOWN_VALUES, *, quote: bool = True) -> str:
    """Return the first ``limit`` values, each :func:`shown`, and how many more there are."""
    values = list(values)
    listed = ", ".join(shown(value, quote=quote) for value in values[:limit])
    more = len(values) - limit
    return f"{listed} and {more:,} more" if more > 0 else listed
