"""Staff accounts at /admin/users: invitations, temporary passwords, roles, deactivation, the last admin."""

from __future__ import annotations

import hashlib
import html
import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from directory.config import ConfigError
from directory.models import AuditEvent, Role, StaffInvitation, User, utcnow
from directory.operations import staff_accounts as operations
from directory.operations.errors import OperationError, PermissionDenied
from tests.staff_accounts import add_staff, csrf_token, database, make_staff, sign_in

ADMIN = "admin@example.org"
SPECIALIST = "specialist@example.org"
NEW_PASSWORD = "a brand new passphrase here"
LINK = re.compile(r'value="(http://localhost/staff/invitation\?token=([A-Za-z0-9_\-]+))"')
TEMPORARY = re.compile(r'id="secret-value" type="text" readonly value="([a-z0-9\-]+)"')


@pytest.fixture
def admin(app: Flask, client: FlaskClient) -> FlaskClient:
    """A client signed in as the only admin (a specialist exists too)."""
    with database(app) as session:
        add_staff(session, ADMIN, Role.ADMIN)
        add_staff(session, SPECIALIST)
    assert sign_in(client, ADMIN).status_code == 303
    return client


def post(client: FlaskClient, url: str, data: dict[str, str] | None = None):
    """Post an admin form with a fresh CSRF token from the accounts page."""
    return client.post(url, data={**(data or {}), "csrf_token": csrf_token(client, "/admin/users")})


def account(app: Flask, email: str) -> User:
    with database(app) as session:
        user = session.scalar(select(User).where(User.email == email))
        session.expunge(user)
        return user


def events(app: Flask, action: str) -> list[AuditEvent]:
    with database(app) as session:
        found = list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))
        session.expunge_all()
        return found


def invite(client: FlaskClient, email: str = "new@example.org", role: str = "specialist") -> tuple[str, str]:
    """Create an account by invitation; return the link and its token as the page shows them."""
    response = post(client, "/admin/users/new", {"email": email, "role": role, "method": "invitation"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "This site sends no e-mail" in page
    match = LINK.search(page)
    assert match, "no invitation link on the page"
    return html.unescape(match.group(1)), match.group(2)


def set_password(client: FlaskClient, link: str, password: str = NEW_PASSWORD, token: str | None = None):
    """Open the invitation link and send its form."""
    page = client.get(link)
    form_token = token if token is not None else link.partition("token=")[2]
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True))
    csrf = match.group(1) if match else csrf_token(client)
    data = {"token": form_token, "new_password": password, "confirm_password": password, "csrf_token": csrf}
    return client.post("/staff/invitation", data=data)


# -- invitations ---------------------------------------------------------------------------------


def test_an_invitation_link_sets_the_password_once(app, admin):
    link, token = invite(admin)
    user = account(app, "new@example.org")
    assert user.role is Role.SPECIALIST and user.active and not user.must_change_password
    with database(app) as session:
        stored = session.scalar(select(StaffInvitation).where(StaffInvitation.user_id == user.id))
        assert stored.token_digest == hashlib.sha256(token.encode()).hexdigest()
        assert token not in stored.token_digest
    invited = events(app, "user.invited")
    assert len(invited) == 1 and token not in str(invited[0].after)

    newcomer = app.test_client()
    page = newcomer.get(link)
    assert page.status_code == 200 and "new@example.org" in page.get_data(as_text=True)
    response = set_password(newcomer, link)
    assert (response.status_code, response.location) == (303, "/staff/login")
    assert sign_in(newcomer, "new@example.org", NEW_PASSWORD).status_code == 303
    assert newcomer.get("/staff/").status_code == 200
    assert [e.record_id for e in events(app, "user.invitation_accepted")] == [str(user.id)]

    again = app.test_client().get(link)
    assert again.status_code == 404
    assert operations.INVALID_INVITATION in html.unescape(again.get_data(as_text=True))
    assert set_password(app.test_client(), link, "another long passphrase").status_code == 404
    assert sign_in(app.test_client(), "new@example.org", NEW_PASSWORD).status_code == 303


def test_expired_used_and_mistyped_tokens_get_the_same_answer_as_unknown_ones(app, admin):
    link, token = invite(admin)
    mistyped = link[:-1] + ("A" if link[-1] != "A" else "B")
    unknown = "http://localhost/staff/invitation?token=" + "x" * 43
    answers = {
        name: app.test_client().get(url) for name, url in (("mistyped", mistyped), ("unknown", unknown))
    }
    with database(app) as session:
        session.scalar(select(StaffInvitation)).expires_at = utcnow() - timedelta(minutes=1)
        session.commit()
    answers["expired"] = app.test_client().get(link)
    bodies = {name: response.get_data(as_text=True) for name, response in answers.items()}
    assert {response.status_code for response in answers.values()} == {404}
    assert bodies["expired"] == bodies["unknown"] == bodies["mistyped"]
    assert "new@example.org" not in bodies["expired"]
    assert set_password(app.test_client(), unknown, token="x" * 43).status_code == 404
    assert set_password(app.test_client(), link, token=token).status_code == 404  # expired: nothing set
    assert sign_in(app.test_client(), "new@example.org", NEW_PASSWORD).status_code == 400
    assert events(app, "user.invitation_accepted") == []


def test_the_invitation_page_without_a_token_explains_itself(client):
    page = client.get("/staff/invitation")
    assert page.status_code == 200
    assert "Open that link exactly as you received it" in page.get_data(as_text=True)
    refused = client.post("/staff/invitation", data={"csrf_token": csrf_token(client)})
    assert refused.status_code == 400


def test_a_new_invitation_link_replaces_the_unused_one(app, admin):
    first, _token = invite(admin)
    user = account(app, "new@example.org")
    response = post(admin, f"/admin/users/{user.id}/invite")
    assert response.status_code == 200
    second = html.unescape(LINK.search(response.get_data(as_text=True)).group(1))
    assert app.test_client().get(first).status_code == 404
    assert app.test_client().get(second).status_code == 200


def test_a_short_password_on_the_invitation_page_is_refused_and_the_link_still_works(app, admin):
    link, _token = invite(admin)
    newcomer = app.test_client()
    response = set_password(newcomer, link, "short")
    assert response.status_code == 400
    assert "Use 12 to 200 characters." in response.get_data(as_text=True)
    assert newcomer.get(link).status_code == 200


def test_an_invitation_for_a_deactivated_account_does_not_work(app, admin):
    link, _token = invite(admin)
    user = account(app, "new@example.org")
    assert post(admin, f"/admin/users/{user.id}/deactivate").status_code == 303
    assert app.test_client().get(link).status_code == 404


# -- temporary passwords ------------------------------------------------------------------------


def test_a_temporary_password_must_be_changed_before_any_staff_page(app, admin):
    response = post(
        admin, "/admin/users/new", {"email": "temp@example.org", "role": "admin", "method": "temporary"}
    )
    assert response.status_code == 200
    temporary = TEMPORARY.search(response.get_data(as_text=True)).group(1)
    assert len(temporary) >= 12
    assert account(app, "temp@example.org").must_change_password
    assert all(temporary not in str((e.before, e.after)) for e in events(app, "user.created"))

    person = app.test_client()
    assert sign_in(person, "temp@example.org", temporary).status_code == 303
    for path in ("/staff/", "/staff/search?q=ketamine", "/admin/users", "/admin/audit"):
        refused = person.get(path)
        assert (refused.status_code, refused.location) == (302, "/staff/password"), path
    assert person.post("/admin/users/new", data={}).location == "/staff/password"
    forced = person.get("/staff/password")
    assert forced.status_code == 200 and "temporary password" in forced.get_data(as_text=True)
    changed = person.post(
        "/staff/password",
        data={
            "current_password": temporary,
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
            "csrf_token": csrf_token(person, "/staff/password"),
        },
    )
    assert changed.status_code == 303
    assert person.get("/admin/users").status_code == 200
    assert not account(app, "temp@example.org").must_change_password
    (event,) = [e for e in events(app, "user.password_changed") if e.actor_label == "temp@example.org"]
    assert event.after == {"temporary_password_replaced": True}


# -- roles and deactivation -------------------------------------------------------------------


def test_a_role_change_applies_on_the_next_request_and_is_audited(app, admin):
    specialist = app.test_client()
    assert sign_in(specialist, SPECIALIST).status_code == 303
    assert specialist.get("/admin/users").status_code == 403
    user = account(app, SPECIALIST)
    response = post(admin, f"/admin/users/{user.id}/role", {"role": "admin"})
    assert response.status_code == 303
    assert f"{SPECIALIST} is now an admin." in admin.get(response.location).get_data(as_text=True)
    assert specialist.get("/admin/users").status_code == 200
    (event,) = events(app, "user.role_changed")
    assert (event.before, event.after, event.actor_label) == (
        {"role": "specialist"},
        {"role": "admin"},
        ADMIN,
    )


def test_an_unknown_role_is_refused_with_a_message(app, admin):
    user = account(app, SPECIALIST)
    response = post(admin, f"/admin/users/{user.id}/role", {"role": "owner"})
    assert response.status_code == 400
    assert "Choose a role from the list." in response.get_data(as_text=True)
    assert account(app, SPECIALIST).role is Role.SPECIALIST


def test_deactivation_ends_open_sessions_and_reactivation_does_not_revive_them(app, admin):
    open_now, idle_meanwhile = app.test_client(), app.test_client()
    for client in (open_now, idle_meanwhile):
        assert sign_in(client, SPECIALIST).status_code == 303
    user = account(app, SPECIALIST)
    assert post(admin, f"/admin/users/{user.id}/deactivate").status_code == 303
    response = open_now.get("/staff/search")
    assert response.status_code == 302 and response.location.startswith("/staff/login")
    assert sign_in(app.test_client(), SPECIALIST).status_code == 400
    assert post(admin, f"/admin/users/{user.id}/activate").status_code == 303
    assert idle_meanwhile.get("/staff/").status_code == 302  # its session ended with the deactivation
    assert sign_in(idle_meanwhile, SPECIALIST).status_code == 303
    assert idle_meanwhile.get("/staff/").status_code == 200
    assert [e.after for e in events(app, "user.deactivated")] == [{"active": False}]
    assert [e.after for e in events(app, "user.activated")] == [{"active": True}]


def test_the_last_active_admin_can_be_neither_deactivated_nor_demoted(app, admin):
    me = account(app, ADMIN)
    for url, data in (
        (f"/admin/users/{me.id}/deactivate", {}),
        (f"/admin/users/{me.id}/role", {"role": "specialist"}),
    ):
        response = post(admin, url, data)
        assert response.status_code == 400, url
        assert "is the last active admin" in html.unescape(response.get_data(as_text=True))
    assert account(app, ADMIN).active and account(app, ADMIN).role is Role.ADMIN
    assert events(app, "user.deactivated") == events(app, "user.role_changed") == []

    with database(app) as session:  # a deactivated admin does not count
        make_staff(session, Role.ADMIN, active=False)
        session.commit()
    assert post(admin, f"/admin/users/{me.id}/deactivate").status_code == 400
    with database(app) as session:
        other = make_staff(session, Role.ADMIN)
        session.commit()
        other_id = other.id
    assert post(admin, f"/admin/users/{other_id}/role", {"role": "specialist"}).status_code == 303
    assert post(admin, f"/admin/users/{me.id}/deactivate").status_code == 400
    with database(app) as session:
        session.get(User, other_id).role = Role.ADMIN
        session.commit()
    assert post(admin, f"/admin/users/{me.id}/deactivate").status_code == 303
    assert admin.get("/admin/users").status_code == 302  # signed out: this session has ended


def test_only_an_active_admin_may_change_accounts(session):
    specialist, target = make_staff(session), make_staff(session)
    before = session.scalar(select(func.count()).select_from(AuditEvent))
    with pytest.raises(PermissionDenied, match=r"Only an admin can deactivate staff accounts\."):
        operations.deactivate_account(session, target, actor=specialist)
    with pytest.raises(PermissionDenied, match=r"Only an admin can change roles\."):
        operations.change_role(session, target, Role.ADMIN, actor=specialist)
    former_admin = make_staff(session, Role.ADMIN, active=False)
    with pytest.raises(PermissionDenied, match="deactivated"):
        operations.invite_account(session, "x@example.org", Role.ADMIN, actor=former_admin, hours=72)
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == before
    assert target.active and target.role is Role.SPECIALIST


# -- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "not an address", "role": "specialist", "method": "invitation"}, "e-mail"),
        (
            {"email": "", "role": "specialist", "method": "invitation"},
            "Enter the person&#39;s e-mail address.",
        ),
        ({"email": "x@example.org", "role": "owner", "method": "invitation"}, "Not a valid choice"),
        ({"email": "x@example.org", "role": "admin", "method": "mail"}, "Not a valid choice"),
        ({"email": SPECIALIST, "role": "admin", "method": "temporary"}, "already exists"),
    ],
)
def test_a_refused_new_account_says_why(app, admin, data, message):
    response = post(admin, "/admin/users/new", data)
    assert response.status_code == 400
    assert message.lower() in response.get_data(as_text=True).lower()
    with database(app) as session:
        assert session.scalar(select(func.count()).select_from(User)) == 2


def test_unknown_accounts_answer_404(app, admin):
    assert post(admin, "/admin/users/00000000-0000-4000-8000-000000000000/deactivate").status_code == 404
    assert post(admin, "/admin/users/not-a-uuid/deactivate").status_code == 404


def test_a_form_without_its_token_is_refused_with_a_way_back(app, admin):
    user = account(app, SPECIALIST)
    response = admin.post(f"/admin/users/{user.id}/deactivate")
    assert response.status_code == 400
    assert "Your form expired" in response.get_data(as_text=True)
    assert account(app, SPECIALIST).active


def test_the_accounts_page_lists_status_and_says_no_mail_is_sent(app, admin):
    invite(admin, "pending@example.org")
    page = admin.get("/admin/users").get_data(as_text=True)
    assert "pending@example.org" in page and "invited (link works until" in page
    assert "This site sends no e-mail" in page
    assert f'{ADMIN} <span class="muted">(you)</span>' in page


def test_an_invitation_lifetime_that_is_not_one_stops_the_app(database_url, tmp_path):
    from directory import create_app

    with pytest.raises(ConfigError, match="STAFF_INVITATION_HOURS"):
        create_app(
            {
                "TESTING": True,
                "DATABASE_URL": database_url,
                "SECRET_KEY": "t",
                "SEARCH_INDEX_DIR": str(tmp_path),
                "STAFF_INVITATION_HOURS": "forever",
            }
        )


# -- the command line ---------------------------------------------------------------------------


def test_users_deactivate_and_activate_on_the_command_line(app, runner, session):
    add_staff(session, ADMIN, Role.ADMIN)
    add_staff(session, SPECIALIST)
    result = runner.invoke(args=["users", "deactivate", SPECIALIST])
    assert (result.exit_code, result.output.strip()) == (0, f"Deactivated {SPECIALIST}.")
    result = runner.invoke(args=["users", "deactivate", ADMIN])
    assert result.exit_code == 1 and "last active admin" in result.output
    result = runner.invoke(args=["users", "activate", SPECIALIST.upper()])
    assert (result.exit_code, result.output.strip()) == (0, f"Reactivated {SPECIALIST}.")
    result = runner.invoke(args=["users", "activate", "nobody@example.org"])
    assert result.exit_code == 1 and "No staff account has the address nobody@example.org." in result.output
    actors = {
        e.actor_label
        for e in session.scalars(select(AuditEvent).where(AuditEvent.action.like("user.%activated")))
    }
    assert actors == {"command line"}


def test_operations_refuse_an_unknown_role(session):
    admin = make_staff(session, Role.ADMIN)
    with pytest.raises(OperationError, match="Role must be one of"):
        operations.change_role(session, make_staff(session), "owner", actor=admin)
