"""Places and distances: turn a ZIP code, 'City, ST' or 'lat, lon' into a point, offline, and measure miles.

Place data comes from the ``zipcodes`` package (no network). The lookup tables are built once, on the
first call to :func:`resolve_place`, and reused after that.
"""

from __future__ import annotations

import gc
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any, NamedTuple

import numpy as np
import zipcodes

from search_index.types import LocationError

EARTH_RADIUS_MILES = 3958.8
#: Longest place text accepted; anything longer is refused before any parsing.
MAX_PLACE_LENGTH = 100

_DISPLAY_LENGTH = 60
_INVALID_CATEGORIES = frozenset({"Cc", "Cs", "Co", "Cn"})
_TRY = "Try a 5-digit ZIP code or 'City, ST'."
_ZIP_RE = re.compile(r"(\d{5})(?:-?\d{4})?", re.ASCII)
_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?|[+-]?(?:nan|inf(?:inity)?)"
_COORDINATES_RE = re.compile(rf"({_NUMBER})\s*,\s*({_NUMBER})", re.ASCII | re.IGNORECASE)
_NOT_WORD_RE = re.compile(r"[\W_]+")
#: Abbreviated words in city names, spelled out so that 'St. Louis' and 'Saint Louis' meet.
_WORD_ALIASES = {"st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort"}
#: Extra room (degrees) on each side of a bounding box, to absorb floating-point rounding.
_BOX_MARGIN_DEGREES = 1e-9


@dataclass(frozen=True)
class Place:
    """A point on the map and a human-readable name for it."""

    latitude: float
    longitude: float
    label: str


class _Tables(NamedTuple):
    zips: dict[str, Place]
    unmapped_zips: frozenset[str]
    cities: dict[tuple[str, str], Place]
    #: The same cities keyed without spaces ('dekalb', 'ofallon'), where that is unambiguous.
    compact_cities: dict[tuple[str, str], Place]
    city_states: dict[str, tuple[str, ...]]
    states: frozenset[str]


# --- resolving text to a place -------------------------------------------------------------------


def resolve_place(text: str) -> Place:
    """Resolve a ZIP, ZIP+4, 'City, ST', 'City ST' or 'lat, lon' to a Place, or raise LocationError."""
    if not isinstance(text, str):
        raise LocationError(f"Enter a place to search near. {_TRY}")
    if len(text) > MAX_PLACE_LENGTH:
        raise LocationError(
            f"We could not find the place {_quoted(text)}: it is longer than {MAX_PLACE_LENGTH} "
            f"characters. {_TRY}"
        )
    cleaned = " ".join(_drop_format_characters(unicodedata.normalize("NFKC", text)).split())
    if not cleaned:
        raise LocationError(f"Enter a place to search near. {_TRY}")
    if _has_invalid_characters(cleaned):
        shown = _quoted(cleaned)
        place = "that place" if shown == "''" else f"the place {shown}"
        raise LocationError(
            f"We could not read {place}: it contains hidden or invalid characters. "
            "Type it again as a 5-digit ZIP code or 'City, ST'."
        )
    if match := _ZIP_RE.fullmatch(cleaned):
        return _resolve_zip(match[1], cleaned)
    if match := _COORDINATES_RE.fullmatch(cleaned):
        return _resolve_coordinates(match[1], match[2], cleaned)
    return _resolve_city(cleaned)


def zip_centroid(zip5: str) -> tuple[float, float] | None:
    """Return the centroid of a 5-digit ZIP code, or None if it is unknown or has no location."""
    place = _tables().zips.get(zip5)
    return (place.latitude, place.longitude) if place is not None else None


def zip_state(zip5: str) -> str | None:
    """Return the two-letter state a 5-digit ZIP code belongs to, or None if the ZIP is unknown."""
    return _zip_states().get(zip5)


@cache
def _zip_states() -> dict[str, str]:
    """Map every known ZIP code (with or without a map location) to its state (built once)."""
    return {record["zip_code"]: record["state"] for record in zipcodes.list_all()}


def _resolve_zip(zip5: str, text: str) -> Place:
    tables = _tables()
    place = tables.zips.get(zip5)
    if place is not None:
        return place
    if zip5 in tables.unmapped_zips:
        raise LocationError(
            f"We have no map location for the ZIP code {_quoted(text)}. Try a nearby ZIP code or 'City, ST'."
        )
    raise LocationError(
        f"We could not find the ZIP code {_quoted(text)}. Check the number, or try 'City, ST'."
    )


def _resolve_coordinates(lat_text: str, lon_text: str, text: str) -> Place:
    lat, lon = float(lat_text), float(lon_text)
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise LocationError(
            f"We could not read the coordinates {_quoted(text)}. "
            "Use decimal degrees, e.g. '40.7608, -111.8910'."
        )
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        raise LocationError(
            f"We could not use the coordinates {_quoted(text)}: latitude must be between -90 and 90 "
            "and longitude between -180 and 180."
        )
    return Place(lat + 0.0, lon + 0.0, f"{_format_degrees(lat)}, {_format_degrees(lon)}")


def _resolve_city(text: str) -> Place:
    tables = _tables()
    city, state = _split_city_state(text, tables.states)
    key = _city_key(city)
    if state is None:
        raise LocationError(_missing_state_message(text, city, tables.city_states.get(key, ())))
    if state not in tables.states:
        raise LocationError(
            f"We could not find the place {_quoted(text)}: {_quoted(state)} is not a US state code. {_TRY}"
        )
    place = tables.cities.get((key, state)) or tables.compact_cities.get((key.replace(" ", ""), state))
    if place is None:
        raise LocationError(
            f"We could not find the place {_quoted(text)}. Check the spelling, or try a 5-digit ZIP code."
        )
    return place


def _split_city_state(text: str, states: frozenset[str]) -> tuple[str, str | None]:
    """Split 'City, ST' or 'City ST' into (city, upper-cased state); the state is None if absent."""
    if "," in text:  # 'City, ST': the state is whatever follows the last comma
        city, _, state = text.rpartition(",")
        return city.strip(), state.strip(" .").upper() or None
    city, _, last = text.rpartition(" ")
    if city and last.upper() in states:
        return city, last.upper()
    return text, None


def _missing_state_message(text: str, city: str, states: Sequence[str]) -> str:
    if not states:
        return f"We could not find the place {_quoted(text)}. {_TRY}"
    examples = " or ".join(_quoted(f"{city}, {state}") for state in states[:3])
    return f"We could not tell which {_quoted(city)} you mean. Add the state, e.g. {examples}."


def _city_key(name: str) -> str:
    """Fold a city name for matching: case, accents, punctuation, spacing and St./Mt./Ft. forms."""
    folded = name.casefold()
    if not folded.isascii():
        decomposed = unicodedata.normalize("NFKD", folded)
        folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    words = _NOT_WORD_RE.sub(" ", folded).split()
    return " ".join(_WORD_ALIASES.get(word, word) for word in words)


def _drop_format_characters(text: str) -> str:
    """Remove invisible format characters (zero-width spaces, BOMs, direction marks) pasted with text."""
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def _has_invalid_characters(text: str) -> bool:
    """True if text holds control characters (other than spaces), surrogates, or unassigned code points."""
    return any(unicodedata.category(ch) in _INVALID_CATEGORIES and not ch.isspace() for ch in text)


def _quoted(text: str) -> str:
    """Quote text for a message: control characters and surrogates removed, at most 60 characters."""
    kept = "".join(
        " " if ch.isspace() else ch
        for ch in text[: _DISPLAY_LENGTH * 4]
        if ch.isspace() or not unicodedata.category(ch).startswith("C")
    )
    shown = " ".join(kept.split())
    if len(shown) > _DISPLAY_LENGTH:
        shown = shown[: _DISPLAY_LENGTH - 3] + "..."
    return f"'{shown}'"


def _format_degrees(value: float) -> str:
    shown = f"{value:.4f}"
    return "0.0000" if shown == "-0.0000" else shown


# --- lookup tables, built once ---------------------------------------------------------------------


class _ZipPoint(NamedTuple):
    """The parts of one zipcodes record that the lookups need."""

    zip_code: str
    city: str
    state: str
    latitude: float
    longitude: float
    standard: bool
    aliases: tuple[str, ...]


_Groups = dict[tuple[str, str], list[tuple[str, _ZipPoint]]]


@cache
def _tables() -> _Tables:
    """Build the ZIP, city and state lookups from the zipcodes package data (once per process)."""
    with _gc_paused():  # ~200k small objects, none cyclic: collecting midway only costs time
        return _build_tables(zipcodes.list_all())


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Switch the cyclic garbage collector off for the block, if it was on."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _build_tables(records: Sequence[Mapping[str, Any]]) -> _Tables:
    points = [point for point in map(_zip_point, records) if point is not None]
    official, aliases = _city_groups(points)
    cities = {key: _mean_place(members, key[1]) for key, members in aliases.items()}
    cities.update({key: _mean_place(members, key[1]) for key, members in official.items()})
    zips = {p.zip_code: Place(p.latitude, p.longitude, f"{p.zip_code} ({p.city}, {p.state})") for p in points}
    return _Tables(
        zips=zips,
        unmapped_zips=frozenset(r["zip_code"] for r in records) - zips.keys(),
        cities=cities,
        compact_cities=_compact(cities),
        city_states=_states_by_size(official),
        states=frozenset(r["state"] for r in records),
    )


def _zip_point(record: Mapping[str, Any]) -> _ZipPoint | None:
    """Read one record; None when its centroid is missing, malformed or the 0,0 placeholder."""
    try:
        lat, lon = float(record["lat"]), float(record["long"])
    except (KeyError, TypeError, ValueError):
        return None
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0) or (lat == 0.0 and lon == 0.0):
        return None
    standard = record.get("zip_code_type") == "STANDARD" and bool(record.get("active"))
    aliases = tuple(record.get("acceptable_cities") or ())
    return _ZipPoint(record["zip_code"], record["city"], record["state"], lat, lon, standard, aliases)


def _city_groups(points: Iterable[_ZipPoint]) -> tuple[_Groups, _Groups]:
    """Group ZIPs by (folded city, state): once by official name, once by alias; keep the spelling."""
    official: defaultdict[tuple[str, str], list[tuple[str, _ZipPoint]]] = defaultdict(list)
    aliases: defaultdict[tuple[str, str], list[tuple[str, _ZipPoint]]] = defaultdict(list)
    for point in points:
        if key := _city_key(point.city):
            official[(key, point.state)].append((point.city, point))
        for alias in point.aliases:
            if key := _city_key(alias):
                aliases[(key, point.state)].append((alias, point))
    return dict(official), dict(aliases)


def _compact(cities: Mapping[tuple[str, str], Place]) -> dict[tuple[str, str], Place]:
    """Key cities by their space-free folded name, leaving out names two different places share."""
    found: dict[tuple[str, str], Place | None] = {}
    for (name, state), place in cities.items():
        key = (name.replace(" ", ""), state)
        found[key] = place if found.get(key, place) == place else None
    return {key: place for key, place in found.items() if place is not None}


def _states_by_size(official: _Groups) -> dict[str, tuple[str, ...]]:
    """Map each folded city name to the states that have it, the state with most ZIPs first."""
    states: defaultdict[str, list[tuple[int, str]]] = defaultdict(list)
    for (name, state), members in official.items():
        states[name].append((-len(members), state))
    return {name: tuple(state for _, state in sorted(pairs)) for name, pairs in states.items()}


def _mean_place(members: Sequence[tuple[str, _ZipPoint]], state: str) -> Place:
    """Average the active STANDARD ZIP centroids (or, failing those, all of them) of one city."""
    chosen = [member for member in members if member[1].standard] or members
    latitude = math.fsum(point.latitude for _, point in chosen) / len(chosen)
    longitude = math.fsum(point.longitude for _, point in chosen) / len(chosen)
    name = Counter(spelling for spelling, _ in chosen).most_common(1)[0][0]
    return Place(latitude, longitude, f"{name}, {state}")


# --- distances ---------------------------------------------------------------------------------------


def haversine_miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in miles between two points in decimal degrees; NaN if any is not finite."""
    if not all(math.isfinite(v) for v in (lat1, lon1, lat2, lon2)):
        return math.nan
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    half_dphi = (phi2 - phi1) / 2
    half_dlambda = math.radians(lon2 - lon1) / 2
    a = math.sin(half_dphi) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(half_dlambda) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(math.sqrt(min(a, 1.0)))


def distances_miles(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Great-circle miles from (lat, lon) to each (lats[i], lons[i]); NaN where a coordinate is NaN."""
    phi1 = np.radians(np.float64(lat))
    phi2 = np.radians(np.asarray(lats, dtype=np.float64))
    half_dlambda = np.radians(np.asarray(lons, dtype=np.float64) - np.float64(lon)) / 2
    with np.errstate(invalid="ignore"):
        a = np.sin((phi2 - phi1) / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(half_dlambda) ** 2
        return 2 * EARTH_RADIUS_MILES * np.arcsin(np.sqrt(np.minimum(a, 1.0)))


def bounding_box(lat: float, lon: float, radius_miles: float) -> tuple[float, float, float, float]:
    """Return (min_lat, max_lat, min_lon, max_lon) containing every point within radius_miles.

    The box is exact for the spherical model used by :func:`haversine_miles`, plus a hair of margin.
    Latitudes are clamped to -90..90. When the circle reaches a pole, or its longitudes would cross
    the 180th meridian, the longitude span is the whole -180..180 (one box, never a wrapped pair),
    so callers must still check the exact distance. Raises ValueError for an impossible point or a
    negative or non-finite radius.
    """
    _check_point(lat, lon)
    if not (math.isfinite(radius_miles) and radius_miles >= 0):
        raise ValueError(f"radius_miles must be a finite number >= 0, not {radius_miles!r}")
    angle = radius_miles / EARTH_RADIUS_MILES
    dlat = math.degrees(angle) + _BOX_MARGIN_DEGREES
    min_lat, max_lat = lat - dlat, lat + dlat
    if min_lat <= -90.0 or max_lat >= 90.0:
        return max(min_lat, -90.0), min(max_lat, 90.0), -180.0, 180.0
    dlon = _longitude_reach(lat, angle)
    if dlon is None or lon - dlon < -180.0 or lon + dlon > 180.0:
        return min_lat, max_lat, -180.0, 180.0
    return min_lat, max_lat, lon - dlon, lon + dlon


def _longitude_reach(lat: float, angle: float) -> float | None:
    """Widest longitude offset (degrees) of a circle of angular radius angle; None if it is all of them."""
    ratio = math.sin(angle) / math.cos(math.radians(lat))
    if ratio >= 1.0:
        return None
    return math.degrees(math.asin(ratio)) + _BOX_MARGIN_DEGREES


def _check_point(lat: float, lon: float) -> None:
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        raise ValueError(f"({lat!r}, {lon!r}) is not a latitude in -90..90 and longitude in -180..180")
