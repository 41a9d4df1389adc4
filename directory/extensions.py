"""Flask extensions shared by the blueprints: CSRF protection and rate limits."""

from __future__ import annotations

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
#: Limits are declared on the views that need them (the public forms); nothing is limited by default.
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def init_app(app: Flask) -> None:
    """Attach the extensions; rate-limit counters live where ``RATELIMIT_STORAGE_URI`` says."""
    # The limiter is shared by every app in the process and keeps the last app's switch: set it each time.
    app.config.setdefault("RATELIMIT_ENABLED", True)
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    csrf.init_app(app)
    limiter.init_app(app)
