"""Where to go after signing in: only a path on this site, never another site."""

from __future__ import annotations

import unicodedata

#: Browsers read a backslash as a slash: ``/\\evil`` would leave the site.
_REFUSED = frozenset("\\")
MAX_NEXT_LENGTH = 2000


def safe_next(target: str | None) -> str | None:
    """Return ``target`` if it is a path on this site (``/staff/search?q=x``), else None.

    Refused: absolute URLs (``https://evil``), scheme-relative ones (``//evil``), backslashes
    (``/\\evil``, which browsers read as ``//evil``), control and other invisible characters,
    spaces, and anything not starting with a single ``/``.
    """
    if not target or len(target) > MAX_NEXT_LENGTH:
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    if any(ch in _REFUSED or unicodedata.category(ch)[0] in "CZ" for ch in target):
        return None
    return target
