"""Helpers shared by the API tests: the sample directory as plain rows, and all pages of a search."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from directory.database import get_session
from directory.models import Center, ListingStatus, VerificationStatus

#: Limits high enough that no test but the rate-limit one meets them.
UNLIMITED = {"API_RATE_LIMIT": "100000 per minute", "API_STAFF_RATE_LIMIT": "100000 per minute"}


@dataclass(frozen=True)
class Row:
    """What a hand-computed expectation needs to know about one center."""

    slug: str
    status: str
    state: str | None
    city: str | None
    latitude: float | None
    longitude: float | None
    verified: bool
    accepting: bool
    advertiser: bool
    terms: dict[str, list[str]]


def directory_rows(app: Flask) -> list[Row]:
    """Return every center of the loaded directory as a :class:`Row`."""
    with app.app_context():
        centers = get_session().scalars(
            select(Center).options(selectinload(Center.locations), selectinload(Center.terms))
        )
        rows = []
        for center in centers:
            location = center.primary_location
            rows.append(
                Row(
                    slug=center.slug,
                    status=ListingStatus(center.status).value,
                    state=location.state if location else None,
                    city=location.city if location else None,
                    latitude=location.latitude if location else None,
                    longitude=location.longitude if location else None,
                    verified=center.verification_status == VerificationStatus.VERIFIED,
                    accepting=center.accepting_new_clients is True,
                    advertiser=bool(center.is_advertiser),
                    terms=center.term_codes(),
                )
            )
        return rows


def all_slugs(client: FlaskClient, query: str) -> list[str]:
    """Return the slugs of every page of an API search (100 a page), in order."""
    slugs: list[str] = []
    page = 1
    while True:
        response = client.get(f"/api/v1/search?{query}&per_page=100&page={page}")
        assert response.status_code == 200, response.get_json()
        body: dict[str, Any] = response.get_json()
        slugs += [hit["slug"] for hit in body["hits"]]
        if page >= body["pages"]:
            return slugs
        page += 1
