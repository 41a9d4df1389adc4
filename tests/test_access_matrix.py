"""The authorization matrix: every rule of the URL map, asked by anonymous, specialist, deactivated and admin.

Who may use each endpoint is said once, in ``directory.access``. This test walks ``app.url_map``,
fails for any endpoint that table does not name, and checks on the server that each rule answers
as its access level says: public pages open; staff pages send anonymous and deactivated visitors
to sign in; admin pages give specialists 403. POST-only rules are sent without a CSRF token: a
visitor who may use the rule gets as far as the CSRF check (400) and changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, select
from werkzeug.routing import Rule

from directory import create_app
from directory.access import Access, access_for
from directory.hsds import ids
from directory.models import (
    Article,
    Center,
    CorrectionKind,
    ListingStatus,
    ListingSubmission,
    Role,
    SearchPreset,
    User,
    utcnow,
)
from directory.operations.api_tokens import issue_token
from directory.operations.corrections import report_correction
from directory.operations.submissions import ListingSubmissionInput, create_pending_listing
from tests.conftest import sample_site
from tests.staff_accounts import add_staff, database, sign_in

ADMIN = "admin@example.org"
SPECIALIST = "specialist@example.org"
DEACTIVATED = "former@example.org"


def unlisted_endpoints(app: Flask) -> list[str]:
    """Return the endpoints of ``app`` that the access table does not name."""
    return sorted({rule.endpoint for rule in app.url_map.iter_rules() if access_for(rule.endpoint) is None})


@pytest.fixture(scope="module")
def site(database_url: str, engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The sample directory with one admin, one specialist and one soon-deactivated specialist."""
    with sample_site(database_url, engine, tmp_path_factory.mktemp("matrix-index")) as app:
        app.config.update(LOGIN_RATE_LIMIT="100 per minute", LOGIN_ACCOUNT_RATE_LIMIT="100 per minute")
        with database(app) as session:
            add_staff(session, ADMIN, Role.ADMIN)
            add_staff(session, SPECIALIST)
            add_staff(session, DEACTIVATED)
        yield app


@pytest.fixture(scope="module")
def sample_values(site: Flask) -> dict[str, dict[str, str]]:
    """Real argument values for each endpoint's rule, taken from the sample directory."""
    with database(site) as session:
        center = session.scalars(
            select(Center).where(Center.status == ListingStatus.PUBLISHED).order_by(Center.slug)
        ).first()
        article = session.scalars(select(Article).order_by(Article.slug)).first()
        therapy = center.term_codes()["therapy"][0]
        state = center.primary_location.state.lower()
        preset = session.scalars(select(SearchPreset).where(SearchPreset.shared)).first()
        report = report_correction(
            session, center, {"kind": CorrectionKind.OTHER, "details": "Matrix sample"}, actor="tests"
        )
        pending = create_pending_listing(
            session,
            ListingSubmissionInput().load(
                {
                    "name": "Matrix Sample Submission",
                    "phone": "(801) 555-0100",
                    "address_1": "1 Sample St",
                    "city": "Provo",
                    "state": "UT",
                    "postal_code": "84601",
                    "therapies": [therapy],
                    "contact_name": "Sample Person",
                    "contact_email": "sample@example.org",
                    "represents_center": True,
                    "license_number": "LIC-0001",
                    "license_state": "UT",
                    "therapy_proof": "https://example.org/services",
                }
            ),
            actor="tests",
        )
        api_token, _raw = issue_token(session, "tests", "Matrix partner", "public", utcnow().date())
        session.commit()
        submission_id = session.scalar(
            select(ListingSubmission.id).where(ListingSubmission.center_id == pending.id)
        )
        specialist = session.scalar(select(User).where(User.email == SPECIALIST))
    preset_id = {"preset_id": str(preset.id)}
    user_id = {"user_id": str(specialist.id)}
    return {
        "static": {"filename": "css/site.css"},
        "public.article": {"slug": article.slug},
        "public.center": {"slug": center.slug},
        "public.vocabulary_scheme": {"scheme": "therapy"},
        "public.report_correction": {"slug": center.slug},
        "public.report_correction_thanks": {"slug": center.slug},
        "public.landing_therapy": {"therapy": therapy},
        "public.landing_therapy_state": {"therapy": therapy, "state": state},
        "staff.center": {"slug": center.slug},
        "staff.add_note": {"slug": center.slug},
        "staff.delete_note": {"slug": center.slug, "note_id": "00000000-0000-4000-8000-000000000000"},
        "staff.flag_center": {"slug": center.slug},
        "staff.rename_preset": preset_id,
        "staff.delete_preset": preset_id,
        "staff.promote_preset": preset_id,
        "admin.edit_center": {"slug": center.slug},
        "admin.correction": {"correction_id": str(report.id)},
        "admin.submission": {"submission_id": str(submission_id)},
        "admin.center": {"slug": center.slug},
        "admin.verify_center": {"slug": center.slug},
        "admin.change_center_status": {"slug": center.slug},
        "admin.end_center_advertising": {"slug": center.slug},
        "admin.change_user_role": user_id,
        "admin.deactivate_user": user_id,
        "admin.activate_user": user_id,
        "admin.invite_user": user_id,
        "admin.edit_article": {"slug": article.slug},
        "admin.revoke_api_token": {"token_id": str(api_token.id)},
        "api_centers.center": {"id_or_slug": center.slug},
        "api_articles.article": {"slug": article.slug},
        "api_docs.asset": {"filename": "swagger-ui.css"},
        "api_docs.static": {"filename": "docs.js"},
        "api_hsds.service": {"id": str(ids.service_id(center.id))},
        "api_hsds.organization": {"id": str(center.id)},
    }


@pytest.fixture(scope="module")
def visitors(site: Flask) -> dict[str, FlaskClient]:
    """A client per kind of visitor; the deactivated one signed in before the account was deactivated."""
    clients = {name: site.test_client() for name in ("anonymous", "specialist", "deactivated", "admin")}
    for name, email in (("specialist", SPECIALIST), ("deactivated", DEACTIVATED), ("admin", ADMIN)):
        assert sign_in(clients[name], email).status_code == 303
    with database(site) as session:
        session.scalar(select(User).where(User.email == DEACTIVATED)).active = False
        session.commit()
    return clients


def rules(app: Flask) -> list[Rule]:
    """Every rule of the app's URL map, in a stable order."""
    return sorted(app.url_map.iter_rules(), key=lambda rule: (rule.rule, rule.endpoint))


def request_rule(client: FlaskClient, rule: Rule, values: dict[str, dict[str, str]]):
    """Ask ``rule`` with its sample values: GET when it allows GET, else POST without a CSRF token."""
    arguments = values.get(rule.endpoint, {})
    missing = set(rule.arguments) - set(arguments)
    assert not missing, f"add sample values for {rule.endpoint}: {sorted(missing)}"
    path = rule.build(arguments)[1]
    response = client.get(path) if "GET" in rule.methods else client.post(path)
    response.get_data()
    response.close()  # a static file's response holds the file open until closed
    return path, response


def test_every_endpoint_is_in_the_access_table(site):
    assert unlisted_endpoints(site) == []


def test_staff_and_admin_paths_are_never_public(site):
    for rule in rules(site):
        if rule.rule.startswith("/admin"):
            assert access_for(rule.endpoint) is Access.ADMIN, rule.rule
        elif rule.rule.startswith("/staff") and rule.endpoint not in ("auth.login", "auth.accept_invitation"):
            assert access_for(rule.endpoint) in (Access.STAFF, Access.ADMIN), rule.rule


def test_every_rule_answers_each_visitor_as_the_table_says(site, visitors, sample_values):
    checked = 0
    for rule in rules(site):
        access = access_for(rule.endpoint)
        for who, client in visitors.items():
            path, response = request_rule(client, rule, sample_values)
            where = f"{who} on {rule.endpoint} ({path})"
            may = access is Access.PUBLIC or (
                who != "anonymous" and who != "deactivated" and (access is Access.STAFF or who == "admin")
            )
            if may and rule.endpoint == "auth.login" and who in ("specialist", "admin"):
                assert (response.status_code, response.location) == (302, "/staff/"), (
                    where
                )  # signed in already
            elif may:
                allowed = 200 if "GET" in rule.methods else 400  # a POST stops at the missing CSRF token
                assert response.status_code == allowed, where
            elif who in ("anonymous", "deactivated"):
                assert response.status_code in (302, 303), where
                assert response.location.startswith("/staff/login"), where
            else:
                assert response.status_code == 403, where
                assert "not available to your account" in response.get_data(as_text=True), where
            checked += 1
    assert checked == 4 * len(rules(site))


def test_anonymous_visitors_come_back_to_the_page_they_asked_for(site, visitors):
    response = visitors["anonymous"].get("/admin/users")
    assert response.location == "/staff/login?next=/admin/users"


def test_an_endpoint_missing_from_the_table_is_refused_and_fails_the_matrix(database_url, tmp_path: Path):
    app = create_app(
        {"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "t", "SEARCH_INDEX_DIR": str(tmp_path)}
    )
    app.add_url_rule("/forgotten", "forgotten", lambda: "nobody listed me")
    try:
        assert unlisted_endpoints(app) == ["forgotten"]
        response = app.test_client().get("/forgotten")
        assert response.status_code == 403
        assert "nobody listed me" not in response.get_data(as_text=True)
    finally:
        app.extensions["database"].dispose()


def test_unknown_paths_still_answer_404(site, visitors):
    for client in visitors.values():
        assert client.get("/staff/no-such-page").status_code == 404
