"""Admin: staff accounts at ``/admin/users``: create (invitation or temporary password), role, deactivate.

The app sends no mail: an invitation link or a temporary password is shown once, on the page that
answers the form, for the admin to pass on. Every change goes through
:mod:`directory.operations.staff_accounts` (which checks the role and audits); the view commits once.
A refusal shows the page again with the reason (400, or 403 for a role refusal).
"""

from __future__ import annotations

import uuid

from flask import Response, abort, current_app, flash, make_response, redirect, render_template, url_for
from sqlalchemy import select

from directory.admin import bp
from directory.admin.account_forms import ROLE_CHOICES, ActionForm, NewAccountForm, RoleForm
from directory.auth.accounts import signed_in_user
from directory.database import get_session
from directory.models import User
from directory.operations import staff_accounts as operations
from directory.operations.errors import OperationError, PermissionDenied
from directory.site_address import absolute_url_for


@bp.get("/users")
def users() -> Response:
    """List every staff account with its role, status and actions, and the form for a new one."""
    return _page(NewAccountForm())


@bp.post("/users/new")
def create_user() -> Response:
    """Create an account; show its one-time invitation link or temporary password once."""
    form = NewAccountForm()
    if not form.validate():
        return _page(form, status=400)
    session = get_session()
    email, role = form.email.data or "", form.role.data or ""
    try:
        if form.method.data == "temporary":
            user, password = operations.create_account_with_temporary_password(
                session, email, role, actor=_actor()
            )
            secret = {"kind": "temporary", "email": user.email, "password": password}
        else:
            user, token = operations.invite_account(session, email, role, actor=_actor(), hours=_hours())
            secret = {"kind": "invitation", "email": user.email, "link": _link(token), "hours": _hours()}
    except OperationError as error:
        return _refused(error, form)
    session.commit()
    return _page(NewAccountForm(formdata=None), secret=secret)


@bp.post("/users/<uuid:user_id>/role")
def change_user_role(user_id: uuid.UUID) -> Response:
    """Give an account another role (never leaving the console without an active admin)."""
    user = _account(user_id)
    form = RoleForm()
    if not form.validate():
        return _page(NewAccountForm(formdata=None), problem="Choose a role from the list.", status=400)
    try:
        changed = operations.change_role(get_session(), user, form.role.data or "", actor=_actor())
    except OperationError as error:
        return _refused(error)
    return _done(
        f"{user.email} is now {'an admin' if user.role.value == 'admin' else 'a support specialist'}."
        if changed
        else f"{user.email} already had that role."
    )


@bp.post("/users/<uuid:user_id>/deactivate")
def deactivate_user(user_id: uuid.UUID) -> Response:
    """Deactivate an account: it cannot sign in, and its open sessions end on their next request."""
    user = _account(user_id)
    if not ActionForm().validate():
        abort(400)
    try:
        operations.deactivate_account(get_session(), user, actor=_actor())
    except OperationError as error:
        return _refused(error)
    return _done(f"{user.email} is deactivated; any open session of the account has ended.")


@bp.post("/users/<uuid:user_id>/activate")
def activate_user(user_id: uuid.UUID) -> Response:
    """Reactivate an account (it signs in afresh: sessions from before stay ended)."""
    user = _account(user_id)
    if not ActionForm().validate():
        abort(400)
    try:
        operations.activate_account(get_session(), user, actor=_actor())
    except OperationError as error:
        return _refused(error)
    return _done(f"{user.email} is active again.")


@bp.post("/users/<uuid:user_id>/invite")
def invite_user(user_id: uuid.UUID) -> Response:
    """Give an account a new one-time link to set its password (earlier unused links stop working)."""
    user = _account(user_id)
    if not ActionForm().validate():
        abort(400)
    session = get_session()
    try:
        token = operations.issue_invitation(session, user, actor=_actor(), hours=_hours())
    except OperationError as error:
        return _refused(error)
    session.commit()
    secret = {"kind": "invitation", "email": user.email, "link": _link(token), "hours": _hours()}
    return _page(NewAccountForm(formdata=None), secret=secret)


def _actor() -> User:
    user = signed_in_user()
    if user is None:
        abort(403)
    return user


def _account(user_id: uuid.UUID) -> User:
    user = get_session().get(User, user_id)
    if user is None:
        abort(404)
    return user


def _hours() -> int:
    return operations.invitation_hours(current_app.config)


def _link(token: str) -> str:
    return absolute_url_for("auth.accept_invitation", token=token)


def _done(message: str) -> Response:
    get_session().commit()
    flash(message, "info")
    return redirect(url_for("admin.users"), 303)


def _refused(error: OperationError, form: NewAccountForm | None = None) -> Response:
    get_session().rollback()
    status = 403 if isinstance(error, PermissionDenied) else 400
    if form is not None:
        form.add_error(error.message)
        return _page(form, status=status)
    return _page(NewAccountForm(formdata=None), problem=error.message, status=status)


def _page(
    form: NewAccountForm, *, secret: dict[str, object] | None = None, problem: str = "", status: int = 200
) -> Response:
    session = get_session()
    accounts = session.scalars(select(User).order_by(User.role, User.email)).all()
    page = render_template(
        "admin/users.html",
        form=form,
        accounts=accounts,
        invitations=operations.pending_invitations(session),
        role_choices=ROLE_CHOICES,
        secret=secret,
        problem=problem,
        me=current_user_id(),
    )
    return make_response(page, status)


def current_user_id() -> uuid.UUID | None:
    """Return the signed-in admin's account id (to mark "you" in the list)."""
    user = signed_in_user()
    return user.id if user is not None else None
