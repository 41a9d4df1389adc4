"""Who publishes the HSDS data: the team credited with changes and checks, and the vocabulary's pages.

The export and any HSDS API take one :class:`Publisher`, built from the app's configuration by
:func:`current_publisher`: ``RESEARCH_TEAM_EMAIL`` (default ``research@`` the site's host) is the
``assurer_email`` of verified services and names the team in ``metadata.updated_by``; no staff
member's own name or e-mail is ever published. Taxonomy ``uri`` and term ``term_uri`` are absolute
addresses of the public vocabulary pages (``directory.public.pages_vocabulary``) at the site's
public address (``PUBLIC_BASE_URL``, required in production). A development export, run without
one and outside any request, names :data:`DEVELOPMENT_BASE_URL` (``flask run``'s address).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, has_request_context

from directory.site_address import absolute_url_for, public_base_url

TEAM_NAME = "Research team"
DEFAULT_TEAM_HOST = "localhost"
DEVELOPMENT_BASE_URL = "http://localhost:5000"


@dataclass(frozen=True)
class Publisher:
    """What the HSDS rows say about the publisher: its team address and its vocabulary pages."""

    team_email: str
    #: The absolute address of a scheme's vocabulary page, by scheme code.
    scheme_uri: Callable[[str], str]

    @property
    def team(self) -> str:
        """Return the team as ``metadata.updated_by`` names it: ``Research team, <address>``."""
        return f"{TEAM_NAME}, {self.team_email}"

    def term_uri(self, scheme: str, code: str) -> str:
        """Return the absolute address of a term: its scheme's page, at the term's anchor."""
        return f"{self.scheme_uri(scheme)}#{code}"


def team_email(config: Mapping[str, Any]) -> str:
    """Return the research team's address: ``RESEARCH_TEAM_EMAIL``, else ``research@`` the site's host."""
    if config.get("RESEARCH_TEAM_EMAIL"):
        return str(config["RESEARCH_TEAM_EMAIL"])
    base = public_base_url(config)
    host = urlsplit(base).hostname if base else None
    return f"research@{host or DEFAULT_TEAM_HOST}"


def site_url_for(endpoint: str, **values: Any) -> str:
    """Return the absolute URL of ``endpoint`` (at :data:`DEVELOPMENT_BASE_URL` if nothing names the site)."""
    if public_base_url(current_app.config) is not None or has_request_context():
        return absolute_url_for(endpoint, **values)
    address = urlsplit(DEVELOPMENT_BASE_URL)
    adapter = current_app.url_map.bind(address.netloc, url_scheme=address.scheme)
    return adapter.build(endpoint, values, force_external=True)


def current_publisher() -> Publisher:
    """Return the publisher of the current app (needs an app context)."""
    return Publisher(
        team_email=team_email(current_app.config),
        scheme_uri=lambda scheme: site_url_for("public.vocabulary_scheme", scheme=scheme),
    )
