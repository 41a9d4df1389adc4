"""A center's API document: everything its public page shows, as data (see center_presenter)."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Any

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from directory.models import Center
from directory.public.center_presenter import PUBLIC_PAGE_STATUSES, CenterPage, find_public_center


def find_api_center(session: Session, id_or_slug: str) -> Center | None:
    """Return the published or closed center with this id or slug, or None."""
    try:
        center_id = uuid.UUID(id_or_slug)
    except ValueError:
        return find_public_center(session, id_or_slug)
    query = (
        select(Center)
        .where(Center.id == center_id, Center.status.in_(PUBLIC_PAGE_STATUSES))
        .options(
            selectinload(Center.locations),
            selectinload(Center.phones),
            selectinload(Center.service_areas),
            selectinload(Center.terms),
        )
    )
    return session.scalar(query)


def center_document(page: CenterPage) -> dict[str, Any]:
    """Return the center's page as the API's document (the search hit's fields, then the details)."""
    center = page.center
    summary = page.summary
    return {
        **summary,
        "url": url_for("public.center", slug=center.slug, _external=True),
        "closed": page.closed,
        "description": center.description or "",
        "website": page.website,
        "email": center.email,
        "accepting_new_clients": center.accepting_new_clients,
        "phones": [asdict(phone) for phone in page.phones],
        "locations": [
            {
                "name": location.name,
                "address_1": location.address_1,
                "address_2": location.address_2,
                "city": location.city,
                "state": location.state,
                "postal_code": location.postal_code,
                "latitude": location.latitude,
                "longitude": location.longitude,
            }
            for location in center.locations
        ],
        "directions_url": page.directions,
        "term_groups": [asdict(group) for group in page.term_groups],
        "care": [asdict(fact) for fact in page.care],
        "prices": [asdict(fact) for fact in page.prices],
        "verification_text": page.verification,
        "reverify_due_on": center.reverify_due_on.isoformat() if center.reverify_due_on else None,
        "checked": [asdict(fact) for fact in page.checked],
        "related_articles": [
            {
                "slug": article.slug,
                "title": article.title,
                "api_url": url_for("api_articles.article", slug=article.slug),
            }
            for article in page.related_articles
        ],
        "nearby": page.nearby,
        "nearby_search_url": (
            url_for("api_search.search", **page.nearby_search) if page.nearby_search else None
        ),
        "updated_at": center.updated_at.isoformat() if center.updated_at else None,
    }
