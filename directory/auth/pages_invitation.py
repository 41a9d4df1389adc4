"""The page an invitation link opens: the invited staff member sets their password, once.

The token travels in the query string (never the path, which server logs keep) and then in the
form. An unknown, mistyped, used or expired token, or one for a deactivated account, all get the
same answer (404), so the page tells nobody which tokens once existed.
"""

from __future__ import annotations

from flask import Response, flash, make_response, redirect, render_template, request, url_for

from directory.auth import bp
from directory.auth.accounts import end_session
from directory.auth.forms import InvitationForm
from directory.database import get_session
from directory.operations import staff_accounts as operations
from directory.operations.errors import OperationError


@bp.route("/invitation", methods=["GET", "POST"])
def accept_invitation() -> Response:
    """Show the set-a-password form for a valid invitation, or set the password and use the link up."""
    form = InvitationForm(token=request.args.get("token", ""))
    token = form.token.data or ""
    if not token:  # opened without its token: say how to use the link (a POST without one is refused)
        return _page(form, None, 400 if request.method == "POST" else 200)
    session = get_session()
    invitation = operations.find_invitation(session, token)
    if invitation is None:
        return _invalid()
    email = operations.invitation_account(session, invitation).email
    if request.method == "GET":
        return _page(form, email, 200)
    if not form.validate():
        return _page(form, email, 400)
    try:
        operations.accept_invitation(session, token, form.new_password.data or "")
    except operations.InvalidInvitation:
        session.rollback()
        return _invalid()
    except OperationError as error:
        session.rollback()
        form.add_error(error.message)
        return _page(form, email, 400)
    session.commit()
    end_session()  # whoever was signed in on this browser signs in again, as themselves
    flash("Your password is set. Sign in with your e-mail address and the new password.", "info")
    return redirect(url_for("auth.login"), 303)


def _page(form: InvitationForm, email: str | None, status: int) -> Response:
    return make_response(render_template("auth/invitation.html", form=form, email=email), status)


def _invalid() -> Response:
    return make_response(
        render_template("auth/invitation.html", form=None, problem=operations.INVALID_INVITATION), 404
    )
