"""The treatment-center directory: a Flask app over SQLAlchemy models and a Whoosh search index.

Importing the package does not import Flask, so that the models and operations load without it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Create and wire the app: configuration, database, blueprints and commands."""
    from directory import (
        access,
        admin,
        api,
        auth,
        cli,
        database,
        errors,
        extensions,
        health,
        proxies,
        public,
        request_safety,
        response_policy,
        search,
        staff,
    )
    from directory.config import load_config

    app = errors.DirectoryApp(__name__, instance_relative_config=True)
    load_config(app, dict(config) if config else None)
    request_safety.init_app(app)
    response_policy.init_app(app)
    access.init_app(app)  # before CSRF and rate limits: who may ask is settled first
    database.init_app(app)
    search.init_app(app)
    extensions.init_app(app)
    errors.init_app(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(public.bp)
    auth.init_app(app)
    app.register_blueprint(staff.bp)
    app.register_blueprint(admin.bp)
    api.init_app(app)
    cli.init_app(app)
    proxies.init_app(app)
    return app
