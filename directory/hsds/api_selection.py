"""Which published listings an HSDS API query selects, and loading them in batches.

:class:`Catalog` is the vocabulary of one query (read only when a filter or a nested object needs
it); :class:`ServiceFilters` are the service filters as SQL conditions; :func:`matching_centers`
adds the full-text ``search`` (the directory's own, :func:`directory.search.search_centers`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache, cached_property
from typing import Any

from sqlalchemy import ColumnElement, false, select
from sqlalchemy.orm import Session, selectinload

from directory.hsds import ids, marks
from directory.hsds.api_filters import parse_id, parse_moment
from directory.hsds.errors import HsdsQueryError
from directory.hsds.export import load_vocabulary
from directory.hsds.layout import Layout, load_layout
from directory.hsds.mapping import Rows, TermSortKey, listing_rows, term_sort_key, vocabulary_rows
from directory.hsds.nesting import ServiceNester, in_layout
from directory.hsds.publisher import Publisher
from directory.hsds.samhsa_codes import samhsa_codes
from directory.models import Center, ListingStatus, Taxonomy, TaxonomyTerm, center_terms
from directory.search import CenterQuery, Viewer, search_centers
from search_index import SearchError
from search_index.searching import MAX_PER_PAGE as SEARCH_PER_PAGE

PUBLISHED = ListingStatus.PUBLISHED


@cache
def _layout() -> Layout:
    return load_layout()


class Catalog:
    """The published vocabulary for one query, read from the database only when first needed."""

    def __init__(self, session: Session, publisher: Publisher) -> None:
        self.session = session
        self.publisher = publisher
        self.layout = _layout()

    @cached_property
    def schemes(self) -> Sequence[Taxonomy]:
        """Return the vocabulary's schemes with their terms."""
        return load_vocabulary(self.session)

    @cached_property
    def term_key(self) -> TermSortKey:
        """Return the vocabulary's term order."""
        return term_sort_key(self.schemes)

    @cached_property
    def rows(self) -> Rows:
        """Return the taxonomy and taxonomy_term rows (with the directory marks)."""
        return vocabulary_rows(self.schemes, self.publisher, samhsa_codes())

    @cached_property
    def nester(self) -> ServiceNester:
        """Return the nester of full services, with this vocabulary."""
        return ServiceNester(self.layout, self.rows)

    @cached_property
    def term_ids(self) -> dict[uuid.UUID, int]:
        """Return each term's database id by its HSDS id."""
        return {
            ids.term_id(term.scheme, term.code): term.id for scheme in self.schemes for term in scheme.terms
        }

    @cached_property
    def scheme_codes(self) -> dict[uuid.UUID, str]:
        """Return each scheme's code by its HSDS taxonomy id."""
        return {ids.taxonomy_id(scheme.code): scheme.code for scheme in self.schemes}

    def term_condition(self, term: uuid.UUID) -> ColumnElement[bool]:
        """Return the SQL condition "the center's service has the term ``term``"."""
        if term in self.term_ids:
            linked = select(center_terms.c.center_id).where(center_terms.c.term_id == self.term_ids[term])
            return Center.id.in_(linked)
        if term == marks.BY_CODE[marks.ADVERTISER].term_id:
            return Center.is_advertiser.is_(True)
        if str(term) in marks.BY_TERM_ID:  # the other marks are on phones and terms, never services
            return false()
        raise HsdsQueryError("taxonomy_term_id", f"No taxonomy term has the id {term}; see /taxonomy_terms.")

    def taxonomy_condition(self, taxonomy: uuid.UUID) -> ColumnElement[bool]:
        """Return the SQL condition "the center's service has a term of the taxonomy ``taxonomy``"."""
        if taxonomy in self.scheme_codes:
            linked = (
                select(center_terms.c.center_id)
                .join(TaxonomyTerm, TaxonomyTerm.id == center_terms.c.term_id)
                .where(TaxonomyTerm.scheme == self.scheme_codes[taxonomy])
            )
            return Center.id.in_(linked)
        if taxonomy == marks.TAXONOMY_ID:  # the only mark a service carries is "advertiser"
            return Center.is_advertiser.is_(True)
        raise HsdsQueryError("taxonomy_id", f"No taxonomy has the id {taxonomy}; see /taxonomies.")

    def service_summary(self, rows: Rows) -> dict[str, Any]:
        """Return a center's service with its one-to-one fields and its organization (``service_list``)."""
        service = in_layout(self.layout, "service", rows["service"][0], {"organization_id", "program_id"})
        service["organization"] = in_layout(self.layout, "organization", rows["organization"][0])
        return service


@dataclass(frozen=True)
class ServiceFilters:
    """The service filters of the HSDS API, parsed."""

    search: str = ""
    taxonomy_term_id: uuid.UUID | None = None
    taxonomy_id: uuid.UUID | None = None
    organization_id: uuid.UUID | None = None
    modified_after: datetime | None = None

    @classmethod
    def parse(
        cls,
        search: str | None = None,
        taxonomy_term_id: str | None = None,
        taxonomy_id: str | None = None,
        organization_id: str | None = None,
        modified_after: str | datetime | None = None,
    ) -> ServiceFilters:
        """Return the filters; raise :class:`HsdsQueryError` naming the first malformed one."""
        return cls(
            search=(search or "").strip(),
            taxonomy_term_id=parse_id("taxonomy_term_id", taxonomy_term_id),
            taxonomy_id=parse_id("taxonomy_id", taxonomy_id),
            organization_id=parse_id("organization_id", organization_id),
            modified_after=parse_moment("modified_after", modified_after),
        )

    def conditions(self, catalog: Catalog) -> list[ColumnElement[bool]]:
        """Return the SQL conditions on ``Center`` (published, and every filter but ``search``)."""
        conditions: list[ColumnElement[bool]] = [Center.status == PUBLISHED]
        if self.organization_id is not None:
            conditions.append(Center.id == self.organization_id)
        if self.taxonomy_term_id is not None:
            conditions.append(catalog.term_condition(self.taxonomy_term_id))
        if self.taxonomy_id is not None:
            conditions.append(catalog.taxonomy_condition(self.taxonomy_id))
        if self.modified_after is not None:
            conditions.append(Center.updated_at >= self.modified_after)
        return conditions


def matching_centers(session: Session, catalog: Catalog, filters: ServiceFilters) -> list[uuid.UUID]:
    """Return the published centers the filters select: by relevance with ``search``, else by slug."""
    statement = select(Center.id).where(*filters.conditions(catalog)).order_by(Center.slug)
    center_ids = list(session.scalars(statement))
    if not filters.search:
        return center_ids
    ranks = search_ranks(filters.search)
    return sorted((one for one in center_ids if one in ranks), key=ranks.__getitem__)


def listings(session: Session, center_ids: Sequence[uuid.UUID], publisher: Publisher) -> list[Rows]:
    """Return the :func:`~directory.hsds.mapping.listing_rows` of ``center_ids``, in order (two queries)."""
    statement = select(Center).where(Center.id.in_(center_ids)).options(selectinload(Center.locations))
    centers = {center.id: center for center in session.scalars(statement)} if center_ids else {}
    return [listing_rows(centers[one], publisher) for one in center_ids if one in centers]


def search_ranks(text: str) -> dict[uuid.UUID, int]:
    """Return the place in relevance order of every published center the full-text search finds."""
    ranks: dict[uuid.UUID, int] = {}
    page = 1
    while True:
        try:
            found = search_centers(CenterQuery(text=text, page=page, per_page=SEARCH_PER_PAGE), Viewer.PUBLIC)
        except SearchError as error:
            raise HsdsQueryError("search", str(error)) from error
        for hit in found.hits:
            ranks.setdefault(uuid.UUID(hit["id"]), len(ranks))
        if not found.hits or page * SEARCH_PER_PAGE >= found.total:
            return ranks
        page += 1
