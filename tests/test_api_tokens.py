"""API tokens: issue, authenticate, revoke, expiry, scope, hashed storage, daily counts, audit, migration."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import JSON, String, Text, func, inspect, select
from sqlalchemy.orm import Session

from directory.api_tokens_http import TokenRefused, bearer_token, rate_limit_key, request_client
from directory.database import make_engine
from directory.migrate import alembic_config, upgrade_database
from directory.models import ApiToken, ApiTokenUse, AuditEvent, Base, Role, TokenScope, utcnow
from directory.operations.api_tokens import (
    MAX_LIFETIME_DAYS,
    PREFIX_LENGTH,
    ApiClient,
    DailyUse,
    TokenNotFound,
    authenticate_token,
    issue_token,
    revoke_token,
    token_digest,
    token_status,
    token_usage,
    uses_since,
)
from directory.operations.errors import OperationError, PermissionDenied
from tests.staff_accounts import make_staff

TODAY = date(2026, 11, 30)


def issue(session: Session, *, scope: str = "public", last_day: date | None = None, actor=None):
    """Issue a token as an admin (or ``actor``) and commit; return the token and its raw value."""
    actor = actor if actor is not None else make_staff(session, Role.ADMIN)
    token, raw = issue_token(
        session, actor, "Crisis line partner", scope, last_day or TODAY + timedelta(days=30), today=TODAY
    )
    session.commit()
    return token, raw


def audit_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEvent))


# -- issuing and authenticating ------------------------------------------------------------------


def test_issued_token_authenticates_as_its_partner_and_scope(session):
    token, raw = issue(session, scope="staff")
    client = authenticate_token(session, raw, TODAY)
    assert client == ApiClient(token_id=token.id, name="Crisis line partner", scope=TokenScope.STAFF)
    assert client.may_read_staff
    assert raw.startswith("dtk_") and len(raw) >= 4 + 43
    assert token.prefix == raw[:PREFIX_LENGTH]


def test_public_token_does_not_open_staff_reads(session):
    _token, raw = issue(session, scope="public")
    client = authenticate_token(session, raw, TODAY)
    assert client is not None and client.scope is TokenScope.PUBLIC and not client.may_read_staff


def test_each_token_is_new_random_text(session):
    raws = {issue(session)[1] for _ in range(3)}
    assert len(raws) == 3


@pytest.mark.parametrize(
    "value", ["", "dtk_", "dtk_nothing-like-a-real-token", "x" * 5000, "dtk_é", "dtk_\x00"]
)
def test_unknown_or_junk_tokens_authenticate_nobody(session, value):
    issue(session)
    assert authenticate_token(session, value, TODAY) is None


def test_a_token_works_through_its_last_day_and_not_after(session):
    token, raw = issue(session, last_day=TODAY + timedelta(days=2))
    assert authenticate_token(session, raw, TODAY + timedelta(days=2)) is not None
    assert authenticate_token(session, raw, TODAY + timedelta(days=3)) is None
    assert token_status(token, TODAY + timedelta(days=3)) == "expired"


def test_revoked_token_never_works_again(session):
    admin = make_staff(session, Role.ADMIN)
    token, raw = issue(session, actor=admin)
    assert authenticate_token(session, raw, TODAY) is not None
    revoke_token(session, admin, token.id)
    session.commit()
    assert authenticate_token(session, raw, TODAY) is None
    assert token.revoked_by_id == admin.id and token_status(token, TODAY) == "revoked"
    with pytest.raises(OperationError, match="already revoked"):
        revoke_token(session, admin, token.id)


def test_revoking_an_unknown_token_is_refused(session):
    admin = make_staff(session, Role.ADMIN)
    with pytest.raises(TokenNotFound):
        revoke_token(session, admin, uuid.uuid4())


@pytest.mark.parametrize(
    ("name", "scope", "last_day", "field"),
    [
        ("", "public", TODAY + timedelta(days=1), "name"),
        ("x" * 101, "public", TODAY + timedelta(days=1), "name"),
        ("Partner", "everything", TODAY + timedelta(days=1), "scope"),
        ("Partner", "public", TODAY - timedelta(days=1), "expires_on"),
        ("Partner", "public", TODAY + timedelta(days=MAX_LIFETIME_DAYS + 1), "expires_on"),
        ("Partner", "public", None, "expires_on"),
    ],
)
def test_bad_input_is_refused_field_by_field_and_writes_nothing(session, name, scope, last_day, field):
    admin = make_staff(session, Role.ADMIN)
    before = audit_count(session)
    with pytest.raises(OperationError) as refused:
        issue_token(session, admin, name, scope, last_day, today=TODAY)
    assert list(refused.value.field_errors) == [field]
    session.rollback()
    assert audit_count(session) == before
    assert session.scalar(select(func.count()).select_from(ApiToken)) == 0


def test_a_year_ahead_is_the_longest_life(session):
    _token, raw = issue(session, last_day=TODAY + timedelta(days=MAX_LIFETIME_DAYS))
    assert authenticate_token(session, raw, TODAY + timedelta(days=MAX_LIFETIME_DAYS)) is not None


# -- who may issue and revoke; audit in the same transaction ---------------------------------------


def test_specialists_may_neither_issue_nor_revoke_and_leave_no_trace(session):
    token, _raw = issue(session)
    specialist = make_staff(session, Role.SPECIALIST)
    session.commit()
    before = audit_count(session)
    with pytest.raises(PermissionDenied):
        issue_token(session, specialist, "Sneaky", "staff", TODAY + timedelta(days=1), today=TODAY)
    with pytest.raises(PermissionDenied):
        revoke_token(session, specialist, token.id)
    session.rollback()
    assert audit_count(session) == before
    assert session.get(ApiToken, token.id).revoked_at is None


def test_deactivated_admins_may_not_issue(session):
    former = make_staff(session, Role.ADMIN, active=False)
    with pytest.raises(PermissionDenied):
        issue_token(session, former, "Partner", "public", TODAY + timedelta(days=1), today=TODAY)


def test_issue_and_revoke_are_audited_in_their_transaction(session):
    admin = make_staff(session, Role.ADMIN)
    session.commit()
    token, _raw = issue_token(session, admin, "Partner", "staff", TODAY + timedelta(days=5), today=TODAY)
    session.rollback()  # the caller's transaction fails: neither the token nor its event remain
    assert audit_count(session) == 0
    assert session.scalar(select(func.count()).select_from(ApiToken)) == 0
    token, _raw = issue(session, actor=admin)
    revoke_token(session, admin, token.id)
    session.commit()
    events = session.scalars(select(AuditEvent).order_by(AuditEvent.action)).all()
    assert [(e.action, e.record_type, e.record_id, e.actor_id) for e in events] == [
        ("api_token.issued", "api_token", str(token.id), admin.id),
        ("api_token.revoked", "api_token", str(token.id), admin.id),
    ]
    assert events[0].after["scope"] == "public" and events[0].after["prefix"] == token.prefix


def test_the_command_line_issues_as_the_server_operator(session):
    token, raw = issue(session, actor="command line")
    assert token.created_by_id is None
    assert session.scalar(select(AuditEvent.actor_label)) == "command line"
    assert authenticate_token(session, raw, TODAY) is not None


# -- hashed storage --------------------------------------------------------------------------------


def every_text_value(session: Session) -> list[str]:
    """Return every value of every text or JSON column of every table, as text."""
    values: list[str] = []
    for table in Base.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
        if not columns:
            continue
        for row in session.execute(select(*columns)):
            values.extend(str(value) for value in row if value is not None)
    return values


def test_the_raw_token_is_stored_nowhere_and_its_digest_never_in_the_audit_trail(session):
    admin = make_staff(session, Role.ADMIN)
    token, raw = issue(session, actor=admin, scope="staff")
    authenticate_token(session, raw, TODAY)
    revoke_token(session, admin, token.id)
    session.commit()
    stored = every_text_value(session)
    assert stored and not any(raw in value for value in stored)
    assert any(token_digest(raw) == value for value in stored)  # the digest is what identifies it
    trail = [str(v) for e in session.scalars(select(AuditEvent)) for v in (e.before, e.after, e.reason)]
    assert not any(token_digest(raw) in value or raw in value for value in trail)
    assert session.get(ApiToken, token.id).token_digest == token_digest(raw) != raw


# -- counting uses per day -------------------------------------------------------------------------


def test_uses_are_counted_per_day(session):
    token, raw = issue(session)
    yesterday = TODAY - timedelta(days=1)
    session.add(ApiTokenUse(token_id=token.id, day=yesterday - timedelta(days=40), count=7))
    assert authenticate_token(session, raw, yesterday) is not None
    assert authenticate_token(session, raw, TODAY) is not None
    assert authenticate_token(session, raw, TODAY) is not None
    session.commit()
    assert token_usage(session, token.id, 3, today=TODAY) == [
        DailyUse(TODAY - timedelta(days=2), 0),
        DailyUse(yesterday, 1),
        DailyUse(TODAY, 2),
    ]
    assert uses_since(session, TODAY - timedelta(days=29)) == {token.id: 3}
    assert session.get(ApiToken, token.id).last_used_at is not None


def test_refused_tokens_are_not_counted(session):
    admin = make_staff(session, Role.ADMIN)
    token, raw = issue(session, actor=admin, last_day=TODAY)
    assert authenticate_token(session, raw, TODAY + timedelta(days=1)) is None
    revoke_token(session, admin, token.id)
    assert authenticate_token(session, raw, TODAY) is None
    session.commit()
    assert session.scalar(select(func.count()).select_from(ApiTokenUse)) == 0


# -- reading the token from a request ------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "path", "expected"),
    [
        ({"Authorization": "Bearer dtk_abc-DEF_123"}, "/", "dtk_abc-DEF_123"),
        ({"Authorization": "bearer   dtk_abc"}, "/", "dtk_abc"),
        ({}, "/?access_token=dtk_abc&token=dtk_abc", None),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, "/", None),
        ({"Authorization": "Bearer"}, "/", None),
        ({"Authorization": "Bearer two words"}, "/", None),
        ({"X-Api-Token": "dtk_abc"}, "/", None),
    ],
)
def test_bearer_token_reads_only_the_authorization_header(app: Flask, headers, path, expected):
    with app.test_request_context(path, headers=headers, data={"access_token": "dtk_abc"}):
        from flask import request

        assert bearer_token(request) == expected


def test_request_client_counts_and_commits_the_use(app: Flask, session):
    token, raw = issue(session, scope="staff")
    with app.test_request_context("/", headers={"Authorization": f"Bearer {raw}"}):
        assert rate_limit_key() == f"token:{token.id}"  # the limiter asks first, then the view
        client = request_client()
        assert client is not None and client.token_id == token.id
        assert request_client() is client  # checked and counted once per request
    engine = make_engine(app.config["DATABASE_URL"])
    with Session(engine) as fresh:  # committed: another connection sees the use
        assert fresh.scalar(select(ApiTokenUse.count).where(ApiTokenUse.token_id == token.id)) == 1
    engine.dispose()


def test_request_client_is_none_without_a_header_and_refuses_a_bad_one(app: Flask, session):
    _token, raw = issue(session, last_day=utcnow().date())
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": "192.0.2.9"}):
        assert request_client() is None
        assert rate_limit_key() == "address:192.0.2.9"
    for header in ("Basic abc", f"Bearer {raw}x", "Bearer"):
        with app.test_request_context("/", headers={"Authorization": header}):
            assert rate_limit_key().startswith("address:")
            with pytest.raises(TokenRefused) as refused:
                request_client()
            assert (
                "Authorization" in refused.value.message
                or "unknown, expired or revoked" in refused.value.message
            )


# -- migration -------------------------------------------------------------------------------------


def test_migration_0011_goes_down_and_up_again(tmp_path):
    from alembic import command

    url = f"sqlite:///{tmp_path / 'tokens.sqlite3'}"
    upgrade_database(url)
    engine = make_engine(url)
    assert {"api_tokens", "api_token_uses"} <= set(inspect(engine).get_table_names())
    command.downgrade(alembic_config(url), "0009")
    assert not {"api_tokens", "api_token_uses"} & set(inspect(engine).get_table_names())
    upgrade_database(url)
    assert {"api_tokens", "api_token_uses"} <= set(inspect(engine).get_table_names())
    engine.dispose()
