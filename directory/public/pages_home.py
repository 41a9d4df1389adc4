"""Public pages: home."""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from directory.database import get_session
from directory.models import Article, Center, ListingStatus
from directory.public import bp
from directory.search import get_search_service
from search_index import Vocabulary

#: The therapies the home page links to first (their landing pages), when the vocabulary has them.
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
        quick_links=quick_links(get_search_service().index.vocabulary),
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


def quick_links(vocabulary: Vocabulary) -> list[QuickLink]:
    """Return the home page's therapy links, labelled from the vocabulary."""
    links = []
    for code in QUICK_THERAPIES:
        term = vocabulary.term("therapy", code)
        if term is not None:
            links.append(QuickLink(code, term.label))
    return links
