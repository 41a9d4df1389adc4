"""Staff sign-in: passwords, lockout, rate limits, CSRF, safe redirects, and sessions that end."""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Iterator
from http.cookies import SimpleCookie

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from test_rate_limits import REDIS_URL, redis_reachable

from directory import create_app
from directory.auth import lockout
from directory.auth.accounts import LAST_SEEN_KEY, LAST_SEEN_REFRESH_SECONDS
from directory.auth.redirects import safe_next
from directory.config import ConfigError
from directory.models import AuditEvent, Role, User
from directory.models import users as user_model
from directory.operations import sign_in as sign_in_operations
from tests.staff_accounts import PASSWORD, add_staff, csrf_token, database, sign_in

EMAIL = "specialist@example.org"
NEW_PASSWORD = "a much longer new passphrase"
SAME_ANSWER = "That e-mail address and password do not match an active staff account."


@pytest.fixture
def specialist(app: Flask) -> User:
    """An active specialist account."""
    with database(app) as session:
        return add_staff(session, EMAIL)


def actions(app: Flask) -> list[str]:
    """Return the audit trail's actions on staff accounts, oldest first."""
    query = select(AuditEvent.action).where(AuditEvent.record_type == "user").order_by(AuditEvent.occurred_at)
    with database(app) as session:
        return list(session.scalars(query))


def signed_in(client: FlaskClient) -> bool:
    """Whether the client's session opens the staff home page."""
    return client.get("/staff/").status_code == 200


def deactivate(app: Flask, email: str) -> None:
    """Deactivate an account (as an admin's deactivation will)."""
    with database(app) as session:
        session.scalar(select(User).where(User.email == email)).active = False
        session.commit()


# -- signing in ---------------------------------------------------------------------------------


def test_right_password_signs_in_and_opens_the_staff_home(client, app, specialist):
    response = sign_in(client, EMAIL)
    assert response.status_code == 303
    assert response.location == "/staff/"
    home = client.get("/staff/").get_data(as_text=True)
    assert EMAIL in home and "Specialist" in home
    assert 'action="/staff/search"' in home
    assert actions(app) == ["user.created", "user.signed_in"]


def test_wrong_password_and_unknown_email_get_the_same_answer(client, app, specialist):
    wrong = sign_in(client, EMAIL, "not the password at all")
    unknown = sign_in(client, "nobody@example.org", PASSWORD)
    assert wrong.status_code == unknown.status_code == 400
    for response in (wrong, unknown):
        assert SAME_ANSWER in response.get_data(as_text=True)
    assert not signed_in(client)
    assert actions(app) == ["user.created"]


def test_unknown_email_costs_one_password_check_like_a_wrong_password(client, specialist, monkeypatch):
    checks: list[str] = []
    real_check = sign_in_operations.check_password_hash

    def counting_check(pwhash: str, password: str) -> bool:
        checks.append(pwhash.split("$", 1)[0])
        return real_check(pwhash, password)

    monkeypatch.setattr(sign_in_operations, "check_password_hash", counting_check)
    monkeypatch.setattr(user_model, "check_password_hash", counting_check)
    sign_in(client, EMAIL, "not the password at all")
    sign_in(client, "nobody@example.org", PASSWORD)
    assert len(checks) == 2
    assert checks[0] == checks[1]  # the same hashing method, so the same work


def test_email_is_matched_whatever_its_case(client, specialist):
    assert sign_in(client, "  Specialist@Example.ORG ").status_code == 303


def test_missing_fields_are_named(client, specialist):
    response = client.post("/staff/login", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Enter your e-mail address." in page and "Enter your password." in page


def test_sign_in_without_a_csrf_token_is_refused(client, specialist):
    response = client.post("/staff/login", data={"email": EMAIL, "password": PASSWORD})
    assert response.status_code == 400
    assert "Your form expired" in response.get_data(as_text=True)
    assert not signed_in(client)


def test_nothing_typed_into_the_form_reaches_the_log(client, specialist, caplog):
    caplog.set_level(logging.DEBUG)
    sign_in(client, EMAIL, "secret-typo-password")
    sign_in(client, "nobody-secret@example.org", PASSWORD)
    for typed in ("secret-typo-password", "nobody-secret", PASSWORD, EMAIL):
        assert typed not in caplog.text


# -- lockout and rate limits --------------------------------------------------------------------


def test_repeated_failures_lock_the_account_even_for_the_right_password(client, app, specialist):
    for _ in range(5):
        assert sign_in(client, EMAIL, "wrong password here").status_code == 400
    locked = sign_in(client, EMAIL)
    assert locked.status_code == 429
    assert "sign-in is paused for 15 minutes" in locked.get_data(as_text=True)
    assert not signed_in(client)
    assert actions(app).count("user.sign_in_locked") == 1
    with database(app) as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "user.sign_in_locked"))
    assert event.record_id == str(specialist.id) and event.after == {"locked_minutes": 15}


def test_an_unknown_email_locks_the_same_way(client, specialist):
    answers = [sign_in(client, "nobody@example.org", "wrong password here").status_code for _ in range(6)]
    assert answers == [400] * 5 + [429]
    assert sign_in(client, EMAIL).status_code == 303  # other accounts are not affected


def test_a_successful_sign_in_forgets_earlier_failures(app, client, specialist):
    for _ in range(4):
        sign_in(client, EMAIL, "wrong password here")
    assert sign_in(client, EMAIL).status_code == 303
    other = app.test_client()
    for _ in range(4):
        assert sign_in(other, EMAIL, "wrong password here").status_code == 400
    assert sign_in(other, EMAIL).status_code == 303


def test_sign_in_is_rate_limited_per_address(app, client, specialist):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    here = {"REMOTE_ADDR": "192.0.2.10"}
    statuses = [sign_in(client, f"n{i}@example.org", "wrong one", **here).status_code for i in range(4)]
    assert statuses == [400, 400, 400, 429]
    response = sign_in(client, EMAIL, **here)
    assert response.status_code == 429 and "Retry-After" in response.headers
    assert "Too many sign-in attempts" in response.get_data(as_text=True)
    assert sign_in(client, EMAIL, REMOTE_ADDR="192.0.2.11").status_code == 303


def test_sign_in_is_rate_limited_per_account(app, client, specialist):
    app.config["LOGIN_ACCOUNT_RATE_LIMIT"] = "2 per minute"
    first = sign_in(client, EMAIL, "wrong password here", REMOTE_ADDR="192.0.2.20").status_code
    second = sign_in(client, EMAIL, "wrong password here", REMOTE_ADDR="192.0.2.21").status_code
    third = sign_in(client, EMAIL, REMOTE_ADDR="192.0.2.22").status_code
    assert (first, second, third) == (400, 400, 429)
    other_account = sign_in(client, "other@example.org", "wrong one", REMOTE_ADDR="192.0.2.23")
    assert other_account.status_code == 400


# -- where to go after signing in ---------------------------------------------------------------

OFF_SITE = [
    "//evil.example",
    "https://evil.example/",
    "http:/evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/staff/\\..\\//evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/ /evil.example",
    "javascript:alert(1)",
    "evil.example",
    "",
]


@pytest.mark.parametrize("target", OFF_SITE)
def test_next_off_this_site_is_refused(client, specialist, target):
    response = sign_in(client, EMAIL, next_url=target)
    assert response.status_code == 303
    assert response.location == "/staff/"


@pytest.mark.parametrize("target", ["/staff/search?q=ketamine&near=84101", "/admin/", "/centers/x"])
def test_next_on_this_site_is_followed(client, specialist, target):
    assert sign_in(client, EMAIL, next_url=target).location == target


def test_the_login_redirect_carries_the_page_asked_for(client, specialist):
    response = client.get("/staff/search?q=ketamine")
    assert response.status_code == 302
    assert response.location == "/staff/login?next=/staff/search?q%3Dketamine"
    form = client.get(response.location).get_data(as_text=True)
    assert 'name="next" type="hidden" value="/staff/search?q=ketamine"' in form


def test_safe_next_accepts_only_site_paths():
    assert safe_next("/staff/") == "/staff/"
    assert all(safe_next(target) is None for target in [*OFF_SITE, "/\x00", "/\u200b/evil.example"])
    assert safe_next("/" + "a" * 3000) is None


# -- sessions that end --------------------------------------------------------------------------


def test_a_deactivated_account_cannot_sign_in(client, app, specialist):
    deactivate(app, EMAIL)
    response = sign_in(client, EMAIL)
    assert response.status_code == 400
    assert SAME_ANSWER in response.get_data(as_text=True)


def test_deactivation_ends_open_sessions_on_the_next_request(client, app, specialist):
    sign_in(client, EMAIL)
    assert signed_in(client)
    deactivate(app, EMAIL)
    response = client.get("/staff/")
    assert response.status_code == 302 and response.location.startswith("/staff/login")
    assert "Your session has ended" in client.get(response.location).get_data(as_text=True)


def test_sign_out_ends_the_session_and_is_audited(client, app, specialist):
    sign_in(client, EMAIL)
    token = csrf_token(client, "/staff/")
    assert client.get("/staff/logout").status_code == 405
    response = client.post("/staff/logout", data={"csrf_token": token})
    assert response.status_code == 303
    assert not signed_in(client)
    assert actions(app)[-1] == "user.signed_out"


def test_sign_out_needs_the_csrf_token(client, specialist):
    sign_in(client, EMAIL)
    assert client.post("/staff/logout").status_code == 400
    assert signed_in(client)


def test_changing_the_password_rehashes_it_and_ends_other_sessions(app, client, specialist):
    other = app.test_client()
    sign_in(client, EMAIL)
    sign_in(other, EMAIL)
    old_hash = specialist.password_hash
    data = {
        "csrf_token": csrf_token(client, "/staff/password"),
        "current_password": PASSWORD,
        "new_password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD,
    }
    response = client.post("/staff/password", data=data)
    assert response.status_code == 303
    assert "Your password is changed" in client.get("/staff/").get_data(as_text=True)
    assert not signed_in(other)
    with database(app) as session:
        user = session.get(User, specialist.id)
        assert user.password_hash != old_hash and user.check_password(NEW_PASSWORD)
    assert "user.password_changed" in actions(app)
    fresh = app.test_client()
    assert sign_in(fresh, EMAIL).status_code == 400
    assert sign_in(fresh, EMAIL, NEW_PASSWORD).status_code == 303


@pytest.mark.parametrize(
    ("current", "new", "confirm", "message"),
    [
        ("not the password at all", NEW_PASSWORD, NEW_PASSWORD, "Your current password is not correct."),
        (PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x", "The two new passwords differ."),
        (PASSWORD, "short", "short", "Use 12 to 200 characters."),
        (PASSWORD, PASSWORD, PASSWORD, "Choose a new password different from the current one."),
    ],
)
def test_a_refused_password_change_says_why_and_changes_nothing(
    client, app, specialist, current, new, confirm, message
):
    sign_in(client, EMAIL)
    data = {
        "csrf_token": csrf_token(client, "/staff/password"),
        "current_password": current,
        "new_password": new,
        "confirm_password": confirm,
    }
    response = client.post("/staff/password", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with database(app) as session:
        assert session.get(User, specialist.id).check_password(PASSWORD)
    assert "user.password_changed" not in actions(app)


def test_a_session_idle_longer_than_the_limit_is_refused(client, specialist):
    sign_in(client, EMAIL)
    with client.session_transaction() as stored:
        stored[LAST_SEEN_KEY] -= 8 * 3600 + 60
    response = client.get("/staff/")
    assert response.status_code == 302 and response.location.startswith("/staff/login")
    page = client.get(response.location).get_data(as_text=True)
    assert "signed out after 8 hours without activity" in page
    assert not signed_in(client)


def test_activity_within_a_minute_leaves_the_session_cookie_alone(client, specialist):
    sign_in(client, EMAIL)
    client.get("/staff/")
    response = client.get("/staff/")
    assert response.status_code == 200
    assert not response.headers.getlist("Set-Cookie")  # nothing to re-sign: last seen is fresh
    with client.session_transaction() as stored:
        stored[LAST_SEEN_KEY] -= LAST_SEEN_REFRESH_SECONDS
        before = stored[LAST_SEEN_KEY]
    response = client.get("/staff/")
    assert response.headers.getlist("Set-Cookie")
    with client.session_transaction() as stored:
        assert stored[LAST_SEEN_KEY] >= before + LAST_SEEN_REFRESH_SECONDS


def test_the_idle_limit_is_configurable_and_activity_renews_it(app, client, specialist):
    app.config["STAFF_SESSION_IDLE_HOURS"] = 1
    sign_in(client, EMAIL)
    with client.session_transaction() as stored:
        stored[LAST_SEEN_KEY] -= 50 * 60
    assert signed_in(client)  # 50 minutes idle: still open, and the clock starts again
    with client.session_transaction() as stored:
        stored[LAST_SEEN_KEY] -= 50 * 60
    assert signed_in(client)
    with client.session_transaction() as stored:
        stored[LAST_SEEN_KEY] -= 61 * 60
    assert not signed_in(client)


def test_the_idle_limit_comes_from_the_environment(monkeypatch, database_url, tmp_path):
    monkeypatch.setenv("STAFF_SESSION_IDLE_HOURS", "0.5")
    config = {"DATABASE_URL": database_url, "SECRET_KEY": "t", "SEARCH_INDEX_DIR": str(tmp_path)}
    app = create_app(config)
    app.extensions["database"].dispose()
    assert app.config["STAFF_SESSION_IDLE_HOURS"] == 0.5
    monkeypatch.setenv("STAFF_SESSION_IDLE_HOURS", "eight")
    with pytest.raises(ConfigError, match="STAFF_SESSION_IDLE_HOURS must be a number of hours"):
        create_app(config)


def test_a_signed_in_visit_to_the_login_page_goes_on(client, specialist):
    sign_in(client, EMAIL)
    assert client.get("/staff/login?next=/staff/search").location == "/staff/search"


# -- staff pages --------------------------------------------------------------------------------


def test_staff_pages_are_never_cached_nor_indexed(client, specialist):
    sign_in(client, EMAIL)
    for url in ("/staff/", "/staff/password", "/staff/login", "/staff/search?q=x"):
        response = client.get(url, follow_redirects=True)
        assert response.headers["Cache-Control"] == "private, no-store"
        assert response.headers["X-Robots-Tag"] == "noindex"
        assert '<meta name="robots" content="noindex">' in response.get_data(as_text=True)


def test_the_home_page_shows_an_admin_their_extra_page(client, app):
    with database(app) as session:
        add_staff(session, "admin@example.org", Role.ADMIN)
    sign_in(client, "admin@example.org")
    page = client.get("/staff/").get_data(as_text=True)
    assert "Admin" in page and 'href="/admin/users"' in page


@pytest.fixture
def production(monkeypatch, database_url: str, tmp_path) -> Iterator[Flask]:
    """A production app on the test database."""
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    monkeypatch.delenv("TRUSTED_HOSTS", raising=False)
    app = create_app(
        {
            "DIRECTORY_ENV": "production",
            "SECRET_KEY": "production-tests",
            "PUBLIC_BASE_URL": "https://directory.example.org",
            "DATABASE_URL": database_url,
            "SEARCH_INDEX_DIR": str(tmp_path / "index"),
        }
    )
    yield app
    app.extensions["database"].dispose()


def test_the_staff_session_cookie_is_secure_http_only_and_lax_in_production(production, app, specialist):
    client = production.test_client()
    site = "https://directory.example.org"
    token = csrf_token_at(client, site)
    response = client.post(
        "/staff/login",
        data={"email": EMAIL, "password": PASSWORD, "csrf_token": token},
        base_url=site,
        headers={"Referer": f"{site}/staff/login"},
    )
    assert response.status_code == 303
    cookies = [value for value in response.headers.getlist("Set-Cookie") if value.startswith("session=")]
    morsel = SimpleCookie(cookies[0])["session"]
    assert morsel["secure"] is True and morsel["httponly"] is True and morsel["samesite"] == "Lax"


def csrf_token_at(client: FlaskClient, base_url: str) -> str:
    """Return the sign-in form's CSRF token, fetched from ``base_url``."""
    from staff_accounts import CSRF_INPUT

    page = client.get("/staff/login", base_url=base_url).get_data(as_text=True)
    return CSRF_INPUT.search(page).group(1)


# -- lockout shared through Redis ---------------------------------------------------------------


@pytest.fixture
def redis_apps(database_url: str, tmp_path) -> Iterator[list[Flask]]:
    """Create apps counting in Redis (skipped where Redis is not running, a failure under CI)."""
    if not redis_reachable():
        if os.environ.get("CI") == "true":
            pytest.fail("Redis is not answering at 127.0.0.1:6379; .ci/run starts it")
        pytest.skip("Redis is not running at 127.0.0.1:6379")
    apps: list[Flask] = []
    yield apps
    for app in apps:
        app.extensions["database"].dispose()


def redis_app(database_url: str, tmp_path) -> Flask:
    """Return an app whose rate limits and lockouts live in Redis."""
    return create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "shared-by-both-instances",
            "SEARCH_INDEX_DIR": str(tmp_path / "index"),
            "RATELIMIT_STORAGE_URI": REDIS_URL,
            "LOGIN_RATE_LIMIT": "1000 per minute",  # Redis outlives test runs: count only the lock here
        }
    )


def test_failures_are_counted_in_redis_across_instances(redis_apps, database_url, tmp_path):
    email = f"nobody-{secrets.token_hex(4)}@example.org"  # a key of this run alone in the shared store
    first = redis_app(database_url, tmp_path)
    redis_apps.append(first)
    client = first.test_client()
    assert [sign_in(client, email, "wrong one").status_code for _ in range(3)] == [400] * 3
    second = redis_app(database_url, tmp_path)  # a new instance: nothing in its memory
    redis_apps.append(second)
    client = second.test_client()
    assert [sign_in(client, email, "wrong one").status_code for _ in range(3)] == [400, 400, 429]
    with second.test_request_context():
        lockout.clear_failures(email)
