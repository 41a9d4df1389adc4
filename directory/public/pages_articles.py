"""Public pages: the resource library (the article list and each article)."""

from __future__ import annotations

from flask import abort, render_template

from directory.database import get_session
from directory.public import bp
from directory.public.markdown import render_markdown
from directory.public.related import (
    article_structured_data,
    hand_picked_centers,
    is_depression_related,
    json_for_script,
    published_article,
    published_articles,
    related_center_groups,
)
from directory.site_address import absolute_url_for


@bp.get("/articles")
def articles() -> str:
    """List the published articles, most recently updated first."""
    return render_template(
        "public/articles.html",
        articles=published_articles(get_session()),
        canonical_url=absolute_url_for("public.articles"),
    )


@bp.get("/articles/<slug>")
def article(slug: str) -> str:
    """Show one published article with its reviewer, FAQs, sources and related centers."""
    found = published_article(get_session(), slug)
    if found is None:
        abort(404)
    url = absolute_url_for("public.article", slug=found.slug)
    return render_template(
        "public/article.html",
        article=found,
        body=render_markdown(found.body),
        show_crisis_line=is_depression_related(found),
        topic_groups=related_center_groups(found),
        hand_picked=hand_picked_centers(found),
        structured_data=[json_for_script(doc) for doc in article_structured_data(found, url)],
        canonical_url=url,
    )
