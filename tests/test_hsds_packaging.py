"""The HSDS export works from a fresh checkout and from an installed package, with no specification beside it.

Each test runs in a subprocess on a copy of the project in a temporary folder, where no
``../shared/hsds`` exists: once the ``flask data export-hsds`` command from the checkout, once the
export from what setuptools builds into a wheel (``build_py``: the packages and their declared
package data, nothing else).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from directory.models import ListingStatus
from tests.conftest import PROJECT_DIR

#: What a fresh clone holds that the app and its packaging need.
CHECKOUT_FILES = ("directory", "search_index", "data", "wsgi.py", "setup.cfg", "pyproject.toml", "README.md")
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "instance", "build")

#: The export through the package's own API, as a program using the installed package would run it.
EXPORT_FROM_PACKAGE = """
import sys
from pathlib import Path
from sqlalchemy.orm import Session
from directory.database import make_engine
from directory.hsds.export import export_package
from directory.hsds.layout import load_layout

with Session(make_engine(sys.argv[1])) as session:
    counts = export_package(session, Path(sys.argv[2]), load_layout())
print(f"organizations.csv: {counts['organizations.csv']} rows")
"""


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project's checkout, alone in a temporary folder."""
    folder = tmp_path_factory.mktemp("clone") / "project"
    folder.mkdir()
    for name in CHECKOUT_FILES:
        source = PROJECT_DIR / name
        if source.is_dir():
            shutil.copytree(source, folder / name, ignore=IGNORED)
        else:
            shutil.copy2(source, folder / name)
    assert not (folder.parent / "shared").exists()
    return folder


@pytest.fixture(scope="module")
def installed(checkout: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The packages as setuptools builds them into a wheel, alone in a temporary folder."""
    folder = tmp_path_factory.mktemp("wheel") / "lib"
    build = [sys.executable, "-c", "import setuptools; setuptools.setup()", "-q", "build_py", "--build-lib"]
    subprocess.run([*build, str(folder)], cwd=checkout, check=True, capture_output=True, timeout=120)
    assert not (folder.parent / "shared").exists()
    return folder


def run_python(
    arguments: list[str], path: Path, cwd: Path, **environment: str
) -> subprocess.CompletedProcess:
    """Run this Python with only ``path`` added to the import path and no HSDS reference configured."""
    kept = {key: value for key, value in os.environ.items() if key not in ("HSDS_REFERENCE_DIR", "FLASK_APP")}
    return subprocess.run(
        [sys.executable, *arguments],
        cwd=cwd,
        env=kept | {"PYTHONPATH": str(path)} | environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def assert_exported(target: Path, output: str) -> None:
    """Check the package in ``target``: the one center, and the specification's licence."""
    assert "organizations.csv: 1 rows" in output
    with (target / "organizations.csv").open(encoding="utf-8", newline="") as handle:
        assert [row["name"] for row in csv.DictReader(handle)] == ["Larkspur Ketamine Clinic"]
    descriptor = json.loads((target / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["license"]["type"] == "CC-BY-SA-4.0" and descriptor["hsds_version"] == "3.0.0"


@pytest.fixture
def one_center(session, create_center, database_url: str) -> str:
    """Commit one published center (the export shares only listings with a public life); return the URL."""
    create_center(
        slug="larkspur-ketamine-clinic", name="Larkspur Ketamine Clinic", status=ListingStatus.PUBLISHED
    )
    session.commit()
    return database_url


def test_export_command_works_in_a_checkout_without_the_specification_beside_it(
    checkout, one_center, tmp_path
):
    target = tmp_path / "package"
    result = run_python(
        ["-m", "flask", "--app", "wsgi", "data", "export-hsds", str(target)],
        checkout,
        tmp_path,
        DATABASE_URL=one_center,
        SECRET_KEY="tests",
        SEARCH_INDEX_DIR=str(tmp_path / "search-index"),
    )
    assert result.returncode == 0, result.stderr
    assert_exported(target, result.stdout)


def test_installed_package_carries_the_specification_it_exports_with(installed, one_center, tmp_path):
    target = tmp_path / "package"
    result = run_python(["-c", EXPORT_FROM_PACKAGE, one_center, str(target)], installed, tmp_path)
    assert result.returncode == 0, result.stderr
    assert_exported(target, result.stdout)
