"""What the console's search screen shows around its table: facets, sort links, pages and presets.

Every link is a whole console URL (all state in the query string), so the screen works without
JavaScript and a public search URL opens here by changing its path.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from flask import url_for

from directory.models import SearchPreset
from directory.operations.presets import PresetEntry, apply_preset
from directory.public.search_presenter import FacetGroup, Link, facet_groups
from directory.schemas.geography import US_STATES
from directory.search import SearchResponse
from directory.staff.search_args import ADVERTISER_CHOICES, StaffSearchArgs
from search_index import Vocabulary

#: The orders a specialist sorts by, as the console shows them.
CONSOLE_SORTS: dict[str, str] = {
    "relevance": "Relevance",
    "distance": "Distance",
    "name": "Name",
    "verified": "Recently verified",
}
#: The yes/no filters in words (staff see closed listings without asking).
YES_NO_LABELS: dict[str, str] = {"verified": "Verified only", "accepting": "Accepting new clients"}
#: Parameters a saved preset leaves out: the caller's place is a detail of the caller.
NOT_SAVED: tuple[str, ...] = ("near", "page", "per_page")


@dataclass(frozen=True)
class PresetLink:
    """One preset as the console lists it: how to apply it and what this staff member may do."""

    id: str
    name: str
    shared: bool
    apply_url: str
    may_change: bool
    may_promote: bool


@dataclass
class ConsolePage:
    """Everything the console's search template needs, for results and for errors alike."""

    args: StaffSearchArgs
    response: SearchResponse | None = None
    problems: list[str] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    facets: list[FacetGroup] = field(default_factory=list)
    sort_links: list[Link] = field(default_factory=list)
    presets: list[PresetLink] = field(default_factory=list)
    previous_url: str | None = None
    next_url: str | None = None
    #: The chosen filters in words, shown on the folded filter panel.
    chosen: list[str] = field(default_factory=list)

    @property
    def query_string(self) -> str:
        """Return the current search as a query string (kept by the preset forms)."""
        return self.args.query_string()


def console_url(args: StaffSearchArgs) -> str:
    """Return the console URL of a search."""
    query = args.query_string()
    return url_for("staff.search") + (f"?{query}" if query else "")


def console_page(
    args: StaffSearchArgs,
    response: SearchResponse | None,
    vocabulary: Vocabulary,
    rows: list[dict[str, Any]],
    problems: list[str],
) -> ConsolePage:
    """Return the screen for ``args``: results, facets, sort links and pages when there are any."""
    page = ConsolePage(args=args, response=response, problems=problems, rows=rows)
    page.chosen = chosen_filters(args, vocabulary)
    if response is None:
        return page
    page.facets = facet_groups(args, response, vocabulary)
    if not rows:  # nothing to sort or page through
        return page
    page.sort_links = [
        Link(label, console_url(args.replace(sort=code)), current=response.sort == code)
        for code, label in CONSOLE_SORTS.items()
        if code != "distance" or args.near
    ]
    last_page = max(1, math.ceil(response.total / args.per_page))
    if args.page > 1:
        page.previous_url = console_url(args.replace(page=min(args.page - 1, last_page)))
    if args.page < last_page:
        page.next_url = console_url(args.replace(page=args.page + 1))
    return page


def chosen_filters(args: StaffSearchArgs, vocabulary: Vocabulary) -> list[str]:
    """Return every chosen filter in words ("Ketamine-assisted therapy", "Status: pending")."""
    chosen = []
    for name, value in args.selected():
        term = vocabulary.term(name, value)
        chosen.append(term.label if term else US_STATES.get(value, value))
    chosen += [label for name, label in YES_NO_LABELS.items() if getattr(args, name)]
    chosen += [f"Status: {status}" for status in args.statuses]
    chosen += [f"Verification: {value}" for value in args.verification]
    if args.advertiser is not None:
        chosen.append(ADVERTISER_CHOICES["1" if args.advertiser else "0"])
    if args.overdue:
        chosen.append("Re-verification overdue")
    return chosen


def preset_links(
    presets: Sequence[PresetEntry | SearchPreset], user_id: uuid.UUID, admin: bool, args: StaffSearchArgs
) -> list[PresetLink]:
    """Return the presets user ``user_id`` sees (``admin``: an admin), each applied to the current place."""
    current = {"near": [args.near]} if args.near else {}
    if args.near and args.radius is not None:
        current["radius"] = [f"{args.radius:g}"]
    base = url_for("staff.search")
    links = []
    for preset in presets:
        query = urlencode(apply_preset(preset, current))
        mine = preset.owner_id == user_id
        links.append(
            PresetLink(
                id=str(preset.id),
                name=preset.name,
                shared=preset.shared,
                apply_url=base + (f"?{query}" if query else ""),
                may_change=(mine and not preset.shared) or admin,
                may_promote=admin and not preset.shared,
            )
        )
    return links


def preset_params(args: StaffSearchArgs) -> list[tuple[str, str]]:
    """Return the current search as a preset saves it: filters and words, never the caller's place."""
    return [(name, value) for name, value in args.params() if name not in NOT_SAVED]
