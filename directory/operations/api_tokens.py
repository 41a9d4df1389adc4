"""API tokens for partners: issued and revoked by admins, checked on every API request, counted per day.

A token is ``dtk_`` and 43 characters of :func:`secrets.token_urlsafe` (256 random bits). It is
returned once by :func:`issue_token` for the admin to pass on; the database keeps only its SHA-256
digest and its first characters (:data:`PREFIX_LENGTH`) to tell tokens apart. A token works from
its issue until the end of its last day (UTC), unless revoked. Every successful
:func:`authenticate_token` adds one to the token's count for the day with one UPSERT statement.
Every change is audited, never with the token or its digest. Operations flush, never commit; an
admin actor is checked here, a label (the command line) is the server's operator.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from directory.models import ApiToken, ApiTokenUse, TokenScope, User, utcnow
from directory.operations.audit import record_event
from directory.operations.errors import OperationError
from directory.operations.staff_roles import require_admin
from directory.schemas.fields import check_safe_text

TOKEN_MARK = "dtk_"
#: Characters of the token kept and shown to identify it: the mark and 8 random characters.
PREFIX_LENGTH = 12
NAME_MAX = 100
#: The longest a token may live, in days from its issue.
MAX_LIFETIME_DAYS = 365
#: Longer values are not tokens (this keeps hashing cheap for junk headers).
RAW_TOKEN_MAX = 200


@dataclass(frozen=True)
class ApiClient:
    """The partner an API request came from, as its token says."""

    token_id: uuid.UUID
    name: str
    scope: TokenScope

    @property
    def may_read_staff(self) -> bool:
        """Whether the token opens the staff-only filters and fields."""
        return self.scope is TokenScope.STAFF


@dataclass(frozen=True)
class DailyUse:
    """How many requests a token authenticated on one day."""

    day: date
    count: int


class TokenNotFound(OperationError):
    """No token has this id (views answer 404)."""

    def __init__(self) -> None:
        super().__init__("No API token has this id.")


def token_digest(raw_token: str) -> str:
    """Return the stored form of a token: its SHA-256 digest in hex."""
    return hashlib.sha256(raw_token.encode("utf-8", "surrogatepass")).hexdigest()


def expiry_moment(expires_on: date) -> datetime:
    """Return the first moment a token whose last day is ``expires_on`` no longer works."""
    return datetime.combine(expires_on + timedelta(days=1), time.min, tzinfo=UTC)


def last_day(token: ApiToken) -> date:
    """Return the last day (UTC) on which ``token`` works, if not revoked."""
    return (token.expires_at - timedelta(days=1)).date()


def token_status(token: ApiToken, today: date) -> str:
    """Return ``"revoked"``, ``"expired"`` or ``"active"``."""
    if token.revoked_at is not None:
        return "revoked"
    return "expired" if today > last_day(token) else "active"


def _today() -> date:
    return utcnow().date()


def _check_actor(actor: User | str, doing: str) -> None:
    """Refuse a staff actor who is not an active admin; a label is the server's operator."""
    if isinstance(actor, User):
        require_admin(actor, doing)


def _checked_input(
    name: str, scope: TokenScope | str, expires_on: date | None, today: date
) -> tuple[str, TokenScope]:
    """Return the trimmed name and the scope, or raise with a message per field."""
    problems: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        problems["name"] = ["Give the token a name that says who uses it, for example the partner's name."]
    elif len(name) > NAME_MAX:
        problems["name"] = [f"The name must be at most {NAME_MAX} characters."]
    else:
        try:
            check_safe_text(name)
        except Exception:  # marshmallow's ValidationError
            problems["name"] = ["The name holds characters that cannot be stored; type it again."]
    try:
        checked_scope = TokenScope(scope)
    except ValueError:
        problems["scope"] = ["Choose public read or staff read."]
        checked_scope = TokenScope.PUBLIC
    latest = today + timedelta(days=MAX_LIFETIME_DAYS)
    if expires_on is None:
        problems["expires_on"] = ["Give the token's last day, as YYYY-MM-DD."]
    elif expires_on < today:
        problems["expires_on"] = ["The last day cannot be in the past."]
    elif expires_on > latest:
        problems["expires_on"] = [
            f"A token lives at most {MAX_LIFETIME_DAYS} days: choose {latest.isoformat()} or earlier."
        ]
    if problems:
        raise OperationError(next(iter(problems.values()))[0], problems)
    return name, checked_scope


def issue_token(
    session: Session,
    actor: User | str,
    name: str,
    scope: TokenScope | str,
    expires_on: date | None,
    *,
    today: date | None = None,
) -> tuple[ApiToken, str]:
    """Create a token working through ``expires_on`` (UTC); return it with the raw token, shown once."""
    _check_actor(actor, "issue API tokens")
    day = today or _today()
    name, checked_scope = _checked_input(name, scope, expires_on, day)
    assert expires_on is not None  # checked above
    raw_token = TOKEN_MARK + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name,
        scope=checked_scope,
        prefix=raw_token[:PREFIX_LENGTH],
        token_digest=token_digest(raw_token),
        created_by_id=actor.id if isinstance(actor, User) else None,
        expires_at=expiry_moment(expires_on),
    )
    session.add(token)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="api_token.issued",
        record_type="api_token",
        record_id=token.id,
        after={
            "name": token.name,
            "scope": checked_scope.value,
            "prefix": token.prefix,
            "last_day": expires_on.isoformat(),
        },
    )
    return token, raw_token


def revoke_token(session: Session, actor: User | str, token_id: uuid.UUID) -> ApiToken:
    """Stop a token for good; refuse one that is unknown or already revoked."""
    _check_actor(actor, "revoke API tokens")
    token = session.get(ApiToken, token_id, with_for_update=True)
    if token is None:
        raise TokenNotFound()
    if token.revoked_at is not None:
        raise OperationError(
            f"The token “{token.name}” was already revoked on {token.revoked_at.date().isoformat()}."
        )
    token.revoked_at = utcnow()
    token.revoked_by_id = actor.id if isinstance(actor, User) else None
    session.flush()
    record_event(
        session,
        actor=actor,
        action="api_token.revoked",
        record_type="api_token",
        record_id=token.id,
        before={"revoked": False},
        after={"revoked": True, "name": token.name, "prefix": token.prefix},
    )
    return token


def authenticate_token(session: Session, raw_token: str, today: date) -> ApiClient | None:
    """Return the client a raw token stands for and count the use; None if unknown, expired or revoked."""
    if not raw_token or len(raw_token) > RAW_TOKEN_MAX or not raw_token.isascii():
        return None
    digest = token_digest(raw_token)
    token = session.scalar(select(ApiToken).where(ApiToken.token_digest == digest))
    if token is None or not hmac.compare_digest(token.token_digest, digest):
        return None
    if token_status(token, today) != "active":
        return None
    count_use(session, token.id, today)
    token.last_used_at = utcnow()
    session.flush()
    return ApiClient(token_id=token.id, name=token.name, scope=TokenScope(token.scope))


def count_use(session: Session, token_id: uuid.UUID, day: date) -> None:
    """Add one to the token's count for ``day`` in one statement (INSERT ... ON CONFLICT DO UPDATE)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(ApiTokenUse).values(token_id=token_id, day=day, count=1)
    statement = statement.on_conflict_do_update(
        index_elements=[ApiTokenUse.token_id, ApiTokenUse.day],
        set_={"count": ApiTokenUse.count + 1},
    )
    session.execute(statement)


def token_usage(
    session: Session, token_id: uuid.UUID, days: int, *, today: date | None = None
) -> list[DailyUse]:
    """Return the token's use count on each of the last ``days`` days up to today, oldest first."""
    end = today or _today()
    start = end - timedelta(days=max(days, 1) - 1)
    counts = dict(
        session.execute(
            select(ApiTokenUse.day, ApiTokenUse.count).where(
                ApiTokenUse.token_id == token_id, ApiTokenUse.day >= start, ApiTokenUse.day <= end
            )
        ).all()
    )
    return [
        DailyUse(day=start + timedelta(days=n), count=counts.get(start + timedelta(days=n), 0))
        for n in range((end - start).days + 1)
    ]


def uses_since(session: Session, since: date) -> dict[uuid.UUID, int]:
    """Return each token's total use count from ``since`` on, by token id (tokens never used are absent)."""
    rows = session.execute(
        select(ApiTokenUse.token_id, func.sum(ApiTokenUse.count))
        .where(ApiTokenUse.day >= since)
        .group_by(ApiTokenUse.token_id)
    )
    return {token_id: int(total) for token_id, total in rows}


def all_tokens(session: Session) -> list[ApiToken]:
    """Return every token, newest first."""
    return list(session.scalars(select(ApiToken).order_by(ApiToken.created_at.desc(), ApiToken.name)))
