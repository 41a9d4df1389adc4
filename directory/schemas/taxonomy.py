"""Taxonomy representations: schemes with their terms, as in ``data/taxonomy.json``."""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from directory.schemas.fields import SafeString, Slug, text

#: Scheme codes are lowercase words joined by underscores (they name API parameters).
SCHEME_CODE = validate.Regexp(
    r"^[a-z]+(?:_[a-z]+)*$",
    error="Use lowercase letters joined by underscores, such as 'level_of_care'.",
)


class TermInput(Schema):
    """One term of a scheme."""

    class Meta:
        unknown = RAISE

    code = Slug(max_length=80, required=True)
    label = text(160, required=True)
    description = text(2000, load_default="")
    parent = Slug(max_length=80, allow_none=True, load_default=None)
    aliases = fields.List(SafeString(validate=validate.Length(min=1, max=80)), load_default=list)


class SchemeInput(Schema):
    """A scheme and its terms; a parent must be a term of the same scheme."""

    class Meta:
        unknown = RAISE

    code = SafeString(required=True, validate=[validate.Length(min=1, max=40), SCHEME_CODE])
    label = text(120, required=True)
    description = text(2000, load_default="")
    terms = fields.List(fields.Nested(TermInput), required=True, validate=validate.Length(min=1))

    @validates_schema
    def _parents_and_codes(self, data: dict[str, Any], **_kwargs: Any) -> None:
        codes = [term["code"] for term in data["terms"]]
        duplicates = sorted({code for code in codes if codes.count(code) > 1})
        if duplicates:
            raise ValidationError(f"Duplicate term codes: {', '.join(duplicates)}.", "terms")
        unknown = sorted(
            term["parent"] for term in data["terms"] if term["parent"] and term["parent"] not in codes
        )
        if unknown:
            raise ValidationError(f"Unknown parent terms: {', '.join(unknown)}.", "terms")
        looping = sorted(_terms_in_parent_loops({t["code"]: t["parent"] for t in data["terms"]}))
        if looping:
            raise ValidationError(f"Parent loops through terms: {', '.join(looping)}.", "terms")


def _terms_in_parent_loops(parents: dict[str, str | None]) -> set[str]:
    """Return the terms that are, through their parents, their own ancestors."""
    looping: set[str] = set()
    for start in parents:
        seen: set[str] = set()
        code: str | None = start
        while code is not None and code not in seen:
            seen.add(code)
            code = parents.get(code)
        if code == start:
            looping.add(start)
    return looping


class VocabularyInput(Schema):
    """The whole vocabulary file."""

    class Meta:
        unknown = RAISE

    about = fields.String(load_default="")
    schemes = fields.List(fields.Nested(SchemeInput), required=True, validate=validate.Length(min=1))


class TermOutput(Schema):
    """A term as the API returns it."""

    scheme = fields.String()
    code = fields.String()
    label = fields.String()
    description = fields.String()
    parent = fields.Function(lambda term: term.parent.code if term.parent else None)
    aliases = fields.List(fields.String())
