"""``flask tokens issue|list|revoke``: the same operations as the admin pages, from the server's shell."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from directory.models import ApiToken, AuditEvent, TokenScope, utcnow
from directory.operations.api_tokens import authenticate_token


def issue(runner, *args: str):
    result = runner.invoke(args=["tokens", "issue", "Research partner", *args])
    assert result.exit_code == 0, result.output
    return result


def test_issue_prints_only_the_token_on_standard_output(runner, session):
    last_day = (utcnow().date() + timedelta(days=10)).isoformat()
    result = issue(runner, "--scope", "staff", "--last-day", last_day)
    raw = result.stdout.strip()
    assert raw.startswith("dtk_") and "\n" not in raw
    assert "shown only now" in result.stderr and last_day in result.stderr
    token = session.scalar(select(ApiToken))
    assert token.scope is TokenScope.STAFF and token.created_by_id is None
    assert authenticate_token(session, raw, utcnow().date()) is not None
    event = session.scalar(select(AuditEvent))
    assert (event.action, event.actor_label) == ("api_token.issued", "command line")


def test_issue_defaults_to_public_for_90_days(runner, session):
    issue(runner)
    token = session.scalar(select(ApiToken))
    assert token.scope is TokenScope.PUBLIC
    assert (token.expires_at.date() - utcnow().date()).days == 91


def test_issue_refuses_a_last_day_beyond_a_year(runner, session):
    too_late = (utcnow().date() + timedelta(days=400)).isoformat()
    result = runner.invoke(args=["tokens", "issue", "Partner", "--last-day", too_late])
    assert result.exit_code == 1 and "at most 365 days" in result.output
    assert session.scalar(select(ApiToken)) is None


def test_list_and_revoke_by_prefix_or_id(runner, session):
    assert "No API token has been issued." in runner.invoke(args=["tokens", "list"]).output
    raw = issue(runner).stdout.strip()
    token = session.scalar(select(ApiToken))
    listed = runner.invoke(args=["tokens", "list"]).output
    assert token.prefix in listed and "active" in listed and "Research partner" in listed
    assert raw not in listed
    revoked = runner.invoke(args=["tokens", "revoke", token.prefix])
    assert revoked.exit_code == 0 and "no longer works" in revoked.output
    session.expire_all()
    assert authenticate_token(session, raw, utcnow().date()) is None
    again = runner.invoke(args=["tokens", "revoke", str(token.id)])
    assert again.exit_code == 1 and "already revoked" in again.output
    assert "revoked" in runner.invoke(args=["tokens", "list"]).output


def test_revoke_names_what_it_cannot_find(runner, session):
    assert "at least its first 6" in runner.invoke(args=["tokens", "revoke", "dtk"]).output
    assert "No token starts with" in runner.invoke(args=["tokens", "revoke", "dtk_nothing"]).output
