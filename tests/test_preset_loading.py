"""Loading team presets from a sample folder: updates audited, bad files refused whole, the CLI's report.

These tests empty the database after each one, so they live apart from the module-scoped sample site.
"""

from __future__ import annotations

import json
import shutil

import pytest
from sqlalchemy import select

from directory.models import AuditEvent, SearchPreset
from directory.operations.sample_data import SampleDataError, load_sample, read_sample
from tests.conftest import DATA_DIR


def test_a_changed_shipped_preset_is_updated_and_audited(session, tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    load_sample(session, folder)
    session.commit()
    presets = json.loads((folder / "presets.json").read_text())
    presets[0]["params"]["radius"] = ["100"]
    (folder / "presets.json").write_text(json.dumps(presets))
    report = load_sample(session, folder)
    session.commit()
    assert report.presets["updated"] == 1 and report.presets["unchanged"] == len(presets) - 1
    preset = session.scalar(select(SearchPreset).where(SearchPreset.name == presets[0]["name"]))
    assert preset.params["radius"] == ["100"]
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "preset.updated"))
    assert event.actor_label == "sample-data loader" and event.after["params"]["radius"] == ["100"]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda p: p[0]["params"].update(therapy=["reiki"]), "unknown therapy 'reiki'"),
        (lambda p: p[1]["params"].update(colour=["red"]), "unknown filter 'colour'"),
        (lambda p: p.append(dict(p[0])), "is used 2 times"),
        (lambda p: p[2].pop("name"), "Give the preset a name."),
        (lambda p: p[3]["params"].update(page=["2"]), "not a page of results"),
    ],
)
def test_an_invalid_presets_file_is_reported_and_nothing_is_written(tmp_path, change, problem):
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    presets = json.loads((folder / "presets.json").read_text())
    change(presets)
    (folder / "presets.json").write_text(json.dumps(presets))
    with pytest.raises(SampleDataError) as invalid:
        read_sample(folder)
    assert any(problem in line and "presets.json" in line for line in invalid.value.problems), (
        invalid.value.problems
    )


def test_a_folder_without_presets_loads_none(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    (folder / "presets.json").unlink()
    assert read_sample(folder).presets == []


def test_the_load_sample_command_reports_team_presets(runner, sample):
    first = runner.invoke(args=["data", "load-sample"])
    assert first.exit_code == 0, first.output
    assert f"team presets: {len(sample.presets)} created, 0 updated, 0 unchanged" in first.output
    second = runner.invoke(args=["data", "load-sample"])
    assert f"team presets: 0 created, 0 updated, {len(sample.presets)} unchanged" in second.output
    assert "Nothing changed" in second.output
