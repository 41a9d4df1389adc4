"""Reading a package's taxonomies into the directory's vocabulary.

Terms this directory exported are recognised by their derived ids (``scheme:code`` with the id
of that scheme and code) and keep their scheme and code; the "Directory marks" terms (``marks``)
are recognised by id and are not vocabulary. Other publishers' taxonomies become
schemes whose code is the slugified taxonomy name (letters and underscores); their terms get
slugified codes (from ``code``, else ``name``). A taxonomy whose slug is an existing scheme's
code is merged into it. Only missing schemes and terms are created (through
``sync_vocabulary``); existing ones are never changed, as ``data/taxonomy.json`` governs them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from directory.hsds import ids, marks
from directory.hsds.index import PackageIndex
from directory.hsds.reading import Row
from directory.models import Taxonomy
from directory.operations.taxonomy import TermKey, sync_vocabulary
from directory.schemas.taxonomy import SchemeInput, TermInput
from search_index.schema import slugify

FALLBACK_SCHEME = "imported"


@dataclass
class SchemePlan:
    """A scheme as the package describes it, with its terms in file order."""

    code: str
    label: str
    description: str
    terms: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class VocabularyMap:
    """What the package's taxonomy terms mean in the directory."""

    #: HSDS term id → (scheme, code) of a vocabulary term.
    terms: dict[str, TermKey] = field(default_factory=dict)
    #: HSDS term id → code of a directory mark (``marks``).
    marks: dict[str, str] = field(default_factory=dict)
    schemes: dict[str, SchemePlan] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass
class VocabularyPlan:
    """The vocabulary to sync (None when nothing is missing) and the terms available afterwards."""

    vocabulary: dict[str, Any] | None
    available: set[TermKey]
    schemes_created: int = 0
    terms_created: int = 0
    problems: list[str] = field(default_factory=list)


def scheme_code(name: str) -> str:
    """Return a scheme code for a taxonomy name: ``Open Eligibility`` → ``open_eligibility``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z]+", ascii_name)
    code = ""
    for word in words:
        if len(code) + len(word) + 1 > 40:
            break
        code = f"{code}_{word}" if code else word
    return code or FALLBACK_SCHEME


def term_code(text: str) -> str:
    """Return a term code (lowercase, hyphenated, at most 80 characters) for a code or name."""
    return slugify(text)[:80].strip("-") or "term"


def map_vocabulary(index: PackageIndex) -> VocabularyMap:
    """Map every taxonomy term of the package to a directory field or a (scheme, code)."""
    result = VocabularyMap()
    used_taxonomies: set[str] = set()
    for row in index.rows("taxonomy_term"):
        used_taxonomies.add(row.get("taxonomy_id") or "")
        mark = marks.BY_TERM_ID.get(row.get("id") or "")
        if mark is not None and row.get("taxonomy_id") == str(marks.TAXONOMY_ID):
            result.marks[row.get("id") or ""] = mark.code
            continue
        scheme, code = _term_key(row, index, result)
        plan = result.schemes.get(scheme) or _new_scheme(scheme, row, index)
        result.schemes[scheme] = plan
        if code in plan.terms:
            result.notes.append(f"{row.label}: same code as an earlier term of '{scheme}' ({code}); merged.")
        else:
            label = (row.get("name") or code)[:160]
            plan.terms[code] = {
                "code": code,
                "label": label,
                "description": _description(row.get("description"), label),
                "parent": None,
                "aliases": [],
            }
        result.terms[row.get("id") or ""] = (scheme, code)
    _add_parents(index, result)
    for row in index.rows("taxonomy"):
        if row.get("id") not in used_taxonomies:
            result.notes.append(f"{row.label} ('{row.get('name')}'): a taxonomy without terms; not imported.")
    return result


def _term_key(row: Row, index: PackageIndex, result: VocabularyMap) -> TermKey:
    """Return the (scheme, code) of a term: its own if this directory exported it, else slugs."""
    scheme, _, code = (row.get("code") or "").partition(":")
    if (
        code
        and row.get("id") == str(ids.term_id(scheme, code))
        and row.get("taxonomy_id") == str(ids.taxonomy_id(scheme))
    ):
        return scheme, code
    taxonomy = index.find("taxonomy", row.get("taxonomy_id"))
    if row.get("taxonomy_id") and taxonomy is None:
        result.notes.append(
            f"{row.where('taxonomy_id')}: no such taxonomy in taxonomies.csv; "
            f"filed under its taxonomy column ('{row.get('taxonomy') or FALLBACK_SCHEME}')."
        )
    name = taxonomy.get("name") if taxonomy else row.get("taxonomy")
    return scheme_code(name or FALLBACK_SCHEME), term_code(row.get("code") or row.get("name") or "")


def _new_scheme(code: str, row: Row, index: PackageIndex) -> SchemePlan:
    taxonomy = index.find("taxonomy", row.get("taxonomy_id"))
    label = ((taxonomy.get("name") if taxonomy else row.get("taxonomy")) or code)[:120]
    description = _description(taxonomy.get("description") if taxonomy else None, label)
    return SchemePlan(code=code, label=label, description=description)


def _description(text: str | None, label: str) -> str:
    """Return a description; the export writes the label where there is none, so that means none."""
    return "" if not text or text == label else text[:2000]


def _add_parents(index: PackageIndex, result: VocabularyMap) -> None:
    for row in index.rows("taxonomy_term"):
        parent_id, key = row.get("parent_id"), result.terms.get(row.get("id") or "")
        if not parent_id or key is None:
            continue
        parent = result.terms.get(parent_id)
        if parent is None or parent[0] != key[0]:
            where = "not in taxonomy_terms.csv" if parent is None else "in another taxonomy"
            result.notes.append(f"{row.where('parent_id')}: the parent term is {where}; imported without it.")
            continue
        result.schemes[key[0]].terms[key[1]]["parent"] = parent[1]


def plan_vocabulary(session: Session, mapped: VocabularyMap) -> VocabularyPlan:
    """Merge the package's missing schemes and terms into the database's vocabulary, validated."""
    statement = (
        select(Taxonomy).order_by(Taxonomy.position, Taxonomy.code).options(selectinload(Taxonomy.terms))
    )
    merged = [_scheme_data(scheme) for scheme in session.scalars(statement)]
    by_code = {scheme["code"]: scheme for scheme in merged}
    plan = VocabularyPlan(vocabulary=None, available=set())
    for scheme in mapped.schemes.values():
        existing = by_code.get(scheme.code)
        if existing is None:
            data = {"code": scheme.code, "label": scheme.label, "description": scheme.description}
            loaded = _load(SchemeInput(), {**data, "terms": list(scheme.terms.values())}, scheme.code, plan)
            if loaded:
                merged.append(loaded)
                plan.schemes_created += 1
                plan.terms_created += len(loaded["terms"])
            continue
        known = {term["code"] for term in existing["terms"]}
        for term in scheme.terms.values():
            if term["code"] not in known and (loaded := _load(TermInput(), term, scheme.code, plan)):
                existing["terms"].append(loaded)
                plan.terms_created += 1
    plan.available = {(scheme["code"], term["code"]) for scheme in merged for term in scheme["terms"]}
    if plan.schemes_created or plan.terms_created:
        plan.vocabulary = {"schemes": merged}
    return plan


def apply_vocabulary(session: Session, plan: VocabularyPlan) -> None:
    """Create the missing schemes and terms; flush, never commit."""
    if plan.vocabulary is not None:
        sync_vocabulary(session, plan.vocabulary)


def _scheme_data(scheme: Taxonomy) -> dict[str, Any]:
    terms = sorted(scheme.terms, key=lambda term: (term.position, term.code))
    codes = {term.id: term.code for term in terms}
    return {
        "code": scheme.code,
        "label": scheme.label,
        "description": scheme.description,
        "terms": [
            {
                "code": term.code,
                "label": term.label,
                "description": term.description,
                "parent": codes.get(term.parent_id) if term.parent_id is not None else None,
                "aliases": list(term.aliases or []),
            }
            for term in terms
        ],
    }


def _load(schema: Any, data: dict[str, Any], scheme: str, plan: VocabularyPlan) -> dict[str, Any] | None:
    try:
        return schema.load(data)
    except ValidationError as error:
        plan.problems.append(f"taxonomy '{scheme}' (taxonomies.csv, taxonomy_terms.csv): {error.messages}")
        return None
