"""The public forms: "list your center for free" and "report incorrect information"."""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from typing import Any

import pytest
from alembic import command
from flask import Flask, render_template
from flask.testing import FlaskClient
from marshmallow import validate
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from directory.database import make_engine
from directory.migrate import alembic_config, upgrade_database
from directory.models import (
    AuditEvent,
    Center,
    Correction,
    CorrectionKind,
    CorrectionStatus,
    ListingStatus,
    ListingSubmission,
    Role,
    TaxonomyTerm,
    User,
    VerificationStatus,
)
from directory.operations.corrections import resolve_correction
from directory.operations.errors import OperationError, PermissionDenied
from directory.operations.submissions import ListingSubmissionInput
from directory.public.forms import UNREADABLE_TEXT, ListingForm
from directory.schemas.fields import EmailAddress, PhoneNumber, WebAddress, ZipCode
from directory.search import CenterQuery, Viewer, get_search_service, search_centers
from search_index.geo import zip_centroid, zip_state

LIST_URL = "/list-your-center"
FORM_CONTENT = "application/x-www-form-urlencoded"
CSRF_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


# -- helpers -----------------------------------------------------------------------------------


@pytest.fixture
def forms_app(app: Flask, vocabulary: Session) -> Flask:
    """The app with the vocabulary loaded, CSRF off and limits no test reaches unless it sets them."""
    app.config.update(
        WTF_CSRF_ENABLED=False,
        LIST_CENTER_RATE_LIMIT="1000 per minute",
        REPORT_RATE_LIMIT="1000 per minute",
    )
    return app


@pytest.fixture
def web(forms_app: Flask) -> FlaskClient:
    """A client for the forms app."""
    return forms_app.test_client()


@contextmanager
def fresh_session(app: Flask) -> Iterator[Session]:
    """A session of its own, so a test sees only what the views committed."""
    with app.extensions["database"].sessions() as session:
        yield session


def count(app: Flask, model: type) -> int:
    """Count the committed rows of ``model``."""
    with fresh_session(app) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def listing(**overrides: Any) -> dict[str, Any]:
    """Return a valid "list your center" submission, with ``overrides``."""
    data: dict[str, Any] = {
        "name": "Wasatch Ketamine Clinic",
        "description": "Ketamine infusions and esketamine for treatment-resistant depression.",
        "website": "https://wasatch-ketamine.example",
        "email": "Intake@Wasatch-Ketamine.example",
        "phone": "801.555.0134",
        "address_1": "200 S Main St",
        "address_2": "Suite 4",
        "city": "Salt Lake City",
        "state": "ut",
        "postal_code": "84101-1234",
        "therapies": ["ketamine-assisted-therapy", "esketamine"],
        "levels_of_care": ["outpatient"],
        "accepting_new_clients": "yes",
        "license_number": "KC-20417",
        "license_state": "UT",
        "therapy_proof": "https://wasatch-ketamine.example/services",
        "contact_name": "Dana Reyes",
        "contact_email": "dana.reyes@wasatch-ketamine.example",
        "represents_center": "y",
        "homepage": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def text_of(response: Any) -> str:
    """Return the page's HTML with entities decoded, for comparing with messages."""
    return html.unescape(response.get_data(as_text=True))


class Controls(HTMLParser):
    """Collect the form controls, labels and ids of a page."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.controls: list[dict[str, str | None]] = []
        self.label_for: set[str] = set()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"] or "")
        if tag == "label" and attributes.get("for"):
            self.label_for.add(attributes["for"] or "")
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"] or "")
        if tag in {"input", "select", "textarea"} and attributes.get("type") not in {"hidden", "submit"}:
            self.controls.append({"tag": tag, **attributes})

    def control(self, control_id: str) -> dict[str, str | None]:
        """Return the control with this id."""
        return next(c for c in self.controls if c.get("id") == control_id)


def published_center(create_center: Any, session: Session, **overrides: Any) -> Center:
    """Add and commit a published center."""
    center = create_center(status=ListingStatus.PUBLISHED, **overrides)
    session.commit()
    return center


# -- list your center: the form ----------------------------------------------------------------


def test_listing_form_offers_the_vocabulary_terms_with_a_label_on_every_control(web, vocabulary):
    response = web.get(LIST_URL)
    assert response.status_code == 200
    page = Controls(response.get_data(as_text=True))
    therapy_terms = vocabulary.scalars(select(TaxonomyTerm).where(TaxonomyTerm.scheme == "therapy")).all()
    offered = {c["value"] for c in page.controls if c.get("name") == "therapies"}
    assert offered == {term.code for term in therapy_terms}
    levels = vocabulary.scalars(select(TaxonomyTerm.code).where(TaxonomyTerm.scheme == "level_of_care")).all()
    assert {c["value"] for c in page.controls if c.get("name") == "levels_of_care"} == set(levels)
    body = text_of(response)
    assert all(term.label in body for term in therapy_terms)
    unlabelled = [c for c in page.controls if c.get("id") not in page.label_for]
    assert unlabelled == []
    assert "<script" not in body
    assert 'method="post"' in body and '<button type="submit"' in body


def test_honeypot_is_labelled_hidden_and_out_of_the_tab_order(web, vocabulary):
    response = web.get(LIST_URL)
    page = Controls(response.get_data(as_text=True))
    honeypot = page.control("homepage")
    assert honeypot["autocomplete"] == "off"
    assert honeypot["tabindex"] == "-1"
    assert '<div class="honeypot">\n  <label for="homepage">Leave this empty</label>' in text_of(response)


def test_form_pages_are_never_cached(web, vocabulary):
    assert web.get(LIST_URL).headers["Cache-Control"] == "private, no-store"


# -- list your center: a valid listing ---------------------------------------------------------


def test_valid_listing_creates_a_pending_unverified_center_and_redirects(forms_app, web):
    response = web.post(LIST_URL, data=listing())
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/list-your-center/thanks")

    with fresh_session(forms_app) as session:
        center = session.scalars(select(Center)).one()
        assert center.status is ListingStatus.PENDING
        assert center.verification_status is VerificationStatus.UNVERIFIED
        assert not center.is_advertiser
        assert center.source == "submission"
        assert center.slug == "wasatch-ketamine-clinic-salt-lake-city-ut"
        assert center.email == "intake@wasatch-ketamine.example"
        assert center.accepting_new_clients is True
        assert [phone.number for phone in center.phones] == ["(801) 555-0134"]
        location = center.primary_location
        assert (
            location.address_1,
            location.address_2,
            location.city,
            location.state,
            location.postal_code,
        ) == (
            "200 S Main St",
            "Suite 4",
            "Salt Lake City",
            "UT",
            "84101",
        )
        assert (location.latitude, location.longitude) == zip_centroid("84101")
        assert center.term_codes() == {
            "therapy": ["ketamine-assisted-therapy", "esketamine"],
            "level_of_care": ["outpatient"],
        }
        contact = session.scalars(select(ListingSubmission)).one()
        assert (contact.center_id, contact.contact_name, contact.contact_email) == (
            center.id,
            "Dana Reyes",
            "dana.reyes@wasatch-ketamine.example",
        )
        event = session.scalars(select(AuditEvent)).one()
        assert (event.action, event.record_type, event.record_id) == (
            "center.submitted",
            "center",
            str(center.id),
        )
        assert event.actor_label == "public listing form"
        assert event.after["status"] == "pending" and event.after["name"] == "Wasatch Ketamine Clinic"
        # The person behind the listing stays out of the append-only audit trail.
        assert "dana" not in repr((event.after, event.reason)).lower()


def test_second_listing_with_the_same_name_gets_its_own_slug(forms_app, web):
    assert web.post(LIST_URL, data=listing()).status_code == 303
    assert web.post(LIST_URL, data=listing()).status_code == 303
    with fresh_session(forms_app) as session:
        slugs = session.scalars(select(Center.slug)).all()
    assert len(set(slugs)) == 2
    assert all(slug.startswith("wasatch-ketamine-clinic-salt-lake-city-ut") for slug in slugs)


def test_pending_listing_stays_out_of_public_search(forms_app, web, vocabulary):
    assert web.post(LIST_URL, data=listing()).status_code == 303
    get_search_service(forms_app).rebuild()
    query = CenterQuery(text="Wasatch Ketamine")
    with forms_app.test_request_context():
        assert search_centers(query, Viewer.PUBLIC).total == 0
        staff = search_centers(query, Viewer.STAFF)
    assert [(hit["name"], hit["status"]) for hit in staff.hits] == [("Wasatch Ketamine Clinic", "pending")]


def test_thank_you_page_says_what_happens_next(forms_app, web):
    forms_app.config["LISTING_REVIEW_BUSINESS_DAYS"] = 3
    response = web.post(LIST_URL, data=listing(), follow_redirects=True)
    assert response.status_code == 200
    page = text_of(response)
    assert "within 3 business days" in page
    assert "free" in page
    assert "Verification" in page and "separate step" in page


# -- list your center: invalid fields ----------------------------------------------------------

INVALID_FIELDS = [
    ("state", "ZZ", "Choose the state from the list."),
    ("postal_code", "8410", ZipCode.default_error_messages["zip"]),
    ("phone", "555-0134", PhoneNumber.default_error_messages["phone"]),
    ("website", "wasatch-ketamine", WebAddress.default_error_messages["invalid"]),
    ("email", "intake at wasatch", EmailAddress.default_error_messages["invalid"]),
    ("contact_email", "dana@", EmailAddress.default_error_messages["invalid"]),
    ("name", "", "Enter the center's name."),
    ("name", "   ", "Enter the center's name."),
    ("name", "N" * 201, "Use at most 200 characters."),
    ("description", "d" * 5001, "Use at most 5000 characters."),
    ("address_1", "a" * 201, "Use at most 200 characters."),
    ("city", "c" * 101, "Use at most 100 characters."),
    ("contact_name", "n" * 201, "Use at most 200 characters."),
    ("website", "https://example.org/" + "p" * 490, "Use at most 500 characters."),
    ("license_number", "L" * 61, "Use at most 60 characters."),
    ("license_number", None, "Enter the center's license number, as it appears on the license."),
    ("license_state", None, "Choose the state that issued the license."),
    ("license_state", "XX", "Choose the state that issued the license from the list."),
    ("therapy_proof", "   ", "Tell us how we can confirm the center offers these therapies"),
    ("therapy_proof", "p" * 1001, "Use at most 1000 characters."),
    ("postal_code", "90210", "The ZIP code 90210 is in California, not in Utah."),
    ("city", None, "Enter the city."),
    ("therapies", None, "Choose at least one therapy the center offers."),
    ("therapies", ["not-a-therapy"], "Unknown therapy term 'not-a-therapy'."),
    ("levels_of_care", ["esketamine"], "Unknown level_of_care term 'esketamine'."),
    ("accepting_new_clients", "perhaps", "Choose Yes, No or Not sure."),
    ("represents_center", None, "Confirm that you represent this center."),
]


@pytest.mark.parametrize(("name", "value", "message"), INVALID_FIELDS)
def test_each_invalid_field_gets_its_message_and_nothing_is_stored(forms_app, web, name, value, message):
    data = listing(**{name: value})
    if value is None:
        data.pop(name, None)
    response = web.post(LIST_URL, data=data)
    assert response.status_code == 400
    page = text_of(response)
    assert f'<p class="field-error" id="{name}-error">' in page
    assert message in page
    assert page.startswith("<!doctype html>") and page.count(message) == 2  # in the summary and by the field
    assert count(forms_app, Center) == 0
    assert count(forms_app, AuditEvent) == 0


def test_invalid_field_is_described_marked_and_linked_from_the_summary(web, vocabulary):
    response = web.post(LIST_URL, data=listing(postal_code="ABCDE", website="ftp://x"))
    page = Controls(response.get_data(as_text=True))
    body = text_of(response)
    assert body.index('class="error-summary"') < body.index("<form")
    assert "<title>Error: List your center for free" in body
    assert {"#postal_code", "#website"} <= set(page.links)
    zip_input = page.control("postal_code")
    assert zip_input["aria-invalid"] == "true"
    assert zip_input["aria-describedby"] == "postal_code-hint postal_code-error"
    assert {"postal_code-hint", "postal_code-error", "website-error"} <= page.ids
    assert page.control("website")["aria-describedby"] == "website-hint website-error"
    assert "aria-invalid" not in page.control("city")
    # What was typed is kept, so the person only fixes what is wrong.
    assert page.control("city")["value"] == "Salt Lake City"


def test_group_error_links_to_the_first_box_and_describes_the_fieldset(web, vocabulary):
    data = listing()
    del data["therapies"]
    body = web.post(LIST_URL, data=data).get_data(as_text=True)
    assert 'href="#therapies-0"' in body
    assert 'aria-describedby="therapies-hint therapies-error"' in body


# -- list your center: honeypot, rate limit, CSRF ----------------------------------------------


def test_filled_honeypot_gets_the_thank_you_page_and_stores_nothing(forms_app, web):
    response = web.post(LIST_URL, data=listing(homepage="https://spam.example"))
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/list-your-center/thanks")
    assert web.get(response.headers["Location"]).status_code == 200
    assert count(forms_app, Center) == 0
    assert count(forms_app, ListingSubmission) == 0
    assert count(forms_app, AuditEvent) == 0


def test_too_many_posts_get_a_friendly_429_page(forms_app, web):
    forms_app.config["LIST_CENTER_RATE_LIMIT"] = "2 per minute"
    invalid = listing(state="ZZ")
    assert [web.post(LIST_URL, data=invalid).status_code for _ in range(2)] == [400, 400]
    response = web.post(LIST_URL, data=listing())
    assert response.status_code == 429
    assert response.mimetype == "text/html"
    assert "Too many attempts" in text_of(response)
    assert int(response.headers["Retry-After"]) > 0
    assert count(forms_app, Center) == 0
    # Only sending is limited: the form itself still opens.
    assert web.get(LIST_URL).status_code == 200


def test_csrf_token_from_the_form_is_required(forms_app, vocabulary):
    forms_app.config["WTF_CSRF_ENABLED"] = True
    client = forms_app.test_client()

    missing = client.post(LIST_URL, data=listing())
    assert missing.status_code == 400
    assert "Your form expired, please try again" in text_of(missing)
    assert "Traceback" not in text_of(missing)

    token = CSRF_INPUT.search(client.get(LIST_URL).get_data(as_text=True)).group(1)
    forged = client.post(LIST_URL, data=listing(csrf_token=token[:-4] + "AAAA"))
    assert forged.status_code == 400
    assert "Your form expired, please try again" in text_of(forged)
    assert count(forms_app, Center) == 0

    accepted = client.post(LIST_URL, data=listing(csrf_token=token))
    assert accepted.status_code == 303
    assert count(forms_app, Center) == 1


def test_token_from_another_browser_is_refused(forms_app, vocabulary):
    forms_app.config["WTF_CSRF_ENABLED"] = True
    token = CSRF_INPUT.search(forms_app.test_client().get(LIST_URL).get_data(as_text=True)).group(1)
    response = forms_app.test_client().post(LIST_URL, data=listing(csrf_token=token))
    assert response.status_code == 400
    assert count(forms_app, Center) == 0


# -- list your center: hostile input -----------------------------------------------------------

# NUL in a field never reaches the form: tests/test_request_safety.py refuses it for every route.
HOSTILE_BODIES = {
    "encoded lone surrogate": (b"name=%ED%A0%80Clinic", UNREADABLE_TEXT),
    "invalid utf-8 escape": (b"city=Pro%FFvo", UNREADABLE_TEXT),
    "overlong utf-8 nul": (b"description=a%C0%80b", UNREADABLE_TEXT),
    "raw invalid utf-8": (b"name=\xff\xfe\xfd&city=\x80", "Enter the center's name."),
    "100 KB name": (b"name=" + b"x" * 100_000, "Use at most 200 characters."),
    "100 KB of multibyte text": (
        b"description=" + b"%E2%82%AC" * 35_000,
        "Use at most 5000 characters.",
    ),
    "100 KB checkbox value": (b"therapies=" + b"a" * 100_000, "Length must be between 1 and 80."),
    "100 KB radio value": (b"accepting_new_clients=" + b"y" * 100_000, "Choose Yes, No or Not sure."),
}


@pytest.mark.parametrize(("body", "message"), HOSTILE_BODIES.values(), ids=HOSTILE_BODIES.keys())
def test_hostile_bytes_get_400_with_messages(forms_app, web, body, message):
    response = web.post(LIST_URL, data=body, content_type=FORM_CONTENT)
    assert response.status_code == 400
    assert 'class="error-summary"' in response.get_data(as_text=True)
    assert message in text_of(response)
    assert "\x00" not in response.get_data(as_text=True)
    assert count(forms_app, Center) == 0


def test_every_field_at_once_full_of_nul_and_100_kb(forms_app, web):
    data = {key: "\x00" + "x" * 100_000 for key in listing() if key != "homepage"}
    data.update(therapies=["\x00"], levels_of_care=["x" * 100_000])
    response = web.post(LIST_URL, data=data)
    assert response.status_code == 413  # over MAX_CONTENT_LENGTH (1 MB): refused before parsing
    assert "Forms accept at most 1 MB of text" in text_of(response)
    assert count(forms_app, Center) == 0


def test_fields_full_of_nul_under_the_size_cap_get_400(forms_app, web):
    data = {key: "\x00" + "x" * 20_000 for key in listing() if key != "homepage"}
    data.update(therapies=["\x00"], levels_of_care=["x" * 20_000])
    response = web.post(LIST_URL, data=data)
    assert response.status_code == 400
    assert count(forms_app, Center) == 0


def test_multipart_bytes_that_are_not_utf8_get_400(forms_app, web):
    # Werkzeug decodes multipart text as UTF-8 with replacement characters, and ignores a part's
    # charset unless it is a safe one, so "unicode_escape" cannot smuggle a lone surrogate in.
    body = (
        b'--b\r\nContent-Disposition: form-data; name="name"\r\n\r\nClinic \xff\xfe\r\n'
        b'--b\r\nContent-Disposition: form-data; name="city"\r\n'
        b"Content-Type: text/plain; charset=unicode_escape\r\n\r\n\\ud800\r\n--b--\r\n"
    )
    response = web.post(LIST_URL, data=body, content_type="multipart/form-data; boundary=b")
    assert response.status_code == 400
    assert UNREADABLE_TEXT in text_of(response)
    assert count(forms_app, Center) == 0


def test_lone_surrogates_are_refused_and_never_echoed(forms_app):
    with forms_app.test_request_context(LIST_URL, method="POST"):
        form = ListingForm(formdata=MultiDict(listing(name="Clinic \ud800", city="\x00Provo")))
        form.set_term_choices([("esketamine", "Esketamine"), ("ketamine-assisted-therapy", "Ketamine")], [])
        assert not form.validate()
        assert form.name.errors == ["Must not contain unpaired surrogate characters (invalid Unicode)."]
        assert form.city.errors == ["Must not contain NUL (\\x00) characters."]
        page = render_template("public/list_center.html", form=form, review_days=5)
    assert 'value="Clinic \ufffd"' in page.encode("utf-8").decode("utf-8")
    assert 'value="\ufffdProvo"' in page


# -- report incorrect information --------------------------------------------------------------


def report_url(center: Center) -> str:
    return f"/centers/{center.slug}/report"


def test_report_form_lists_the_kinds_of_problem(web, create_center, session):
    center = published_center(create_center, session, name="Canyon TMS")
    response = web.get(report_url(center))
    assert response.status_code == 200
    page = Controls(response.get_data(as_text=True))
    kinds = [c for c in page.controls if c["tag"] == "select"]
    assert [k["id"] for k in kinds] == ["kind"]
    body = text_of(response)
    for kind in CorrectionKind:
        assert f'<option value="{kind.value}">{kind.label}</option>' in body
    assert "Canyon TMS" in body
    assert [c for c in page.controls if c.get("id") not in page.label_for] == []
    assert page.control("homepage")["tabindex"] == "-1"


def test_report_is_stored_for_staff_and_the_listing_is_unchanged(forms_app, web, create_center, session):
    center = published_center(create_center, session, description="Open weekdays.")
    before = center.updated_at
    response = web.post(
        report_url(center),
        data={
            "kind": "hours",
            "details": "  They now open on Saturdays too.  ",
            "reporter_email": "Sam@Example.org",
        },
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/centers/{center.slug}/report/thanks")

    with fresh_session(forms_app) as fresh:
        correction = fresh.scalars(select(Correction)).one()
        assert correction.center_id == center.id
        assert correction.kind is CorrectionKind.HOURS
        assert correction.details == "They now open on Saturdays too."
        assert correction.reporter_email == "sam@example.org"
        assert correction.status is CorrectionStatus.NEW
        assert correction.created_at is not None and correction.resolved_at is None
        event = fresh.scalars(select(AuditEvent)).one()
        assert (event.action, event.record_id) == ("correction.reported", str(correction.id))
        assert event.after == {"center_id": str(center.id), "kind": "hours", "status": "new"}
        listing_now = fresh.get(Center, center.id)
        assert (listing_now.description, listing_now.updated_at) == ("Open weekdays.", before)


def test_report_thank_you_page_says_the_listing_is_unchanged_until_review(web, create_center, session):
    center = published_center(create_center, session)
    response = web.post(
        report_url(center), data={"kind": "closed", "details": "Closed in May."}, follow_redirects=True
    )
    assert response.status_code == 200
    page = text_of(response)
    assert "staff will review" in page
    assert "stays as it is until" in page


def test_reporter_email_is_optional(forms_app, web, create_center, session):
    center = published_center(create_center, session)
    assert web.post(report_url(center), data={"kind": "other", "details": "Wrong name."}).status_code == 303
    with fresh_session(forms_app) as fresh:
        assert fresh.scalars(select(Correction.reporter_email)).one() is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"details": "Wrong phone."}, "Choose what is wrong."),
        ({"kind": "", "details": "Wrong phone."}, "Choose what is wrong."),
        ({"kind": "price", "details": "Wrong phone."}, "Choose one of the listed kinds of problem."),
        ({"kind": "contact"}, "Tell us what is wrong."),
        ({"kind": "contact", "details": "x" * 5001}, "Length must be between 1 and 5000."),
        ({"kind": "contact", "details": "Wrong.", "reporter_email": "sam@"}, "Must be an e-mail address"),
        ({"kind": "contact\x07", "details": "Wrong."}, "Choose one of the listed kinds of problem."),
        ({"kind": "contact", "details": "x" * 100_000}, "Length must be between 1 and 5000."),
    ],
)
def test_invalid_report_gets_its_message_and_nothing_is_stored(
    forms_app, web, create_center, session, data, message
):
    center = published_center(create_center, session)
    response = web.post(report_url(center), data=data)
    assert response.status_code == 400
    assert message in text_of(response)
    assert count(forms_app, Correction) == 0


def test_report_with_invalid_utf8_gets_400(forms_app, web, create_center, session):
    center = published_center(create_center, session)
    response = web.post(report_url(center), data=b"kind=contact&details=%FF%FE", content_type=FORM_CONTENT)
    assert response.status_code == 400
    assert UNREADABLE_TEXT in text_of(response)
    assert count(forms_app, Correction) == 0


def test_report_honeypot_gets_the_thank_you_page_and_stores_nothing(forms_app, web, create_center, session):
    center = published_center(create_center, session)
    data = {"kind": "contact", "details": "Buy now", "homepage": "spam"}
    response = web.post(report_url(center), data=data)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/report/thanks")
    assert count(forms_app, Correction) == 0
    assert count(forms_app, AuditEvent) == 0


def test_report_rate_limit_gets_a_429_page(forms_app, web, create_center, session):
    forms_app.config["REPORT_RATE_LIMIT"] = "1 per minute"
    center = published_center(create_center, session)
    assert web.post(report_url(center), data={"kind": "other", "details": "One."}).status_code == 303
    response = web.post(report_url(center), data={"kind": "other", "details": "Two."})
    assert response.status_code == 429
    assert "Too many attempts" in text_of(response)
    assert count(forms_app, Correction) == 1


def test_report_requires_a_csrf_token(forms_app, create_center, session):
    forms_app.config["WTF_CSRF_ENABLED"] = True
    center = published_center(create_center, session)
    client = forms_app.test_client()
    refused = client.post(report_url(center), data={"kind": "other", "details": "Wrong."})
    assert refused.status_code == 400
    assert "Your form expired, please try again" in text_of(refused)
    token = CSRF_INPUT.search(client.get(report_url(center)).get_data(as_text=True)).group(1)
    data = {"kind": "other", "details": "Wrong.", "csrf_token": token}
    assert client.post(report_url(center), data=data).status_code == 303
    assert count(forms_app, Correction) == 1


@pytest.mark.parametrize("status", [ListingStatus.DRAFT, ListingStatus.PENDING, ListingStatus.SUSPENDED])
def test_report_is_not_found_for_a_listing_the_public_cannot_see(
    forms_app, web, create_center, session, status
):
    center = create_center(status=status)
    session.commit()
    assert web.get(report_url(center)).status_code == 404
    assert web.post(report_url(center), data={"kind": "other", "details": "x"}).status_code == 404
    assert web.get(f"{report_url(center)}/thanks").status_code == 404
    assert count(forms_app, Correction) == 0


@pytest.mark.parametrize("slug", ["no-such-center", "%00", "%FF%FE", "x" * 300, "UPPER", "a--b"])
def test_report_is_not_found_for_an_unknown_or_malformed_slug(web, vocabulary, slug):
    assert web.get(f"/centers/{slug}/report").status_code == 404
    assert web.post(f"/centers/{slug}/report", data={"kind": "other", "details": "x"}).status_code == 404


def test_closed_listing_can_be_reported(web, create_center, session):
    center = create_center(status=ListingStatus.CLOSED)
    session.commit()
    assert web.get(report_url(center)).status_code == 200


# -- operations and privacy --------------------------------------------------------------------


def test_staff_resolve_a_report_once(forms_app, web, create_center, session):
    center = published_center(create_center, session)
    web.post(report_url(center), data={"kind": "address", "details": "Moved to 12 Elm St."})
    staff = User(email="admin@example.org", role=Role.ADMIN)
    staff.set_password("not-used-here")
    session.add(staff)
    correction = session.scalars(select(Correction)).one()
    resolve_correction(
        session, correction, CorrectionStatus.ACCEPTED, actor=staff, reason="Checked by phone."
    )
    session.commit()
    with fresh_session(forms_app) as fresh:
        stored = fresh.get(Correction, correction.id)
        assert (stored.status, stored.resolved_by) == (CorrectionStatus.ACCEPTED, staff.id)
        assert stored.resolved_at is not None
        actions = fresh.scalars(select(AuditEvent.action).order_by(AuditEvent.occurred_at)).all()
        assert actions == ["correction.reported", "correction.accepted"]
    with pytest.raises(OperationError, match="already accepted"):
        resolve_correction(session, correction, CorrectionStatus.REJECTED, actor=staff)


def test_only_an_admin_resolves_a_report_and_a_refusal_writes_no_audit_event(web, create_center, session):
    center = published_center(create_center, session)
    web.post(report_url(center), data={"kind": "address", "details": "Moved to 12 Elm St."})
    specialist = User(email="specialist@example.org", role=Role.SPECIALIST)
    specialist.set_password("not-used-here")
    session.add(specialist)
    session.flush()
    correction = session.scalars(select(Correction)).one()
    with pytest.raises(PermissionDenied, match="Only an admin can close a report"):
        resolve_correction(session, correction, CorrectionStatus.ACCEPTED, actor=specialist)
    assert correction.status is CorrectionStatus.NEW
    actions = session.scalars(select(AuditEvent.action)).all()
    assert actions == ["correction.reported"]


def test_submitted_values_are_not_logged(web, vocabulary, caplog):
    caplog.set_level(logging.DEBUG)
    web.post(LIST_URL, data=listing())
    web.post(LIST_URL, data=listing(state="ZZ", contact_email="dana@"))
    logged = caplog.text.lower()
    assert "dana" not in logged
    assert "wasatch" not in logged


# -- list your center: limits, license, proof, markup, ZIP and state -----------------------------


TEXT_TYPES = {"text", "email", "url", "tel"}


def test_every_text_input_has_the_maxlength_of_its_schema_field(web, vocabulary):
    """Each input and textarea carries the schema's own limit, so typing stops where the check would."""
    limits = {
        name: min(v.max for v in field.validators if isinstance(v, validate.Length) and v.max is not None)
        for name, field in ListingSubmissionInput().fields.items()
        if any(isinstance(v, validate.Length) and v.max is not None for v in field.validators)
    }
    page = Controls(web.get(LIST_URL).get_data(as_text=True))
    texts = [
        c
        for c in page.controls
        if (c["tag"] == "textarea" or c.get("type") in {"text", "email", "url", "tel"})
        and c["id"] != "homepage"
    ]
    assert {c["id"] for c in texts} == set(ListingForm.text_fields) - {"state", "license_state"}
    for control in texts:
        assert control.get("maxlength") == str(limits[control["id"] or ""]), control["id"]
    assert limits["name"] == 200 and limits["license_number"] == 60 and limits["therapy_proof"] == 1000


def test_license_and_proof_are_stored_where_staff_read_them(forms_app, web):
    proof = "See https://wasatch-ketamine.example/services: Dr. Lee prescribes Spravato."
    assert web.post(LIST_URL, data=listing(license_state="ut", therapy_proof=proof)).status_code == 303
    with fresh_session(forms_app) as session:
        center = session.scalars(select(Center)).one()
        assert (center.license_number, center.license_state) == ("KC-20417", "UT")
        assert session.scalars(select(ListingSubmission.therapy_proof)).one() == proof
        event = session.scalars(select(AuditEvent)).one()
        assert event.after["license_number"] == "KC-20417" and "therapy_proof" not in event.after


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("<b>Calm</b> Clinic", "calm-clinic-salt-lake-city-ut"),
        ("<script>alert('x')</script> Calm", "alert-x-calm-salt-lake-city-ut"),
        ('Calm "Quiet" Clinic & Co', "calm-quiet-clinic-co-salt-lake-city-ut"),
    ],
)
def test_markup_in_the_name_is_stored_as_typed_and_left_out_of_the_slug(forms_app, web, name, slug):
    assert web.post(LIST_URL, data=listing(name=name)).status_code == 303
    with fresh_session(forms_app) as session:
        center = session.scalars(select(Center)).one()
    assert center.name == name
    assert center.slug == slug
    assert not set("<>\"'&") & set(center.slug)


def test_markup_typed_in_the_name_is_escaped_when_the_form_comes_back(web, vocabulary):
    body = web.post(LIST_URL, data=listing(name="<b>Calm</b> <script>x()</script>", phone="")).get_data(
        as_text=True
    )
    assert "<script>x()" not in body and "<b>Calm" not in body
    assert "&lt;b&gt;Calm&lt;/b&gt; &lt;script&gt;x()&lt;/script&gt;" in body


def test_a_zip_code_the_data_does_not_know_is_accepted(forms_app, web):
    """New ZIP codes reach the zipcodes data late; staff review every listing, so none is turned away."""
    unknown = next(code for code in ("84099", "84098", "84097", "84096") if zip_state(code) is None)
    assert web.post(LIST_URL, data=listing(postal_code=unknown)).status_code == 303


def test_zip_plus_four_in_the_state_is_accepted_and_the_message_names_both_states(forms_app, web):
    body = text_of(web.post(LIST_URL, data=listing(state="CA", postal_code="84101")))
    assert (
        "The ZIP code 84101 is in Utah, not in California. Check the ZIP code, or choose its state." in body
    )
    assert 'id="postal_code-error"' in body
    assert web.post(LIST_URL, data=listing(state="ut", postal_code="84101-1234")).status_code == 303


def test_the_form_says_a_licensed_provider_is_needed(web, vocabulary):
    body = text_of(web.get(LIST_URL))
    assert "licensed provider" in body
    assert "How can we confirm the center offers these therapies?" in body


def test_migration_0010_adds_the_proof_column_and_removes_it_again(tmp_path):
    url = f"sqlite:///{tmp_path / 'proof.sqlite3'}"
    upgrade_database(url)
    engine = make_engine(url)
    try:
        assert "therapy_proof" in {c["name"] for c in inspect(engine).get_columns("listing_submissions")}
        command.downgrade(alembic_config(url), "0009")
        assert "therapy_proof" not in {c["name"] for c in inspect(engine).get_columns("listing_submissions")}
        upgrade_database(url)
        assert "therapy_proof" in {c["name"] for c in inspect(engine).get_columns("listing_submissions")}
    finally:
        engine.dispose()
