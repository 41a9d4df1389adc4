"""Admin: the audit trail at ``/admin/audit``: every event, newest first, filtered and paged. Read-only.

No route here accepts anything but GET: events are never edited or deleted through any screen
(and the model refuses it too). Bad filter values answer 400 with every problem named.
"""

from __future__ import annotations

from flask import Response, make_response, render_template, request

from directory.admin import bp
from directory.admin.audit_filters import AuditFilterError, AuditFilters, parse_audit_filters
from directory.admin.audit_trail import AuditPage, UnknownListing, audit_page, known_actions
from directory.database import get_session


@bp.get("/audit")
def audit() -> Response:
    """Show one page of audit events under the filters the query string names."""
    session = get_session()
    try:
        filters = parse_audit_filters(request.args)
        page = audit_page(session, filters)
    except AuditFilterError as error:
        return _page(AuditFilters(), AuditPage(), error.problems, 400)
    except UnknownListing as error:
        problem = f"No listing has the slug {str(error)!r}: check the record filter."
        return _page(filters, AuditPage(), [problem], 400)
    status = 404 if filters.page > page.last_page else 200
    return _page(filters, page, [], status)


def _page(filters: AuditFilters, page: AuditPage, problems: list[str], status: int) -> Response:
    raw = {name: request.args.get(name, "")[:200] for name in ("action", "actor", "record", "since", "until")}
    body = render_template(
        "admin/audit.html",
        filters=filters,
        page=page,
        problems=problems,
        values=raw,
        actions=known_actions(get_session()),
    )
    return make_response(body, status)
