"""The admin pages at /admin/api-tokens: issue (shown once), list with use counts, revoke; admins only."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from directory.models import ApiToken, AuditEvent, Role, utcnow
from directory.operations.api_tokens import authenticate_token
from tests.staff_accounts import add_staff, csrf_token, database, sign_in

ADMIN = "admin@example.org"
SPECIALIST = "specialist@example.org"
SHOWN = re.compile(r'id="new-token-value" type="text" readonly value="(dtk_[A-Za-z0-9_\-]+)"')


@pytest.fixture
def admin(app: Flask, client: FlaskClient) -> FlaskClient:
    """A client signed in as an admin (a specialist exists too)."""
    with database(app) as session:
        add_staff(session, ADMIN, Role.ADMIN)
        add_staff(session, SPECIALIST)
    assert sign_in(client, ADMIN).status_code == 303
    return client


def post(client: FlaskClient, url: str, data: dict[str, str] | None = None):
    """Post an admin form with a fresh CSRF token from the tokens page."""
    return client.post(url, data={**(data or {}), "csrf_token": csrf_token(client, "/admin/api-tokens")})


def issue(client: FlaskClient, name: str = "County 211 line", scope: str = "public", days: int = 30):
    """Issue a token through the form; return the response and the token it shows."""
    last_day = (utcnow().date() + timedelta(days=days)).isoformat()
    response = post(client, "/admin/api-tokens/new", {"name": name, "scope": scope, "expires_on": last_day})
    match = SHOWN.search(response.get_data(as_text=True))
    return response, match.group(1) if match else None


def stored_token(app: Flask) -> ApiToken:
    with database(app) as session:
        token = session.scalar(select(ApiToken))
        session.expunge(token)
        return token


def test_issuing_shows_the_token_once_and_never_again(app, admin):
    response, raw = issue(admin, scope="staff")
    assert response.status_code == 200 and raw is not None
    assert "no-store" in response.headers["Cache-Control"]
    page = html.unescape(response.get_data(as_text=True))
    assert "shown only on this page" in page and "County 211 line" in page
    again = admin.get("/admin/api-tokens").get_data(as_text=True)
    assert raw not in again and raw[12:] not in again
    assert stored_token(app).prefix in again and "County 211 line" in again
    cookie = admin.get_cookie("session")
    serializer = app.session_interface.get_signing_serializer(app)
    assert raw not in str(serializer.loads(cookie.value))  # no flash or anything else holds it
    with database(app) as session:
        client = authenticate_token(session, raw, utcnow().date())
        assert client is not None and client.may_read_staff


def test_the_list_shows_scope_dates_status_and_uses_of_the_last_30_days(app, admin):
    _response, raw = issue(admin, days=10)
    with database(app) as session:
        for _ in range(3):
            authenticate_token(session, raw, utcnow().date())
        session.commit()
    page = html.unescape(admin.get("/admin/api-tokens").get_data(as_text=True))
    row = re.search(r"<tr>\s*<th scope=\"row\">County 211 line</th>(.*?)</tr>", page, re.S).group(1)
    cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
    token = stored_token(app)
    assert cells[0] == "public read"
    assert cells[1] == f"{token.prefix}…"
    assert cells[5] == "3"
    assert cells[6] == "active"
    assert cells[7].startswith("Revoke")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "scope": "public", "days": 5}, "Give the token a name"),
        ({"name": "Partner", "scope": "root", "days": 5}, "Not a valid choice"),
        ({"name": "Partner", "scope": "public", "days": -1}, "cannot be in the past"),
        ({"name": "Partner", "scope": "public", "days": 400}, "at most 365 days"),
    ],
)
def test_bad_input_is_named_on_its_field_and_issues_nothing(app, admin, data, message):
    response, raw = issue(admin, data["name"], data["scope"], data["days"])
    assert response.status_code == 400 and raw is None
    page = html.unescape(response.get_data(as_text=True))
    assert "There is a problem" in page and message in page and 'aria-invalid="true"' in page
    with database(app) as session:
        assert session.scalar(select(ApiToken)) is None
        assert session.scalar(select(AuditEvent).where(AuditEvent.action.like("api_token.%"))) is None


def test_an_unreadable_date_says_which_format_to_use(admin):
    response = post(
        admin, "/admin/api-tokens/new", {"name": "Partner", "scope": "public", "expires_on": "soon"}
    )
    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.get_data(as_text=True)


def test_revoking_asks_first_then_stops_the_token(app, admin):
    _response, raw = issue(admin)
    token = stored_token(app)
    confirm = admin.get(f"/admin/api-tokens/{token.id}/revoke")
    assert confirm.status_code == 200
    assert "cannot be undone" in confirm.get_data(as_text=True)
    assert stored_token(app).revoked_at is None  # asking changes nothing
    done = post(admin, f"/admin/api-tokens/{token.id}/revoke")
    assert (done.status_code, done.location) == (303, "/admin/api-tokens")
    page = html.unescape(admin.get("/admin/api-tokens").get_data(as_text=True))
    assert "is revoked: it no longer works" in page and "revoked on" in page
    with database(app) as session:
        assert authenticate_token(session, raw, utcnow().date()) is None
        actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.occurred_at)).all()
    assert [a for a in actions if a.startswith("api_token")] == ["api_token.issued", "api_token.revoked"]
    twice = post(admin, f"/admin/api-tokens/{token.id}/revoke")
    assert twice.status_code == 409 and "already revoked" in html.unescape(twice.get_data(as_text=True))


def test_revoking_without_the_csrf_token_changes_nothing(app, admin):
    issue(admin)
    token = stored_token(app)
    refused = admin.post(f"/admin/api-tokens/{token.id}/revoke")
    assert refused.status_code == 400 and "form expired" in refused.get_data(as_text=True)
    assert stored_token(app).revoked_at is None


def test_an_unknown_token_is_404(admin):
    assert admin.get("/admin/api-tokens/00000000-0000-4000-8000-000000000000/revoke").status_code == 404


def test_specialists_are_refused_and_anonymous_visitors_sent_to_sign_in(app, admin):
    issue(admin)
    token = stored_token(app)
    specialist = app.test_client()
    assert sign_in(specialist, SPECIALIST).status_code == 303
    anonymous = app.test_client()
    paths = ("/admin/api-tokens", f"/admin/api-tokens/{token.id}/revoke")
    for path in paths:
        assert specialist.get(path).status_code == 403
        response = anonymous.get(path)
        assert response.status_code == 302 and response.location.startswith("/staff/login")
    form = {"name": "Sneaky", "scope": "staff", "expires_on": utcnow().date().isoformat()}
    assert specialist.post("/admin/api-tokens/new", data=form).status_code == 403
    assert specialist.post(paths[1]).status_code == 403
    assert anonymous.post("/admin/api-tokens/new", data=form).location.startswith("/staff/login")
    assert stored_token(app).revoked_at is None
    with database(app) as session:
        assert len(session.scalars(select(ApiToken)).all()) == 1


def test_the_admin_navigation_links_to_the_tokens(admin):
    page = admin.get("/admin/api-tokens").get_data(as_text=True)
    assert '<a href="/admin/api-tokens" aria-current="page">API tokens</a>' in page


def test_the_audit_trail_lists_issuing_and_revoking_without_the_token(app, admin):
    _response, raw = issue(admin)
    token = stored_token(app)
    post(admin, f"/admin/api-tokens/{token.id}/revoke")
    trail = admin.get("/admin/audit?action=api_token.*")
    page = trail.get_data(as_text=True)
    assert trail.status_code == 200
    assert "api_token.issued" in page and "api_token.revoked" in page
    assert raw not in page and raw[12:] not in page
