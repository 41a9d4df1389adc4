"""The team presets shipped in data/presets.json, on the indexed sample: each finds its listings."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import Engine, func, select
from werkzeug.datastructures import MultiDict

from directory.database import get_session
from directory.models import AuditEvent, SearchPreset
from directory.operations.presets import apply_preset
from directory.operations.sample_data import load_sample
from directory.public.search_args import parse_search_args
from directory.schemas.presets import taxonomy_params
from directory.search import Viewer, get_search_service, search_centers
from tests.conftest import DATA_DIR, sample_site

REQUIRED = {
    "Ketamine near caller, self-pay",
    "Spravato (esketamine) clinics that take Medicare",
    "Residential depression care for adolescents",
    "Spanish-speaking outpatient",
}


@pytest.fixture(scope="module")
def site(database_url: str, engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The app with the sample directory (and its team presets) loaded and indexed."""
    with sample_site(database_url, engine, tmp_path_factory.mktemp("presets-index")) as app:
        yield app


@pytest.fixture(scope="module")
def team_presets(site: Flask) -> list[SearchPreset]:
    with site.app_context():
        presets = get_session().scalars(select(SearchPreset).order_by(SearchPreset.name)).all()
        get_session().expunge_all()
        return list(presets)


def run_preset(site: Flask, preset: SearchPreset, current: dict[str, list[str]] | None = None):
    """Open the preset as the search page would, then search as staff."""
    with site.test_request_context():
        vocabulary = get_search_service().index.vocabulary
        args = parse_search_args(MultiDict(apply_preset(preset, current)), vocabulary)
        return search_centers(args.to_query(), Viewer.STAFF)


def test_the_shipped_team_presets_are_loaded_without_an_owner(team_presets, sample):
    assert {preset.name for preset in team_presets} >= REQUIRED
    assert len(team_presets) == len(sample.presets)
    assert all(preset.shared and preset.owner_id is None for preset in team_presets)


def test_every_shipped_preset_carries_no_place(team_presets):
    assert all("near" not in preset.params for preset in team_presets)


SHIPPED = sorted(preset["name"] for preset in json.loads((DATA_DIR / "presets.json").read_text()))


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_preset_finds_sample_listings_that_match_it(site, team_presets, name):
    [preset] = [p for p in team_presets if p.name == name]
    response = run_preset(site, preset)
    assert response.total > 0
    with site.app_context():
        vocabulary = get_search_service().index.vocabulary
    for scheme, codes in taxonomy_params(preset.params).items():
        wanted = {code for parent in codes for code in vocabulary.with_descendants(scheme, parent)}
        assert all(wanted & set(hit["terms"].get(scheme, ())) for hit in response.hits), scheme


def test_a_preset_near_the_caller_narrows_by_distance(site, team_presets):
    [preset] = [p for p in team_presets if p.name == "Ketamine near caller, self-pay"]
    everywhere = run_preset(site, preset)
    near = run_preset(site, preset, {"near": ["92103"]})
    assert 0 < near.total < everywhere.total
    assert near.location["radius_miles"] == float(preset.params["radius"][0])
    assert all(hit["distance_miles"] <= near.location["radius_miles"] for hit in near.hits)
    assert near.sort == "distance"


def test_loading_the_sample_again_changes_no_preset(site, sample):
    with site.app_context():
        session = get_session()
        stamps = dict(session.execute(select(SearchPreset.name, SearchPreset.updated_at)).all())
        events = session.scalar(select(func.count()).select_from(AuditEvent))
        report = load_sample(session, DATA_DIR)
        session.commit()
        assert report.presets["unchanged"] == len(sample.presets)
        assert not report.changed_anything
        assert dict(session.execute(select(SearchPreset.name, SearchPreset.updated_at)).all()) == stamps
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == events
