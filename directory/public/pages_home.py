"""Public pages: home."""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from directory.database import get_session
from directory.models import Article, Center, ListingStatus
from directory.public import bp
from directory.search import (
    CenterQuery,
    SearchError,
    SearchUnavailable,
    Viewer,
    count_facets,
    get_search_service,
)
from search_index import Vocabulary

#: The therapies the home page links to first; every other therapy with public listings follows.
QUICK_THERAPIES = (
    "ketamine-assisted-therapy",
    "esketamine",
    "psychedelic-assisted-therapy",
    "depression-rehab",
    "tms",
)
LATEST_ARTICLES = 4


@dataclass(frozen=True)
class QuickLink:
    """A therapy the home page links to."""

    code: str
    label: str


@bp.get("/")
def home() -> str:
    """Show the home page."""
    session = get_session()
    return render_template(
        "public/home.html",
        published=published_count(session),
        articles=latest_articles(session),
        quick_links=quick_links(get_search_service().index.vocabulary, listed_therapies()),
    )


def published_count(session: Session) -> int:
    """Return how many listings are published."""
    query = select(func.count()).select_from(Center).where(Center.status == ListingStatus.PUBLISHED)
    return session.scalar(query) or 0


def latest_articles(session: Session, limit: int = LATEST_ARTICLES) -> list[Article]:
    """Return the most recently updated published articles."""
    query = (
        select(Article)
        .where(Article.published_on.is_not(None))
        .order_by(func.coalesce(Article.updated_on, Article.published_on).desc(), Article.title)
        .limit(limit)
    )
    return list(session.scalars(query))


def listed_therapies() -> dict[str, int]:
    """Return how many public listings offer each therapy (empty while the index is rebuilt)."""
    try:
        facets = count_facets(CenterQuery(), Viewer.PUBLIC)
    except (SearchError, SearchUnavailable):
        return {}
    return {facet["code"]: facet["count"] for facet in facets.get("therapy", [])}


def quick_links(vocabulary: Vocabulary, counts: dict[str, int]) -> list[QuickLink]:
    """Return a link to the landing page of every therapy with public listings, the main ones first."""
    codes = [term.code for term in vocabulary.schemes.get("therapy", ())]
    ordered = [code for code in QUICK_THERAPIES if code in codes]
    ordered += [code for code in codes if code not in QUICK_THERAPIES]
    links = []
    for code in ordered:
        term = vocabulary.term("therapy", code)
        if term is not None and counts.get(code, 0) > 0:
            links.append(QuickLink(code, term.label))
    return links
