"""Maps drawn from this app's own data: numbered markers over the US state outlines, as server-side SVG.

The base layer is ``static/maps/us-states.svg`` (made once by ``tools/make_us_map.py`` from us-atlas,
already projected with d3's ``geoAlbersUsa().scale(1300).translate([487.5, 305])`` into a 975x610
frame). :func:`albers_usa` projects (lat, lon) into the same frame, so markers line up with it.
Nothing here needs Flask: the presenters pass in the URLs.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from pathlib import Path
from typing import Any

#: The frame of the base map (us-atlas's "albers" files).
FRAME_WIDTH, FRAME_HEIGHT = 975.0, 610.0
SCALE = 1300.0
TRANSLATE = (487.5, 305.0)
#: Every map keeps the frame's shape, so the page keeps its layout whatever is shown.
ASPECT = FRAME_WIDTH / FRAME_HEIGHT
#: Narrowest map of results (frame units; 1 unit is about 3 miles): a city search shows its region.
MIN_RESULTS_WIDTH = 60.0
#: A center page shows about 250 miles around the center.
CENTER_WIDTH = 80.0
#: Room around the outermost markers, as a share of the width.
PADDING = 0.08
#: A marker's radius as a share of the map's width: at least 24 CSS px across on a 300 px map.
MARKER_SHARE = 0.042
BOXES_FILE = Path(__file__).resolve().parents[1] / "static" / "maps" / "us-states-boxes.json"
_EPSILON = 1e-6

Point = tuple[float, float]
#: A box or window of the frame: (x0, y0, x1, y1) or (x, y, width, height).
Box = tuple[float, float, float, float]


def _conic_equal_area(
    parallels: Point, rotate: float, center: Point, scale: float, translate: Point
) -> Callable[[float, float], Point]:
    """Return d3's geoConicEqualArea with these settings, as a function of (lon, lat) in degrees."""
    phi0, phi1 = (math.radians(p) for p in parallels)
    sy0 = math.sin(phi0)
    n = (sy0 + math.sin(phi1)) / 2
    c = 1 + sy0 * (2 * n - sy0)
    r0 = math.sqrt(c) / n

    def raw(lam: float, phi: float) -> Point:
        r = math.sqrt(c - 2 * n * math.sin(phi)) / n
        return r * math.sin(lam * n), r0 - r * math.cos(lam * n)

    cx, cy = raw(math.radians(center[0]), math.radians(center[1]))
    delta = math.radians(rotate)

    def project(lon: float, lat: float) -> Point:
        lam = math.radians(lon) + delta
        lam = lam - 2 * math.pi if lam > math.pi else lam + 2 * math.pi if lam < -math.pi else lam
        x, y = raw(lam, math.radians(lat))
        return translate[0] + scale * (x - cx), translate[1] - scale * (y - cy)

    return project


Projector = Callable[[float, float], Point]


def _albers_usa_parts(scale: float = SCALE, translate: Point = TRANSLATE) -> list[tuple[Projector, Box]]:
    """Return d3's geoAlbersUsa: the lower 48, Alaska and Hawaii, each with its clip box."""
    k, (x, y) = scale, translate
    e = _EPSILON
    lower48 = _conic_equal_area((29.5, 45.5), 96, (-0.6, 38.7), k, translate)
    alaska = _conic_equal_area((55, 65), 154, (-2, 58.5), k * 0.35, (x - 0.307 * k, y + 0.201 * k))
    hawaii = _conic_equal_area((8, 18), 157, (-3, 19.9), k, (x - 0.205 * k, y + 0.212 * k))
    return [
        (lower48, (x - 0.455 * k, y - 0.238 * k, x + 0.455 * k, y + 0.238 * k)),
        (alaska, (x - 0.425 * k + e, y + 0.120 * k + e, x - 0.214 * k - e, y + 0.234 * k - e)),
        (hawaii, (x - 0.214 * k + e, y + 0.166 * k + e, x - 0.115 * k - e, y + 0.234 * k - e)),
    ]


_PARTS = _albers_usa_parts()


def albers_usa(latitude: float, longitude: float) -> Point | None:
    """Project a point as d3's geoAlbersUsa into the base map's frame; None outside its three parts."""
    for project, (x0, y0, x1, y1) in _PARTS:
        x, y = project(longitude, latitude)
        if x0 <= x <= x1 and y0 <= y <= y1:
            return x, y
    return None


@dataclass(frozen=True)
class StateShape:
    """What the map knows of a state: its box, its centroid and spots inside it for its code."""

    code: str
    box: Box
    centroid: Point
    spots: tuple[Point, ...]


@cache
def states() -> tuple[StateShape, ...]:
    """Return the states of the static asset (read once)."""
    data = json.loads(BOXES_FILE.read_text(encoding="utf-8"))
    return tuple(
        StateShape(
            code,
            (state["box"][0], state["box"][1], state["box"][2], state["box"][3]),
            (state["label"][0], state["label"][1]),
            tuple((x, y) for x, y in state["spots"]),
        )
        for code, state in data.items()
    )


@cache
def state_boxes() -> dict[str, Box]:
    """Return each state's box (x0, y0, x1, y1) in the frame, by postal code."""
    return {state.code: state.box for state in states()}


@dataclass(frozen=True)
class Marker:
    """A numbered marker: where it is in the frame, what it is called and where it links."""

    number: int | None
    label: str
    x: float
    y: float
    url: str | None = None
    #: Where the center really is, when the marker was moved aside so that markers do not overlap.
    origin: Point | None = None


@dataclass
class MapView:
    """What the map partial draws: a window of the frame, the markers and the searched place."""

    caption: str
    #: The window (x, y, width, height) of the frame shown.
    box: Box
    markers: list[Marker] = field(default_factory=list)
    place: Marker | None = None
    #: Results listed on the page that have no map location.
    unplaced: int = 0
    small: bool = False

    @property
    def view_box(self) -> str:
        """Return the SVG viewBox."""
        return " ".join(f"{value:.1f}" for value in self.box)

    @property
    def radius(self) -> float:
        """Return the markers' radius in frame units (the same share of the width at every zoom)."""
        return round(self.box[2] * MARKER_SHARE, 2)

    @cached_property
    def labels(self) -> list[tuple[str, float, float]]:
        """Return the state codes to write in this window: (code, x, y).

        Each at its centroid when the window shows it (unless a marker covers it), else at the spot
        inside the state nearest the window's middle that no marker covers; states too small for
        their code at this zoom are left unnamed.
        """
        x, y, width, height = self.box
        size, middle = self.label_size, (x + width / 2, y + height / 2)
        taken = [(m.x, m.y) for m in (*self.markers, *([self.place] if self.place else []))]
        clear = 1.6 * self.radius + size
        left, top, right, bottom = x + size, y + size, x + width - size, y + height - size

        def fits(point: Point) -> bool:
            return left < point[0] < right and top < point[1] < bottom

        def free(point: Point) -> bool:
            return all(math.dist(point, other) > clear for other in taken)

        labels = []
        for state in states():
            x0, y0, x1, y1 = state.box
            if min(x1 - x0, y1 - y0) < 1.2 * size or x1 < left or x0 > right or y1 < top or y0 > bottom:
                continue
            if fits(state.centroid):  # shown: written there unless a marker covers it
                if free(state.centroid):
                    labels.append((state.code, *state.centroid))
                continue
            shown = sorted((p for p in state.spots if fits(p)), key=lambda p: math.dist(p, middle))
            spot = next((p for p in shown if free(p)), None)
            if spot is not None:
                labels.append((state.code, *spot))
        return labels

    @property
    def label_size(self) -> float:
        """Return the state codes' font size in frame units (the same share of the width at every zoom)."""
        return round(self.box[2] * 0.024, 2)

    @property
    def place_points(self) -> str | None:
        """Return the searched place's diamond as SVG polygon points (larger than a marker)."""
        if self.place is None:
            return None
        x, y, r = self.place.x, self.place.y, self.radius * 1.25
        return " ".join(f"{px:.2f},{py:.2f}" for px, py in ((x, y - r), (x + r, y), (x, y + r), (x - r, y)))

    @property
    def font_size(self) -> float:
        """Return the markers' numbers' font size in frame units (smaller for three digits)."""
        longest = max((len(str(m.number)) for m in self.markers if m.number), default=1)
        return round(self.radius * (1.1 if longest < 3 else 0.8), 2)

    @property
    def unplaced_text(self) -> str | None:
        """Return how many results have no marker ('2 centers have no map location'), if any."""
        if not self.unplaced:
            return None
        return f"{self.unplaced} {'center has' if self.unplaced == 1 else 'centers have'} no map location."


def fit_box(points: Iterable[Point], min_width: float, region: Iterable[Point] = ()) -> Box:
    """Return a window of the frame's shape holding ``points`` (and ``region``) with padding.

    The window is at least ``min_width`` wide, at most the whole frame, and kept inside the frame.
    """
    points = [*points, *region]
    if not points:
        return (0.0, 0.0, FRAME_WIDTH, FRAME_HEIGHT)
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    span_x, span_y = max(xs) - min(xs), max(ys) - min(ys)
    # Room for the markers themselves, drawn at a share of the width, on either side.
    spanned = max(span_x, span_y * ASPECT) * (1 + 2 * PADDING) + 2
    width = min(FRAME_WIDTH, max(min_width, spanned / (1 - 4 * MARKER_SHARE)))
    height = width / ASPECT
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    x = min(max(cx - width / 2, 0.0), FRAME_WIDTH - width)
    y = min(max(cy - height / 2, 0.0), FRAME_HEIGHT - height)
    return (round(x, 1), round(y, 1), round(width, 1), round(height, 1))


def _project_hit(hit: Mapping[str, Any]) -> Point | None:
    """Return where a search hit (or a searched place) goes on the map, or None without coordinates."""
    lat, lon = hit.get("latitude"), hit.get("longitude")
    if lat is None or lon is None:
        return None
    point = albers_usa(float(lat), float(lon))
    return None if point is None else (round(point[0], 2), round(point[1], 2))


def hit_label(number: int, hit: Mapping[str, Any]) -> str:
    """Return a marker's accessible name: '1. Name, City, ST'."""
    where = ", ".join(part for part in (hit.get("city"), hit.get("state")) if part)
    return f"{number}. {hit['name']}" + (f", {where}" if where else "")


def spread(markers: list[Marker], place: Marker | None, radius: float) -> list[Marker]:
    """Return the markers moved apart where they would overlap (each other or the searched place).

    Markers within a marker's width of an earlier one (or of the place) form a group, laid out on a
    ring around it in number order, clockwise from the top; each keeps its true point as ``origin``.
    """
    groups: list[tuple[Point, bool, list[Marker]]] = []
    if place is not None:
        groups.append(((place.x, place.y), True, []))
    for marker in markers:
        near = next(
            (group for group in groups if math.dist(group[0], (marker.x, marker.y)) < 2 * radius),
            None,
        )
        if near is None:
            groups.append(((marker.x, marker.y), False, [marker]))
        else:
            near[2].append(marker)
    placed: list[Marker] = []
    for (cx, cy), around_place, members in groups:
        if len(members) == 1 and not around_place:
            placed.append(members[0])
            continue
        count = len(members)
        ring = max(
            2.5 * radius if around_place else 1.1 * radius, 1.1 * radius / math.sin(math.pi / max(count, 2))
        )
        for index, marker in enumerate(members):
            angle = -math.pi / 2 + 2 * math.pi * index / count
            x, y = round(cx + ring * math.cos(angle), 2), round(cy + ring * math.sin(angle), 2)
            placed.append(replace(marker, x=x, y=y, origin=(marker.x, marker.y)))
    return sorted(placed, key=lambda marker: marker.number or 0)


def results_map(
    hits: list[Mapping[str, Any]],
    first_number: int,
    center_url: Callable[[str], str],
    *,
    place: Mapping[str, Any] | None = None,
    state: str | None = None,
    noun: str = "on this page",
    numbered: str = "as in the list",
) -> MapView | None:
    """Return the map of a page of results, numbered from ``first_number`` as the list is.

    ``place`` is the searched place (a search response's ``location``); ``state`` fits the map to
    a state as well (a state landing page). None when there is nothing to show.
    """
    markers, unplaced = [], 0
    for number, hit in enumerate(hits, start=first_number):
        point = _project_hit(hit)
        if point is None:
            unplaced += 1
            continue
        markers.append(Marker(number, hit_label(number, hit), *point, url=center_url(hit["slug"])))
    place_marker = None
    if place:
        point = _project_hit(place)
        if point is not None:
            place_marker = Marker(None, f"Searched place: {place.get('label') or 'your place'}", *point)
    if not markers and place_marker is None:
        return None
    region: list[Point] = []
    if state and state.upper() in state_boxes():
        x0, y0, x1, y1 = state_boxes()[state.upper()]
        region = [(x0, y0), (x1, y1)]
    points = [(m.x, m.y) for m in markers] + ([(place_marker.x, place_marker.y)] if place_marker else [])
    box = fit_box(points, MIN_RESULTS_WIDTH, region)
    for _ in range(2):  # spreading depends on the marker size, which depends on the window
        moved = spread(markers, place_marker, box[2] * MARKER_SHARE)
        box = fit_box(points + [(m.x, m.y) for m in moved], box[2], region)
    count = len(hits)
    caption = f"Map of the {count} {'center' if count == 1 else 'centers'} {noun}, numbered {numbered}"
    if place_marker:
        caption += f", and the searched place ({place.get('label')})" if place else ""
    return MapView(
        caption=caption + ".",
        box=box,
        markers=spread(markers, place_marker, box[2] * MARKER_SHARE),
        place=place_marker,
        unplaced=unplaced,
    )


def center_map(summary: Mapping[str, Any]) -> MapView | None:
    """Return the small map of a center page: its region with the center marked; None without coordinates."""
    point = _project_hit(summary)
    if point is None:
        return None
    where = ", ".join(part for part in (summary.get("city"), summary.get("state")) if part)
    label = f"{summary['name']}" + (f", {where}" if where else "")
    return MapView(
        caption=f"Where {summary['name']} is" + (f": {where}." if where else "."),
        box=fit_box([point], CENTER_WIDTH),
        markers=[Marker(None, label, *point)],
        small=True,
    )
