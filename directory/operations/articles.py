"""Creating and updating resource-library articles from validated input."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from directory.models import Article, ArticleCitation, ArticleFAQ, Center, User
from directory.operations.audit import record_event
from directory.operations.centers import Outcome, jsonable
from directory.operations.errors import OperationError
from directory.operations.staff_roles import require_admin
from directory.operations.taxonomy import TermIndex
from directory.schemas.articles import ArticleInput

RELATED_FIELDS = ("topics", "related_centers", "faqs", "citations")
SCALAR_FIELDS = tuple(name for name in ArticleInput().fields if name not in RELATED_FIELDS)


def article_as_input(article: Article) -> dict[str, Any]:
    """Return the article in the shape ``ArticleInput().load`` produces, for comparison."""
    data = {name: getattr(article, name) for name in SCALAR_FIELDS}
    data["topics"] = sorted(f"{term.scheme}:{term.code}" for term in article.topics)
    data["related_centers"] = sorted(center.slug for center in article.related_centers)
    data["faqs"] = [{"question": f.question, "answer": f.answer} for f in article.faqs]
    data["citations"] = [{"title": c.title, "source": c.source, "url": c.url} for c in article.citations]
    return data


def save_article(
    session: Session, data: Mapping[str, Any], terms: TermIndex, *, actor: User | str
) -> tuple[Article, Outcome]:
    """Create the article ``data`` describes, or update the one with its slug; audit any change.

    A staff actor must be an active admin; a label (the sample loader, the command line) is trusted.
    """
    if isinstance(actor, User):
        require_admin(actor, "write articles")
    topics = _resolve_topics(data["topics"], terms)
    related = _resolve_centers(session, data["related_centers"])
    wanted = {
        **data,
        "topics": sorted(data["topics"]),
        "related_centers": sorted(data["related_centers"]),
    }
    article = session.scalar(select(Article).where(Article.slug == data["slug"]))
    outcome: Outcome = "created" if article is None else "updated"
    if article is not None and article_as_input(article) == wanted:
        return article, "unchanged"
    article = article or Article()
    for name in SCALAR_FIELDS:
        setattr(article, name, data[name])
    article.topics = topics
    article.related_centers = related
    if article.id is not None and (article.faqs or article.citations):
        # Remove the old rows first: the new ones take the same (article, position) keys.
        article.faqs, article.citations = [], []
        session.flush()
    article.faqs = [ArticleFAQ(position=i, **faq) for i, faq in enumerate(data["faqs"])]
    article.citations = [
        ArticleCitation(position=i, **citation) for i, citation in enumerate(data["citations"])
    ]
    session.add(article)
    session.flush()
    record_event(
        session,
        actor=actor,
        action=f"article.{outcome}",
        record_type="article",
        record_id=article.id,
        after={
            "slug": article.slug,
            "title": article.title,
            "published_on": jsonable(article.published_on),
            "updated_on": jsonable(article.updated_on),
            "topics": sorted(data["topics"]),
        },
    )
    return article, outcome


def create_article(session: Session, data: Mapping[str, Any], terms: TermIndex, *, actor: User) -> Article:
    """Create a new article from validated ``data``; refuse a slug another article has."""
    require_admin(actor, "write articles")
    if session.scalar(select(Article.id).where(Article.slug == data["slug"])) is not None:
        message = f"Another article already has the address '{data['slug']}'. Choose another."
        raise OperationError(message, {"slug": [message]})
    article, _outcome = save_article(session, data, terms, actor=actor)
    return article


def update_article(
    session: Session, article: Article, data: Mapping[str, Any], terms: TermIndex, *, actor: User
) -> bool:
    """Update ``article`` from validated ``data`` (its slug never changes); return whether anything did."""
    require_admin(actor, "write articles")
    _saved, outcome = save_article(session, {**data, "slug": article.slug}, terms, actor=actor)
    return outcome != "unchanged"


def _resolve_topics(topics: list[str], terms: TermIndex) -> list[Any]:
    """Turn ``scheme:code`` strings into terms."""
    grouped: dict[str, list[str]] = {}
    for topic in topics:
        scheme, code = topic.split(":", 1)
        grouped.setdefault(scheme, []).append(code)
    try:
        return terms.resolve(grouped)
    except OperationError as error:
        raise OperationError("Unknown article topics.", {"topics": error.field_errors}) from error


def _resolve_centers(session: Session, slugs: list[str]) -> list[Center]:
    """Return the centers with these slugs; raise naming any that do not exist."""
    if not slugs:
        return []
    found = {c.slug: c for c in session.scalars(select(Center).where(Center.slug.in_(slugs)))}
    missing = [slug for slug in slugs if slug not in found]
    if missing:
        raise OperationError(
            "Unknown related centers.",
            {"related_centers": [f"No center has the slug '{slug}'." for slug in missing]},
        )
    return [found[slug] for slug in dict.fromkeys(slugs)]
