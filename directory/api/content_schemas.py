"""The API's documents for a center, the articles and the taxonomy (dump and OpenAPI at once)."""

from __future__ import annotations

from marshmallow import Schema, fields

from directory.api.search_schemas import HitSchema
from directory.schemas.articles import CitationSchema, FAQSchema


class LabelledFactSchema(Schema):
    """A labelled fact as the center page shows it."""

    label = fields.String(required=True, metadata={"example": "Spravato REMS-certified"})
    value = fields.String(required=True, metadata={"example": "Yes"})


class PhoneSchema(Schema):
    """A phone number with its tel: link and what it is for."""

    number = fields.String(required=True, metadata={"example": "(303) 555-0100"})
    href = fields.String(required=True, metadata={"example": "tel:+13035550100"})
    label = fields.String(required=True, metadata={"example": "Phone"})


class CenterLocationSchema(Schema):
    """One of the center's addresses."""

    name = fields.String(allow_none=True, required=True)
    address_1 = fields.String(required=True)
    address_2 = fields.String(allow_none=True, required=True)
    city = fields.String(required=True)
    state = fields.String(required=True)
    postal_code = fields.String(required=True)
    latitude = fields.Float(allow_none=True, required=True)
    longitude = fields.Float(allow_none=True, required=True)


class TermGroupSchema(Schema):
    """The center's terms of one scheme, by label."""

    scheme = fields.String(required=True, metadata={"example": "therapy"})
    label = fields.String(required=True, metadata={"example": "Therapy type"})
    terms = fields.List(fields.String(), required=True)


class ArticleLinkSchema(Schema):
    """A link to an article."""

    slug = fields.String(required=True)
    title = fields.String(required=True)
    api_url = fields.String(required=True)


class CenterDetailSchema(HitSchema):
    """A center: its search hit's fields and everything its public page shows."""

    url = fields.String(required=True, metadata={"description": "The center's public page."})
    closed = fields.Boolean(required=True)
    description = fields.String(required=True)
    website = fields.String(allow_none=True, required=True)
    email = fields.String(allow_none=True, required=True)
    accepting_new_clients = fields.Boolean(allow_none=True, required=True)
    phones = fields.List(fields.Nested(PhoneSchema), required=True)
    locations = fields.List(fields.Nested(CenterLocationSchema), required=True)
    directions_url = fields.String(allow_none=True, required=True)
    term_groups = fields.List(fields.Nested(TermGroupSchema), required=True)
    care = fields.List(fields.Nested(LabelledFactSchema), required=True)
    prices = fields.List(fields.Nested(LabelledFactSchema), required=True)
    verification_text = fields.String(required=True, metadata={"example": "Verified by our research team"})
    reverify_due_on = fields.String(allow_none=True, required=True, metadata={"description": "ISO date."})
    checked = fields.List(fields.Nested(LabelledFactSchema), required=True)
    related_articles = fields.List(fields.Nested(ArticleLinkSchema), required=True)
    nearby = fields.List(fields.Nested(HitSchema), required=True)
    nearby_search_url = fields.String(allow_none=True, required=True)
    updated_at = fields.String(allow_none=True, required=True, metadata={"description": "ISO date-time."})


class ArticleSummarySchema(Schema):
    """An article in the list."""

    slug = fields.String(required=True, metadata={"example": "esketamine-spravato-explained"})
    title = fields.String(required=True)
    summary = fields.String(required=True)
    published_on = fields.Date(required=True)
    updated_on = fields.Date(allow_none=True, required=True)
    topics = fields.List(fields.String(), required=True, metadata={"example": ["therapy:esketamine"]})
    url = fields.String(required=True, metadata={"description": "The article's public page."})
    api_url = fields.String(required=True)


class ArticleListSchema(Schema):
    """The published articles, most recently updated first."""

    total = fields.Integer(required=True)
    articles = fields.List(fields.Nested(ArticleSummarySchema), required=True)


class FindCentersSchema(Schema):
    """One of an article's topics: its filtered search, as an API link, and its top verified centers."""

    scheme = fields.String(required=True)
    code = fields.String(required=True)
    label = fields.String(required=True, metadata={"example": "Find centers offering TMS"})
    total = fields.Integer(required=True)
    search_url = fields.String(required=True, metadata={"example": "/api/v1/search?therapy=tms"})
    centers = fields.List(fields.Nested(HitSchema), required=True)


class ArticleDetailSchema(ArticleSummarySchema):
    """An article with its body (Markdown), people, FAQs, sources and "find centers" searches."""

    body = fields.String(required=True, metadata={"description": "Markdown."})
    author_name = fields.String(required=True)
    author_bio = fields.String(required=True)
    reviewer_name = fields.String(required=True)
    reviewer_credentials = fields.String(required=True)
    faqs = fields.List(fields.Nested(FAQSchema), required=True)
    citations = fields.List(fields.Nested(CitationSchema), required=True)
    find_centers = fields.List(fields.Nested(FindCentersSchema), required=True)
    related_centers = fields.List(fields.Nested(HitSchema), required=True)


class TermSchema(Schema):
    """A taxonomy term."""

    code = fields.String(required=True, metadata={"example": "esketamine"})
    label = fields.String(required=True, metadata={"example": "Esketamine (Spravato) nasal spray"})
    parent = fields.String(allow_none=True, required=True)
    search_url = fields.String(required=True, metadata={"example": "/api/v1/search?therapy=esketamine"})


class SchemeSchema(Schema):
    """A taxonomy scheme: the search parameter named by its code, and its terms."""

    code = fields.String(required=True, metadata={"example": "therapy"})
    label = fields.String(required=True, metadata={"example": "Therapy type"})
    terms = fields.List(fields.Nested(TermSchema), required=True)


class TaxonomySchema(Schema):
    """The vocabulary, scheme by scheme, in display order."""

    schemes = fields.List(fields.Nested(SchemeSchema), required=True)


class CenterPathSchema(Schema):
    """The center's id or slug in the path."""

    id_or_slug = fields.String(
        required=True,
        metadata={"description": "The center's id (UUID) or slug.", "example": "eskerlane-mood-clinic"},
    )
