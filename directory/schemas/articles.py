"""Article representations for the resource library."""

from __future__ import annotations

import re
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validates_schema

from directory.schemas.fields import SafeString, Slug, WebAddress, text

TOPIC_PATTERN = re.compile(r"^[a-z_]+:[a-z0-9]+(?:-[a-z0-9]+)*$")


class TopicRef(SafeString):
    """A taxonomy term written ``scheme:code``, such as ``therapy:esketamine``."""

    default_error_messages = {"topic": "Write topics as 'scheme:code', such as 'therapy:esketamine'."}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        topic = super()._deserialize(value, attr, data, **kwargs)
        if not TOPIC_PATTERN.match(topic):
            raise self.make_error("topic")
        return topic


class FAQSchema(Schema):
    """A question and its answer."""

    class Meta:
        unknown = RAISE

    question = text(500, required=True)
    answer = text(5000, required=True)


class CitationSchema(Schema):
    """A public source, cited by title."""

    class Meta:
        unknown = RAISE

    title = text(300, required=True)
    source = text(200, required=True)
    url = WebAddress(allow_none=True, load_default=None)


class ArticleInput(Schema):
    """An article as written by the loader and staff."""

    class Meta:
        unknown = RAISE

    slug = Slug(required=True)
    title = text(200, required=True)
    summary = text(1000, required=True)
    body = text(100_000, required=True)
    author_name = text(200, required=True)
    author_bio = text(2000, load_default="")
    reviewer_name = text(200, required=True)
    reviewer_credentials = text(200, required=True)
    published_on = fields.Date(allow_none=True, load_default=None)
    updated_on = fields.Date(allow_none=True, load_default=None)
    topics = fields.List(TopicRef(), load_default=list)
    related_centers = fields.List(Slug(), load_default=list)
    faqs = fields.List(fields.Nested(FAQSchema), load_default=list)
    citations = fields.List(fields.Nested(CitationSchema), load_default=list)

    @validates_schema
    def _dates_in_order(self, data: dict[str, Any], **_kwargs: Any) -> None:
        published, updated = data.get("published_on"), data.get("updated_on")
        if published and updated and updated < published:
            raise ValidationError("Must not be before published_on.", "updated_on")


class ArticleOutput(Schema):
    """An article as the API returns it."""

    id = fields.UUID()
    slug = fields.String()
    title = fields.String()
    summary = fields.String()
    body = fields.String()
    author_name = fields.String()
    author_bio = fields.String()
    reviewer_name = fields.String()
    reviewer_credentials = fields.String()
    published_on = fields.Date(allow_none=True)
    updated_on = fields.Date(allow_none=True)
    topics = fields.Function(lambda article: [f"{t.scheme}:{t.code}" for t in article.topics])
    related_centers = fields.Function(lambda article: [c.slug for c in article.related_centers])
    faqs = fields.List(fields.Nested(FAQSchema))
    citations = fields.List(fields.Nested(CitationSchema))
