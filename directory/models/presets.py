"""Search presets: named, saved filter sets of the specialists' console."""

from __future__ import annotations

import uuid

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, false, text
from sqlalchemy.orm import Mapped, mapped_column

from directory.models.base import Base, Timestamps, UUIDPrimaryKey


def preset_name_key(name: str) -> str:
    """Return the form of a preset name that must be unique: case and spacing ignored."""
    return " ".join(name.split()).casefold()


class SearchPreset(UUIDPrimaryKey, Timestamps, Base):
    """A saved search: personal to its owner, or shared with the whole team."""

    __tablename__ = "search_presets"
    __table_args__ = (
        # Names are unique per owner among personal presets, and among team presets.
        Index(
            "uq_search_presets_owner_name",
            "owner_id",
            "name_key",
            unique=True,
            sqlite_where=text("NOT shared"),
            postgresql_where=text("NOT shared"),
        ),
        Index(
            "uq_search_presets_team_name",
            "name_key",
            unique=True,
            sqlite_where=text("shared"),
            postgresql_where=text("shared"),
        ),
    )

    name: Mapped[str] = mapped_column(String(80))
    #: ``preset_name_key(name)``; set by operations.presets.
    name_key: Mapped[str] = mapped_column(String(80))
    #: The search as the search page's query-string parameters: ``{"therapy": ["esketamine"], ...}``.
    params: Mapped[dict[str, list[str]]] = mapped_column(JSON)
    #: Who saved it; None for the team presets shipped in ``data/presets.json``.
    owner_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: A team preset, visible to every staff member; only an admin shares, renames or deletes one.
    shared: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    def __repr__(self) -> str:
        return f"<SearchPreset {self.name!r} {'team' if self.shared else 'personal'}>"
