"""Articles as API documents, with each topic's "find centers" search as an API link."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from flask import url_for

from directory.models import Article
from directory.public.related import hand_picked_centers, related_center_groups


def articles_changed_at(articles: Iterable[Article]) -> datetime | None:
    """Return when the newest of ``articles`` last changed."""
    times = [article.updated_at for article in articles if article.updated_at is not None]
    return max(times).astimezone(UTC) if times else None


def article_summary(article: Article) -> dict[str, Any]:
    """Return an article as the list shows it."""
    return {
        "slug": article.slug,
        "title": article.title,
        "summary": article.summary,
        "published_on": article.published_on,
        "updated_on": article.updated_on,
        "topics": [f"{term.scheme}:{term.code}" for term in article.topics],
        "url": url_for("public.article", slug=article.slug, _external=True),
        "api_url": url_for("api_articles.article", slug=article.slug),
    }


def article_document(article: Article) -> dict[str, Any]:
    """Return a whole article with its FAQs, sources, "find centers" searches and related centers."""
    return {
        **article_summary(article),
        "body": article.body,
        "author_name": article.author_name,
        "author_bio": article.author_bio or "",
        "reviewer_name": article.reviewer_name,
        "reviewer_credentials": article.reviewer_credentials,
        "faqs": [{"question": faq.question, "answer": faq.answer} for faq in article.faqs],
        "citations": [
            {"title": cite.title, "source": cite.source, "url": cite.url} for cite in article.citations
        ],
        "find_centers": [
            {
                "scheme": group.term.scheme,
                "code": group.term.code,
                "label": group.link_text,
                "total": group.total,
                "search_url": url_for("api_search.search", **group.search_args),
                "centers": group.centers,
            }
            for group in related_center_groups(article)
        ],
        "related_centers": hand_picked_centers(article),
    }
