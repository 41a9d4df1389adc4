"""Who may use each endpoint: one table, enforced by one app-wide check before every view.

Every endpoint is listed in :data:`ACCESS` by name, or covered by an explicit entry in
:data:`BLUEPRINT_ACCESS`. An endpoint that neither names is refused to everyone (fail closed),
and the authorization matrix test fails for it. Roles: an admin may do everything a specialist may.
An account with a temporary password (``must_change_password``) is sent to change it from every
staff and admin page (:data:`BEFORE_PASSWORD_CHANGE` names the only exceptions).
"""

from __future__ import annotations

import enum

from flask import Flask, Response, abort, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from directory.models import Role
from directory.response_policy import PRIVATE


class Access(enum.Enum):
    """Who may use an endpoint."""

    #: Anyone, signed in or not.
    PUBLIC = "public"
    #: Signed-in staff: specialists and admins.
    STAFF = "staff"
    #: Signed-in admins only.
    ADMIN = "admin"


#: Endpoint name → who may use it.
ACCESS: dict[str, Access] = {
    "static": Access.PUBLIC,
    "health.healthz": Access.PUBLIC,
    "public.vocabulary": Access.PUBLIC,
    "public.vocabulary_scheme": Access.PUBLIC,
    "auth.login": Access.PUBLIC,
    "auth.logout": Access.STAFF,
    "auth.change_password": Access.STAFF,
    "auth.accept_invitation": Access.PUBLIC,
    "staff.home": Access.STAFF,
    "staff.search": Access.STAFF,
    "staff.center": Access.STAFF,
    "staff.add_note": Access.STAFF,
    "staff.delete_note": Access.STAFF,
    "staff.flag_center": Access.STAFF,
    "staff.shortlist": Access.STAFF,
    "staff.shortlist_add": Access.STAFF,
    "staff.shortlist_remove": Access.STAFF,
    "staff.shortlist_move": Access.STAFF,
    "staff.shortlist_note": Access.STAFF,
    "staff.shortlist_place": Access.STAFF,
    "staff.shortlist_new_call": Access.STAFF,
    "staff.shortlist_text": Access.STAFF,
    "staff.shortlist_csv": Access.STAFF,
    "staff.shortlist_print": Access.STAFF,
    "staff.save_preset": Access.STAFF,
    "staff.rename_preset": Access.STAFF,
    "staff.delete_preset": Access.STAFF,
    "staff.promote_preset": Access.ADMIN,
    "admin.dashboard": Access.ADMIN,
    "admin.users": Access.ADMIN,
    "admin.edit_center": Access.ADMIN,
    "admin.submissions": Access.ADMIN,
    "admin.submission": Access.ADMIN,
    "admin.corrections": Access.ADMIN,
    "admin.correction": Access.ADMIN,
    "admin.verification_queue": Access.ADMIN,
    "admin.verify_center": Access.ADMIN,
    "admin.center": Access.ADMIN,
    "admin.change_center_status": Access.ADMIN,
    "admin.end_center_advertising": Access.ADMIN,
    "admin.advertisers": Access.ADMIN,
    "admin.create_user": Access.ADMIN,
    "admin.change_user_role": Access.ADMIN,
    "admin.deactivate_user": Access.ADMIN,
    "admin.activate_user": Access.ADMIN,
    "admin.invite_user": Access.ADMIN,
    "admin.audit": Access.ADMIN,
    "admin.articles": Access.ADMIN,
    "admin.new_article": Access.ADMIN,
    "admin.edit_article": Access.ADMIN,
    "admin.api_tokens": Access.ADMIN,
    "admin.issue_api_token": Access.ADMIN,
    "admin.revoke_api_token": Access.ADMIN,
}

#: Whole blueprints with one rule, stated here explicitly (an endpoint entry above wins).
BLUEPRINT_ACCESS: dict[str, Access] = {
    "public": Access.PUBLIC,
    # The JSON API: public reads; staff-only filters are checked by the API itself (403 JSON).
    "api_search": Access.PUBLIC,
    "api_centers": Access.PUBLIC,
    "api_articles": Access.PUBLIC,
    "api_taxonomy": Access.PUBLIC,
    "api_hsds": Access.PUBLIC,
    "api_docs": Access.PUBLIC,
    "api-docs": Access.PUBLIC,  # flask-smorest's OpenAPI document, /api/openapi.json
}

#: Blueprints whose pages are staff-only surfaces: never cached, never indexed.
STAFF_BLUEPRINTS = frozenset({"auth", "staff", "admin"})

#: What an account with a temporary password may still use: changing it, or signing out.
BEFORE_PASSWORD_CHANGE = frozenset({"auth.change_password", "auth.logout"})

#: Which roles each access level admits.
ROLES_ALLOWED: dict[Access, frozenset[Role]] = {
    Access.STAFF: frozenset({Role.SPECIALIST, Role.ADMIN}),
    Access.ADMIN: frozenset({Role.ADMIN}),
}


def access_for(endpoint: str) -> Access | None:
    """Return who may use ``endpoint``, or None when the table does not say (refused)."""
    if endpoint in ACCESS:
        return ACCESS[endpoint]
    blueprint, dot, _name = endpoint.rpartition(".")
    return BLUEPRINT_ACCESS.get(blueprint) if dot else None


def init_app(app: Flask) -> None:
    """Check every request against the table, and mark staff responses uncacheable and unindexed."""
    app.before_request(enforce_access)
    app.after_request(mark_staff_response)
    app.register_error_handler(403, forbidden_page)


def enforce_access(request_endpoint: str | None = None) -> Response | None:
    """Refuse a request its endpoint's access level does not admit (login redirect or 403)."""
    endpoint = request_endpoint or request.endpoint
    if endpoint is None:  # no route matched: the 404 or 405 answers on its own
        return None
    access = access_for(endpoint)
    if access is None:
        abort(403)
    if access is Access.PUBLIC:
        return None
    if not current_user.is_authenticated:
        return redirect(login_url(), 303 if request.method not in ("GET", "HEAD") else 302)
    if current_user.role not in ROLES_ALLOWED[access]:
        abort(403)
    if current_user.must_change_password and endpoint not in BEFORE_PASSWORD_CHANGE:
        return redirect(
            url_for("auth.change_password"), 303 if request.method not in ("GET", "HEAD") else 302
        )
    return None


def login_url() -> str:
    """Return the sign-in page's address, asking to come back here for a GET."""
    if request.method in ("GET", "HEAD"):
        here = request.full_path if request.query_string else request.path
        return url_for("auth.login", next=here)
    return url_for("auth.login")


def mark_staff_response(response: Response) -> Response:
    """Keep staff pages out of every cache and every search engine."""
    if request.blueprint in STAFF_BLUEPRINTS:
        response.headers["Cache-Control"] = PRIVATE
        response.headers["X-Robots-Tag"] = "noindex"
    return response


def forbidden_page(_error: Exception) -> Response:
    """Say that this page is not for this account, and where to go instead (JSON under /api/)."""
    from directory.api.errors import api_error_response, is_api_request

    if is_api_request():
        return api_error_response(403)
    response = make_response(render_template("errors/forbidden.html"), 403)
    response.headers["Cache-Control"] = PRIVATE
    return response
