"""A short lock on an account after repeated failed sign-ins, counted in the rate limiter's storage.

The counts live where the rate limits do (``RATELIMIT_STORAGE_URI``: memory, or Redis shared by
every instance), keyed by a keyed digest of the e-mail address so the store never holds the
address. Unknown addresses are counted and locked exactly like real ones, so the lock tells
nobody whether an account exists. ``LOGIN_LOCKOUT`` (default "5 per 15 minutes") sets how many
failures lock the account, and for how long.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app
from limits import parse
from limits.strategies import FixedWindowRateLimiter

from directory.extensions import limiter

DEFAULT_LOCKOUT = "5 per 15 minutes"
_NAMESPACE = "staff-login-failures"


def account_key(email: str) -> str:
    """Return the digest that stands for an e-mail address in the limiter's storage."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, email.strip().lower().encode(), hashlib.sha256).hexdigest()[:32]


def _window() -> tuple[FixedWindowRateLimiter, object]:
    limit = parse(str(current_app.config.get("LOGIN_LOCKOUT") or DEFAULT_LOCKOUT))
    return FixedWindowRateLimiter(limiter.storage), limit


def is_locked(email: str) -> bool:
    """Whether the account has failed too often in the current window."""
    strategy, limit = _window()
    return not strategy.test(limit, _NAMESPACE, account_key(email))  # type: ignore[arg-type]


def record_failure(email: str) -> bool:
    """Count one failed sign-in; return True when this failure locked the account."""
    strategy, limit = _window()
    strategy.hit(limit, _NAMESPACE, account_key(email))  # type: ignore[arg-type]
    return not strategy.test(limit, _NAMESPACE, account_key(email))  # type: ignore[arg-type]


def clear_failures(email: str) -> None:
    """Forget the account's failures after a successful sign-in."""
    strategy, limit = _window()
    strategy.clear(limit, _NAMESPACE, account_key(email))  # type: ignore[arg-type]


def lock_minutes() -> int:
    """Return the lock's length in minutes, for the message a person sees."""
    _strategy, limit = _window()
    return max(1, round(limit.get_expiry() / 60))  # type: ignore[attr-defined]
