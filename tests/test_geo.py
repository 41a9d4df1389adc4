"""Tests for search_index.geo: place resolution, great-circle distances and bounding boxes."""

import math
import random
import unicodedata

import numpy as np
import pytest

from search_index.geo import (
    EARTH_RADIUS_MILES,
    MAX_PLACE_LENGTH,
    Place,
    bounding_box,
    distances_miles,
    haversine_miles,
    resolve_place,
)
from search_index.types import LocationError, SearchError

SLC = (40.7608, -111.8910)
DENVER = (39.7392, -104.9903)


def miles_between(a: Place, b: Place) -> float:
    return haversine_miles(a.latitude, a.longitude, b.latitude, b.longitude)


def assert_readable(message: str) -> None:
    """A message for a person: no surrogates or control characters, and printable as UTF-8."""
    message.encode("utf-8")
    assert not any(unicodedata.category(ch) in {"Cc", "Cf", "Cs"} for ch in message)
    assert len(message) < 300


# --- ZIP codes ---------------------------------------------------------------------------------------


def test_zip_code():
    place = resolve_place("84101")
    assert place.label == "84101 (Salt Lake City, UT)"
    assert place.latitude == pytest.approx(40.7559, abs=1e-4)
    assert place.longitude == pytest.approx(-111.8967, abs=1e-4)


@pytest.mark.parametrize("text", ["84101-1234", "841011234", " 84101-1234 ", "\t84101\n"])
def test_zip_plus_four_and_padding_resolve_to_the_five_digit_zip(text):
    assert resolve_place(text) == resolve_place("84101")


@pytest.mark.parametrize(
    ("text", "label", "lat", "lon"),
    [
        ("02139", "02139 (Cambridge, MA)", 42.3647, -71.1042),
        ("00601", "00601 (Adjuntas, PR)", 18.18, -66.75),
        ("04101", "04101 (Portland, ME)", 43.66, -70.26),
    ],
)
def test_leading_zero_zip_codes(text, label, lat, lon):
    place = resolve_place(text)
    assert place.label == label
    assert place.latitude == pytest.approx(lat, abs=0.05)
    assert place.longitude == pytest.approx(lon, abs=0.05)


def test_fullwidth_digits_are_read_as_a_zip():
    assert resolve_place("\uff18\uff14\uff11\uff10\uff11") == resolve_place("84101")


@pytest.mark.parametrize("text", ["00000", "99999", "00000-0000", "999991234"])
def test_unknown_zip_names_the_zip(text):
    with pytest.raises(LocationError) as caught:
        resolve_place(text)
    message = str(caught.value)
    assert f"'{text}'" in message
    assert "ZIP code" in message


def test_zip_without_a_map_location_says_so():
    # Military ZIPs are stored at 0,0 in the zipcodes data: never put a search in the Gulf of Guinea.
    with pytest.raises(LocationError, match=r"no map location .*'09001'"):
        resolve_place("09001")


@pytest.mark.parametrize("text", ["8410", "841011", "84101-12", "84101-12345"])
def test_malformed_zip_is_a_location_error(text):
    with pytest.raises(LocationError, match=f"'{text}'"):
        resolve_place(text)


# --- cities ------------------------------------------------------------------------------------------


def test_city_state():
    place = resolve_place("Salt Lake City, UT")
    assert place.label == "Salt Lake City, UT"
    assert miles_between(place, Place(*SLC, "downtown")) < 5


@pytest.mark.parametrize(
    "text",
    [
        "salt lake city, ut",
        "SALT LAKE CITY, UT",
        "  Salt   Lake  City ,   UT  ",
        "Salt Lake City,UT",
        "Salt Lake City UT",
        "salt lake city ut",
        "Salt Lake City, Ut.",
        "Salt-Lake City, UT",
    ],
)
def test_city_case_and_spacing_variants(text):
    assert resolve_place(text) == resolve_place("Salt Lake City, UT")


def test_city_point_is_mean_of_standard_zip_centroids():
    place = resolve_place("Salt Lake City, UT")
    assert 40.6 < place.latitude < 40.85
    assert -112.05 < place.longitude < -111.75


def test_portland_oregon_and_portland_maine_differ():
    oregon = resolve_place("Portland OR")
    maine = resolve_place("Portland, ME")
    assert oregon.label == "Portland, OR"
    assert maine.label == "Portland, ME"
    assert oregon.longitude < -120
    assert maine.longitude > -71
    assert miles_between(oregon, maine) > 2500


@pytest.mark.parametrize(
    "text",
    ["St. Louis, MO", "St Louis, MO", "Saint Louis, MO", "st. louis mo", "ST LOUIS MO", "St.Louis, MO"],
)
def test_saint_variants(text):
    place = resolve_place(text)
    assert place.label == "Saint Louis, MO"
    assert place == resolve_place("Saint Louis, MO")
    assert place.latitude == pytest.approx(38.63, abs=0.1)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("St Paul, MN", "Saint Paul, MN"),
        ("Port St. Lucie, FL", "Port Saint Lucie, FL"),
        ("Ste Genevieve, MO", "Sainte Genevieve, MO"),
        ("Mt Vernon, NY", "Mount Vernon, NY"),
    ],
)
def test_abbreviated_words_inside_names(text, label):
    assert resolve_place(text).label == label


def test_acceptable_city_alias():
    alias = resolve_place("SLC, UT")
    assert miles_between(alias, resolve_place("Salt Lake City, UT")) < 10


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Coeur d'Alene, ID", "Coeur D Alene, ID"),
        ("O'Fallon, MO", "O Fallon, MO"),
        ("DeKalb, IL", "Dekalb, IL"),
        ("LaCrosse, WI", "La Crosse, WI"),
        ("Winston-Salem, NC", "Winston Salem, NC"),
        ("Ca\u00f1on City, CO", "Canon City, CO"),
    ],
)
def test_punctuation_accents_and_spacing_in_names(text, label):
    assert resolve_place(text).label == label


def test_unknown_city_names_the_place():
    with pytest.raises(LocationError) as caught:
        resolve_place("Atlantis, UT")
    assert "'Atlantis, UT'" in str(caught.value)
    assert "ZIP code" in str(caught.value)


def test_unknown_state_names_the_place_and_says_what_to_try():
    with pytest.raises(LocationError) as caught:
        resolve_place("Atlantis, ZZ")
    message = str(caught.value)
    assert "'Atlantis, ZZ'" in message
    assert "'ZZ' is not a US state code" in message
    assert "Try a 5-digit ZIP code or 'City, ST'." in message


def test_full_state_name_is_not_a_state_code():
    with pytest.raises(LocationError, match=r"'Salt Lake City, Utah'.*'UTAH' is not a US state code"):
        resolve_place("Salt Lake City, Utah")


def test_city_without_state_suggests_states_biggest_first():
    with pytest.raises(LocationError) as caught:
        resolve_place("Portland")
    message = str(caught.value)
    assert "'Portland'" in message
    assert "'Portland, OR'" in message
    assert message.index("'Portland, OR'") < message.index("'Portland, ME'")


def test_unknown_city_without_state_names_the_place():
    with pytest.raises(LocationError, match="'Atlantis'"):
        resolve_place("Atlantis")


def test_location_error_is_a_search_error():
    assert issubclass(LocationError, SearchError)
    assert issubclass(LocationError, ValueError)


# --- coordinates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["40.7608,-111.8910", "40.7608, -111.8910", " 40.7608 ,  -111.891 ", "+40.7608,-111.891"]
)
def test_lat_lon(text):
    place = resolve_place(text)
    assert (place.latitude, place.longitude) == (40.7608, -111.891)
    assert place.label == "40.7608, -111.8910"


@pytest.mark.parametrize(
    ("text", "lat", "lon"),
    [("90,180", 90.0, 180.0), ("-90,-180", -90.0, -180.0), ("0,0", 0.0, 0.0), (".5,-.5", 0.5, -0.5)],
)
def test_lat_lon_edges(text, lat, lon):
    place = resolve_place(text)
    assert (place.latitude, place.longitude) == (lat, lon)


def test_tiny_negative_coordinates_do_not_show_minus_zero():
    assert resolve_place("-0.00001, -0.00001").label == "0.0000, 0.0000"


@pytest.mark.parametrize("text", ["90.0001,0", "-91,0", "0,180.5", "0,-181", "1000,1000", "84101,1234"])
def test_lat_lon_out_of_range(text):
    with pytest.raises(LocationError) as caught:
        resolve_place(text)
    message = str(caught.value)
    assert f"'{text}'" in message
    assert "between -90 and 90" in message


@pytest.mark.parametrize("text", ["nan,nan", "0,nan", "inf,0", "-inf,0", "1e400,0", "0,-Infinity"])
def test_non_finite_coordinates(text):
    with pytest.raises(LocationError, match=rf"'{text}'.*decimal degrees"):
        resolve_place(text)


# --- hostile input -----------------------------------------------------------------------------------

HOSTILE = [
    "",
    " ",
    "\t\n\r\x0b\x0c",
    "\u3000\u00a0",
    "\x00",
    "84101\x00",
    "Salt Lake City\x00, UT",
    "\ud800",
    "\udfff84101",
    "Salt Lake\ud800 City, UT\udc00",
    "a" * 5000,
    "8" * 5000,
    "84101" + " " * 200,
    "Salt Lake City, UT" * 6,
    "*",
    '"',
    "'",
    "%",
    "?",
    "\\",
    ";DROP TABLE listings;--",
    "'; DROP TABLE listings; --, UT",
    "../../etc/passwd",
    "..\\..\\windows\\system32",
    "<script>alert(1)</script>",
    "<script>alert(1)</script>, UT",
    "{0}{1}%s%n",
    "\U0001f600",
    "\U0001f600, UT",
    "\U0001f1fa\U0001f1f8",
    "\u0645\u062f\u064a\u0646\u0629 \u0633\u0648\u0644\u062a \u0644\u064a\u0643, UT",
    "\u05e1\u05d5\u05dc\u05d8 \u05dc\u05d9\u05d9\u05e7",
    "\u202eTU ,ytiC ekaL tlaS",
    "\u200b\u200c\u200d\ufeff",
    "!!!",
    ",,,",
    ".-,;:",
    ",",
    ", UT",
    "nan,nan",
    "NaN, NaN",
    "inf,0",
    "1e400,0",
    "0x10,0x10",
    "1_000,0",
    "\u0661\u0662,\u0663\u0664",
    "1,2,3",
    "null",
    "None",
    "undefined",
    "Z" * 101,
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_raises_location_error(text):
    with pytest.raises(LocationError) as caught:
        resolve_place(text)
    assert_readable(str(caught.value))


def test_hostile_list_is_long_enough():
    assert len(HOSTILE) >= 20


@pytest.mark.parametrize("text", [None, 84101, b"84101", 40.76, ["84101"]])
def test_non_string_input_is_a_location_error(text):
    with pytest.raises(LocationError):
        resolve_place(text)


def test_input_length_cap():
    assert resolve_place("Salt Lake City, UT".ljust(MAX_PLACE_LENGTH)).label == "Salt Lake City, UT"
    with pytest.raises(LocationError) as caught:
        resolve_place("Salt Lake City, UT".ljust(MAX_PLACE_LENGTH + 1))
    assert "longer than 100 characters" in str(caught.value)


def test_long_input_is_named_but_truncated():
    with pytest.raises(LocationError) as caught:
        resolve_place("Atlantis " * 600)
    message = str(caught.value)
    quoted = message.split("'")[1]
    assert quoted.startswith("Atlantis Atlantis")
    assert len(quoted) == 60
    assert quoted.endswith("...")


@pytest.mark.parametrize(
    "text", ["\ufeff84101", "Salt Lake City\u200b, UT", "\u200eSalt Lake City, UT\u200f"]
)
def test_invisible_format_characters_are_ignored(text):
    assert resolve_place(text) in {resolve_place("84101"), resolve_place("Salt Lake City, UT")}


@pytest.mark.parametrize("text", ["\x00", "\ud800", "\x07\x1b"])
def test_unreadable_input_says_so_without_empty_quotes(text):
    with pytest.raises(LocationError, match="We could not read that place") as caught:
        resolve_place(text)
    assert "''" not in str(caught.value)


def test_embedded_nul_is_rejected_and_named():
    with pytest.raises(LocationError, match="'Salt Lake City, UT': it contains hidden or invalid characters"):
        resolve_place("Salt Lake City\x00, UT")


def test_message_drops_control_characters_and_surrogates():
    with pytest.raises(LocationError) as caught:
        resolve_place("Atl\x00an\ud800tis\u202e, UT")
    assert "'Atlantis, UT'" in str(caught.value)
    assert_readable(str(caught.value))


def test_random_strings_only_ever_raise_location_error():
    rng = random.Random(20240611)
    alphabet = (
        "0123456789 ,.-+eE'\"\x00\t\n" + "abcXYZ" + "\u00e9\u0301\ud800\udfff\u202e\u3000\uff10\U0001f600"
    )
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 120)))
        try:
            place = resolve_place(text)
        except LocationError as error:
            assert_readable(str(error))
        else:
            assert math.isfinite(place.latitude)
            assert math.isfinite(place.longitude)


# --- distances ---------------------------------------------------------------------------------------


def test_haversine_salt_lake_city_to_denver():
    # By hand: dphi = -1.0216 deg, dlambda = 6.9007 deg, a = 0.0035083, c = 2 asin(sqrt(a)) = 0.118603 rad.
    assert haversine_miles(*SLC, *DENVER) == pytest.approx(371.0, abs=1.0)


def test_haversine_is_symmetric():
    assert haversine_miles(*SLC, *DENVER) == pytest.approx(haversine_miles(*DENVER, *SLC), rel=1e-12)


def test_haversine_same_point_is_zero():
    assert haversine_miles(*SLC, *SLC) == 0.0
    assert haversine_miles(90, 0, 90, 123) == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize(
    ("lat1", "lon1", "lat2", "lon2"), [(0, 0, 0, 180), (90, 0, -90, 0), (40.7608, -111.891, -40.7608, 68.109)]
)
def test_haversine_antipodes_is_half_the_circumference(lat1, lon1, lat2, lon2):
    assert haversine_miles(lat1, lon1, lat2, lon2) == pytest.approx(math.pi * EARTH_RADIUS_MILES, rel=1e-9)


def test_haversine_one_degree_of_latitude():
    assert haversine_miles(0, 0, 1, 0) == pytest.approx(EARTH_RADIUS_MILES * math.pi / 180, rel=1e-12)


def test_haversine_across_the_antimeridian():
    assert haversine_miles(0, 179.5, 0, -179.5) == pytest.approx(EARTH_RADIUS_MILES * math.pi / 180, rel=1e-9)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_haversine_non_finite_gives_nan(bad):
    assert math.isnan(haversine_miles(bad, 0, 0, 0))
    assert math.isnan(haversine_miles(0, 0, 0, bad))


def test_distances_miles_matches_haversine_elementwise():
    rng = np.random.default_rng(7)
    lats = rng.uniform(-90, 90, 500)
    lons = rng.uniform(-180, 180, 500)
    got = distances_miles(*SLC, lats, lons)
    assert got.dtype == np.float64
    assert got.shape == (500,)
    expected = np.array([haversine_miles(*SLC, la, lo) for la, lo in zip(lats, lons, strict=True)])
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-9)


def test_distances_miles_nan_and_inf_entries_give_nan():
    lats = np.array([DENVER[0], np.nan, 0.0, np.inf])
    lons = np.array([DENVER[1], 0.0, np.nan, 0.0])
    got = distances_miles(*SLC, lats, lons)
    assert got[0] == pytest.approx(haversine_miles(*SLC, *DENVER), rel=1e-12)
    assert np.isnan(got[1:]).all()


def test_distances_miles_empty_and_antipode():
    assert distances_miles(0.0, 0.0, np.array([]), np.array([])).shape == (0,)
    got = distances_miles(0.0, 0.0, np.array([0.0, 0.0]), np.array([180.0, 0.0]))
    np.testing.assert_allclose(got, [math.pi * EARTH_RADIUS_MILES, 0.0], atol=1e-9)


# --- bounding boxes ----------------------------------------------------------------------------------


def destination(lat: float, lon: float, bearing: float, miles: float) -> tuple[float, float]:
    """The point `miles` away from (lat, lon) on the initial bearing (radians); lon in -180..180."""
    phi1, lambda1, delta = math.radians(lat), math.radians(lon), miles / EARTH_RADIUS_MILES
    sin_phi2 = math.sin(phi1) * math.cos(delta) + math.cos(phi1) * math.sin(delta) * math.cos(bearing)
    phi2 = math.asin(max(-1.0, min(1.0, sin_phi2)))
    lambda2 = lambda1 + math.atan2(
        math.sin(bearing) * math.sin(delta) * math.cos(phi1), math.cos(delta) - math.sin(phi1) * sin_phi2
    )
    lon2 = (math.degrees(lambda2) + 180.0) % 360.0 - 180.0
    return math.degrees(phi2), lon2


def assert_contains(box: tuple[float, float, float, float], lat: float, lon: float) -> None:
    min_lat, max_lat, min_lon, max_lon = box
    assert min_lat <= lat <= max_lat, (box, lat, lon)
    assert min_lon <= lon <= max_lon, (box, lat, lon)


CENTRES = [
    (*SLC, 25.0),
    (*SLC, 0.5),
    (0.0, 0.0, 100.0),
    (-33.87, 151.21, 300.0),
    (64.84, -147.72, 500.0),
    (89.9, 0.0, 5.0),
    (89.9, 45.0, 50.0),
    (-89.9, 120.0, 20.0),
    (70.0, 179.9, 30.0),
    (-10.0, -179.9, 30.0),
    (0.0, 179.9, 5.0),
    (52.0, 10.0, 3000.0),
    (10.0, 20.0, 12000.0),
]


@pytest.mark.parametrize(("lat", "lon", "radius"), CENTRES)
def test_bounding_box_contains_points_within_radius(lat, lon, radius):
    box = bounding_box(lat, lon, radius)
    rng = random.Random(f"{lat},{lon},{radius}")
    for _ in range(2000):
        miles = radius * math.sqrt(rng.random())
        point = destination(lat, lon, rng.uniform(0, 2 * math.pi), miles)
        assert haversine_miles(lat, lon, *point) <= radius * (1 + 1e-9) + 1e-9
        assert_contains(box, *point)
    for step in range(360):  # the rim itself
        assert_contains(box, *destination(lat, lon, math.radians(step), radius))


@pytest.mark.parametrize(("lat", "lon", "radius"), CENTRES)
def test_bounding_box_by_brute_force(lat, lon, radius):
    box = bounding_box(lat, lon, radius)
    rng = np.random.default_rng(abs(hash((lat, lon, radius))) % 2**32)
    reach = min(180.0, 3 * math.degrees(radius / EARTH_RADIUS_MILES) + 0.01)
    lats = np.clip(lat + rng.uniform(-reach, reach, 20000), -90, 90)
    lons = rng.uniform(-180, 180, 20000)
    inside = distances_miles(lat, lon, lats, lons) <= radius
    min_lat, max_lat, min_lon, max_lon = box
    assert (lats[inside] >= min_lat).all()
    assert (lats[inside] <= max_lat).all()
    assert (lons[inside] >= min_lon).all()
    assert (lons[inside] <= max_lon).all()


def test_bounding_box_is_tight_away_from_poles_and_antimeridian():
    min_lat, max_lat, min_lon, max_lon = bounding_box(*SLC, 25.0)
    degrees = math.degrees(25.0 / EARTH_RADIUS_MILES)
    assert max_lat - SLC[0] == pytest.approx(degrees, abs=1e-6)
    assert SLC[0] - min_lat == pytest.approx(degrees, abs=1e-6)
    # A degree of longitude at 40.76 N is about 52.4 miles, so 25 miles is about 0.48 degrees.
    assert max_lon - SLC[1] == pytest.approx(0.477, abs=0.005)
    assert SLC[1] - min_lon == pytest.approx(max_lon - SLC[1], rel=1e-12)


def test_bounding_box_zero_radius_is_the_point():
    min_lat, max_lat, min_lon, max_lon = bounding_box(*SLC, 0.0)
    assert min_lat == pytest.approx(SLC[0]) == pytest.approx(max_lat)
    assert min_lon == pytest.approx(SLC[1]) == pytest.approx(max_lon)
    assert_contains((min_lat, max_lat, min_lon, max_lon), *SLC)


def test_bounding_box_near_north_pole_spans_all_longitudes_and_clamps():
    min_lat, max_lat, min_lon, max_lon = bounding_box(89.9, 0.0, 50.0)
    assert max_lat == 90.0
    assert min_lat == pytest.approx(89.9 - math.degrees(50.0 / EARTH_RADIUS_MILES), abs=1e-6)
    assert (min_lon, max_lon) == (-180.0, 180.0)


def test_bounding_box_near_south_pole_clamps():
    min_lat, _, min_lon, max_lon = bounding_box(-89.9, 30.0, 50.0)
    assert min_lat == -90.0
    assert (min_lon, max_lon) == (-180.0, 180.0)


def test_bounding_box_close_to_but_not_reaching_pole_stays_narrow_in_latitude():
    min_lat, max_lat, min_lon, max_lon = bounding_box(89.9, 0.0, 5.0)
    assert max_lat < 90.0
    assert min_lat > 89.8
    assert min_lon < 0.0 < max_lon


@pytest.mark.parametrize("lon", [179.9, -179.9, 180.0, -180.0])
def test_bounding_box_across_antimeridian_spans_all_longitudes(lon):
    min_lat, max_lat, min_lon, max_lon = bounding_box(0.0, lon, 30.0)
    assert (min_lon, max_lon) == (-180.0, 180.0)
    assert max_lat - min_lat < 1.0


def test_bounding_box_near_antimeridian_but_not_crossing_stays_narrow():
    _, _, min_lon, max_lon = bounding_box(0.0, 179.0, 30.0)
    assert min_lon > 178.0
    assert max_lon < 180.0


def test_bounding_box_huge_radius_is_the_whole_world():
    assert bounding_box(*SLC, math.pi * EARTH_RADIUS_MILES) == (-90.0, 90.0, -180.0, 180.0)


@pytest.mark.parametrize(
    ("lat", "lon", "radius"),
    [(0, 0, -1.0), (0, 0, math.nan), (0, 0, math.inf), (91, 0, 1.0), (0, 181, 1.0), (math.nan, 0, 1.0)],
)
def test_bounding_box_rejects_impossible_input(lat, lon, radius):
    with pytest.raises(ValueError):
        bounding_box(lat, lon, radius)
