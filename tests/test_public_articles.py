"""The resource library: article list and pages, safe Markdown, the 988 box, related centers, JSON-LD."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from flask import url_for
from sqlalchemy import select

from directory.models import Article, Center, ListingStatus, TaxonomyTerm, VerificationStatus
from directory.public.markdown import EXTERNAL_REL, render_markdown, sanitize_html
from directory.public.related import center_topics, is_depression_related, json_for_script
from tests.public_pages import (
    PageReader,
    all_result_ids,
    card_ids,
    external_sources,
    load_directory,
    published_ids_with_term,
)

EVIL_MARKDOWN = """\
# A heading

Hello <script>alert("body")</script> world.

<img src="x" onerror="alert('img')">

<iframe src="https://evil.example/frame"></iframe>

[click me](javascript:alert('link')) and [also](JaVaScRiPt:alert(1)) and [data](data:text/html,hi)

[a source](https://www.nimh.nih.gov/health/topics/depression) and [our guide](/articles/tms-for-depression)

![a picture](https://tracker.example/pixel.png)
"""


@pytest.fixture
def directory_data(app, session):
    """The sample directory, loaded and indexed."""
    load_directory(app, session)
    return session


def get_article(session, slug: str) -> Article:
    return session.scalar(select(Article).where(Article.slug == slug))


def assert_harmless(html: str) -> None:
    """Fail on any script (other than JSON-LD), frame, event handler or javascript: address."""
    page = PageReader(html)
    for element in page.elements:
        assert element.tag not in {"iframe", "object", "embed", "frame"}, element.tag
        if element.tag == "script":
            assert element.attrs.get("type") == "application/ld+json"
        for name, value in element.attrs.items():
            assert not name.startswith("on"), (element.tag, name)
            assert not (value or "").strip().lower().startswith(("javascript:", "data:", "vbscript:"))


# -- Markdown ---------------------------------------------------------------------------------


def test_markdown_escapes_raw_html_and_drops_dangerous_links():
    html = str(render_markdown(EVIL_MARKDOWN))
    assert_harmless(html)
    assert "<script" not in html and "<iframe" not in html and "<img" not in html
    assert "&lt;script&gt;" in html  # shown as text, never run
    assert 'href="javascript' not in html.lower() and 'href="data:' not in html


def test_markdown_marks_external_links_only():
    page = PageReader(str(render_markdown(EVIL_MARKDOWN)))
    links = {e.attrs["href"]: e.attrs.get("rel") for e in page.find("a")}
    assert links == {
        "https://www.nimh.nih.gov/health/topics/depression": EXTERNAL_REL,
        "/articles/tms-for-depression": None,
    }


def test_markdown_keeps_one_h1_per_page_and_loads_no_images():
    html = str(render_markdown(EVIL_MARKDOWN))
    assert "<h2>A heading</h2>" in html and "<h1" not in html
    assert "a picture" in html and "tracker.example" not in html


def test_sanitizer_alone_removes_what_markdown_might_let_through():
    html = sanitize_html(
        '<p onclick="x()">Hi<script>alert(1)</script><iframe src="//evil.example">in</iframe></p>'
        '<a href="java&#x09;script:alert(1)">a</a><a href="/ok" rel="opener">b</a>'
        '<a href="https://x.example" rel="nofollow noopener noreferrer">c</a><style>p{}</style>'
    )
    assert html == (
        '<p>Hi</p><a>a</a><a href="/ok">b</a>'
        '<a href="https://x.example" rel="nofollow noopener noreferrer">c</a>'
    )


def test_article_page_renders_a_hostile_body_harmlessly(client, directory_data):
    article = get_article(directory_data, "ketamine-for-depression")
    article.body = EVIL_MARKDOWN
    directory_data.commit()
    html = client.get("/articles/ketamine-for-depression").get_data(as_text=True)
    assert_harmless(html)
    addresses = [v or "" for e in PageReader(html).elements for v in e.attrs.values()]
    assert not [a for a in addresses if "evil.example" in a or "tracker.example" in a]
    assert "tracker.example" not in html  # an image becomes its alt text only


# -- the list and the page ---------------------------------------------------------------------


def test_article_list_is_newest_updated_first_and_hides_unpublished(client, directory_data):
    get_article(directory_data, "tms-for-depression").published_on = None
    directory_data.commit()
    html = client.get("/articles").get_data(as_text=True)
    slugs = re.findall(r'href="/articles/([a-z0-9-]+)"', html)
    published = directory_data.scalars(
        select(Article).where(Article.published_on.is_not(None)).order_by(Article.updated_on.desc())
    ).all()
    assert slugs == [a.slug for a in published]
    assert "tms-for-depression" not in slugs and len(slugs) == 8
    first = published[0]
    assert first.author_name in html and first.summary in html
    assert f'datetime="{first.updated_on.isoformat()}"' in html


def test_article_page_shows_who_wrote_and_reviewed_it_with_dates(client, directory_data):
    article = get_article(directory_data, "esketamine-spravato-explained")
    html = client.get("/articles/esketamine-spravato-explained").get_data(as_text=True)
    page = PageReader(html)
    assert page.find("h1")[0].text.strip() == article.title
    assert article.author_name in html and article.author_bio.replace("'", "&#39;") in html
    assert f"Medically reviewed by <strong>{article.reviewer_name}, {article.reviewer_credentials}" in html
    assert 'Updated <time datetime="2026-08-03">August 3, 2026</time>' in html
    assert 'Published <time datetime="2026-02-16">February 16, 2026</time>' in html


def test_article_page_shows_faqs_numbered_citations_and_disclaimer(client, directory_data):
    article = get_article(directory_data, "esketamine-spravato-explained")
    html = client.get("/articles/esketamine-spravato-explained").get_data(as_text=True)
    page = PageReader(html)
    questions = [e.text.strip() for e in page.find("dt")]
    for faq in article.faqs:
        assert faq.question in questions
        assert faq.answer in html
    citations = page.find("ol", class_="citations")
    assert len(citations) == 1
    items = [e for e in page.elements if e.tag == "li" and (e.attrs.get("id") or "").startswith("source-")]
    assert [e.attrs["id"] for e in items] == [f"source-{n}" for n in range(1, len(article.citations) + 1)]
    for item, citation in zip(items, article.citations, strict=True):
        assert citation.title in item.text and citation.source in item.text
    links = {
        e.attrs["href"]: e.attrs.get("rel")
        for e in page.find("a")
        if e.attrs.get("href") in {c.url for c in article.citations}
    }
    assert set(links) == {c.url for c in article.citations}
    assert all("noreferrer" in (rel or "").split() for rel in links.values())
    disclaimer = page.find("aside", class_="disclaimer")
    assert len(disclaimer) == 1 and "not medical advice" in disclaimer[0].text


def test_every_published_article_shows_the_988_box_near_the_top(client, directory_data):
    articles = directory_data.scalars(select(Article).where(Article.published_on.is_not(None))).all()
    assert len(articles) == 9
    for article in articles:
        assert is_depression_related(article), article.slug
        html = client.get(f"/articles/{article.slug}").get_data(as_text=True)
        box = html.index('class="crisis-box"')
        assert 'href="tel:988"' in html[box : box + 600] and 'href="sms:988"' in html[box : box + 600]
        assert box < html.index('class="article-body"'), "the 988 box comes before the article body"


def test_the_988_rule_is_explicit(directory_data):
    article = get_article(directory_data, "paying-for-depression-treatment")
    assert not any(t.scheme in ("condition", "therapy") for t in article.topics)
    assert is_depression_related(article)  # by its words: it is about paying for depression care
    unrelated = Article(title="Parking at our office", summary="Where to park.", body="Use lot B.")
    assert not is_depression_related(unrelated)
    unrelated.topics = [directory_data.scalar(select(TaxonomyTerm).where(TaxonomyTerm.code == "tms"))]
    assert is_depression_related(unrelated)


def test_unknown_and_unpublished_articles_are_not_found(client, directory_data):
    assert client.get("/articles/no-such-article").status_code == 404
    get_article(directory_data, "tms-for-depression").published_on = None
    directory_data.commit()
    assert client.get("/articles/tms-for-depression").status_code == 404


# -- related centers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "slug",
    [
        "psilocybin-assisted-therapy",
        "esketamine-spravato-explained",
        "paying-for-depression-treatment",
        "what-verified-and-advertiser-mean",
    ],
)
def test_find_centers_links_return_exactly_the_matching_centers(app, client, directory_data, slug):
    article = get_article(directory_data, slug)
    page = PageReader(client.get(f"/articles/{slug}").get_data(as_text=True))
    links = page.find("a", class_="find-centers")
    topics = center_topics(article)
    assert len(links) == len(topics) > 0
    for link, term in zip(links, topics, strict=True):
        with app.test_request_context():
            assert link.attrs["href"] == url_for("public.search", **{term.scheme: term.code})
        expected = published_ids_with_term(directory_data, term.scheme, term.code)
        assert expected, term.code
        assert all_result_ids(client, link.attrs["href"], len(expected)) == expected, term.code


def test_related_centers_are_verified_and_advertisers_are_marked(client, directory_data):
    html = client.get("/articles/ketamine-for-depression").get_data(as_text=True)
    shown = card_ids(html)
    assert 0 < len(shown) <= 3
    # Make one of them an advertiser (and check the others were already what they say).
    centers = {str(c.id): c for c in directory_data.scalars(select(Center))}
    target = centers[shown[-1]]
    target.is_advertiser = True
    directory_data.commit()
    for article in directory_data.scalars(select(Article)).all():
        html = client.get(f"/articles/{article.slug}").get_data(as_text=True)
        for center_id in card_ids(html):
            center = centers[center_id]
            directory_data.refresh(center)
            assert center.verification_status is VerificationStatus.VERIFIED, center.slug
            assert center.status is ListingStatus.PUBLISHED
            card = html[html.index(f'aria-labelledby="card-{center_id}"') :]
            card = card[: card.index("</article>")]
            assert ("badge-advertiser" in card) == center.is_advertiser, center.slug
    assert "badge-advertiser" in client.get("/articles/ketamine-for-depression").get_data(as_text=True)


def test_each_topic_shows_the_top_verified_centers_of_its_search(client, directory_data):
    html = client.get("/articles/esketamine-spravato-explained").get_data(as_text=True)
    verified = directory_data.scalars(
        select(Center)
        .where(
            Center.status == ListingStatus.PUBLISHED,
            Center.verification_status == VerificationStatus.VERIFIED,
            Center.terms.any(TaxonomyTerm.code == "esketamine"),
        )
        .order_by(Center.name)
    ).all()
    # No words searched: the search orders verified listings by name.
    assert card_ids(html) == [str(c.id) for c in sorted(verified, key=lambda c: c.name.casefold())[:3]]


def test_hand_picked_related_centers_show_only_when_published(client, directory_data):
    article = get_article(directory_data, "tms-for-depression")
    published, draft = (
        directory_data.scalars(select(Center).where(Center.status == status).order_by(Center.name)).first()
        for status in (ListingStatus.PUBLISHED, ListingStatus.DRAFT)
    )
    article.related_centers = [published, draft]
    directory_data.commit()
    html = client.get("/articles/tms-for-depression").get_data(as_text=True)
    picked = html[html.index('id="picked-heading"') :]
    assert str(published.id) in card_ids(picked)
    assert str(draft.id) not in html


# -- structured data -----------------------------------------------------------------------------


def json_ld(html: str) -> list[dict]:
    page = PageReader(html)
    return [json.loads(e.text) for e in page.find("script", type="application/ld+json")]


def test_json_ld_describes_the_page_and_its_faqs(client, directory_data):
    article = get_article(directory_data, "tms-for-depression")
    documents = json_ld(client.get("/articles/tms-for-depression").get_data(as_text=True))
    assert [d["@type"] for d in documents] == ["MedicalWebPage", "FAQPage"]
    page, faq = documents
    assert page["name"] == article.title and page["description"] == article.summary
    assert page["datePublished"] == article.published_on.isoformat()
    assert page["dateModified"] == page["lastReviewed"] == article.updated_on.isoformat()
    assert page["author"] == {
        "@type": "Person",
        "name": article.author_name,
        "description": article.author_bio,
    }
    assert page["reviewedBy"]["@type"] == "Person"
    assert page["reviewedBy"]["name"] == article.reviewer_name
    assert page["url"].startswith("http://localhost/articles/tms-for-depression")
    assert [q["@type"] for q in faq["mainEntity"]] == ["Question"] * len(article.faqs)
    assert faq["mainEntity"][0]["name"] == article.faqs[0].question
    assert faq["mainEntity"][0]["acceptedAnswer"] == {"@type": "Answer", "text": article.faqs[0].answer}


def test_json_for_script_escapes_markup_and_keeps_the_data():
    data = {"name": "A </script><!-- & \u2028 é", "n": [1, None]}
    text = str(json_for_script(data))
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == data


def test_json_ld_cannot_close_its_script_element(client, directory_data):
    article = get_article(directory_data, "tms-for-depression")
    article.title = "TMS </script><script>alert(1)</script> <!-- guide"
    article.updated_on = date(2026, 11, 20)
    directory_data.commit()
    html = client.get("/articles/tms-for-depression").get_data(as_text=True)
    head = html[: html.index("</head>")]
    assert head.count("</script>") == 2  # the two JSON-LD elements' own closing tags
    assert "<!--" not in head
    assert json_ld(html)[0]["name"] == article.title
    assert_harmless(html)


def test_article_pages_load_nothing_from_other_hosts(client, directory_data):
    for path in ["/articles", "/articles/ketamine-for-depression"]:
        response = client.get(path)
        assert response.status_code == 200
        assert external_sources(response.get_data(as_text=True)) == []
