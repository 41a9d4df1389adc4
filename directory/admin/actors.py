"""The signed-in admin who acts through an admin page (operations check the role again)."""

from __future__ import annotations

from flask import abort

from directory.auth.accounts import signed_in_user
from directory.models import User


def signed_in_admin() -> User:
    """Return the signed-in staff member's row, or answer 403 when nobody is signed in."""
    user = signed_in_user()
    if user is None:
        abort(403)
    return user
