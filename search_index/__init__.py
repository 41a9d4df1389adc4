"""The Whoosh search index: framework-free (a directory path and plain dicts in, dataclasses out).

This package never imports Flask or SQLAlchemy. ``directory.indexing`` feeds it documents
from the database; ``directory.search`` asks it questions.
"""

import warnings

# Whoosh 2.7.4's own source has an `is 0` comparison; silence only that compile-time warning.
warnings.filterwarnings("ignore", message='"is" with a literal', category=SyntaxWarning)

from search_index.geo import Place, resolve_place
from search_index.index import SearchIndex
from search_index.integrity import Fault, IndexCorrupt
from search_index.schema import SCHEMA_VERSION, document_digest
from search_index.storage import IndexBusy, SyncState
from search_index.synonyms import groups_from_json
from search_index.types import (
    FacetCount,
    Hit,
    LocationError,
    SearchError,
    SearchRequest,
    SearchResult,
    SynonymGroup,
    VocabTerm,
    Vocabulary,
)

__all__ = [
    "SCHEMA_VERSION",
    "FacetCount",
    "Fault",
    "Hit",
    "IndexBusy",
    "IndexCorrupt",
    "LocationError",
    "Place",
    "SearchError",
    "SearchIndex",
    "SearchRequest",
    "SearchResult",
    "SyncState",
    "SynonymGroup",
    "VocabTerm",
    "Vocabulary",
    "document_digest",
    "groups_from_json",
    "resolve_place",
]
