"""The site's public address: every absolute URL comes from configuration, never from the Host header."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine

from directory import create_app
from directory.config import ConfigError
from tests.conftest import sample_site
from tests.public_pages import PageReader

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
EVIL = "http://evil.example"


@pytest.fixture(scope="module")
def site(database_url: str, engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The sample directory, indexed."""
    with sample_site(database_url, engine, tmp_path_factory.mktemp("site-address-index")) as app:
        yield app


@pytest.fixture
def configured(site: Flask) -> Iterator[Flask]:
    """The site with configuration a test may change, restored afterwards."""
    saved = dict(site.config)
    yield site
    site.config.clear()
    site.config.update(saved)


def absolute_urls(client: FlaskClient, path: str) -> list[str]:
    """Return the canonical link and JSON-LD url and @id of ``path``, asked for as evil.example."""
    response = client.get(path, base_url=EVIL)
    assert response.status_code == 200, path
    page = PageReader(response.get_data(as_text=True))
    urls = [e.attrs["href"] or "" for e in page.find("link", rel="canonical")]
    for script in page.find("script", type="application/ld+json"):
        documents = json.loads(script.text)
        for document in documents if isinstance(documents, list) else [documents]:
            urls += [document[key] for key in ("url", "@id") if key in document]
    return urls


def sitemap_paths(client: FlaskClient, base: str) -> list[str]:
    """Return the path within the site (below ``base``) of every address in the sitemap."""
    root = ET.fromstring(client.get("/sitemap.xml").data)
    return ["/" + (loc.text or "").removeprefix(base) for loc in root.iterfind("s:url/s:loc", SITEMAP_NS)]


def one_page_of_each_kind(client: FlaskClient, base: str) -> list[str]:
    """Return one sitemap path of each kind: promises, library, article, center, landing pages."""
    paths = sitemap_paths(client, base)
    kinds = ("/promises", "/articles", "/articles/", "/centers/", "/therapies/")
    chosen = [next(p for p in paths if p == k or (k.endswith("/") and p.startswith(k))) for k in kinds]
    chosen.append(next(p for p in paths if p.startswith("/therapies/") and p.count("/") == 3))
    return chosen


@pytest.mark.parametrize(
    ("config", "base"),
    [
        ({"PUBLIC_BASE_URL": "https://directory.example.org"}, "https://directory.example.org/"),
        ({"PUBLIC_BASE_URL": "https://example.org/directory/"}, "https://example.org/directory/"),
        (
            {"SERVER_NAME": "directory.example.org", "PREFERRED_URL_SCHEME": "https"},
            "https://directory.example.org/",
        ),
    ],
    ids=["base url", "base url with a path", "server name"],
)
def test_every_absolute_url_comes_from_the_configured_address(configured, config, base):
    configured.config.update(config, TRUSTED_HOSTS=None)  # any Host may ask; none names the site
    client = configured.test_client()
    robots = client.get("/robots.txt", base_url=EVIL).get_data(as_text=True)
    assert f"Sitemap: {base}sitemap.xml" in robots.splitlines()

    sitemap = client.get("/sitemap.xml", base_url=EVIL)
    locs = [loc.text or "" for loc in ET.fromstring(sitemap.data).iterfind("s:url/s:loc", SITEMAP_NS)]
    assert len(locs) > 20
    assert all(loc.startswith(base) for loc in locs), [loc for loc in locs if not loc.startswith(base)][:3]

    checked = 0
    for path in one_page_of_each_kind(client, base):
        urls = absolute_urls(client, path)
        assert urls, path
        assert all(url.startswith(base) for url in urls), urls
        assert "evil.example" not in client.get(path, base_url=EVIL).get_data(as_text=True)
        checked += len(urls)
    assert checked >= 8


def test_development_builds_absolute_urls_from_the_request(configured):
    configured.config.update(PUBLIC_BASE_URL=None, SERVER_NAME=None)
    robots = configured.test_client().get("/robots.txt", base_url="http://127.0.0.1:5000")
    assert "Sitemap: http://127.0.0.1:5000/sitemap.xml" in robots.get_data(as_text=True)


def test_development_without_an_address_answers_only_to_this_machine(configured):
    client = configured.test_client()
    refused = client.get("/robots.txt", base_url=EVIL)
    assert refused.status_code == 400
    assert "evil.example" not in refused.get_data(as_text=True)
    for local in ("http://localhost", "http://127.0.0.1:5000"):
        assert client.get("/robots.txt", base_url=local).status_code == 200, local


def test_development_trusted_hosts_default(tmp_path, clean_environment):
    def development(**config: object) -> Flask:
        return create_app(
            {
                "DATABASE_URL": f"sqlite:///{tmp_path / 'directory.sqlite3'}",
                "SEARCH_INDEX_DIR": str(tmp_path / "index"),
                **config,
            }
        )

    assert development().config["TRUSTED_HOSTS"] == ["localhost", "127.0.0.1"]
    assert development(TRUSTED_HOSTS="lan-box.local").config["TRUSTED_HOSTS"] == ["lan-box.local"]
    assert not development(PUBLIC_BASE_URL="http://lan-box.local:5000").config.get("TRUSTED_HOSTS")


def test_a_host_outside_trusted_hosts_is_refused(configured):
    configured.config.update(
        PUBLIC_BASE_URL="https://directory.example.org", TRUSTED_HOSTS=["directory.example.org"]
    )
    client = configured.test_client()
    refused = client.get("/robots.txt", base_url=EVIL)
    assert refused.status_code == 400
    assert "evil.example" not in refused.get_data(as_text=True)
    assert client.get("/robots.txt", base_url="https://directory.example.org").status_code == 200


# -- configuration -----------------------------------------------------------------------------


def production(tmp_path, **config: object) -> Flask:
    """Create a production app on a throwaway SQLite file with ``config``."""
    return create_app(
        {
            "DIRECTORY_ENV": "production",
            "SECRET_KEY": "from-the-environment",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'directory.sqlite3'}",
            "SEARCH_INDEX_DIR": str(tmp_path / "index"),
            **config,
        }
    )


@pytest.fixture
def clean_environment(monkeypatch):
    """No site-address settings from the environment of whoever runs the tests."""
    for name in ("PUBLIC_BASE_URL", "TRUSTED_HOSTS", "SERVER_NAME", "DIRECTORY_ENV", "SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_production_refuses_to_start_without_a_public_address(tmp_path, clean_environment):
    with pytest.raises(ConfigError, match="PUBLIC_BASE_URL must be set") as refused:
        production(tmp_path)
    assert "\n" not in str(refused.value)


def test_production_trusts_only_the_public_address_host(tmp_path, clean_environment):
    clean_environment.setenv("PUBLIC_BASE_URL", "https://directory.example.org")
    app = production(tmp_path)
    assert app.config["PUBLIC_BASE_URL"] == "https://directory.example.org"
    assert app.config["TRUSTED_HOSTS"] == ["directory.example.org"]
    assert production(tmp_path, SERVER_NAME="site.example:8443").config["TRUSTED_HOSTS"] == [
        "directory.example.org"
    ]


def test_trusted_hosts_come_from_the_environment(tmp_path, clean_environment):
    clean_environment.setenv("PUBLIC_BASE_URL", "https://directory.example.org")
    clean_environment.setenv("TRUSTED_HOSTS", "directory.example.org, .example.org ,10.0.0.5")
    app = production(tmp_path)
    assert app.config["TRUSTED_HOSTS"] == ["directory.example.org", ".example.org", "10.0.0.5"]
    client = app.test_client()
    assert client.get("/robots.txt", base_url="http://10.0.0.5:8000").status_code == 200
    assert client.get("/robots.txt", base_url=EVIL).status_code == 400


def test_server_name_is_enough_in_production(tmp_path, clean_environment):
    app = production(tmp_path, SERVER_NAME="directory.example.org", PREFERRED_URL_SCHEME="https")
    assert app.config["TRUSTED_HOSTS"] == ["directory.example.org"]


@pytest.mark.parametrize(
    "value",
    [
        "directory.example.org",
        "ftp://directory.example.org",
        "https://",
        "https://x.example/?a=1",
        "https://x.example/#top",
    ],
)
def test_a_public_address_that_is_not_a_site_address_is_refused(tmp_path, clean_environment, value):
    with pytest.raises(ConfigError, match="PUBLIC_BASE_URL"):
        production(tmp_path, PUBLIC_BASE_URL=value)
