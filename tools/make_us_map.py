"""Convert us-atlas's projected state outlines into the map's static assets (run once, output committed).

Usage::

    npm install --no-audit --no-fund --prefix .cache/us-atlas us-atlas@3
    python tools/make_us_map.py [.cache/us-atlas/node_modules/us-atlas/states-albers-10m.json]

The input is ``states-albers-10m.json`` from the npm package ``us-atlas`` (ISC license; data: US
Census Bureau cartographic boundary files, 1:10,000,000), a TopoJSON file already projected with
d3's ``geoAlbersUsa().scale(1300).translate([487.5, 305])`` into a 975x610 frame. The pages project
(lat, lon) into the same frame in Python (``directory.public.maps``), so markers line up.

It writes into ``directory/static/maps/``:

- ``us-states.svg``: the land (``#land``, one filled path) and every border drawn once
  (``#borders``), simplified with Douglas-Peucker so the file stays small. The pages reference
  the two paths with ``<use href="/static/maps/us-states.svg#land">``: same origin, cached.
- ``us-atlas-LICENSE.txt``: us-atlas's license (ISC), which must travel with copies.
- ``us-states-boxes.json``: each state's bounding box in the frame, by postal code (the landing
  pages fit a state's map to it; the tests check the projection against it), and where its
  postal code is written on the map: the centroid of its largest piece, and spots inside it (a
  grid, away from its borders) for a zoomed-in map that does not show the centroid.

Nothing here runs at request time and the tests never need npm or the network.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_INPUT = ROOT / ".cache" / "us-atlas" / "node_modules" / "us-atlas" / "states-albers-10m.json"
OUT_DIR = ROOT / "directory" / "static" / "maps"
#: Douglas-Peucker tolerance in frame units (the frame is 975 wide; 1 unit is about 3 miles).
TOLERANCE = 0.25
#: Label spots: a grid this many frame units apart, this far inside a state's border.
SPOT_STEP, SPOT_MARGIN = 10.0, 3.0

#: Census FIPS state codes to postal codes (the 50 states, DC and the territories in us-atlas).
FIPS = {
    "01": "AL", "02": "AK", "04": "AZ", "05": "AR", "06": "CA", "08": "CO", "09": "CT", "10": "DE",
    "11": "DC", "12": "FL", "13": "GA", "15": "HI", "16": "ID", "17": "IL", "18": "IN", "19": "IA",
    "20": "KS", "21": "KY", "22": "LA", "23": "ME", "24": "MD", "25": "MA", "26": "MI", "27": "MN",
    "28": "MS", "29": "MO", "30": "MT", "31": "NE", "32": "NV", "33": "NH", "34": "NJ", "35": "NM",
    "36": "NY", "37": "NC", "38": "ND", "39": "OH", "40": "OK", "41": "OR", "42": "PA", "44": "RI",
    "45": "SC", "46": "SD", "47": "TN", "48": "TX", "49": "UT", "50": "VT", "51": "VA", "53": "WA",
    "54": "WV", "55": "WI", "56": "WY", "60": "AS", "66": "GU", "69": "MP", "72": "PR", "78": "VI",
}  # fmt: skip

Point = tuple[float, float]


def decode_arcs(topology: dict) -> list[list[Point]]:
    """Return the topology's arcs as absolute coordinates (undoing quantization and delta coding)."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0.0
        points = []
        for dx, dy in arc:
            if transform:
                x, y = x + dx, y + dy
                (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
                points.append((x * sx + tx, y * sy + ty))
            else:
                points.append((float(dx), float(dy)))
        arcs.append(points)
    return arcs


def simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Return ``points`` simplified with Douglas-Peucker; the two ends always stay (topology holds)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        length = math.hypot(bx - ax, by - ay)
        farthest, index = 0.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            if length:
                distance = abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / length
            else:
                distance = math.hypot(px - ax, py - ay)
            if distance > farthest:
                farthest, index = distance, i
        if index >= 0 and farthest > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    kept = [point for point, flag in zip(points, keep, strict=True) if flag]
    if kept[0] == kept[-1] and len(kept) < 4:  # a closed ring (an island) keeps a few points
        third = len(points) // 3
        return points if len(points) < 4 else [points[0], points[third], points[2 * third], points[-1]]
    return kept


def ring_points(ring: list[int], arcs: list[list[Point]]) -> list[Point]:
    """Return a ring's points from its arc indexes (a negative index is the arc reversed)."""
    points: list[Point] = []
    for index in ring:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc if not points else arc[1:])
    return points


def polygons(geometry: dict) -> list[list[list[int]]]:
    """Return a Polygon's or MultiPolygon's polygons as lists of rings of arc indexes."""
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["arcs"]
    return []


def path_data(rings: list[list[Point]]) -> str:
    """Return SVG path data for closed rings, coordinates rounded to 0.1."""
    parts = []
    for ring in rings:
        parts.append("M" + " ".join(f"{_num(x)},{_num(y)}" for x, y in ring) + "Z")
    return "".join(parts)


def line_data(lines: list[list[Point]]) -> str:
    """Return SVG path data for open lines, coordinates rounded to 0.1."""
    return "".join("M" + " ".join(f"{_num(x)},{_num(y)}" for x, y in line) for line in lines)


def _num(value: float) -> str:
    """Return a coordinate rounded to 0.1, without a trailing '.0'."""
    return f"{value:.1f}".removesuffix(".0")


def make_svg(topology: dict, tolerance: float = TOLERANCE) -> str:
    """Return the base map: the land filled, every border once, with its credit."""
    arcs = [simplify(arc, tolerance) for arc in decode_arcs(topology)]
    nation = topology["objects"]["nation"]["geometries"]
    land = [
        ring_points(ring, arcs) for geometry in nation for polygon in polygons(geometry) for ring in polygon
    ]
    used = sorted(
        {
            (index if index >= 0 else ~index)
            for geometry in topology["objects"]["states"]["geometries"]
            for polygon in polygons(geometry)
            for ring in polygon
            for index in ring
        }
    )
    borders = [arcs[index] for index in used]
    width, height = 975, 610
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">\n'
        "<!-- US state outlines from us-atlas 3 (Copyright 2013-2019 Michael Bostock; ISC license, see\n"
        "     us-atlas-LICENSE.txt beside this file), made from the US Census Bureau's\n"
        "     cartographic boundary files (1:10,000,000), projected with d3 geoAlbersUsa (scale 1300,\n"
        "     translate 487.5,305) and simplified by tools/make_us_map.py. -->\n"
        f'<path id="land" d="{path_data(land)}"/>\n'
        f'<path id="borders" fill="none" vector-effect="non-scaling-stroke" d="{line_data(borders)}"/>\n'
        "</svg>\n"
    )


def state_boxes(topology: dict) -> dict[str, dict[str, list[float]]]:
    """Return each state's box [x0, y0, x1, y1] and label point [x, y] in the frame, by postal code."""
    arcs = decode_arcs(topology)
    states = {}
    for geometry in topology["objects"]["states"]["geometries"]:
        code = FIPS.get(str(geometry.get("id")))
        rings = [ring_points(ring, arcs) for polygon in polygons(geometry) for ring in polygon[:1]]
        points = [point for ring in rings for point in ring]
        if code and points:
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            box = [round(min(xs), 1), round(min(ys), 1), round(max(xs), 1), round(max(ys), 1)]
            label = [round(value, 1) for value in centroid(max(rings, key=lambda r: abs(area(r))))]
            states[code] = {"box": box, "label": label, "spots": spots(rings, box)}
    return dict(sorted(states.items()))


def spots(rings: list[list[Point]], box: list[float], step: float = SPOT_STEP) -> list[list[float]]:
    """Return grid points inside the rings at least SPOT_MARGIN from their edges (label places)."""
    found = []
    y = math.floor(box[1] / step) * step + step / 2
    while y < box[3]:
        x = math.floor(box[0] / step) * step + step / 2
        while x < box[2]:
            inside = [ring for ring in rings if contains(ring, (x, y))]
            if inside and all(edge_distance(ring, (x, y)) >= SPOT_MARGIN for ring in inside):
                found.append([x, y])
            x += step
        y += step
    return found


def contains(ring: list[Point], point: Point) -> bool:
    """Return whether a point is inside a ring (even-odd rule)."""
    x, y = point
    inside = False
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def edge_distance(ring: list[Point], point: Point) -> float:
    """Return the distance from a point to a ring's nearest edge."""
    px, py = point
    best = math.inf
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        dx, dy = x1 - x0, y1 - y0
        t = max(0.0, min(1.0, ((px - x0) * dx + (py - y0) * dy) / (dx * dx + dy * dy or 1e-12)))
        best = min(best, math.hypot(px - x0 - t * dx, py - y0 - t * dy))
    return best


def area(ring: list[Point]) -> float:
    """Return a ring's signed area (shoelace formula)."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True)) / 2


def centroid(ring: list[Point]) -> Point:
    """Return a ring's area centroid."""
    a = area(ring) or 1e-9
    pairs = list(zip(ring, ring[1:] + ring[:1], strict=True))
    cx = sum((x0 + x1) * (x0 * y1 - x1 * y0) for (x0, y0), (x1, y1) in pairs) / (6 * a)
    cy = sum((y0 + y1) * (x0 * y1 - x1 * y0) for (x0, y0), (x1, y1) in pairs) / (6 * a)
    return cx, cy


def main(argv: list[str] | None = None) -> int:
    """Write us-states.svg and us-states-boxes.json from us-atlas's states-albers-10m.json."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", nargs="?", type=Path, default=DEFAULT_INPUT)
    parser.add_argument("--tolerance", type=float, default=TOLERANCE)
    args = parser.parse_args(argv)
    if not args.source.exists():
        print(f"{args.source} not found: install us-atlas with npm first (see this script's docstring)")
        return 1
    topology = json.loads(args.source.read_text(encoding="utf-8"))
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    svg = make_svg(topology, args.tolerance)
    (OUT_DIR / "us-states.svg").write_text(svg, encoding="utf-8")
    license_file = args.source.parent / "LICENSE"
    if license_file.exists():
        (OUT_DIR / "us-atlas-LICENSE.txt").write_text(
            license_file.read_text(encoding="utf-8"), encoding="utf-8"
        )
    boxes = state_boxes(topology)
    (OUT_DIR / "us-states-boxes.json").write_text(
        json.dumps(boxes, separators=(",", ":"), indent=None) + "\n", encoding="utf-8"
    )
    print(f"us-states.svg: {len(svg.encode()):,} bytes; us-states-boxes.json: {len(boxes)} states")
    return 0


if __name__ == "__main__":
    sys.exit(main())
