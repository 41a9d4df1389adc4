"""Reading the SAMHSA workbook: check the whole file, then each row, and say exactly what is wrong.

File-level problems (not a workbook, empty, truncated, a sheet or column missing) raise
:class:`WorkbookError`. Row-level problems are collected as :class:`RowProblem`, each naming
its row (as numbered in a spreadsheet program) and column.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from directory.schemas.fields import ZIP_PATTERN
from directory.schemas.geography import US_STATES

FACILITIES_SHEET = "Facilities List"
CODES_SHEET = "Service Code Reference"
COLUMNS = (
    "name1", "name2", "street1", "street2", "city", "state", "zip", "phone",
    "intake1", "intake2", "intake1a", "intake2a", "service_code_info",
)  # fmt: skip
CODE_COLUMNS = ("service_code", "service_name")
PHONE_COLUMNS = ("phone", "intake1", "intake2", "intake1a", "intake2a")
REQUIRED = ("name1", "street1", "city", "state", "zip")
LIMITS = {"name1": 200, "name2": 200, "street1": 200, "street2": 200, "city": 100}
VANITY = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "22233344455566677778889999")
PHONE_PATTERN = re.compile(
    r"^\s*(\d{3})[-. ]?([0-9A-Z]{3})[-. ]?([0-9A-Z]{4})\s*(?:(?:X|EXT\.?)\s*(\d{1,6}))?\s*$"
)

_DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError, OSError, InvalidFileException)


class WorkbookError(ValueError):
    """The file cannot be imported at all; the message says why."""


@dataclass(frozen=True)
class RowProblem:
    """One bad cell: its row, its column, and what is wrong."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column '{self.column}': {self.message}"


@dataclass
class Facility:
    """One valid row of the facilities sheet."""

    row: int
    name1: str
    name2: str | None
    street1: str
    street2: str | None
    city: str
    state: str
    zip5: str
    #: (number as (AAA) NNN-NNNN, extension, which column) for every readable phone number.
    phones: list[tuple[str, str | None, str]]
    codes: tuple[str, ...]
    unreadable_phones: list[str] = field(default_factory=list)


@dataclass
class Workbook:
    """The facilities and the code reference of one workbook."""

    facilities: list[Facility]
    problems: list[RowProblem]
    code_names: dict[str, str]
    rows: int


def read_workbook(path: Path) -> Workbook:
    """Open and check the workbook at ``path``; raise :class:`WorkbookError` for a file-level problem."""
    _check_file(path)
    # The file is opened here, not by openpyxl, so that it is closed even when openpyxl gives up
    # half-way through a damaged archive (it would otherwise leave its own handle to the collector).
    with path.open("rb") as handle:
        try:
            book = load_workbook(handle, read_only=True, data_only=True)
        except _DAMAGED as error:
            raise WorkbookError(
                f"{path.name} is not a readable .xlsx workbook (damaged or truncated: {error})."
            ) from error
        try:
            for sheet in (FACILITIES_SHEET, CODES_SHEET):
                if sheet not in book.sheetnames:
                    raise WorkbookError(
                        f"{path.name} has no sheet named '{sheet}' (it has: {', '.join(book.sheetnames)})."
                    )
            code_names = _read_codes(book[CODES_SHEET], path)
            facilities, problems, rows = _read_facilities(book[FACILITIES_SHEET], path)
        finally:
            book.close()
    return Workbook(facilities, problems, code_names, rows)


def _check_file(path: Path) -> None:
    if not path.exists():
        raise WorkbookError(f"{path} does not exist.")
    if path.stat().st_size == 0:
        raise WorkbookError(f"{path.name} is empty (0 bytes).")
    if not zipfile.is_zipfile(path):
        with path.open("rb") as handle:
            if handle.read(4) == b"PK\x03\x04":
                raise WorkbookError(
                    f"{path.name} is truncated or damaged: the workbook archive is incomplete."
                )
        raise WorkbookError(f"{path.name} is not an .xlsx workbook (an Excel 2007+ file is a zip archive).")


def _rows(sheet: Any, path: Path) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """Yield (spreadsheet row number, values), turning a damaged stream into a clear error."""
    number = 0
    try:
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, values
    except _DAMAGED as error:
        raise WorkbookError(
            f"{path.name} is damaged or truncated: reading stopped after row {number} ({error})."
        ) from error


def _header(values: tuple[Any, ...], wanted: tuple[str, ...], sheet: str, path: Path) -> dict[str, int]:
    names = [str(value).strip() if value is not None else "" for value in values]
    missing = [column for column in wanted if column not in names]
    if missing:
        raise WorkbookError(
            f"{path.name}, sheet '{sheet}', row 1: missing column(s) {', '.join(missing)} "
            f"(found: {', '.join(n for n in names if n) or 'nothing'})."
        )
    return {column: names.index(column) for column in wanted}


def _read_codes(sheet: Any, path: Path) -> dict[str, str]:
    rows = _rows(sheet, path)
    first = next(rows, None)
    if first is None:
        raise WorkbookError(f"{path.name}, sheet '{CODES_SHEET}' is empty.")
    positions = _header(first[1], CODE_COLUMNS, CODES_SHEET, path)
    return {
        str(values[positions["service_code"]]).strip(): str(values[positions["service_name"]] or "").strip()
        for _number, values in rows
        if values and values[positions["service_code"]]
    }


def _read_facilities(sheet: Any, path: Path) -> tuple[list[Facility], list[RowProblem], int]:
    rows = _rows(sheet, path)
    first = next(rows, None)
    if first is None:
        raise WorkbookError(f"{path.name}, sheet '{FACILITIES_SHEET}' is empty.")
    positions = _header(first[1], COLUMNS, FACILITIES_SHEET, path)
    facilities: list[Facility] = []
    problems: list[RowProblem] = []
    count = 0
    for number, values in rows:
        if not values or all(value in (None, "") for value in values):
            continue
        count += 1
        cells = {
            column: values[index] if index < len(values) else None for column, index in positions.items()
        }
        facility, row_problems = parse_row(number, cells)
        problems.extend(row_problems)
        if facility is not None:
            facilities.append(facility)
    if count == 0:
        raise WorkbookError(f"{path.name}, sheet '{FACILITIES_SHEET}' has a header but no facilities.")
    return facilities, problems, count


def parse_row(number: int, cells: dict[str, Any]) -> tuple[Facility | None, list[RowProblem]]:
    """Check one row; return the facility, or None and the problems that make it unusable."""
    problems: list[RowProblem] = []
    text: dict[str, str | None] = {}
    for column in ("name1", "name2", "street1", "street2", "city", "state", "service_code_info"):
        value = _text(cells.get(column))
        if value is not None and ("\x00" in value or any(0xD800 <= ord(c) <= 0xDFFF for c in value)):
            problems.append(RowProblem(number, column, "contains NUL or invalid (surrogate) characters"))
            value = None
        limit = LIMITS.get(column)
        if value is not None and limit and len(value) > limit:
            problems.append(RowProblem(number, column, f"is {len(value)} characters long (at most {limit})"))
        text[column] = value
    for column in REQUIRED:
        if column != "zip" and not text.get(column):
            problems.append(RowProblem(number, column, "is empty"))
    state = (text.get("state") or "").upper()
    if state and state not in US_STATES:
        problems.append(RowProblem(number, "state", f"'{state[:20]}' is not a US state code"))
    zip5 = normalise_zip(cells.get("zip"))
    if zip5 is None:
        shown = str(cells.get("zip") or "")
        shown = shown if len(shown) <= 20 else f"{shown[:20]}… ({len(shown)} characters)"
        problems.append(RowProblem(number, "zip", f"'{shown}' is not a 5-digit ZIP code"))
    if problems:
        return None, problems
    phones, unreadable = _phones(cells)
    codes = tuple(c for c in (text.get("service_code_info") or "").split() if c != "*")
    return (
        Facility(
            row=number,
            name1=text["name1"],  # type: ignore[arg-type]
            name2=text.get("name2"),
            street1=text["street1"],  # type: ignore[arg-type]
            street2=text.get("street2"),
            city=text["city"],  # type: ignore[arg-type]
            state=state,
            zip5=zip5,  # type: ignore[arg-type]
            phones=phones,
            codes=tuple(dict.fromkeys(codes)),
            unreadable_phones=unreadable,
        ),
        [],
    )


def normalise_zip(value: Any) -> str | None:
    """Return the 5-digit ZIP of a cell: ZIP+4 shortened, lost leading zeros restored; None if not a ZIP."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if value != int(value) or not 0 < value < 1_000_000_000:
            return None
        digits = str(int(value))
        return digits.zfill(5) if len(digits) <= 5 else (digits.zfill(9)[:5] if len(digits) <= 9 else None)
    text = _text(value)
    if text is None or len(text) > 10:
        return None
    if text.isdigit() and 3 <= len(text) <= 4:
        return text.zfill(5)
    match = ZIP_PATTERN.match(text)
    return match.group(1) if match else None


def _phones(cells: dict[str, Any]) -> tuple[list[tuple[str, str | None, str]], list[str]]:
    found: list[tuple[str, str | None, str]] = []
    unreadable: list[str] = []
    seen: set[str] = set()
    for column in PHONE_COLUMNS:
        raw = _text(cells.get(column))
        if not raw:
            continue
        match = PHONE_PATTERN.match(raw.upper())
        digits = "".join(match.group(i) for i in (1, 2, 3)).translate(VANITY) if match else ""
        if not match or digits[0] in "01" or digits[3] in "01":
            unreadable.append(f"{column} '{raw[:30]}'")
            continue
        number = f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
        if (number, match.group(4)) in seen or number in seen:
            continue
        seen.add(number)
        found.append((number, match.group(4), column))
    return found, unreadable


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None
