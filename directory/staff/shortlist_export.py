"""The shortlist's exports: plain text to read out, e-mail or text, and CSV safe to open in a spreadsheet.

Both keep the shortlist's order and hold only what the directory knows about each center and the
specialist's note; nothing about the caller.
"""

from __future__ import annotations

import csv
import io

from directory.staff.shortlist_rows import ShortlistRow, ShortlistView

#: First characters that make a spreadsheet read a cell as a formula (with tab and carriage return).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = (
    "Position",
    "Name",
    "Phone",
    "Address",
    "Website",
    "Distance (miles)",
    "Distance from",
    "Note",
)


def distance_text(miles: float | None, place_label: str | None) -> str | None:
    """Return "3.2 miles from 43215", or None without a distance."""
    if miles is None or place_label is None:
        return None
    return f"{miles:.1f} miles from {place_label}"


def as_text(view: ShortlistView) -> str:
    """Return the shortlist as plain text: one block per center, fields on their own lines."""
    blocks = [_text_block(row, view.place_label) for row in view.rows]
    return "\n\n".join(blocks) + "\n" if blocks else "The shortlist is empty.\n"


def _text_block(row: ShortlistRow, place_label: str | None) -> str:
    status = "" if row.status == "published" else f" (listing {row.status})"
    lines = [f"{row.position}. {row.name}{status}", f"Phone: {row.phone or 'none listed'}"]
    if row.address:
        lines.append(f"Address: {row.address}")
    if row.website:
        lines.append(f"Website: {row.website}")
    if distance := distance_text(row.distance_miles, place_label):
        lines.append(f"Distance: {distance}")
    if row.note:
        lines.append(f"Note: {row.note}")
    return "\n".join(lines)


def csv_cell(value: object) -> str:
    """Return a value as a CSV cell a spreadsheet shows as text: formula starts get a leading quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def as_csv(view: ShortlistView) -> str:
    """Return the shortlist as CSV (a header row, then one row per center in order)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in view.rows:
        miles = f"{row.distance_miles:.1f}" if row.distance_miles is not None else ""
        cells = (
            row.position,
            row.name,
            row.phone,
            row.address,
            row.website,
            miles,
            view.place_label if miles else "",
            row.note,
        )
        writer.writerow([csv_cell(cell) for cell in cells])
    return buffer.getvalue()
