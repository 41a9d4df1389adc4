"""The controlled vocabulary: schemes and their terms, as in HSDS ``taxonomy`` and ``taxonomy_term``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from directory.models.base import Base


class Taxonomy(Base):
    """A vocabulary scheme such as ``therapy`` or ``level_of_care``."""

    __tablename__ = "taxonomies"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    label: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    terms: Mapped[list[TaxonomyTerm]] = relationship(
        back_populates="taxonomy", order_by="TaxonomyTerm.position"
    )


class TaxonomyTerm(Base):
    """One term of a scheme; a search for a parent term matches its children."""

    __tablename__ = "taxonomy_terms"
    __table_args__ = (UniqueConstraint("scheme", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme: Mapped[str] = mapped_column(ForeignKey("taxonomies.code"), index=True)
    #: Stable slug used in URLs and the API; never renamed.
    code: Mapped[str] = mapped_column(String(80))
    label: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("taxonomy_terms.id"), index=True)
    #: Other words people use for the term (the search engine's synonyms).
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(Integer, default=0)

    taxonomy: Mapped[Taxonomy] = relationship(back_populates="terms")
    parent: Mapped[TaxonomyTerm | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[TaxonomyTerm]] = relationship(back_populates="parent")

    def __repr__(self) -> str:
        return f"<TaxonomyTerm {self.scheme}:{self.code}>"

    def to_ref(self) -> dict[str, Any]:
        """Return the short reference used in API output: scheme, code and label."""
        return {"scheme": self.scheme, "code": self.code, "label": self.label}
