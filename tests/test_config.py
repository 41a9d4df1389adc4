"""Configuration: local defaults, environment overrides, and a secret key that production must supply."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask

from directory import create_app
from directory.config import ConfigError, load_config


def make_flask(tmp_path) -> Flask:
    return Flask("directory", instance_path=str(tmp_path / "instance"))


def test_defaults_put_the_database_and_index_in_the_instance_folder(tmp_path, monkeypatch):
    for name in ("DATABASE_URL", "SEARCH_INDEX_DIR", "SECRET_KEY", "DIRECTORY_ENV"):
        monkeypatch.delenv(name, raising=False)
    app = make_flask(tmp_path)
    load_config(app, None)
    instance = tmp_path / "instance"
    assert app.config["DATABASE_URL"] == f"sqlite:///{instance / 'directory.sqlite3'}"
    assert app.config["SEARCH_INDEX_DIR"] == str(instance / "search-index")


def test_local_secret_key_is_generated_once_and_kept_private(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DIRECTORY_ENV", raising=False)
    first, second = make_flask(tmp_path), make_flask(tmp_path)
    load_config(first, None)
    load_config(second, None)
    key_file = tmp_path / "instance" / "secret_key"
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == key_file.read_text().strip()
    assert len(first.config["SECRET_KEY"]) == 64
    assert key_file.stat().st_mode & 0o077 == 0


def test_production_requires_a_secret_key_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DIRECTORY_ENV", "production")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://directory.example.org")
    with pytest.raises(ConfigError, match="SECRET_KEY must be set"):
        load_config(make_flask(tmp_path), None)
    assert not (tmp_path / "instance" / "secret_key").exists()
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    app = make_flask(tmp_path)
    load_config(app, None)
    assert app.config["SECRET_KEY"] == "from-the-environment"


def test_environment_selects_the_database_and_index(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    monkeypatch.setenv("SEARCH_INDEX_DIR", str(tmp_path / "ix"))
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["DATABASE_URL"].startswith("postgresql+psycopg://")
    assert app.config["SEARCH_INDEX_DIR"] == str(tmp_path / "ix")
    assert app.extensions["database"].engine.dialect.name == "postgresql"


def test_models_import_without_flask():
    code = "import sys, directory.models; assert 'flask' not in sys.modules, 'flask imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize(
    "command",
    [
        ["-m", "flask", "--app", "wsgi", "routes"],  # the flask command line
        ["-c", "import wsgi"],  # what a WSGI server does
    ],
    ids=["flask-cli", "wsgi-import"],
)
def test_production_without_a_secret_key_says_what_to_set_in_one_line(command, tmp_path):
    project = Path(__file__).resolve().parents[1]
    environment = {key: value for key, value in os.environ.items() if key != "SECRET_KEY"}
    environment.update(
        DIRECTORY_ENV="production",
        PYTHONPATH=str(project),
        DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}",
    )
    result = subprocess.run(
        [sys.executable, *command],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "SECRET_KEY" in lines[0] and "DIRECTORY_ENV=production" in lines[0]
    assert "Traceback" not in result.stderr
