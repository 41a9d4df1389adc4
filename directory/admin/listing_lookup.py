"""What the research team's listing pages share: the listing by slug, the signed-in admin, today."""

from __future__ import annotations

from datetime import date

from flask import abort, current_app
from sqlalchemy import select

from directory.auth.accounts import signed_in_user
from directory.database import get_session
from directory.models import Center, TaxonomyTerm, User, utcnow
from directory.operations.centers import find_center
from directory.operations.verification import reverify_months_setting

#: The schemes a verification can confirm terms of.
CONFIRMABLE_SCHEMES = ("therapy", "route", "accreditation")


def confirmable_term_labels() -> dict[str, str]:
    """Return the labels of the therapy, route and accreditation terms by code."""
    terms = get_session().execute(
        select(TaxonomyTerm.code, TaxonomyTerm.label).where(TaxonomyTerm.scheme.in_(CONFIRMABLE_SCHEMES))
    )
    return {code: label for code, label in terms}


def center_or_404(slug: str) -> Center:
    """Return the listing with ``slug``, whatever its status, or answer 404."""
    found = find_center(get_session(), slug) if len(slug) <= 120 else None
    if found is None:
        abort(404)
    return found


def acting_admin() -> User:
    """Return the signed-in account (the operations check its role)."""
    user = signed_in_user()
    if user is None:
        abort(403)
    return user


def today() -> date:
    """Return today's date in UTC, the day the directory's deadlines count in."""
    return utcnow().date()


def reverify_months() -> int:
    """Return the app's ``REVERIFY_MONTHS``."""
    return reverify_months_setting(current_app.config)
