"""Admin: partners' API tokens at ``/admin/api-tokens``: list, issue (shown once), revoke.

A new token is rendered once, in the answer to the form that issued it (``no-store``), and never
stored anywhere it could be shown again: not in the database, not in a flash message (those
live in the cookie session). Every change goes through :mod:`directory.operations.api_tokens`
(which checks the role and audits); the view commits once.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from flask import Response, abort, flash, make_response, redirect, render_template, request, url_for

from directory.admin import bp
from directory.admin.listing_lookup import acting_admin, today
from directory.admin.token_forms import NewTokenForm, RevokeTokenForm
from directory.database import get_session
from directory.models import ApiToken
from directory.operations import api_tokens as operations
from directory.operations.errors import OperationError, PermissionDenied

#: The window of the list's use counts, in days up to today.
USAGE_DAYS = 30
DEFAULT_LIFETIME_DAYS = 90


@bp.get("/api-tokens")
def api_tokens() -> Response:
    """List every API token with its scope, dates and recent use, and the form for a new one."""
    return _page(_empty_form())


@bp.post("/api-tokens/new")
def issue_api_token() -> Response:
    """Issue a token and show it once, in this answer only."""
    form = NewTokenForm()
    if not form.validate():
        return _page(form, status=400)
    session = get_session()
    try:
        token, raw_token = operations.issue_token(
            session,
            acting_admin(),
            form.name.data or "",
            form.scope.data or "",
            form.expires_on.data,
            today=today(),
        )
    except OperationError as error:
        session.rollback()
        form.show_refusal(error)
        return _page(form, status=403 if isinstance(error, PermissionDenied) else 400)
    session.commit()
    response = _page(_empty_form(), issued=token, raw_token=raw_token)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/api-tokens/<uuid:token_id>/revoke", methods=["GET", "POST"])
def revoke_api_token(token_id: uuid.UUID) -> Response:
    """GET asks to confirm revoking a token; POST revokes it for good."""
    session = get_session()
    token = session.get(ApiToken, token_id)
    if token is None:
        abort(404)
    form = RevokeTokenForm()
    if request.method == "GET" or not form.validate():
        status = 200 if request.method == "GET" else 400
        page = render_template("admin/api_token_revoke.html", token=token, form=form, today=today())
        return make_response(page, status)
    try:
        operations.revoke_token(session, acting_admin(), token_id)
    except PermissionDenied:
        session.rollback()
        abort(403)
    except OperationError as error:
        session.rollback()
        return _page(_empty_form(), problem=error.message, status=409)
    session.commit()
    flash(f"The token “{token.name}” ({token.prefix}…) is revoked: it no longer works.", "info")
    return redirect(url_for("admin.api_tokens"), 303)


def _empty_form() -> NewTokenForm:
    return NewTokenForm(formdata=None, data={"expires_on": today() + timedelta(days=DEFAULT_LIFETIME_DAYS)})


def _page(
    form: NewTokenForm,
    *,
    issued: ApiToken | None = None,
    raw_token: str = "",
    problem: str = "",
    status: int = 200,
) -> Response:
    session, day = get_session(), today()
    page = render_template(
        "admin/api_tokens.html",
        form=form,
        tokens=operations.all_tokens(session),
        uses=operations.uses_since(session, day - timedelta(days=USAGE_DAYS - 1)),
        usage_days=USAGE_DAYS,
        status_of=lambda token: operations.token_status(token, day),
        last_day=operations.last_day,
        issued=issued,
        raw_token=raw_token,
        problem=problem,
        latest=day + timedelta(days=operations.MAX_LIFETIME_DAYS),
    )
    return make_response(page, status)
