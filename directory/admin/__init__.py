"""The research team's admin pages at ``/admin/`` (blueprint ``admin``); admins only (see access)."""

from __future__ import annotations

from flask import Blueprint
from flask.blueprints import BlueprintSetupState

from directory.operations.staff_accounts import invitation_hours

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.record_once
def _check_settings(state: BlueprintSetupState) -> None:
    """Refuse to start with an invitation lifetime that is not one (``STAFF_INVITATION_HOURS``)."""
    invitation_hours(state.app.config)


from directory.admin import (  # noqa: E402  (each registers its routes on bp)
    pages_advertisers,
    pages_api_tokens,
    pages_articles,
    pages_audit,
    pages_centers,
    pages_corrections,
    pages_dashboard,
    pages_listing,
    pages_submissions,
    pages_users,
    pages_verification,
    refusals,
)

__all__ = [
    "bp",
    "pages_advertisers",
    "pages_api_tokens",
    "pages_articles",
    "pages_audit",
    "pages_centers",
    "pages_corrections",
    "pages_dashboard",
    "pages_listing",
    "pages_submissions",
    "pages_users",
    "pages_verification",
    "refusals",
]
