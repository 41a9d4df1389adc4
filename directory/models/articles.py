"""The resource library: articles with their FAQs, citations, topics and related centers."""

from __future__ import annotations

import uuid
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import Column, Date, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from directory.models.base import Base, Timestamps, UUIDPrimaryKey

if TYPE_CHECKING:
    from directory.models.centers import Center
    from directory.models.taxonomy import TaxonomyTerm


article_topics = Table(
    "article_topics",
    Base.metadata,
    Column("article_id", ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("term_id", ForeignKey("taxonomy_terms.id", ondelete="CASCADE"), primary_key=True),
)

article_related_centers = Table(
    "article_related_centers",
    Base.metadata,
    Column("article_id", ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("center_id", ForeignKey("centers.id", ondelete="CASCADE"), primary_key=True),
)


class Article(UUIDPrimaryKey, Timestamps, Base):
    """An article of the resource library; unpublished while ``published_on`` is empty."""

    __tablename__ = "articles"

    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    #: Markdown; sanitised when rendered.
    body: Mapped[str] = mapped_column(Text)
    author_name: Mapped[str] = mapped_column(String(200))
    author_bio: Mapped[str] = mapped_column(Text, default="")
    reviewer_name: Mapped[str] = mapped_column(String(200))
    reviewer_credentials: Mapped[str] = mapped_column(String(200))
    published_on: Mapped[date | None] = mapped_column(Date, index=True)
    updated_on: Mapped[date | None] = mapped_column(Date)

    faqs: Mapped[list[ArticleFAQ]] = relationship(
        order_by="ArticleFAQ.position", cascade="all, delete-orphan"
    )
    citations: Mapped[list[ArticleCitation]] = relationship(
        order_by="ArticleCitation.position", cascade="all, delete-orphan"
    )
    topics: Mapped[list[TaxonomyTerm]] = relationship(
        secondary=article_topics, order_by="TaxonomyTerm.position"
    )
    related_centers: Mapped[list[Center]] = relationship(
        secondary=article_related_centers, order_by="Center.name"
    )

    def __repr__(self) -> str:
        return f"<Article {self.slug}>"


class ArticleFAQ(UUIDPrimaryKey, Base):
    """One question and answer of an article, in order."""

    __tablename__ = "article_faqs"
    __table_args__ = (UniqueConstraint("article_id", "position"),)

    article_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)


class ArticleCitation(UUIDPrimaryKey, Base):
    """One cited public source of an article, in order."""

    __tablename__ = "article_citations"
    __table_args__ = (UniqueConstraint("article_id", "position"),)

    article_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    source: Mapped[str] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(500))
