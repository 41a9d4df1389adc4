"""Maps: d3's geoAlbersUsa in Python, the window each map shows, and the maps on the public pages."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, select

from directory.database import get_session
from directory.models import Center, ListingStatus
from directory.public.maps import (
    FRAME_HEIGHT,
    FRAME_WIDTH,
    MIN_RESULTS_WIDTH,
    albers_usa,
    center_map,
    fit_box,
    results_map,
    state_boxes,
)
from tests.conftest import sample_site
from tests.public_pages import PageReader, card_ids, external_sources

MAPS_DIR = Path(__file__).resolve().parents[1] / "directory" / "static" / "maps"

# -- the projection ---------------------------------------------------------------------------------

#: A point well inside each of these states (lat, lon): geographic centers and state capitals.
INSIDE = {
    "KS": (38.50, -98.00),
    "TX": (31.00, -99.90),
    "CA": (37.20, -119.40),
    "ME": (45.30, -69.20),
    "FL": (28.60, -82.40),
    "CO": (39.00, -105.50),
    "UT": (40.76, -111.89),
    "NY": (42.90, -75.50),
    "WA": (47.40, -120.50),
    "MI": (43.60, -84.70),
    "RI": (41.70, -71.50),
    "DC": (38.90, -77.03),
    "AK": (63.60, -154.50),
    "HI": (19.60, -155.50),
}


def test_the_lower_48s_center_lands_on_the_frames_translate():
    # d3: albers() is conicEqualArea().rotate([96, 0]).center([-0.6, 38.7]); here scale 1300 and
    # translate [487.5, 305], so its center lands exactly on the translate.
    x, y = albers_usa(38.7, -96.6)
    assert x == pytest.approx(487.5, abs=1e-9)
    assert y == pytest.approx(305.0, abs=1e-9)


@pytest.mark.parametrize("state", sorted(INSIDE))
def test_a_point_in_a_state_falls_in_that_states_outline_box(state):
    x0, y0, x1, y1 = state_boxes()[state]
    x, y = albers_usa(*INSIDE[state])
    assert x0 <= x <= x1 and y0 <= y <= y1


def test_north_is_up_and_east_is_right():
    denver, kansas_city, el_paso = (
        albers_usa(39.74, -104.99),
        albers_usa(39.10, -94.58),
        albers_usa(31.76, -106.49),
    )
    assert kansas_city[0] > denver[0]
    assert el_paso[1] > denver[1]


def test_alaska_and_hawaii_are_drawn_in_their_insets_lower_left():
    anchorage, honolulu = albers_usa(61.22, -149.90), albers_usa(21.31, -157.86)
    assert anchorage[0] < 250 and anchorage[1] > 450
    assert 200 < honolulu[0] < 400 and honolulu[1] > 500


def test_a_place_outside_the_three_parts_has_no_point():
    assert albers_usa(51.5, -0.13) is None  # London
    assert albers_usa(-33.9, 151.2) is None  # Sydney


# -- the window ----------------------------------------------------------------------------------


def test_one_point_gets_the_minimum_window_around_it_in_the_frames_shape():
    point = albers_usa(40.76, -111.89)
    x, y, width, height = fit_box([point], MIN_RESULTS_WIDTH)
    assert MIN_RESULTS_WIDTH <= width < 2 * MIN_RESULTS_WIDTH
    assert width / height == pytest.approx(FRAME_WIDTH / FRAME_HEIGHT, rel=0.01)
    assert x < point[0] < x + width and y < point[1] < y + height


def test_points_across_the_country_get_at_most_the_whole_frame():
    points = [albers_usa(*INSIDE[s]) for s in ("WA", "FL", "ME", "CA", "AK", "HI")]
    assert fit_box(points, MIN_RESULTS_WIDTH) == (0.0, 0.0, FRAME_WIDTH, FRAME_HEIGHT)


def test_a_window_near_the_frames_edge_stays_inside_it():
    x, y, width, height = fit_box([albers_usa(44.8, -66.95)], 200)  # the easternmost point of Maine
    assert x >= 0 and y >= 0 and x + width <= FRAME_WIDTH + 0.1 and y + height <= FRAME_HEIGHT + 0.1


def test_every_point_is_inside_the_window_with_room_for_its_marker():
    points = [albers_usa(40.76, -111.89), albers_usa(39.74, -104.99), albers_usa(41.26, -95.94)]
    x, y, width, height = fit_box(points, MIN_RESULTS_WIDTH)
    margin = width * 0.04
    assert all(
        x + margin < px < x + width - margin and y + margin < py < y + height - margin for px, py in points
    )


# -- the model -----------------------------------------------------------------------------------


def hit(number: int, lat: float | None, lon: float | None) -> dict:
    return {"slug": f"c{number}", "name": f"Center {number}", "city": "Salt Lake City", "state": "UT",
            "latitude": lat, "longitude": lon}  # fmt: skip


def test_markers_are_numbered_from_the_pages_first_number_and_count_what_has_no_place():
    hits = [hit(1, 40.7, -111.9), hit(2, None, None), hit(3, 40.6, -111.8)]
    view = results_map(hits, 21, lambda slug: f"/centers/{slug}")
    assert [(m.number, m.url) for m in view.markers] == [(21, "/centers/c1"), (23, "/centers/c3")]
    assert view.markers[0].label == "21. Center 1, Salt Lake City, UT"
    assert view.unplaced == 1 and view.unplaced_text == "1 center has no map location."
    assert view.caption.startswith("Map of the 3 centers on this page, numbered as in the list")


def test_the_searched_place_is_marked_and_named():
    place = {"label": "Salt Lake City, UT 84101", "latitude": 40.76, "longitude": -111.89}
    view = results_map([hit(1, 40.7, -111.9)], 1, str, place=place)
    assert view.place is not None and view.place.label == "Searched place: Salt Lake City, UT 84101"
    assert view.place_points.count(",") == 4


def test_no_map_without_any_place():
    assert results_map([hit(1, None, None)], 1, str) is None
    assert center_map(hit(1, None, None)) is None


def test_markers_at_one_place_are_spread_apart_and_keep_their_true_point():
    place = {"label": "84101", "latitude": 40.76, "longitude": -111.89}
    hits = [hit(n, 40.76 + n / 1000, -111.89) for n in range(1, 7)]
    view = results_map(hits, 1, str, place=place)
    points = [(m.x, m.y) for m in view.markers] + [(view.place.x, view.place.y)]
    gaps = [math.dist(a, b) for i, a in enumerate(points) for b in points[i + 1 :]]
    assert min(gaps) >= 2 * view.radius
    assert all(m.origin is not None for m in view.markers)
    x, y, width, height = view.box
    assert all(x < px < x + width and y < py < y + height for px, py in points)


def test_markers_far_apart_stay_where_they_are():
    view = results_map([hit(1, 40.76, -111.89), hit(2, 39.74, -104.99)], 1, str)
    assert [m.origin for m in view.markers] == [None, None]


def test_state_codes_are_written_in_the_window():
    view = results_map([hit(1, 40.76, -111.89)], 1, str)
    assert "UT" in [code for code, _x, _y in view.labels]
    assert "FL" not in [code for code, _x, _y in view.labels]


def test_a_state_page_shows_the_whole_state():
    view = results_map([hit(1, 40.76, -111.89)], 1, str, state="ut")
    x0, y0, x1, y1 = state_boxes()["UT"]
    x, y, width, height = view.box
    assert x <= x0 and y <= y0 and x + width >= x1 and y + height >= y1


def test_a_center_map_shows_its_region_with_one_unlinked_marker():
    view = center_map(hit(1, 40.76, -111.89))
    assert view.small and len(view.markers) == 1 and view.markers[0].url is None
    assert 60 < view.box[2] < 200


def test_the_base_map_is_small_credited_and_has_the_two_layers():
    svg = (MAPS_DIR / "us-states.svg").read_text(encoding="utf-8")
    assert len(svg.encode()) < 150_000
    assert "us-atlas" in svg and "Census" in svg
    root = ET.fromstring(svg)
    ids = {element.get("id") for element in root.iter() if element.get("id")}
    assert {"land", "borders"} <= ids
    assert root.get("viewBox") == "0 0 975 610"


# -- the pages -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(database_url: str, engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The app with the sample directory loaded and indexed."""
    with sample_site(database_url, engine, tmp_path_factory.mktemp("maps-index")) as app:
        yield app


@pytest.fixture
def web(site: Flask) -> FlaskClient:
    return site.test_client()


def markers(html: str) -> list[tuple[str, str]]:
    """Return the map's marker links as (href, accessible name)."""
    return [(a.attrs["href"], a.attrs["aria-label"]) for a in PageReader(html).find("a", class_="map-marker")]


def test_a_search_near_a_zip_maps_each_result_with_its_number(web):
    html = web.get("/search?near=84101&radius=500").get_data(as_text=True)
    cards, found = card_ids(html), markers(html)
    assert cards and len(found) == len(cards) - html.count("no map location")
    assert [label.split(".")[0] for _, label in found] == [str(n) for n in range(1, len(found) + 1)]
    assert 'class="map-place"' in html and "Searched place:" in html
    assert "/static/maps/us-states.svg#land" in html
    assert not external_sources(html)


def test_the_second_page_numbers_its_markers_as_its_list(web):
    html = web.get("/search?near=84101&radius=500&per_page=10&page=2").get_data(as_text=True)
    assert '<ol class="cards" start="11">' in html
    assert markers(html)[0][1].startswith("11. ")


def test_a_search_without_results_has_no_map(web):
    html = web.get("/search?q=xyzzyq").get_data(as_text=True)
    assert "map-svg" not in html


def test_a_landing_page_maps_its_centers(web):
    html = web.get("/therapies/ketamine-assisted-therapy").get_data(as_text=True)
    assert markers(html) and "Map of the" in html


def test_a_center_page_has_a_small_map_of_where_it_is(site, web):
    with site.app_context():
        center = (
            get_session()
            .scalars(select(Center).where(Center.status == ListingStatus.PUBLISHED).order_by(Center.slug))
            .first()
        )
        slug, name = center.slug, center.name
    html = web.get(f"/centers/{slug}").get_data(as_text=True)
    assert "result-map-small" in html and re.search(r'class="map-pin"[^>]*aria-label="', html)
    assert f"Where {name}" in html.replace("&#39;", "'").replace("&amp;", "&")


def test_the_base_map_is_served_by_the_app(web):
    with web.get("/static/maps/us-states.svg") as response:
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"
