"""Rate limits: counted per real client address (named only by trusted proxies), shared through Redis."""

from __future__ import annotations

import http.cookiejar
import os
import re
import secrets
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.client import HTTPConnection
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Engine

from directory import create_app
from directory.cli.serve import make_private_server
from directory.config import ConfigError
from directory.extensions import limiter

PROJECT_DIR = Path(__file__).resolve().parents[1]
LIST_URL = "/list-your-center"
REDIS_URL = "redis://127.0.0.1:6379"
#: A submission the form refuses (400) without writing anything; the limit counts it all the same.
REFUSED = {"name": "Rate Limit Probe", "state": "ZZ"}
CSRF_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


def limited_app(database_url: str, tmp_path: Path, **config: Any) -> Flask:
    """Return an app allowing two listings a minute per client address, CSRF off."""
    return create_app(
        {
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "LIST_CENTER_RATE_LIMIT": "2 per minute",
            "SECRET_KEY": "tests",
            "DATABASE_URL": database_url,
            "SEARCH_INDEX_DIR": str(tmp_path / "search-index"),
            **config,
        }
    )


def post_statuses(app: Flask, peer: str, forwarded_for: list[str | None]) -> list[int]:
    """POST the refused listing once per ``forwarded_for`` value, from the direct peer ``peer``."""
    client = app.test_client()
    statuses = []
    for value in forwarded_for:
        headers = {"X-Forwarded-For": value} if value else {}
        response = client.post(LIST_URL, data=REFUSED, headers=headers, environ_base={"REMOTE_ADDR": peer})
        statuses.append(response.status_code)
    return statuses


@pytest.fixture
def disposable(engine: Engine) -> Iterator[list[Flask]]:
    """Collect apps whose connections are closed after the test."""
    apps: list[Flask] = []
    yield apps
    for app in apps:
        app.extensions["database"].dispose()


def test_client_reaching_the_app_directly_cannot_dodge_the_limit_with_x_forwarded_for(
    database_url, tmp_path, disposable
):
    app = limited_app(database_url, tmp_path, PROXY_COUNT=1)
    disposable.append(app)
    forged = [f"198.51.100.{n}" for n in range(1, 5)]
    assert post_statuses(app, "203.0.113.7", forged) == [400, 400, 429, 429]


def test_trusted_proxy_names_each_client_by_the_right_most_hop(database_url, tmp_path, disposable):
    app = limited_app(database_url, tmp_path, PROXY_COUNT=1)
    disposable.append(app)
    # Three people behind the local proxy each have their own allowance.
    assert post_statuses(app, "127.0.0.1", ["192.0.2.1", "192.0.2.2", "192.0.2.3"]) == [400, 400, 400]
    # What the client wrote to the left of the proxy's own entry does not make it someone else.
    chains = [f"{forged}, 192.0.2.9" for forged in ("10.0.0.1", "10.0.0.2", "10.0.0.3")]
    assert post_statuses(app, "::1", chains) == [400, 400, 429]


def test_proxies_outside_the_loopback_are_trusted_only_when_configured(database_url, tmp_path, disposable):
    trusting = limited_app(database_url, tmp_path, PROXY_COUNT=1, TRUSTED_PROXIES="10.8.0.0/16, fd00::1")
    default = limited_app(database_url, tmp_path, PROXY_COUNT=1)
    disposable.extend([trusting, default])
    clients = ["192.0.2.1", "192.0.2.2", "192.0.2.3"]
    assert post_statuses(trusting, "10.8.3.4", clients) == [400, 400, 400]
    assert post_statuses(trusting, "fd00::1", ["192.0.2.4", "192.0.2.5", "192.0.2.6"]) == [400, 400, 400]
    assert post_statuses(default, "10.8.3.4", clients) == [400, 400, 429]


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("TRUSTED_PROXIES", "10.0.0.300", "TRUSTED_PROXIES: '10.0.0.300' is not an IP address or network"),
        ("PROXY_COUNT", "one", "PROXY_COUNT must be a whole number of proxies (0 or more), not 'one'"),
    ],
)
def test_unreadable_proxy_settings_stop_the_app_with_a_message(
    setting, value, message, tmp_path, monkeypatch
):
    monkeypatch.setenv("PROXY_COUNT", "1")
    monkeypatch.setenv(setting, value)
    with pytest.raises(ConfigError) as raised:
        create_app({"SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"})
    assert str(raised.value) == message


def test_storage_uri_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", f"{REDIS_URL}/0")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["RATELIMIT_STORAGE_URI"] == f"{REDIS_URL}/0"
    assert type(limiter.storage).__name__ == "RedisStorage"  # the Redis client is installed
    monkeypatch.delenv("RATELIMIT_STORAGE_URI")
    create_app({"SECRET_KEY": "x"})
    assert type(limiter.storage).__name__ == "MemoryStorage"


# -- two served instances, one Redis ------------------------------------------------------------


def redis_reachable() -> bool:
    """Tell whether Redis answers PING at 127.0.0.1:6379."""
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=2) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture(scope="module")
def redis() -> None:
    """Require Redis: skipped where it is not running, a failure under CI (``CI=true``)."""
    if not redis_reachable():
        if os.environ.get("CI") == "true":
            pytest.fail("Redis is not answering at 127.0.0.1:6379; .ci/run starts it")
        pytest.skip("Redis is not running at 127.0.0.1:6379")


def free_port() -> int:
    """Return a loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(database_url: str, index_dir: Path, port: int) -> subprocess.Popen[str]:
    """Start ``flask serve`` as production would, configured by the environment; return once it listens."""
    environment = {
        **os.environ,
        "PYTHONPATH": str(PROJECT_DIR),
        "DATABASE_URL": database_url,
        "SEARCH_INDEX_DIR": str(index_dir),
        "SECRET_KEY": "shared-by-both-instances",
        "PROXY_COUNT": "1",
        "RATELIMIT_STORAGE_URI": REDIS_URL,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "serve", "--port", str(port), "--no-threads"],
        cwd=PROJECT_DIR,
        env=environment,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    assert process.stderr is not None
    for line in process.stderr:  # blocks until the server says it listens (or exits)
        if "Running on" in line:
            return process
    process.stderr.close()
    process.wait(30)
    raise AssertionError(f"flask serve exited with {process.returncode}")


def test_two_instances_share_one_counter_in_redis(redis, database_url, tmp_path):
    ports = [free_port(), free_port()]
    servers = [serve(database_url, tmp_path / f"index-{n}", port) for n, port in enumerate(ports)]
    try:
        # A client address of this run alone, given by the local (trusted) proxy.
        client = f"2001:db8::{secrets.token_hex(2)}:{secrets.token_hex(2)}"
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        opener.addheaders = [("X-Forwarded-For", client)]
        form = opener.open(f"http://127.0.0.1:{ports[0]}{LIST_URL}", timeout=30).read().decode()
        body = urllib.parse.urlencode({**REFUSED, "csrf_token": CSRF_INPUT.search(form).group(1)}).encode()

        def post(port: int) -> int:
            try:
                return opener.open(f"http://127.0.0.1:{port}{LIST_URL}", body, timeout=30).status
            except urllib.error.HTTPError as error:
                return error.code

        # The default limit is 5 a minute: alternating instances, the sixth is refused.
        assert [post(ports[n % 2]) for n in range(6)] == [400, 400, 400, 400, 400, 429]
    finally:
        for server in servers:
            server.terminate()
            server.communicate(timeout=30)


def test_flask_serve_counts_each_peer_on_its_own(database_url, tmp_path, disposable):
    app = limited_app(database_url, tmp_path)
    disposable.append(app)
    server = make_private_server("127.0.0.1", 0, app, threaded=False)
    body = urllib.parse.urlencode(REFUSED)

    def post_from(source: str) -> int:
        connection = HTTPConnection("127.0.0.1", server.server_port, timeout=30, source_address=(source, 0))
        thread = threading.Thread(target=server.handle_request)
        thread.start()
        try:
            connection.request("POST", LIST_URL, body, {"Content-Type": "application/x-www-form-urlencoded"})
            return connection.getresponse().status
        finally:
            connection.close()
            thread.join(30)

    try:
        # The access log never names the client, but the limits must still tell clients apart.
        assert [post_from("127.0.0.2") for _ in range(3)] == [400, 400, 429]
        assert post_from("127.0.0.3") == 400
    finally:
        server.server_close()
