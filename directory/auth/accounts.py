"""Flask-Login over the ``users`` table, with sessions that end on their own.

A session holds the user's id plus a fragment derived from the password hash, the active flag and
the account's session version (Flask-Login's alternative-id pattern): changing the password or
deactivating the account changes the fragment (and reactivating it does not bring the old one
back), so every open session of that account stops working on its next request. A session
idle for ``STAFF_SESSION_IDLE_HOURS`` (default 8) is refused too. Each request reads the account's
columns and the presets it sees in one query; the ORM row is loaded only when a view needs it
(``signed_in_user``).
"""

from __future__ import annotations

import hashlib
import hmac
import time
import uuid
from typing import Protocol

from flask import Flask, current_app, flash, g, session
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from sqlalchemy import bindparam, select

from directory.config import ConfigError
from directory.database import get_session
from directory.models import Role, User
from directory.operations.presets import PresetEntry, split_account_rows, with_visible_presets

DEFAULT_IDLE_HOURS = 8.0
#: The session key holding the time (Unix seconds) of the signed-in user's last request.
LAST_SEEN_KEY = "staff_last_seen"
#: The last-seen time is rewritten at most this often (a request within it leaves the cookie as it
#: is, so most requests need not re-sign and re-send the session); idle expiry is exact to within it.
LAST_SEEN_REFRESH_SECONDS = 60

login_manager = LoginManager()
#: The account columns a request reads (with the account's presets, in one query).
ACCOUNT_COLUMNS = (
    User.id,
    User.email,
    User.role,
    User.active,
    User.password_hash,
    User.must_change_password,
    User.session_version,
)
#: Built once: building a statement on each request costs more than running it.
_ACCOUNT_QUERY = with_visible_presets(select(*ACCOUNT_COLUMNS).where(User.id == bindparam("user_id")))


class Account(Protocol):
    """What a session needs of an account: a ``User`` row, or its columns read as a plain row."""

    id: uuid.UUID
    email: str
    role: Role | str
    active: bool
    password_hash: str
    must_change_password: bool
    session_version: int


class StaffUser(UserMixin):
    """The signed-in staff member, as Flask-Login sees them (a detached snapshot of the row)."""

    def __init__(self, user: Account, presets: list[PresetEntry] | None = None) -> None:
        self.user_id: uuid.UUID = user.id
        self.email: str = user.email
        self.role: Role = Role(user.role)
        self.active: bool = user.active
        #: A temporary password: every staff page but the password change sends the person there.
        self.must_change_password: bool = bool(user.must_change_password)
        self._fragment = session_fragment(user)
        #: The presets this staff member sees, read with the account (team presets first).
        self.presets: list[PresetEntry] = presets or []

    @property
    def is_active(self) -> bool:
        """Whether the account may be signed in."""
        return self.active

    @property
    def is_admin(self) -> bool:
        """Whether this staff member is an admin."""
        return self.role is Role.ADMIN

    def get_id(self) -> str:
        """Return the session's id: the user's id and the fragment tying it to the password and flag."""
        return f"{self.user_id}:{self._fragment}"


def session_fragment(user: Account) -> str:
    """Return a keyed digest of the account's password hash, active flag and session version."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    material = f"{user.password_hash}|{int(bool(user.active))}|{user.session_version or 0}".encode()
    return hmac.new(key, material, hashlib.sha256).hexdigest()[:32]


def idle_limit_seconds() -> float:
    """Return how long a staff session may stay idle, from ``STAFF_SESSION_IDLE_HOURS``."""
    return idle_hours(current_app.config.get("STAFF_SESSION_IDLE_HOURS")) * 3600


def idle_hours(value: object) -> float:
    """Read the idle limit in hours; raise :class:`ConfigError` naming the setting if it is not one."""
    if value is None or value == "":
        return DEFAULT_IDLE_HOURS
    try:
        hours = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        hours = -1.0
    if not 0 < hours <= 24 * 365:
        raise ConfigError(
            f"STAFF_SESSION_IDLE_HOURS must be a number of hours above 0; it is {str(value)[:40]!r}"
        )
    return hours


def load_user(session_id: str) -> StaffUser | None:
    """Return the session's staff member, or None if the session no longer stands."""
    user_id, _, fragment = session_id.partition(":")
    try:
        key = uuid.UUID(user_id)
    except ValueError:
        return None
    # Core execution (no ORM entities in the query): the cheapest way to run it on every request.
    rows = get_session().connection().execute(_ACCOUNT_QUERY, {"user_id": key}).all()
    user, presets = split_account_rows(rows, len(ACCOUNT_COLUMNS))
    if user is None or not user.active or not hmac.compare_digest(fragment, session_fragment(user)):
        _forget_session("Your session has ended. Please sign in again.")
        return None
    if _idle_too_long():
        hours = f"{idle_limit_seconds() / 3600:g}"
        _forget_session(f"You were signed out after {hours} hours without activity. Please sign in again.")
        return None
    now = int(time.time())
    if now - session[LAST_SEEN_KEY] >= LAST_SEEN_REFRESH_SECONDS:
        session[LAST_SEEN_KEY] = now
    return StaffUser(user, presets)


def signed_in_user() -> User | None:
    """Return the signed-in staff member's row, loaded once per request (None when nobody is)."""
    if not current_user.is_authenticated:
        return None
    row: User | None = g.get("staff_user_row")
    if row is None or row.id != current_user.user_id:
        row = get_session().get(User, current_user.user_id)
        g.staff_user_row = row
    return row


def _idle_too_long() -> bool:
    """Whether the session's last request is older than the idle limit (or unknown)."""
    last_seen = session.get(LAST_SEEN_KEY)
    if not isinstance(last_seen, int | float):
        return True
    return time.time() - last_seen > idle_limit_seconds()


def _forget_session(message: str) -> None:
    """Drop a session that no longer stands, telling the person why on the next page."""
    session.clear()
    flash(message, "info")


def start_session(user: User) -> None:
    """Sign ``user`` in on a fresh session (nothing from before the sign-in is kept)."""
    session.clear()
    session[LAST_SEEN_KEY] = int(time.time())
    login_user(StaffUser(user))


def end_session() -> None:
    """Sign out and forget everything the session held."""
    logout_user()
    session.clear()


def init_app(app: Flask) -> None:
    """Attach Flask-Login; staff are never remembered beyond the browser session."""
    app.config["STAFF_SESSION_IDLE_HOURS"] = idle_hours(app.config.get("STAFF_SESSION_IDLE_HOURS"))
    app.config.setdefault("REMEMBER_COOKIE_SECURE", True)
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)
    login_manager.init_app(app)
