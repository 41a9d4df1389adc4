"""The public vocabulary pages' content: each scheme and its terms, as HSDS exports point to them.

The schemes are the database's vocabulary and the "Directory marks" of the HSDS export
(``directory.hsds.marks``); every term that an HSDS ``term_uri`` names is on its scheme's page,
at the anchor of its code, with the SAMHSA service codes it stands for.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from directory.hsds import marks
from directory.hsds.mapping import scheme_version
from directory.hsds.samhsa_codes import samhsa_codes
from directory.models import Taxonomy


@dataclass(frozen=True)
class TermView:
    """One term as its scheme's page lists it."""

    code: str
    label: str
    description: str
    #: The term's code in HSDS exports (``scheme:code``).
    hsds_code: str
    parent_code: str | None = None
    parent_label: str | None = None
    samhsa_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class SchemeView:
    """One scheme: its label, description, version and terms."""

    code: str
    label: str
    description: str
    version: str
    terms: list[TermView] = field(default_factory=list)


def _load(session: Session) -> list[Taxonomy]:
    statement = (
        select(Taxonomy).order_by(Taxonomy.position, Taxonomy.code).options(selectinload(Taxonomy.terms))
    )
    return list(session.scalars(statement))


def _scheme(scheme: Taxonomy) -> SchemeView:
    terms = sorted(scheme.terms, key=lambda term: (term.position, term.code))
    by_id = {term.id: term for term in terms}
    codes = samhsa_codes()
    views = []
    for term in terms:
        parent = by_id.get(term.parent_id) if term.parent_id is not None else None
        views.append(
            TermView(
                code=term.code,
                label=term.label,
                description=term.description,
                hsds_code=f"{scheme.code}:{term.code}",
                parent_code=parent.code if parent else None,
                parent_label=parent.label if parent else None,
                samhsa_codes=codes.get((scheme.code, term.code), ()),
            )
        )
    return SchemeView(scheme.code, scheme.label, scheme.description, scheme_version(scheme), views)


def marks_scheme() -> SchemeView:
    """Return the "Directory marks" scheme of the HSDS export."""
    terms = [
        TermView(mark.code, mark.label, mark.description, hsds_code=f"{marks.SCHEME}:{mark.code}")
        for mark in marks.MARKS
    ]
    return SchemeView(marks.SCHEME, marks.LABEL, marks.DESCRIPTION, marks.VERSION, terms)


def vocabulary_schemes(session: Session) -> list[SchemeView]:
    """Return every scheme with its terms, the directory marks last."""
    return [*(_scheme(scheme) for scheme in _load(session)), marks_scheme()]


def vocabulary_scheme(session: Session, code: str) -> SchemeView | None:
    """Return the scheme ``code`` with its terms, or None when there is no such scheme."""
    if code == marks.SCHEME:
        return marks_scheme()
    statement = select(Taxonomy).where(Taxonomy.code == code).options(selectinload(Taxonomy.terms))
    scheme = session.scalar(statement)
    return _scheme(scheme) if scheme is not None else None
