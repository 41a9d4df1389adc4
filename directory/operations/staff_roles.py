"""Role checks that operations make themselves, whatever view or command called them."""

from __future__ import annotations

from directory.models import Role, User
from directory.operations.errors import PermissionDenied


def require_staff(actor: User) -> None:
    """Refuse a deactivated account."""
    if not actor.active:
        raise PermissionDenied("This staff account is deactivated.")


def require_admin(actor: User, doing: str) -> None:
    """Refuse anyone but an active admin; ``doing`` completes "Only an admin can ..."."""
    require_staff(actor)
    if Role(actor.role) is not Role.ADMIN:
        raise PermissionDenied(f"Only an admin can {doing}.")


def is_admin(actor: User) -> bool:
    """Whether ``actor`` is an active admin."""
    return actor.active and Role(actor.role) is Role.ADMIN
