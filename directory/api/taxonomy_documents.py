"""The vocabulary as the API's document: schemes (search parameters) and their terms."""

from __future__ import annotations

from typing import Any

from flask import url_for

from search_index import Vocabulary


def taxonomy_document(vocabulary: Vocabulary) -> dict[str, Any]:
    """Return every scheme with its terms, each with the search that filters on it."""
    return {
        "schemes": [
            {
                "code": scheme,
                "label": vocabulary.scheme_labels.get(scheme, scheme),
                "terms": [
                    {
                        "code": term.code,
                        "label": term.label,
                        "parent": term.parent,
                        "search_url": url_for("api_search.search", **{scheme: term.code}),
                    }
                    for term in terms
                ],
            }
            for scheme, terms in vocabulary.schemes.items()
        ]
    }
