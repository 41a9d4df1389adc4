"""Sign-in for all staff: the login, logout and change-password pages (blueprint ``auth``).

``accounts`` ties Flask-Login to the ``users`` table (sessions end when the password or the
active flag changes, or after ``STAFF_SESSION_IDLE_HOURS`` idle); ``lockout`` keeps the failure
counts in the rate limiter's storage; ``redirects`` keeps ``next=`` on this site.
"""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("auth", __name__, url_prefix="/staff")

from directory.auth import accounts, pages, pages_invitation  # noqa: E402  (pages register routes on bp)


def init_app(app: Flask) -> None:
    """Attach Flask-Login and register the sign-in pages."""
    accounts.init_app(app)
    app.register_blueprint(bp)


__all__ = ["bp", "init_app", "pages", "pages_invitation"]
