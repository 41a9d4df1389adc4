"""Keeping the controlled vocabulary in the database in step with ``data/taxonomy.json``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from directory.models import Taxonomy, TaxonomyTerm
from directory.operations.errors import OperationError

TermKey = tuple[str, str]


@dataclass
class TermIndex:
    """The vocabulary by ``(scheme, code)``, for resolving codes to terms."""

    terms: dict[TermKey, TaxonomyTerm] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session) -> TermIndex:
        """Read every term from the database."""
        return cls({(t.scheme, t.code): t for t in session.scalars(select(TaxonomyTerm))})

    def resolve(self, codes_by_scheme: Mapping[str, Iterable[str]]) -> list[TaxonomyTerm]:
        """Return the terms for ``{scheme: [codes]}``; raise with a message per unknown code."""
        errors: dict[str, list[str]] = {}
        resolved: list[TaxonomyTerm] = []
        schemes = {scheme for scheme, _code in self.terms}
        for scheme, codes in codes_by_scheme.items():
            if scheme not in schemes:
                errors[scheme] = [f"Unknown scheme '{scheme}'."]
                continue
            for code in dict.fromkeys(codes):
                term = self.terms.get((scheme, code))
                if term is None:
                    errors.setdefault(scheme, []).append(f"Unknown {scheme} term '{code}'.")
                else:
                    resolved.append(term)
        if errors:
            raise OperationError("Unknown taxonomy terms.", {"terms": errors})
        return resolved


def sync_vocabulary(session: Session, vocabulary: Mapping[str, Any]) -> int:
    """Insert or update every scheme and term of a validated vocabulary; return how many changed."""
    changed = 0
    existing = TermIndex.load(session).terms
    for position, scheme_data in enumerate(vocabulary["schemes"]):
        scheme = session.get(Taxonomy, scheme_data["code"]) or Taxonomy(code=scheme_data["code"])
        changed += _assign(
            scheme,
            label=scheme_data["label"],
            description=scheme_data["description"],
            position=position,
        )
        session.add(scheme)
        session.flush()
        for term_position, term_data in enumerate(scheme_data["terms"]):
            key = (scheme.code, term_data["code"])
            term = existing.get(key) or TaxonomyTerm(scheme=scheme.code, code=term_data["code"])
            changed += _assign(
                term,
                label=term_data["label"],
                description=term_data["description"],
                aliases=list(term_data["aliases"]),
                position=term_position,
            )
            if key not in existing:
                session.add(term)
                existing[key] = term
        session.flush()
        for term_data in scheme_data["terms"]:
            term = existing[(scheme.code, term_data["code"])]
            parent = existing[(scheme.code, term_data["parent"])] if term_data["parent"] else None
            changed += _assign(term, parent_id=parent.id if parent else None)
    session.flush()
    return changed


def _assign(record: Any, **values: Any) -> int:
    """Set the attributes that differ; return 1 if any did."""
    differs = any(getattr(record, name) != value for name, value in values.items())
    for name, value in values.items():
        if getattr(record, name) != value:
            setattr(record, name, value)
    return int(differs)
