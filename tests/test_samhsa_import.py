"""Importing SAMHSA's directory: whole-file checks, idempotent updates, staff edits win."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from openpyxl import Workbook
from sqlalchemy import Engine, func, select

from directory import create_app
from directory.database import get_session
from directory.models import AuditEvent, Center, SearchChange
from directory.samhsa.workbook import COLUMNS, normalise_zip
from directory.search import CenterQuery, Viewer, get_search_service, search_centers
from tests.conftest import PROJECT_DIR, _empty_tables

REAL_FILE = PROJECT_DIR.parent / "shared" / "samhsa" / "National_Directory_MH_Facilities_2022.xlsx"
CODES = [
    ("Treatment Approaches", "KIT", "Ketamine Infusion Therapy"),
    ("Treatment Approaches", "TMS", "Transcranial Magnetic Stimulation"),
    ("Treatment Approaches", "CBT", "Cognitive behavioral therapy"),
    ("Service Setting", "OP", "Outpatient"),
    ("Payment", "MC", "Medicare"),
    ("Payment Assistance", "SS", "Sliding fee scale"),
    ("Pharmacotherapies", "CLOZA", "Clozapine"),
    ("Facility Type", "CMHC", "Community mental health center"),
]


def facility(**overrides: Any) -> dict[str, Any]:
    row = {
        "name1": "Larchmont Counseling Services",
        "name2": None,
        "street1": "10 Main Street",
        "street2": None,
        "city": "Salt Lake City",
        "state": "UT",
        "zip": "84101",
        "phone": "801-555-0100",
        "intake1": None,
        "intake2": None,
        "intake1a": None,
        "intake2a": None,
        "service_code_info": "MH * OP * CMHC * CLOZA * CBT KIT * MC * SS",
    }
    row.update(overrides)
    return row


def write_workbook(path: Path, rows: list[dict[str, Any]], columns: tuple[str, ...] = COLUMNS) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "Facilities List"
    sheet.append(list(columns))
    for row in rows:
        sheet.append([row.get(column) for column in columns])
    codes = book.create_sheet("Service Code Reference")
    codes.append(["category_code", "category_name", "service_code", "service_name", "service_description"])
    for category, code, name in CODES:
        codes.append([category[:4].upper(), category, code, name, name])
    book.save(path)
    return path


@pytest.fixture
def import_file(runner):
    def run(path: Path, *extra: str):
        return runner.invoke(args=["data", "import-samhsa", str(path), "--edition", "2022", *extra])

    return run


def count_centers(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Center))


def test_a_small_workbook_imports_with_terms_codes_and_coordinates(import_file, session, tmp_path):
    path = write_workbook(
        tmp_path / "directory.xlsx",
        [
            facility(),
            facility(
                name1="Quarry Road Clinic",
                street1="5 Quarry Rd",
                zip="02139-4307",
                city="Cambridge",
                state="MA",
            ),
            facility(name1="Lost Zero Center", street1="9 Elm", zip=2139, city="Cambridge", state="MA"),
            facility(name1="Nowhere Center", street1="1 Null Way", zip="00000", service_code_info="MH * XYZ"),
        ],
    )
    result = import_file(path)
    assert result.exit_code == 0, result.output
    assert "4 created, 0 updated, 0 unchanged, 0 skipped" in result.output
    assert "XYZ (1)" in result.output and "CLOZA (3)" in result.output
    assert "1 facility ZIP code(s) not found" in result.output and "ZIP 00000" in result.output
    center = session.scalar(select(Center).where(Center.name == "Larchmont Counseling Services"))
    assert center.status.value == "published" and center.verification_status.value == "unverified"
    assert center.source == "samhsa-nmhsd" and center.source_edition == "2022"
    assert center.source_codes == ["MH", "OP", "CMHC", "CLOZA", "CBT", "KIT", "MC", "SS"]
    assert sorted(center.term_codes()["therapy"]) == ["cbt", "ketamine-assisted-therapy"]
    assert center.sliding_scale is True
    assert center.phones[0].number == "(801) 555-0100"
    assert (center.locations[0].latitude, center.locations[0].longitude) == (40.7559, -111.8967)
    quarry = session.scalar(select(Center).where(Center.name == "Quarry Road Clinic"))
    lost = session.scalar(select(Center).where(Center.name == "Lost Zero Center"))
    assert quarry.locations[0].postal_code == lost.locations[0].postal_code == "02139"
    nowhere = session.scalar(select(Center).where(Center.name == "Nowhere Center"))
    assert nowhere.locations[0].latitude is None
    found = search_centers(CenterQuery(filters={"therapy": ("ketamine-assisted-therapy",)}), Viewer.PUBLIC)
    assert found.total == 4 - 1  # every row but "Nowhere Center" has KIT


def test_depression_follows_the_codes_that_imply_it(import_file, session, tmp_path):
    rows = {
        "Outpatient Clinic": "MH * OP * OMH * CBT",
        "Community Center": "MH * OP * CMHC",
        "Children's Residence": "MH * RES * RTCC * CBT",
        "Children's Residence With ECT": "MH * RES * RTCC * ECT",
        "VA Clinic": "MH * OP * VAHC",
        "TMS Practice": "MH * OP * TMS",
        "No Type Given": "MH * OP * CBT",
    }
    path = write_workbook(
        tmp_path / "d.xlsx",
        [
            facility(name1=name, street1=f"{i} Main St", service_code_info=codes)
            for i, (name, codes) in enumerate(rows.items())
        ],
    )
    assert import_file(path).exit_code == 0
    implied = {"Outpatient Clinic", "Community Center", "Children's Residence With ECT", "TMS Practice"}
    for name in rows:
        center = session.scalar(select(Center).where(Center.name == name))
        assert ("depression" in center.term_codes().get("condition", [])) == (name in implied), name
    found = search_centers(CenterQuery(text="depression"), Viewer.PUBLIC)
    assert {hit["name"] for hit in found.hits} == implied
    assert [t["code"] for t in found.named_terms] == ["depression"]


def test_second_import_changes_nothing(import_file, session, tmp_path):
    path = write_workbook(tmp_path / "d.xlsx", [facility(), facility(name1="Second Site", street1="2 B St")])
    assert import_file(path).exit_code == 0
    events = session.scalar(select(func.count()).select_from(AuditEvent))
    changes = session.scalar(select(func.count()).select_from(SearchChange))
    again = import_file(path)
    assert again.exit_code == 0, again.output
    assert "0 created, 0 updated, 2 unchanged" in again.output
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == events
    assert session.scalar(select(func.count()).select_from(SearchChange)) == changes


def test_reimport_updates_changed_facilities_and_keeps_staff_edits(import_file, session, tmp_path):
    first = write_workbook(
        tmp_path / "2022.xlsx", [facility(), facility(name1="Second Site", street1="2 B St")]
    )
    assert import_file(first).exit_code == 0
    edited = session.scalar(select(Center).where(Center.name == "Larchmont Counseling Services"))
    edited.description = "Checked by our research team: adult outpatient care only."
    session.commit()
    newer = write_workbook(
        tmp_path / "2023.xlsx",
        [
            facility(service_code_info="MH * OP * CBT TMS * MC"),
            facility(name1="Second Site", street1="2 B St", phone="801-555-0199"),
        ],
    )
    result = import_file(newer)
    assert result.exit_code == 0, result.output
    assert "0 created, 2 updated, 0 unchanged" in result.output
    assert (
        "kept staff edit: Larchmont Counseling Services" in result.output and "'description'" in result.output
    )
    session.expire_all()
    kept = session.get(Center, edited.id)
    assert kept.description == "Checked by our research team: adult outpatient care only."
    assert sorted(kept.term_codes()["therapy"]) == ["cbt", "tms"]
    second = session.scalar(select(Center).where(Center.name == "Second Site"))
    assert second.phones[0].number == "(801) 555-0199"
    assert count_centers(session) == 2


def test_facility_missing_from_a_new_edition_is_marked_not_deleted(import_file, session, tmp_path):
    assert (
        import_file(
            write_workbook(tmp_path / "a.xlsx", [facility(), facility(name1="Gone Soon", street1="3 C St")])
        ).exit_code
        == 0
    )
    result = import_file(write_workbook(tmp_path / "b.xlsx", [facility()]))
    assert result.exit_code == 0, result.output
    assert "1 listing(s) no longer in the source marked missing" in result.output
    gone = session.scalar(select(Center).where(Center.name == "Gone Soon"))
    assert gone is not None and gone.missing_from_source_since is not None
    assert count_centers(session) == 2


def test_rows_sharing_name_and_address_are_separate_programs(import_file, session, tmp_path):
    rows = [facility(phone="801-555-0101"), facility(phone="801-555-0102")]
    result = import_file(write_workbook(tmp_path / "d.xlsx", rows))
    assert result.exit_code == 0, result.output
    assert "2 created" in result.output and "told apart by their phone number" in result.output
    exact = import_file(write_workbook(tmp_path / "e.xlsx", [facility(phone="801-555-0103")] * 2))
    assert "the same facility as row 2 (skipped)" in exact.output


def test_dry_run_writes_nothing(import_file, session, tmp_path):
    result = import_file(write_workbook(tmp_path / "d.xlsx", [facility()]), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Dry run, nothing written: 1 rows; 1 created" in result.output
    assert count_centers(session) == 0
    assert session.scalar(select(func.count()).select_from(SearchChange)) == 0


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda p: write_workbook(p, [facility()], columns=tuple(c for c in COLUMNS if c != "zip")),
            "row 1: missing column(s) zip",
        ),
        (lambda p: _written(p, b"name1,city\nA,B\n"), "is not an .xlsx workbook"),
        (lambda p: _written(p, b""), "is empty (0 bytes)"),
        (lambda p: _truncated(write_workbook(p, [facility()] * 50)), "is truncated or damaged"),
        (
            lambda p: write_workbook(p, [facility(), facility(name1="Long Zip", zip="9" * 400)]),
            "row 3, column 'zip'",
        ),
        (
            lambda p: write_workbook(p, [facility(state="Utah")]),
            "row 2, column 'state': 'UTAH' is not a US state code",
        ),
        (lambda p: write_workbook(p, [facility(name1=None)]), "row 2, column 'name1': is empty"),
        (lambda p: write_workbook(p, []), "has a header but no facilities"),
    ],
)
def test_bad_files_get_clear_errors_and_nothing_is_written(import_file, session, tmp_path, make, message):
    path = make(tmp_path / "bad.xlsx")
    result = import_file(path)
    assert result.exit_code == 1
    assert message in result.output
    assert count_centers(session) == 0


def _written(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _truncated(path: Path) -> Path:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def test_skip_invalid_imports_the_good_rows(import_file, session, tmp_path):
    path = write_workbook(tmp_path / "d.xlsx", [facility(), facility(name1="Bad", zip="ABCDE")])
    result = import_file(path, "--skip-invalid")
    assert result.exit_code == 0, result.output
    assert "1 created" in result.output and "row 3, column 'zip'" in result.output
    assert count_centers(session) == 1


@pytest.mark.parametrize(
    ("value", "expected"),
    [("84101", "84101"), ("84101-1234", "84101"), ("841011234", "84101"), (2139, "02139"), ("2139", "02139"),
     (84101.0, "84101"), ("9" * 400, None), ("ABCDE", None), (None, None), ("", None), (True, None)],
)  # fmt: skip
def test_zip_codes_are_normalised(value, expected):
    assert normalise_zip(value) == expected


@pytest.fixture(scope="module")
def real_site(database_url: str, engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """An app holding the real 2022 directory, imported once for the module's real-data tests."""
    if not REAL_FILE.exists():
        pytest.skip("the SAMHSA 2022 workbook is not beside the project")
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "tests",
            "SEARCH_INDEX_DIR": str(tmp_path_factory.mktemp("real-index")),
        }
    )
    try:
        result = app.test_cli_runner().invoke(args=["data", "import-samhsa", str(REAL_FILE)])
        app.config["REAL_IMPORT_OUTPUT"] = (result.exit_code, result.output)
        yield app
    finally:
        app.extensions["database"].dispose()
        _empty_tables(engine)


def test_the_real_2022_directory(real_site):
    exit_code, output = real_site.config["REAL_IMPORT_OUTPUT"]
    assert exit_code == 0, output
    assert "9037 rows; 9037 created, 0 updated, 0 unchanged, 0 skipped" in output
    with real_site.app_context():
        session = get_session()
        assert count_centers(session) == 9037
        for therapy, expected in (("ketamine-assisted-therapy", 104), ("tms", 153), ("ect", 315)):
            found = search_centers(CenterQuery(filters={"therapy": (therapy,)}, per_page=1), Viewer.PUBLIC)
            assert found.total == expected, therapy
        assert get_search_service(real_site).index.doc_count() == 9037
        center = session.scalar(select(Center).where(Center.source_codes.is_not(None)).limit(1))
        center.name = f"{center.name} (name confirmed by phone)"
        session.commit()
        again = real_site.test_cli_runner().invoke(args=["data", "import-samhsa", str(REAL_FILE)])
        assert again.exit_code == 0, again.output
        assert "0 created, 0 updated, 9037 unchanged" in again.output
        session.expire_all()
        assert session.get(Center, center.id).name.endswith("(name confirmed by phone)")


def test_depression_and_psychedelic_find_real_listings(real_site):
    runner = real_site.test_cli_runner()

    def search(*args: str) -> dict[str, Any]:
        result = runner.invoke(args=["search", *args, "--per-page", "1", "--json"])
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    depression = search("depression")
    by_filter = search("--condition", "depression")
    assert depression["total"] == by_filter["total"] > 7000  # the mental-health facilities of data/README.md
    assert {t["code"] for t in depression["named_terms"]} == {"depression"}
    psychedelic = search("psychedelic")
    ketamine = search("--therapy", "ketamine-assisted-therapy")
    assert psychedelic["total"] == ketamine["total"] == 104  # no psilocybin or MDMA service in 2022
    with real_site.app_context():
        with_ect = search_centers(CenterQuery(filters={"therapy": ("ect", "tms")}), Viewer.PUBLIC).total
        both = search_centers(
            CenterQuery(text="depression", filters={"therapy": ("ect", "tms")}), Viewer.PUBLIC
        ).total
    assert both == with_ect  # every ECT and TMS provider treats depression


def test_mapping_file_terms_exist_in_the_vocabulary(sample):
    mapping = json.loads((PROJECT_DIR / "data" / "samhsa_mapping.json").read_text())
    known = {(s["code"], t["code"]) for s in sample.vocabulary["schemes"] for t in s["terms"]}
    for code, entry in mapping["codes"].items():
        for term in entry["terms"]:
            assert tuple(term.split(":")) in known, (code, term)
