"""Listing data being assembled from package rows, and its validation with file, row and column."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from marshmallow import Schema, ValidationError


@dataclass
class Mapped:
    """A service as validated ``CenterInput`` data."""

    label: str
    data: dict[str, Any]
    own: bool
    #: The id a new center gets: the organization id of a service this directory exported.
    center_id: uuid.UUID | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class Rejected:
    """A service that cannot be a listing, and why (file, row and column)."""

    label: str
    problems: list[str]
    own: bool


@dataclass
class Draft:
    """Input data being assembled, with where each value came from."""

    data: dict[str, Any] = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def set(self, name: str, value: Any, origin: str) -> None:
        """Set a field and remember its origin (``services.csv row 2, column name``)."""
        self.data[name] = value
        self.origins[name] = origin

    def validate(self, schema: Schema, *, fallback: str) -> dict[str, Any] | None:
        """Load the data; on errors, add one problem per message naming its file, row and column."""
        try:
            return schema.load(self.data)
        except ValidationError as error:
            for path, message in flatten(error.messages):
                self.problems.append(f"{self.origin(path, fallback)}: {message}")
            return None

    def origin(self, path: tuple[Any, ...], fallback: str) -> str:
        """Return where the value at ``path`` came from: the longest known prefix, else ``fallback``."""
        for end in range(len(path), 0, -1):
            key = ".".join(str(part) for part in path[:end])
            if key in self.origins:
                return self.origins[key]
        return fallback

    def keep(
        self, schema: Schema, data: dict[str, Any], origin: Callable[[str], str], *, quiet: bool = False
    ) -> bool:
        """Whether one part (a phone, a location) is valid; if not, note why it is left out."""
        try:
            schema.load(data)
        except ValidationError as error:
            if not quiet:
                details = " ".join(
                    f"{origin(str(path[0]) if path else 'id')}: {message}"
                    for path, message in flatten(error.messages)
                )
                self.notes.append(f"{details} It is left out.")
            return False
        return True


def flatten(messages: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Yield (path, message) for every message of a marshmallow error, however nested."""
    if isinstance(messages, dict):
        for key, value in messages.items():
            yield from flatten(value, path if key == "_schema" else (*path, key))
    elif isinstance(messages, list | tuple):
        for item in messages:
            yield from flatten(item, path)
    else:
        yield path, str(messages)


def first_message(messages: Any) -> str:
    """Return the first message of a marshmallow error."""
    return next((message for _path, message in flatten(messages)), "invalid.")
