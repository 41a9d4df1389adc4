"""The shortlist for the current call: centers in order, a short note each, and the place searched near.

The shortlist lives in the specialist's signed session cookie, so it is kept small: at most
:data:`MAX_CENTERS` centers, notes of at most :data:`MAX_NOTE_LENGTH` characters, and the whole of it
at most :data:`MAX_STATE_BYTES` bytes as stored. It holds center ids, notes about centers and the
place the specialist searched near (for distances), and nothing else: there is no field for the
caller, and a note that looks like a phone number or an e-mail address is refused.

These are pure functions over an immutable :class:`Shortlist` (stored as a plain list, see
:meth:`Shortlist.to_session`). A shortlist is per-session UI state, not a change to the directory:
changing it writes no audit event.
"""

from __future__ import annotations

import json
import re
import unicodedata
import uuid
from dataclasses import dataclass, replace
from typing import Any

from directory.operations.errors import OperationError
from directory.search import LocationError, distances_from

#: The session key the shortlist is kept under.
SESSION_KEY = "shortlist"
#: Most centers on one shortlist (a caller is given two or three; ten leaves room to choose).
MAX_CENTERS = 10
#: Longest note on one center, in characters.
MAX_NOTE_LENGTH = 280
#: Largest stored shortlist, in bytes of JSON: keeps the session cookie under browsers' 4 KB.
MAX_STATE_BYTES = 2400
#: Longest place text (as the search's ``near``).
MAX_PLACE_LENGTH = 100

#: Seven or more digits, whatever separates them: a phone number.
_PHONE_LIKE = re.compile(r"(?:\d[\s().+/-]*){7,}")
_EMAIL_LIKE = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")
MOVES = ("up", "down")


class ShortlistError(OperationError):
    """A shortlist change refused, with a message for the specialist and the status to answer."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Entry:
    """One center on the shortlist and the specialist's note about it."""

    center_id: str
    note: str = ""


@dataclass(frozen=True)
class Shortlist:
    """The centers for the current call, in the order they will be given, and the place searched near."""

    entries: tuple[Entry, ...] = ()
    near: str = ""

    @property
    def center_ids(self) -> list[str]:
        """Return the centers' ids in shortlist order."""
        return [entry.center_id for entry in self.entries]

    def __contains__(self, center_id: object) -> bool:
        return center_id in self.center_ids

    def __len__(self) -> int:
        return len(self.entries)

    def to_session(self) -> dict[str, Any]:
        """Return the plain value kept in the session: ``{"c": [[id, note], ...], "near": place}``."""
        return {"c": [[entry.center_id, entry.note] for entry in self.entries], "near": self.near}

    @classmethod
    def from_session(cls, raw: Any) -> Shortlist:
        """Read the session's value; anything not in the stored shape reads as an empty shortlist."""
        if not isinstance(raw, dict) or not isinstance(raw.get("c"), list):
            return cls()
        entries = []
        for item in raw["c"][:MAX_CENTERS]:
            if isinstance(item, list) and len(item) == 2 and all(isinstance(value, str) for value in item):
                entries.append(Entry(item[0], item[1]))
        near = raw.get("near")
        return cls(tuple(entries), near if isinstance(near, str) else "")


def center_key(raw: str | None) -> str:
    """Return a center id from a form in its canonical form, or raise :class:`ShortlistError`."""
    try:
        return str(uuid.UUID(str(raw or "").strip()))
    except ValueError:
        raise ShortlistError("Choose a center from the search results or a center's page.") from None


def add_center(shortlist: Shortlist, center_id: str, near: str = "") -> Shortlist:
    """Return the shortlist with the center added last (and the place, when given); no change if listed."""
    changed = set_place(shortlist, near) if near.strip() else shortlist
    if center_id in changed:
        return changed
    if len(changed) >= MAX_CENTERS:
        raise ShortlistError(
            f"The shortlist holds at most {MAX_CENTERS} centers. Remove one to add another.", 409
        )
    return _checked(replace(changed, entries=(*changed.entries, Entry(center_id))))


def remove_center(shortlist: Shortlist, center_id: str) -> Shortlist:
    """Return the shortlist without the center."""
    _position(shortlist, center_id)
    return replace(shortlist, entries=tuple(e for e in shortlist.entries if e.center_id != center_id))


def move_center(shortlist: Shortlist, center_id: str, direction: str) -> Shortlist:
    """Return the shortlist with the center moved one place ``up`` or ``down`` (no change at an end)."""
    if direction not in MOVES:
        raise ShortlistError("Choose to move the center up or down.")
    position = _position(shortlist, center_id)
    other = position - 1 if direction == "up" else position + 1
    if not 0 <= other < len(shortlist):
        return shortlist
    entries = list(shortlist.entries)
    entries[position], entries[other] = entries[other], entries[position]
    return replace(shortlist, entries=tuple(entries))


def set_note(shortlist: Shortlist, center_id: str, note: str | None) -> Shortlist:
    """Return the shortlist with the center's note replaced (an empty note removes it)."""
    position = _position(shortlist, center_id)
    entries = list(shortlist.entries)
    entries[position] = Entry(center_id, clean_note(note))
    return _checked(replace(shortlist, entries=tuple(entries)))


def set_place(shortlist: Shortlist, near: str | None) -> Shortlist:
    """Return the shortlist measuring distances from ``near`` (ZIP, "City, ST", "lat,lon"; empty: none)."""
    text = " ".join(str(near or "").split())
    if text:
        if len(text) > MAX_PLACE_LENGTH:
            raise ShortlistError(f"A place is at most {MAX_PLACE_LENGTH} characters. Try a 5-digit ZIP code.")
        try:
            distances_from(text, [])
        except LocationError as error:
            raise ShortlistError(str(error)) from None
    return _checked(replace(shortlist, near=text))


def clean_note(note: str | None) -> str:
    """Return a note on one line, or raise :class:`ShortlistError` naming what to change."""
    text = " ".join(unicodedata.normalize("NFC", str(note or "")).split())
    if len(text) > MAX_NOTE_LENGTH:
        raise ShortlistError(
            f"A note is at most {MAX_NOTE_LENGTH} characters; this one has {len(text)}. Shorten it."
        )
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") for ch in text):
        raise ShortlistError("The note contains hidden or invalid characters. Type it again.")
    if _PHONE_LIKE.search(text) or _EMAIL_LIKE.search(text):
        raise ShortlistError(
            "A note cannot hold a phone number or an e-mail address: the shortlist never keeps "
            "anything about the caller. The center's own numbers come from its listing."
        )
    return text


def stored_size(shortlist: Shortlist) -> int:
    """Return the shortlist's size in bytes as the session stores it (JSON, non-ASCII escaped)."""
    return len(json.dumps(shortlist.to_session(), separators=(",", ":"), ensure_ascii=True))


def _checked(shortlist: Shortlist) -> Shortlist:
    if stored_size(shortlist) > MAX_STATE_BYTES:
        raise ShortlistError(
            "The notes on this shortlist are too long together to keep with your session. "
            "Shorten this note or another one."
        )
    return shortlist


def _position(shortlist: Shortlist, center_id: str) -> int:
    for position, entry in enumerate(shortlist.entries):
        if entry.center_id == center_id:
            return position
    raise ShortlistError(
        "That center is not on the shortlist (it may have been removed in another tab).", 404
    )
