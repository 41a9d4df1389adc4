"""Who publishes the HSDS data: the team credited with changes and checks, and the vocabulary's pages.

The export and any HSDS API take one :class:`Publisher`, built from the app's configuration by
:func:`current_publisher`: ``RESEARCH_TEAM_EMAIL`` (default ``research@`` the site's host) is the
``assurer_email`` of verified services and names the team in ``metadata.updated_by``; no staff
member's own name or e-mail is ever published. Taxonomy ``uri`` and term ``term_uri`` are absolute
addresses of the public vocabulary pages (``directory.public.pages_vocabulary``, whose routes use
:data:`VOCABULARY_PATH`) at the site's public address (``PUBLIC_BASE_URL``, required in
production). An export run without one, outside any request (a development export, or a program
using the package without an app), names :data:`DEVELOPMENT_BASE_URL` (``flask run``'s address).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from flask import current_app, has_app_context, has_request_context, request

from directory.site_address import public_base_url

TEAM_NAME = "Research team"
DEFAULT_TEAM_HOST = "localhost"
DEVELOPMENT_BASE_URL = "http://localhost:5000"
#: The path of the vocabulary pages: the list of schemes, and ``/<scheme>`` for each.
VOCABULARY_PATH = "/vocabulary"


@dataclass(frozen=True)
class Publisher:
    """What the HSDS rows say about the publisher: its team address and where its site is."""

    team_email: str
    #: The site's address without a trailing slash, such as ``https://directory.example.org``.
    base_url: str

    @property
    def team(self) -> str:
        """Return the team as ``metadata.updated_by`` names it: ``Research team, <address>``."""
        return f"{TEAM_NAME}, {self.team_email}"

    def scheme_uri(self, scheme: str) -> str:
        """Return the absolute address of a scheme's vocabulary page."""
        return f"{self.base_url}{VOCABULARY_PATH}/{quote(scheme, safe='')}"

    def term_uri(self, scheme: str, code: str) -> str:
        """Return the absolute address of a term: its scheme's page, at the term's anchor."""
        return f"{self.scheme_uri(scheme)}#{quote(code, safe='')}"


def team_email(config: Mapping[str, Any]) -> str:
    """Return the research team's address: ``RESEARCH_TEAM_EMAIL``, else ``research@`` the site's host."""
    if config.get("RESEARCH_TEAM_EMAIL"):
        return str(config["RESEARCH_TEAM_EMAIL"])
    base = public_base_url(config)
    host = urlsplit(base).hostname if base else None
    return f"research@{host or DEFAULT_TEAM_HOST}"


def current_publisher() -> Publisher:
    """Return the publisher of the current app; without an app, the development defaults."""
    if not has_app_context():
        return Publisher(team_email({}), DEVELOPMENT_BASE_URL)
    base = public_base_url(current_app.config)
    if base is None:
        base = request.url_root.rstrip("/") if has_request_context() else DEVELOPMENT_BASE_URL
    return Publisher(team_email(current_app.config), base)
