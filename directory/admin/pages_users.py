"""Admin: the staff accounts (read-only; accounts are created with ``flask users create``)."""

from __future__ import annotations

from flask import render_template
from sqlalchemy import select

from directory.admin import bp
from directory.database import get_session
from directory.models import User


@bp.get("/users")
def users() -> str:
    """List every staff account: e-mail, role, whether active, when created."""
    accounts = get_session().scalars(select(User).order_by(User.role, User.email)).all()
    return render_template("admin/users.html", accounts=accounts)
