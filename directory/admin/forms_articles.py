"""The article form of the admin pages: WTForms renders and checks CSRF; ``ArticleInput`` judges the values.

Questions and answers, and citations, are repeated rows (``faqs-0-question`` ...); the page always
offers two empty rows more, and an empty row is left out, so any number can be added without
JavaScript. Topics are checkboxes named ``topics`` with ``scheme:code`` values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from marshmallow import ValidationError
from wtforms import Form, RadioField
from wtforms.fields import DateField, FieldList, FormField
from wtforms.validators import Optional

from directory.auth.forms import StaffForm
from directory.models import Article
from directory.public.forms import LongTextField, Required, TextField, WebAddressField, choices, unreadable
from directory.schemas.articles import ArticleInput

#: How many empty question and citation rows the form offers below the filled ones.
SPARE_ROWS = 2
STATUS_CHOICES = [("draft", "Draft: only staff see it"), ("published", "Published on the public site")]
#: Each repeated row's labels, numbered on the page ("Question 2", "Source title 1").
ROW_LABELS = {
    "question": "Question",
    "answer": "Answer",
    "title": "Source title",
    "source": "Publisher of source",
    "url": "Web address of source",
}
#: The schema's field names as the form's error summary names them.
FIELD_LABELS = {
    "faqs": "Questions and answers",
    "citations": "Sources",
    "topics": "Topics",
    "related_centers": "Related listings",
    "updated_on": "Reviewed or updated on",
    "published_on": "Published on",
}


class FAQRow(Form):
    """One question and its answer."""

    question = TextField("Question")
    answer = LongTextField("Answer", render_kw={"rows": 3})


class CitationRow(Form):
    """One cited source."""

    title = TextField("Title")
    source = TextField("Publisher")
    url = WebAddressField("Web address")


class ArticleForm(StaffForm):
    """Every field of an article; the slug only when creating one."""

    slug = TextField(
        "Address (slug)",
        validators=[Required()],
        description="Lowercase letters, digits and hyphens; it cannot be changed later.",
    )
    title = TextField("Title", validators=[Required()])
    summary = LongTextField("Summary", validators=[Required()], render_kw={"rows": 3})
    body = LongTextField("Body (Markdown)", validators=[Required()], render_kw={"rows": 18})
    author_name = TextField("Author", validators=[Required()])
    author_bio = LongTextField("About the author", render_kw={"rows": 3})
    reviewer_name = TextField("Clinical reviewer", validators=[Required()])
    reviewer_credentials = TextField("Reviewer's credentials", validators=[Required()])
    status = RadioField("Status", choices=choices(STATUS_CHOICES), default="draft")
    published_on = DateField(
        "Published on", validators=[Optional()], description="Left empty, publishing uses today."
    )
    updated_on = DateField("Reviewed or updated on", validators=[Optional()])
    related_centers = LongTextField(
        "Related listings",
        render_kw={"rows": 2},
        description="Listing slugs, one per line or separated by commas.",
    )
    faqs = FieldList(FormField(FAQRow), min_entries=SPARE_ROWS)
    citations = FieldList(FormField(CitationRow), min_entries=SPARE_ROWS)

    def __init__(self, *args: Any, topics: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: The topics chosen (``scheme:code``), kept apart from WTForms: the page renders the boxes.
        self.topics: list[str] = list(topics)
        #: The schema's output once :meth:`check` passed.
        self.cleaned: dict[str, Any] = {}

    def add_spare_rows(self) -> None:
        """Offer empty rows below the filled ones, and number every row's labels."""
        for rows in (self.faqs, self.citations):
            filled = sum(1 for row in rows if any((sub.data or "") for sub in row.form))
            while len(rows) < filled + SPARE_ROWS:
                rows.append_entry()
            for number, row in enumerate(rows, start=1):
                for sub in row.form:
                    sub.label.text = f"{ROW_LABELS[sub.short_name]} {number}"

    def collect(self, slug: str | None) -> dict[str, Any]:
        """Return the submitted values in ``ArticleInput``'s shape (``slug`` fixed when editing)."""
        published = self.status.data == "published"
        data: dict[str, Any] = {
            name: self[name].data or ""
            for name in ("title", "summary", "body", "author_name", "author_bio", "reviewer_name",
                         "reviewer_credentials")
        }  # fmt: skip
        data["slug"] = slug if slug is not None else (self.slug.data or "").strip()
        data["published_on"] = _iso(self.published_on.data or date.today()) if published else None
        data["updated_on"] = _iso(self.updated_on.data)
        data["topics"] = self.topics
        text = (self.related_centers.data or "").replace(",", "\n")
        data["related_centers"] = [line.strip() for line in text.splitlines() if line.strip()]
        data["faqs"] = [
            {"question": row.question.data or "", "answer": row.answer.data or ""}
            for row in self.faqs
            if (row.question.data or "").strip() or (row.answer.data or "").strip()
        ]
        data["citations"] = [
            {
                "title": row.title.data or "",
                "source": row.source.data or "",
                "url": (row.url.data or "").strip() or None,
            }
            for row in self.citations
            if any((getattr(row, name).data or "").strip() for name in ("title", "source", "url"))
        ]
        return data

    def check(self, slug: str | None) -> bool:
        """Check CSRF and dates, then load the values through ``ArticleInput``; attach every message."""
        valid = super().validate()
        try:
            self.cleaned = ArticleInput().load(self.collect(slug))
        except ValidationError as error:
            self.cleaned = {}
            self.add_messages(error.messages)
        for field in self.required_fields(slug):
            if not (field.data or "").strip():
                field.errors = [f"Enter the {field.label.text[0].lower()}{field.label.text[1:]}."]
        for field in (self.title, self.summary, self.body, self.author_name, self.reviewer_name):
            if isinstance(field.data, str) and not field.errors and unreadable(field.data):
                field.errors = [
                    *field.errors,
                    "Contains characters that could not be read. Please retype it.",
                ]
        return valid and not self.has_errors()

    def required_fields(self, slug: str | None) -> list[Any]:
        """Return the fields an article cannot do without (the slug only when creating one)."""
        names = ["title", "summary", "body", "author_name", "reviewer_name", "reviewer_credentials"]
        return [self[name] for name in (names if slug is not None else ["slug", *names])]

    def add_messages(self, messages: Mapping[str, Any] | list[Any] | str) -> None:
        """Attach the schema's or the operation's messages to their fields, or to the whole form."""
        if not isinstance(messages, Mapping):
            for message in _flatten("", messages):
                self.add_error(message)
            return
        for name, field_messages in messages.items():
            target = self._fields.get(str(name))
            if target is not None and str(name) not in ("faqs", "citations"):
                target.errors = [*target.errors, *_flatten("", field_messages)]
            else:
                for message in _flatten(FIELD_LABELS.get(str(name), str(name)), field_messages):
                    self.add_error(message)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _flatten(prefix: str, messages: Any) -> list[str]:
    """Return nested messages as lines such as 'Questions and answers, row 2, answer: Missing data'."""
    if isinstance(messages, str):
        return [f"{prefix}: {messages}" if prefix else messages]
    if isinstance(messages, Mapping):
        lines: list[str] = []
        for key, value in messages.items():
            part = f"row {key + 1}" if isinstance(key, int) else str(key).replace("_", " ")
            lines.extend(_flatten(f"{prefix}, {part}" if prefix else part, value))
        return lines
    return [line for value in messages for line in _flatten(prefix, value)]


def form_for(article: Article | None) -> ArticleForm:
    """Return the form filled with ``article`` (empty for a new one), with spare rows."""
    if article is None:
        form = ArticleForm(formdata=None)
    else:
        form = ArticleForm(
            formdata=None,
            data={
                "title": article.title,
                "summary": article.summary,
                "body": article.body,
                "author_name": article.author_name,
                "author_bio": article.author_bio,
                "reviewer_name": article.reviewer_name,
                "reviewer_credentials": article.reviewer_credentials,
                "status": "published" if article.published_on else "draft",
                "published_on": article.published_on,
                "updated_on": article.updated_on,
                "related_centers": "\n".join(center.slug for center in article.related_centers),
                "faqs": [{"question": f.question, "answer": f.answer} for f in article.faqs],
                "citations": [
                    {"title": c.title, "source": c.source, "url": c.url or ""} for c in article.citations
                ],
            },
            topics=[f"{term.scheme}:{term.code}" for term in article.topics],
        )
    form.add_spare_rows()
    return form
