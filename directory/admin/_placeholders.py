"""TEMPORARY: stand-ins for admin pages other branches build, so the dashboard's links resolve.

The lead drops this module (and its access entries) when merging the real pages.
"""

from __future__ import annotations

from flask import request

from directory.admin import bp


def _placeholder() -> str:
    """Answer with the page's name and its query string (a stand-in only)."""
    return f"placeholder for {request.endpoint} {request.query_string.decode('ascii', 'replace')}"


for _rule, _endpoint in (
    ("/verification", "verification_queue"),
    ("/advertisers", "advertisers"),
    ("/submissions", "submissions"),
    ("/corrections", "corrections"),
    ("/articles", "articles"),
    ("/audit", "audit"),
):
    bp.add_url_rule(_rule, _endpoint, _placeholder)
