"""Re-verification overdue: the index keeps each listing's due date, the day is decided per search."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import pytest
from test_search_index import built_index

from search_index import SearchError, SearchRequest
from search_index.schema import index_fields, reverify_due_ordinal
from search_index.types import Vocabulary
from tests.search_fixture import listing_documents

STATUSES = ("published", "pending", "closed", "suspended")
DUE = {"c01": "2026-03-01", "c02": "2026-06-15", "c03": "2026-06-16"}


def documents_with_due_dates() -> list[dict[str, Any]]:
    """The fixture's listings, three of them with a re-verification due date."""
    docs = listing_documents()
    for doc in docs:
        doc["reverify_due_on"] = DUE.get(doc["id"])
    return docs


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory):
    built = built_index(tmp_path_factory.mktemp("overdue-index"), documents_with_due_dates())
    yield built
    built.close()


def overdue_ids(index, day: date, **fields) -> set[str]:
    request = SearchRequest(overdue_on=day, statuses=STATUSES, per_page=100, **fields)
    return {hit.id for hit in index.search(request).hits}


def test_overdue_means_due_before_the_day_asked(index):
    assert overdue_ids(index, date(2026, 3, 1)) == set()
    assert overdue_ids(index, date(2026, 3, 2)) == {"c01"}
    assert overdue_ids(index, date(2026, 6, 16)) == {"c01", "c02"}
    assert overdue_ids(index, date(2030, 1, 1)) == {"c01", "c02", "c03"}


def test_the_same_index_answers_for_whichever_day_is_asked(index):
    """Nothing is frozen at indexing: a later day finds more overdue listings without a rebuild."""
    before = overdue_ids(index, date(2026, 6, 15))
    after = overdue_ids(index, date(2026, 6, 17))
    assert before == {"c01"} and after == {"c01", "c02", "c03"}
    assert overdue_ids(index, date(2026, 6, 15)) == before


def test_overdue_combines_with_other_filters(index):
    utah = overdue_ids(index, date(2030, 1, 1), filters={"state": ("UT",)})
    assert utah == set(DUE)  # all three are in Salt Lake City
    assert overdue_ids(index, date(2030, 1, 1), filters={"state": ("CO",)}) == set()
    assert overdue_ids(index, date(2030, 1, 1), advertiser=True) == {"c01"}


def test_no_overdue_filter_keeps_every_listing(index):
    every = index.search(SearchRequest(per_page=100)).total
    assert every == len([d for d in documents_with_due_dates() if d["status"] == "published"])


def test_a_day_that_is_not_a_date_is_refused(index):
    with pytest.raises(SearchError, match="date"):
        index.search(SearchRequest(overdue_on="2026-01-01"))  # type: ignore[arg-type]


def test_documents_without_a_due_date_are_never_overdue_and_older_callers_still_index():
    assert math.isnan(reverify_due_ordinal(None))
    assert reverify_due_ordinal("2026-01-02") == date(2026, 1, 2).toordinal()
    doc = listing_documents()[0]
    doc.pop("reverify_due_on", None)
    assert math.isnan(index_fields(doc, Vocabulary(schemes={}))["card"][-1])
