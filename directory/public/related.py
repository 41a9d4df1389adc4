"""What an article or a landing page shows beside its own content: centers, articles, crisis line.

Every center list here comes from :func:`directory.search.search_centers` (public viewer), so a
page shows exactly what the search page would for the same filter, in the same order.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from directory.models import Article, Center, ListingStatus, TaxonomyTerm
from directory.schemas.geography import US_STATES
from directory.search import (
    CenterQuery,
    SearchResponse,
    SearchUnavailable,
    Viewer,
    search_centers,
    summarize_center,
)

#: An article with a topic in one of these schemes is about depression care: it shows the 988 box.
CRISIS_TOPIC_SCHEMES: tuple[str, ...] = ("condition", "therapy")
#: ...and so is one whose title, summary or body speaks of depression or suicide.
CRISIS_WORDS = re.compile(r"\b(depress|suicid)", re.IGNORECASE)
#: How many verified centers an article shows for each of its topics.
RELATED_CENTERS_PER_TOPIC = 3
#: How many results a landing page shows (the search page's first page).
LANDING_PER_PAGE = 20
#: How the link to a topic's centers reads, by scheme ("Find centers offering TMS").
TOPIC_VERBS: dict[str, str] = {
    "condition": "treating",
    "payment": "accepting",
    "insurance": "accepting",
    "age_group": "serving",
    "language": "speaking",
    "accreditation": "accredited by",
    "credential": "with a",
    "facility_type": "of the type",
}


# -- the crisis line -------------------------------------------------------------------------


def is_depression_related(article: Article) -> bool:
    """Return whether the article shows the 988 box: a condition or therapy topic, or depression text.

    The rule: any topic in :data:`CRISIS_TOPIC_SCHEMES`, or (so that no article about depression
    care goes without the box just because of how it was tagged) a mention of depression or
    suicide in its title, summary or body.
    """
    if any(term.scheme in CRISIS_TOPIC_SCHEMES for term in article.topics):
        return True
    return any(CRISIS_WORDS.search(text or "") for text in (article.title, article.summary, article.body))


# -- articles ---------------------------------------------------------------------------------


def published_articles(session: Session) -> list[Article]:
    """Return the published articles, most recently updated first."""
    query = (
        select(Article)
        .where(Article.published_on.is_not(None))
        .options(selectinload(Article.topics).selectinload(TaxonomyTerm.parent))
        .order_by(Article.updated_on.desc().nulls_last(), Article.published_on.desc(), Article.title)
    )
    return list(session.scalars(query))


def published_article(session: Session, slug: str) -> Article | None:
    """Return the published article with this slug, or None."""
    query = (
        select(Article)
        .where(Article.slug == slug, Article.published_on.is_not(None))
        .options(
            selectinload(Article.faqs),
            selectinload(Article.citations),
            selectinload(Article.topics).selectinload(TaxonomyTerm.parent),
            selectinload(Article.related_centers).selectinload(Center.locations),
            selectinload(Article.related_centers).selectinload(Center.phones),
            selectinload(Article.related_centers).selectinload(Center.terms),
        )
    )
    return session.scalar(query)


@dataclass
class TopicCenters:
    """One of an article's topics: the link to its filtered search and its top verified centers."""

    term: TaxonomyTerm
    #: Keyword arguments for ``url_for('public.search', ...)``: exactly this topic's filter.
    search_args: dict[str, str]
    #: How many public listings the filtered search finds.
    total: int
    #: The first verified listings of that search, as search hits (cards).
    centers: list[dict[str, Any]]

    @property
    def link_text(self) -> str:
        """Return the link's words, such as 'Find centers offering TMS'."""
        verb = TOPIC_VERBS.get(self.term.scheme, "offering")
        return f"Find centers {verb} {self.term.label}"


def center_topics(article: Article) -> list[TaxonomyTerm]:
    """Return the topics an article links to centers for: its therapies, else all its topics."""
    therapies = [term for term in article.topics if term.scheme == "therapy"]
    return therapies or list(article.topics)


def related_center_groups(article: Article, per_topic: int = RELATED_CENTERS_PER_TOPIC) -> list[TopicCenters]:
    """Return, per topic, the filtered-search link and the top verified centers not shown already.

    Return none while the search index is rebuilt with nothing to answer from: the article stands alone.
    """
    groups: list[TopicCenters] = []
    shown: set[str] = set()
    for term in center_topics(article):
        filters = {term.scheme: (term.code,)}
        try:
            total = search_centers(CenterQuery(filters=filters, per_page=1), Viewer.PUBLIC).total
            verified = search_centers(
                CenterQuery(filters=filters, verified_only=True, per_page=min(per_topic + len(shown), 100)),
                Viewer.PUBLIC,
            )
        except SearchUnavailable:
            return []
        centers = [hit for hit in verified.hits if hit["id"] not in shown][:per_topic]
        shown.update(hit["id"] for hit in centers)
        groups.append(TopicCenters(term, {term.scheme: term.code}, total, centers))
    return groups


def hand_picked_centers(article: Article) -> list[dict[str, Any]]:
    """Return the article's hand-picked related centers that are published, as search hits."""
    return [
        summarize_center(center)
        for center in article.related_centers
        if center.status is ListingStatus.PUBLISHED
    ]


# -- structured data --------------------------------------------------------------------------


def article_structured_data(article: Article, url: str) -> list[dict[str, Any]]:
    """Return the article's schema.org documents: a MedicalWebPage, and a FAQPage if it has FAQs."""
    updated = (article.updated_on or article.published_on).isoformat()  # type: ignore[union-attr]
    page: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "@id": url,
        "url": url,
        "name": article.title,
        "headline": article.title,
        "description": article.summary,
        "datePublished": article.published_on.isoformat() if article.published_on else None,
        "dateModified": updated,
        "lastReviewed": updated,
        "author": {"@type": "Person", "name": article.author_name, "description": article.author_bio},
        "reviewedBy": {
            "@type": "Person",
            "name": article.reviewer_name,
            "honorificSuffix": article.reviewer_credentials,
        },
    }
    documents = [page]
    if article.faqs:
        documents.append(
            {
                "@context": "https://schema.org",
                "@type": "FAQPage",
                "mainEntity": [
                    {
                        "@type": "Question",
                        "name": faq.question,
                        "acceptedAnswer": {"@type": "Answer", "text": faq.answer},
                    }
                    for faq in article.faqs
                ],
            }
        )
    return documents


def json_for_script(data: Any) -> Markup:
    """Return ``data`` as JSON that cannot end or comment out the ``<script>`` element holding it.

    Every ``<``, ``>`` and ``&`` becomes a JSON escape (so ``</script>`` and ``<!--`` cannot
    occur), and ``ensure_ascii`` escapes U+2028 and U+2029; the JSON parses to the same data.
    """
    text = json.dumps(data, ensure_ascii=True)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


# -- landing pages ----------------------------------------------------------------------------


@dataclass
class Landing:
    """A therapy landing page (optionally in one state): its search, its links, its articles."""

    term: TaxonomyTerm
    #: The state's two-letter code in capitals, or None for the whole country.
    state: str | None
    results: SearchResponse
    #: States with public listings of this therapy: code, name (``label``) and count.
    states: list[dict[str, Any]]
    articles: list[Article]

    @property
    def place_name(self) -> str | None:
        """Return the state's name, or None for the whole country."""
        return US_STATES[self.state] if self.state else None

    @property
    def heading(self) -> str:
        """Return the page heading, such as 'Esketamine (Spravato) nasal spray in Utah'."""
        return f"{self.term.label} in {self.place_name}" if self.state else self.term.label

    @property
    def search_args(self) -> dict[str, str]:
        """Return keyword arguments for ``url_for('public.search', ...)`` giving the same results."""
        args = {"therapy": self.term.code}
        if self.state:
            args["state"] = self.state
        return args


def therapy_term(session: Session, code: str) -> TaxonomyTerm | None:
    """Return the therapy term with this code, or None."""
    query = select(TaxonomyTerm).where(TaxonomyTerm.scheme == "therapy", TaxonomyTerm.code == code)
    return session.scalar(query.options(selectinload(TaxonomyTerm.parent)))


def therapy_terms(session: Session) -> list[TaxonomyTerm]:
    """Return every therapy term, in vocabulary order."""
    query = select(TaxonomyTerm).where(TaxonomyTerm.scheme == "therapy").order_by(TaxonomyTerm.position)
    return list(session.scalars(query))


def landing(session: Session, code: str, state: str | None = None) -> Landing | None:
    """Return the landing page of a therapy (in a state), or None when there is none to show.

    A therapy page exists for every therapy term; a therapy-and-state page only while the state
    has public listings of that therapy.
    """
    term = therapy_term(session, code)
    if term is None:
        return None
    if state is not None:
        state = state.upper()
        if state not in US_STATES:
            return None
    filters = {"therapy": (term.code,), **({"state": (state,)} if state else {})}
    results = search_centers(CenterQuery(filters=filters, per_page=LANDING_PER_PAGE), Viewer.PUBLIC)
    if state is not None and results.total == 0:
        return None
    return Landing(term, state, results, listed_states(results), related_articles(session, term))


def listed_states(results: SearchResponse) -> list[dict[str, Any]]:
    """Return the states a search's facets count listings in (the state facet ignores a state filter)."""
    facets = results.facets.get("state", [])
    return [facet for facet in facets if facet["count"] > 0 and facet["code"] in US_STATES]


def therapy_family(term: TaxonomyTerm) -> str:
    """Return the code of the term's top-level therapy (itself when it has no parent)."""
    while term.parent is not None:
        term = term.parent
    return term.code


def related_articles(session: Session, term: TaxonomyTerm) -> list[Article]:
    """Return published articles with a therapy topic in the term's family (itself, parent, siblings)."""
    family = therapy_family(term)
    return [
        article
        for article in published_articles(session)
        if any(t.scheme == "therapy" and therapy_family(t) == family for t in article.topics)
    ]


def landing_pages(session: Session) -> list[tuple[str, str | None]]:
    """Return every landing page as (therapy code, lowercase state or None), for the sitemap."""
    pages: list[tuple[str, str | None]] = []
    for term in therapy_terms(session):
        pages.append((term.code, None))
        results = search_centers(CenterQuery(filters={"therapy": (term.code,)}, per_page=1), Viewer.PUBLIC)
        pages.extend((term.code, facet["code"].lower()) for facet in listed_states(results))
    return pages
