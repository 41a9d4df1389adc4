"""Articles at /admin/articles: write, preview (sanitised by the public renderer), save, publish, edit."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, func, select

from directory.models import Article, AuditEvent, Center, ListingStatus, Role
from directory.operations.articles import create_article
from directory.operations.errors import PermissionDenied
from directory.operations.taxonomy import TermIndex
from tests.conftest import sample_site
from tests.staff_accounts import add_staff, csrf_token, database, make_staff, signed_in_client

ADMIN = "editor@example.org"
HOSTILE = """# Heading

<script>alert('script')</script>

<img src=x onerror="alert('onerror')">

<a href="#" onclick="alert('onclick')">raw link</a>

[javascript link](javascript:alert('js'))

[JaVaScRiPt link](  JAVASCRIPT:alert('js2'))

[data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)

<iframe src="https://evil.example/frame"></iframe>

![tracker](https://evil.example/pixel.png)

[fine link](https://www.nimh.nih.gov/health/topics/depression) and **bold** text.
"""


@pytest.fixture(scope="module")
def site(database_url: str, engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The sample directory (vocabulary, centers, articles), indexed, with one admin."""
    with sample_site(database_url, engine, tmp_path_factory.mktemp("articles-index")) as app:
        app.config.update(LOGIN_RATE_LIMIT="100 per minute", LOGIN_ACCOUNT_RATE_LIMIT="100 per minute")
        with database(app) as session:
            add_staff(session, ADMIN, Role.ADMIN)
        yield app


@pytest.fixture(scope="module")
def admin(site: Flask) -> FlaskClient:
    return signed_in_client(site, ADMIN)


def form(client: FlaskClient, url: str, **overrides: object) -> dict[str, object]:
    """Return a complete, valid article form for ``url``, with its CSRF token and ``overrides``."""
    data: dict[str, object] = {
        "csrf_token": csrf_token(client, url),
        "slug": "new-guide-to-tms",
        "title": "A new guide to TMS",
        "summary": "What a course of transcranial magnetic stimulation involves.",
        "body": "## What happens\n\nA short session most weekdays for several weeks.",
        "author_name": "Wren Calloway",
        "author_bio": "Writes plain-language guides.",
        "reviewer_name": "Ivo Marchbanks",
        "reviewer_credentials": "MD, psychiatrist",
        "updated_on": "2026-06-01",
        "topics": ["therapy:tms", "condition:depression"],
        "faqs-0-question": "Does it hurt?",
        "faqs-0-answer": "Most people feel a tapping on the scalp.",
        "faqs-1-question": "",
        "faqs-1-answer": "",
        "citations-0-title": "Brain Stimulation Therapies",
        "citations-0-source": "National Institute of Mental Health",
        "citations-0-url": "https://www.nimh.nih.gov/health/topics/brain-stimulation-therapies",
        "related_centers": "",
        "status": "published",
        "published_on": "2026-05-01",
        "save": "1",
    }
    data.update(overrides)
    return data


def count(site: Flask, model: type, *where: object) -> int:
    with database(site) as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


class _Elements(HTMLParser):
    """Collect every element and its attributes, as a browser would build them."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def elements(fragment: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """Return the elements of an HTML fragment with their attributes."""
    parser = _Elements()
    parser.feed(fragment)
    return parser.found


def preview_section(response) -> str:
    text = response.get_data(as_text=True)
    start = text.index('id="preview-title"')
    return text[start : text.index("</section>", start)]


def test_the_preview_sanitises_hostile_markdown_and_saves_nothing(site, admin):
    articles, events = count(site, Article), count(site, AuditEvent)
    response = admin.post(
        "/admin/articles/new", data=form(admin, "/admin/articles/new", body=HOSTILE, preview="1")
    )
    assert response.status_code == 200
    preview = preview_section(response)
    tags = elements(preview.partition("</h2>")[2])
    assert {tag for tag, _attrs in tags} <= {"p", "h2", "strong", "a", "div"}
    for tag, attrs in tags:
        assert not [name for name, _value in attrs if name.startswith("on")], (tag, attrs)
        hrefs = [value or "" for name, value in attrs if name in ("href", "src")]
        assert all(href.startswith("https://www.nimh.nih.gov/") for href in hrefs), (tag, attrs)
    assert "<p>tracker</p>" in preview  # an image is its alt text: nothing loads from another host
    assert "&lt;script&gt;" in preview  # raw HTML shows as text, never as markup
    assert "<h2>Heading</h2>" in preview and "<strong>bold</strong>" in preview
    assert (
        '<a href="https://www.nimh.nih.gov/health/topics/depression" rel="nofollow noopener noreferrer">'
        in preview
    )
    assert count(site, Article) == articles and count(site, AuditEvent) == events
    textarea = response.get_data(as_text=True)
    assert "&lt;script&gt;alert(" in textarea  # the source stays editable, escaped


def test_creating_an_article_saves_every_part_and_audits_it(site, admin):
    response = admin.post("/admin/articles/new", data=form(admin, "/admin/articles/new"))
    assert (response.status_code, response.location) == (303, "/admin/articles/new-guide-to-tms/edit")
    with database(site) as session:
        article = session.scalar(select(Article).where(Article.slug == "new-guide-to-tms"))
        assert article.published_on == date(2026, 5, 1) and article.updated_on == date(2026, 6, 1)
        assert [(f.question, f.answer) for f in article.faqs] == [
            ("Does it hurt?", "Most people feel a tapping on the scalp.")
        ]
        assert [(c.title, c.source) for c in article.citations] == [
            ("Brain Stimulation Therapies", "National Institute of Mental Health")
        ]
        assert sorted(f"{t.scheme}:{t.code}" for t in article.topics) == [
            "condition:depression",
            "therapy:tms",
        ]
        event = session.scalar(select(AuditEvent).where(AuditEvent.record_id == str(article.id)))
        assert (event.action, event.actor_label) == ("article.created", ADMIN)
    public = site.test_client().get("/articles/new-guide-to-tms")
    assert public.status_code == 200
    assert 'href="/search?therapy=tms">Find centers offering' in public.get_data(as_text=True)
    listing = admin.get("/admin/articles").get_data(as_text=True)
    assert "A new guide to TMS" in listing and "published May 1, 2026" in listing


def test_editing_round_trips_and_new_terms_change_the_find_centers_links(site, admin):
    url = "/admin/articles/tms-for-depression/edit"
    page = admin.get(url)
    assert page.status_code == 200
    text = html.unescape(page.get_data(as_text=True))
    assert 'value="therapy:tms" checked' in text and "(it cannot be changed)" in text
    before = site.test_client().get("/articles/tms-for-depression").get_data(as_text=True)
    assert 'href="/search?therapy=tms"' in before
    with database(site) as session:
        article = session.scalar(select(Article).where(Article.slug == "tms-for-depression"))
        faqs = len(article.faqs)
    data = form(
        admin, url, slug="ignored-on-edit", title="TMS for depression, revised", topics=["therapy:ect"]
    )
    data.update(
        {f"faqs-{i}-question": "" for i in range(faqs + 2)}
        | {f"faqs-{i}-answer": "" for i in range(faqs + 2)}
    )
    response = admin.post(url, data=data)
    assert (response.status_code, response.location) == (303, url)
    after = site.test_client().get("/articles/tms-for-depression").get_data(as_text=True)
    assert "TMS for depression, revised" in after
    assert 'href="/search?therapy=ect">Find centers offering' in after
    assert 'href="/search?therapy=tms"' not in after
    assert site.test_client().get("/articles/ignored-on-edit").status_code == 404
    with database(site) as session:
        article = session.scalar(select(Article).where(Article.slug == "tms-for-depression"))
        assert article.faqs == []
        assert [
            e.action
            for e in session.scalars(select(AuditEvent).where(AuditEvent.record_id == str(article.id)))
        ][-1] == "article.updated"
    again = admin.post(
        url, data=form(admin, url, title="TMS for depression, revised", topics=["therapy:ect"])
    )
    assert again.status_code == 303


def test_publishing_without_a_date_uses_today_and_dates_are_optional(site, admin):
    data = form(admin, "/admin/articles/new", slug="dated-today", published_on="", updated_on="")
    response = admin.post("/admin/articles/new", data=data)
    assert response.status_code == 303, html.unescape(response.get_data(as_text=True))[:2000]
    with database(site) as session:
        article = session.scalar(select(Article).where(Article.slug == "dated-today"))
        assert (article.published_on, article.updated_on) == (date.today(), None)


def test_hand_picked_listings_round_trip_and_show_on_the_public_page(site, admin):
    with database(site) as session:
        center = session.scalar(
            select(Center).where(Center.status == ListingStatus.PUBLISHED).order_by(Center.slug)
        )
        slug, name = center.slug, center.name
    data = form(admin, "/admin/articles/new", slug="with-a-pick", related_centers=f" {slug} ,")
    assert admin.post("/admin/articles/new", data=data).status_code == 303
    edit = html.unescape(admin.get("/admin/articles/with-a-pick/edit").get_data(as_text=True))
    assert re.search(rf">\s*{slug}</textarea>", edit)
    assert html.escape(name) in site.test_client().get("/articles/with-a-pick").get_data(as_text=True)


def test_previewing_an_edit_changes_nothing(site, admin):
    url = "/admin/articles/ketamine-for-depression/edit"
    data = form(admin, url, title="Changed only in the preview", body="**New** body", preview="1")
    response = admin.post(url, data=data)
    assert response.status_code == 200
    assert "<strong>New</strong> body" in preview_section(response)
    with database(site) as session:
        title = session.scalar(select(Article.title).where(Article.slug == "ketamine-for-depression"))
    assert title != "Changed only in the preview"


def test_a_draft_is_not_public(site, admin):
    data = form(admin, "/admin/articles/new", slug="draft-on-ect", status="draft", topics=["therapy:ect"])
    assert admin.post("/admin/articles/new", data=data).status_code == 303
    assert site.test_client().get("/articles/draft-on-ect").status_code == 404
    with database(site) as session:
        assert session.scalar(select(Article.published_on).where(Article.slug == "draft-on-ect")) is None
    assert "draft" in admin.get("/admin/articles").get_data(as_text=True)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": " "}, "Title: Enter the title."),
        ({"reviewer_credentials": ""}, "Reviewer's credentials: Enter the reviewer's credentials."),
        ({"slug": "Not A Slug!"}, "Use lowercase letters, digits and single hyphens only"),
        ({"slug": "tms-for-depression"}, "Another article already has the address"),
        ({"citations-0-url": "javascript:alert(1)"}, "Sources, row 1, url"),
        ({"faqs-0-answer": ""}, "Questions and answers, row 1, answer"),
        ({"topics": ["therapy:no-such-therapy"]}, "Unknown therapy term 'no-such-therapy'."),
        ({"topics": ["nonsense"]}, "Write topics as 'scheme:code'"),
        ({"related_centers": "no-such-center"}, "No center has the slug 'no-such-center'."),
        ({"updated_on": "2026-02-30"}, "Not a valid date value."),
        ({"updated_on": "2026-01-01", "published_on": "2026-05-01"}, "Must not be before published_on."),
        ({"body": "x" * 100_001}, "Body (Markdown): Length must be between 1 and 100000."),
        ({"title": "Bad \ufffd bytes"}, "could not be read"),
    ],
)
def test_bad_input_answers_400_with_a_message(site, admin, overrides, message):
    articles, events = count(site, Article), count(site, AuditEvent, AuditEvent.record_type == "article")
    data = form(admin, "/admin/articles/new", slug="refused-article")
    data.update(overrides)
    response = admin.post("/admin/articles/new", data=data)
    assert response.status_code == 400
    text = html.unescape(response.get_data(as_text=True))
    assert "There is a problem" in text and message in text
    assert count(site, Article) == articles
    assert count(site, AuditEvent, AuditEvent.record_type == "article") == events


def test_an_unknown_article_is_404(admin):
    assert admin.get("/admin/articles/no-such-article/edit").status_code == 404
    assert admin.post("/admin/articles/no-such-article/edit", data={}).status_code in (400, 404)


def test_only_an_admin_may_create_an_article(site):
    with database(site) as session:
        specialist = make_staff(session)
        data = {
            "slug": "by-a-specialist", "title": "T", "summary": "S", "body": "B", "author_name": "A",
            "author_bio": "", "reviewer_name": "R", "reviewer_credentials": "C", "published_on": None,
            "updated_on": None, "topics": [], "related_centers": [], "faqs": [], "citations": [],
        }  # fmt: skip
        events = session.scalar(select(func.count()).select_from(AuditEvent))
        with pytest.raises(PermissionDenied, match="Only an admin can write articles"):
            create_article(session, data, TermIndex.load(session), actor=specialist)
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == events
        session.rollback()


def test_the_article_form_has_a_label_for_every_input(admin):
    text = admin.get("/admin/articles/new").get_data(as_text=True)
    ids = set(re.findall(r'<(?:input|textarea|select)[^>]*\bid="([^"]+)"', text))
    labelled = set(re.findall(r'<label[^>]*for="([^"]+)"', text))
    hidden = set(re.findall(r'<input[^>]*type="hidden"[^>]*id="([^"]+)"', text)) | set(
        re.findall(r'<input[^>]*id="([^"]+)"[^>]*type="hidden"', text)
    )
    assert ids - hidden <= labelled
