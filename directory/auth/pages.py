"""The sign-in, sign-out and change-password pages.

Sign-in is limited per address (``LOGIN_RATE_LIMIT``) and per account (``LOGIN_ACCOUNT_RATE_LIMIT``),
and an account is locked for a while after repeated failures (:mod:`directory.auth.lockout`). A
wrong password and an unknown address get the same answer after the same work. Nothing typed
into these forms reaches a log or the audit trail.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_limiter.errors import RateLimitExceeded
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from directory.auth import bp, lockout
from directory.auth.accounts import end_session, start_session
from directory.auth.forms import LoginForm, PasswordForm
from directory.auth.redirects import safe_next
from directory.database import get_session
from directory.extensions import limiter
from directory.models import User
from directory.operations.errors import OperationError
from directory.operations.sign_in import (
    authenticate,
    find_account,
    record_lockout,
    record_sign_in,
    record_sign_out,
)
from directory.operations.users import change_password as store_new_password

DEFAULT_ADDRESS_LIMIT = "10 per minute;50 per hour"
DEFAULT_ACCOUNT_LIMIT = "20 per hour"
FAILED = "That e-mail address and password do not match an active staff account. Check both and try again."


def _config_limit(key: str, default: str) -> Callable[[], str]:
    """Return a limit read from config ``key`` on each request."""
    return lambda: str(current_app.config.get(key) or default)


def _account_key() -> str:
    """Count sign-ins per account: a digest of the submitted address, never the address."""
    return "account:" + lockout.account_key(request.form.get("email", ""))


def _page(template: str, status: int, **context: object) -> Response:
    return make_response(render_template(template, **context), status)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_config_limit("LOGIN_RATE_LIMIT", DEFAULT_ADDRESS_LIMIT), methods=["POST"])
@limiter.limit(
    _config_limit("LOGIN_ACCOUNT_RATE_LIMIT", DEFAULT_ACCOUNT_LIMIT), key_func=_account_key, methods=["POST"]
)
def login() -> Response:
    """Show the sign-in form, or sign a staff member in and send them on (to this site only)."""
    form = LoginForm(next=request.args.get("next", ""))
    target = safe_next(form.next.data) or url_for("staff.home")
    if request.method == "GET" and current_user.is_authenticated:
        return redirect(target)
    if request.method == "POST" and form.validate():
        email = form.email.data or ""
        if lockout.is_locked(email):
            form.add_error(_locked_message())
            return _page("auth/login.html", 429, form=form)
        session = get_session()
        user = authenticate(session, email, form.password.data or "")
        if user is None:
            _count_failure(email)
            form.add_error(FAILED)
            return _page("auth/login.html", 400, form=form)
        lockout.clear_failures(email)
        record_sign_in(session, user)
        session.commit()
        start_session(user)
        return redirect(target, 303)
    status = 400 if request.method == "POST" else 200
    return _page("auth/login.html", status, form=form)


def _count_failure(email: str) -> None:
    """Count a failed sign-in; audit the lock it may cause on a real account."""
    if not lockout.record_failure(email):
        return
    session = get_session()
    account = find_account(session, email)
    if account is not None:
        record_lockout(session, account, lockout.lock_minutes())
        session.commit()


def _locked_message() -> str:
    return (
        "Too many failed sign-ins for this account. For its safety, sign-in is paused for "
        f"{lockout.lock_minutes()} minutes. Try again later, or ask an administrator to help."
    )


@bp.post("/logout")
def logout() -> Response:
    """Sign out (a POST with the CSRF token, so no other site can sign a person out)."""
    session = get_session()
    user = session.get(User, current_user.user_id)
    if user is not None:
        record_sign_out(session, user)
        session.commit()
    end_session()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"), 303)


@bp.route("/password", methods=["GET", "POST"])
def change_password() -> Response:
    """Change one's own password; every other session of the account ends."""
    form = PasswordForm()
    if request.method == "POST" and form.validate():
        session = get_session()
        user = session.get(User, current_user.user_id)
        try:
            store_new_password(session, user, form.current_password.data or "", form.new_password.data or "")
        except OperationError as error:
            session.rollback()
            form.add_error(error.message)
            return _page("auth/password.html", 400, form=form)
        session.commit()
        start_session(user)  # this session goes on with the new password; the others end
        flash("Your password is changed. Any other session of your account has ended.", "info")
        return redirect(url_for("staff.home"), 303)
    return _page("auth/password.html", 400 if request.method == "POST" else 200, form=form)


@bp.errorhandler(CSRFError)
def form_expired(_error: CSRFError) -> Response:
    """Answer a missing or stale CSRF token with a page that says what to do."""
    return _page(
        "public/form_error.html",
        400,
        title="Your form expired, please try again",
        message="For your security, staff forms work for a limited time and only from the page that "
        "showed them. Open the page again and send the form once more.",
        retry_url=url_for(request.endpoint) if request.endpoint else None,
    )


@bp.errorhandler(RateLimitExceeded)
def too_many_attempts(_error: RateLimitExceeded) -> Response:
    """Answer too many sign-in attempts with a page that says to wait; the limiter adds Retry-After."""
    return _page(
        "public/form_error.html",
        429,
        title="Too many sign-in attempts",
        message="We received many sign-in attempts from your network or for this account in a short "
        "time. Wait a few minutes and try again.",
        retry_url=url_for("auth.login"),
    )
