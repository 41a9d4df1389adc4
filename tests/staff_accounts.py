"""Helpers for tests of the staff surfaces: accounts (real rows, real hashes), CSRF tokens and signing in."""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import Iterator

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from directory.database import get_session
from directory.models import Role, User
from directory.operations.users import create_user

PASSWORD = "correct horse battery staple"
CSRF_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


@contextlib.contextmanager
def database(app: Flask) -> Iterator[Session]:
    """Open a database session in an app context of its own (never shared with requests).

    Requests made while an app context is pushed share its ``g``, and so its signed-in user: tests
    of sessions must not hold one open.
    """
    with app.app_context():
        yield get_session()


def add_staff(session: Session, email: str, role: Role = Role.SPECIALIST, password: str = PASSWORD) -> User:
    """Create and commit an active staff account."""
    user = create_user(session, email, role, password, actor="tests")
    session.commit()
    return user


def csrf_token(client: FlaskClient, url: str = "/staff/login") -> str:
    """Return the CSRF token of the form on ``url``."""
    match = CSRF_INPUT.search(client.get(url).get_data(as_text=True))
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def sign_in(
    client: FlaskClient, email: str, password: str = PASSWORD, next_url: str | None = None, **environ: str
) -> TestResponse:
    """Post the sign-in form with a fresh CSRF token."""
    data = {"email": email, "password": password, "csrf_token": csrf_token(client)}
    if next_url is not None:
        data["next"] = next_url
    return client.post("/staff/login", data=data, environ_base=environ)


#: A fixed hash of "not-a-real-password", computed once so that tests do not pay for scrypt.
_HASH = User(email="x@example.org", role=Role.SPECIALIST)
_HASH.set_password("not-a-real-password")
PASSWORD_HASH = _HASH.password_hash


def signed_in_client(app: Flask, email: str) -> FlaskClient:
    """Return a test client of ``app`` signed in as ``email`` (password: :data:`PASSWORD`)."""
    client = app.test_client()
    response = sign_in(client, email)
    assert response.status_code == 303, f"signing in as {email} answered {response.status_code}"
    return client


def make_staff(session: Session, role: Role = Role.SPECIALIST, *, active: bool = True) -> User:
    """Add a staff account with a unique address and flush it."""
    user = User(
        email=f"{role.value}-{uuid.uuid4().hex[:8]}@staff.example",
        role=role,
        active=active,
        password_hash=PASSWORD_HASH,
    )
    session.add(user)
    session.flush()
    return user
