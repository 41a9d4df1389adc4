"""Deterministic HSDS ids: a record gets the same id in every export and after a round trip.

Ids of a center's rows derive from the center's id and the row's place in the center (the
database replaces location and phone rows on every save, so their own ids are not stable);
vocabulary ids derive from scheme and term codes.
"""

from __future__ import annotations

import uuid

#: The namespace of the ids this directory derives for its vocabulary (a fixed random UUID).
NAMESPACE = uuid.UUID("9a654634-ca8d-42d7-8e2e-b518dfe2807d")


def service_id(center_id: uuid.UUID) -> uuid.UUID:
    """Return the id of a center's one service."""
    return uuid.uuid5(center_id, "service")


def part_id(center_id: uuid.UUID, kind: str, key: object) -> uuid.UUID:
    """Return the id of a center's ``kind`` row (``location``, ``phone`` …) with ``key``."""
    return uuid.uuid5(center_id, f"{kind}/{key}")


def taxonomy_id(scheme: str) -> uuid.UUID:
    """Return the id of a vocabulary scheme."""
    return uuid.uuid5(NAMESPACE, f"taxonomy/{scheme}")


def term_id(scheme: str, code: str) -> uuid.UUID:
    """Return the id of a vocabulary term."""
    return uuid.uuid5(NAMESPACE, f"taxonomy_term/{scheme}/{code}")


def attribute_id(link_id: uuid.UUID | str, taxonomy_term_id: uuid.UUID | str) -> uuid.UUID:
    """Return the id of the attribute linking ``taxonomy_term_id`` to the record ``link_id``."""
    return uuid.uuid5(uuid.UUID(str(link_id)), f"attribute/{taxonomy_term_id}")


def parse_uuid(value: str | None) -> uuid.UUID | None:
    """Return ``value`` as a UUID, or None when it is not one."""
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None
