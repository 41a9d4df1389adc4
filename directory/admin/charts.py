"""Small charts drawn on the server as inline SVG: no script, no chart library, nothing from another host.

Each chart is built as XML (so it is always well-formed and its text escaped) with a ``<title>`` and a
``<desc>`` that screen readers announce; the page shows the same figures in a table beside it.
Colours are presentation attributes, which the site's Content-Security-Policy allows.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from markupsafe import Markup

from directory.operations.dashboard import BacklogPoint, InfluenceWeek

#: Awaiting a first verification, and overdue re-verifications (both 4.5:1 or more on white).
FIRST_COLOUR = "#0b5394"
OVERDUE_COLOUR = "#8a1c1c"
#: Advertisers' share of the shortlisted, and of the results (4.5:1 or more on white).
SHORTLISTED_COLOUR = "#7a4a00"
RESULTS_COLOUR = "#4a5360"
INK = "#1b1f24"
GRID = "#c9d0d8"

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 36, 40


def backlog_chart(points: Sequence[BacklogPoint], chart_id: str = "backlog-chart") -> Markup:
    """Return the backlog by week as stacked bars (first verification, overdue) in an inline SVG."""
    svg = _svg(chart_id, "Verification backlog by week")
    ET.SubElement(svg, "desc", {"id": f"{chart_id}-desc"}).text = describe(points)
    top = nice_ceiling(max((point.total for point in points), default=0))
    plot_height = HEIGHT - TOP - BOTTOM
    plot_width = WIDTH - LEFT - RIGHT
    _legend(
        svg, ((FIRST_COLOUR, "Awaiting a first verification"), (OVERDUE_COLOUR, "Overdue re-verification"))
    )
    for fraction in (0, 0.5, 1):
        y = TOP + plot_height * (1 - fraction)
        _line(svg, LEFT, y, WIDTH - RIGHT, y)
        _text(svg, LEFT - 6, y + 4, f"{round(top * fraction):,}", anchor="end")
    slot = plot_width / max(len(points), 1)
    for index, point in enumerate(points):
        x = LEFT + index * slot + slot * 0.15
        base = TOP + plot_height
        for value, colour in ((point.first, FIRST_COLOUR), (point.overdue, OVERDUE_COLOUR)):
            height = plot_height * value / top if top else 0
            if height:
                _rect(svg, x, base - height, slot * 0.7, height, colour)
                base -= height
        if index % 2 == 0 or index == len(points) - 1:
            label = "now" if index == len(points) - 1 else f"{point.week_start:%b} {point.week_start.day}"
            _text(svg, x + slot * 0.35, HEIGHT - BOTTOM + 16, label, anchor="middle")
    _text(svg, LEFT, HEIGHT - 6, "Week beginning (Monday, UTC)")
    return Markup(ET.tostring(svg, encoding="unicode"))


def influence_chart(weeks: Sequence[InfluenceWeek], chart_id: str = "influence-chart") -> Markup:
    """Return advertisers' share of the shortlisted beside their share of the results, by week, as SVG."""
    svg = _svg(chart_id, "Advertisers' share of shortlisted centers and of search results, by week")
    ET.SubElement(svg, "desc", {"id": f"{chart_id}-desc"}).text = describe_influence(weeks)
    plot_height = HEIGHT - TOP - BOTTOM
    plot_width = WIDTH - LEFT - RIGHT
    _legend(
        svg,
        (
            (SHORTLISTED_COLOUR, "Share of shortlisted centers"),
            (RESULTS_COLOUR, "Share of their search results"),
        ),
    )
    for fraction in (0, 0.5, 1):
        y = TOP + plot_height * (1 - fraction)
        _line(svg, LEFT, y, WIDTH - RIGHT, y)
        _text(svg, LEFT - 6, y + 4, f"{fraction:.0%}", anchor="end")
    slot = plot_width / max(len(weeks), 1)
    base = TOP + plot_height
    for index, week in enumerate(weeks):
        x = LEFT + index * slot + slot * 0.15
        for offset, (share, colour) in enumerate(
            ((week.shortlisted_share, SHORTLISTED_COLOUR), (week.results_share, RESULTS_COLOUR))
        ):
            if share:
                _rect(
                    svg,
                    x + offset * slot * 0.35,
                    base - plot_height * share,
                    slot * 0.35,
                    plot_height * share,
                    colour,
                )
        if index % 2 == 0 or index == len(weeks) - 1:
            label = "now" if index == len(weeks) - 1 else f"{week.week_start:%b} {week.week_start.day}"
            _text(svg, x + slot * 0.35, HEIGHT - BOTTOM + 16, label, anchor="middle")
    _text(svg, LEFT, HEIGHT - 6, "Week beginning (Monday, UTC); no bar: nothing counted, or 0%")
    return Markup(ET.tostring(svg, encoding="unicode"))


def describe_influence(weeks: Sequence[InfluenceWeek]) -> str:
    """Return the influence chart's text alternative: the two shares over the whole period."""
    counted = [week for week in weeks if week.centers_added]
    if not counted:
        return f"No center was added to a shortlist in the last {len(weeks)} week{'s' * (len(weeks) != 1)}."
    added = sum(week.centers_added for week in counted)
    advertisers = sum(week.advertisers_added for week in counted)
    results = sum(week.search_results for week in weeks)
    result_advertisers = sum(week.search_result_advertisers for week in weeks)
    results_text = (
        f"{result_advertisers / results:.0%} of their {results:,} search results"
        if results
        else ("no search results counted")
    )
    return (
        f"Over the last {len(weeks)} weeks ({len(counted)} with additions), advertisers were "
        f"{advertisers / added:.0%} of the {added:,} centers added to shortlists, and {results_text}. "
        "The table below gives each week's figures."
    )


def describe(points: Sequence[BacklogPoint]) -> str:
    """Return the chart's text alternative: where the backlog started, where it is, and its peak."""
    if not points:
        return "No weeks to show."
    first, last = points[0], points[-1]
    peak = max(points, key=lambda point: point.total)
    return (
        f"Listings awaiting a first verification plus overdue re-verifications, at the end of each of the "
        f"last {len(points)} weeks: {first.total:,} in the week of {first.week_start:%B} "
        f"{first.week_start.day}, {last.total:,} now ({last.first:,} awaiting a first verification, "
        f"{last.overdue:,} overdue); highest {peak.total:,}, in the week of {peak.week_start:%B} "
        f"{peak.week_start.day}."
    )


def nice_ceiling(value: int) -> int:
    """Return a round number at or above ``value`` for the chart's top (1, 2 or 5 times a power of ten)."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power  # pragma: no cover  (the loop always returns)


def _svg(chart_id: str, title: str) -> ET.Element:
    """Return the chart's root element, named by its title and described by its ``desc``."""
    svg = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "viewBox": f"0 0 {WIDTH} {HEIGHT}",
            "width": "100%",
            "role": "img",
            "aria-labelledby": f"{chart_id}-title {chart_id}-desc",
            "class": "chart",
            "id": chart_id,
        },
    )
    ET.SubElement(svg, "title", {"id": f"{chart_id}-title"}).text = title
    return svg


def _legend(svg: ET.Element, entries: Sequence[tuple[str, str]]) -> None:
    for offset, (colour, label) in enumerate(entries):
        x = LEFT + offset * 250
        _rect(svg, x, 10, 14, 14, colour)
        _text(svg, x + 20, 22, label)


def _rect(svg: ET.Element, x: float, y: float, width: float, height: float, colour: str) -> None:
    ET.SubElement(
        svg,
        "rect",
        {"x": _n(x), "y": _n(y), "width": _n(width), "height": _n(height), "fill": colour},
    )


def _line(svg: ET.Element, x1: float, y1: float, x2: float, y2: float) -> None:
    ET.SubElement(svg, "line", {"x1": _n(x1), "y1": _n(y1), "x2": _n(x2), "y2": _n(y2), "stroke": GRID})


def _text(svg: ET.Element, x: float, y: float, text: str, anchor: str = "start") -> None:
    ET.SubElement(
        svg,
        "text",
        {"x": _n(x), "y": _n(y), "fill": INK, "font-size": "12", "text-anchor": anchor},
    ).text = text


def _n(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")
