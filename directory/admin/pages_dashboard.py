"""Admin: the research team's dashboard at ``/admin/``: every figure links to its filtered list."""

from __future__ import annotations

from datetime import timedelta

from flask import render_template

from directory.admin import bp
from directory.admin.charts import backlog_chart, influence_chart
from directory.database import get_session
from directory.models import utcnow
from directory.operations.dashboard import (
    SOON_DAYS,
    advertisers_ending,
    advertising_influence,
    backlog_history,
    expiries_since,
    listing_counts,
    queue_counts,
    waiting_counts,
)


@bp.get("/")
def dashboard() -> str:
    """Show listings by status, the verification queue and backlog, what waits, and advertising influence."""
    session = get_session()
    now = utcnow()
    month_ago = now - timedelta(days=SOON_DAYS)
    backlog = backlog_history(session, now)
    influence = advertising_influence(session, now.date())
    return render_template(
        "admin/dashboard.html",
        listings=listing_counts(session),
        queue=queue_counts(session, now),
        ending=advertisers_ending(session, now.date()),
        expired=expiries_since(session, month_ago),
        month_ago=month_ago.date(),
        waiting=waiting_counts(session),
        backlog=backlog,
        chart=backlog_chart(backlog),
        influence=influence,
        influence_chart=influence_chart(influence.weeks),
        soon_days=SOON_DAYS,
    )
