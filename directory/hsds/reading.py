"""Reading an HSDS tabular package: its ``datapackage.json`` and the CSV files the import needs.

Everything is checked before anything is mapped: every resource the descriptor lists has its
file; the resources the import reads are listed and have the columns it needs; each cell of a
column the import reads has the type and allowed values the descriptor declares; ids are
unique. Problems name the file, the row (as a spreadsheet numbers it: the header is row 1) and
the column.
"""

from __future__ import annotations

import csv
import json
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from directory.hsds.errors import HSDSError, rejected_package

#: The resources the import reads: (columns it requires, columns it reads when present).
READ: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "organization": (("id", "name"), ("description", "email", "website")),
    "service": (
        ("id", "organization_id", "name", "status"),
        ("description", "url", "email", "fees_description", "fees"),
    ),
    "location": (("id",), ("organization_id", "location_type", "name", "latitude", "longitude")),
    "address": (
        ("location_id", "address_1", "city", "state_province", "postal_code"),
        ("id", "address_2", "country", "address_type"),
    ),
    "service_at_location": (("service_id", "location_id"), ("id",)),
    "phone": (
        ("id", "number"),
        ("service_id", "organization_id", "location_id", "extension", "type", "description"),
    ),
    "service_area": (("service_id",), ("id", "name", "extent", "extent_type")),
    "cost_option": (("service_id",), ("id", "currency", "amount")),
    "attribute": (("link_id", "taxonomy_term_id"), ("id", "link_entity", "value")),
    "taxonomy": (("id", "name"), ("description",)),
    "taxonomy_term": (("id", "name"), ("code", "description", "parent_id", "taxonomy", "taxonomy_id")),
}
NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
BOOLEANS = {"true", "false", "True", "False", "TRUE", "FALSE", "1", "0"}


@dataclass(frozen=True)
class Row:
    """One data row of a CSV file; empty cells are None."""

    file: str
    number: int
    values: dict[str, str | None]

    def get(self, column: str) -> str | None:
        """Return the cell of ``column``, or None when it is empty or absent."""
        return self.values.get(column)

    @property
    def label(self) -> str:
        """Where the row is, for messages: ``services.csv row 2``."""
        return f"{self.file} row {self.number}"

    def where(self, column: str) -> str:
        """Where a cell is, for messages: ``services.csv row 2, column status``."""
        return f"{self.label}, column {column}"


@dataclass
class Package:
    """The rows of the resources the import reads, and what else the package holds."""

    folder: Path
    name: str | None
    tables: dict[str, list[Row]]
    #: Rows in resources the import does not read, by file name.
    unread: dict[str, int] = field(default_factory=dict)


def read_package(folder: Path) -> Package:
    """Read and check the package in ``folder``; raise :class:`HSDSError` listing every problem."""
    problems: list[str] = []
    descriptor = _read_descriptor(folder)
    resources = {
        resource["name"]: resource
        for resource in descriptor.get("resources") or []
        if isinstance(resource, dict) and isinstance(resource.get("name"), str)
    }
    paths: dict[str, Path] = {}
    for name, resource in resources.items():
        path = _resource_path(folder, resource)
        if path is None:
            problems.append(f"datapackage.json: resource '{name}' has no usable path inside the package.")
        elif not path.is_file():
            problems.append(f"{resource['path']}: missing file (resource '{name}' in datapackage.json).")
        else:
            paths[name] = path
    problems.extend(
        f"datapackage.json: no '{name}' resource; the import needs it."
        for name in READ
        if name not in resources
    )
    tables: dict[str, list[Row]] = {}
    unread: dict[str, int] = {}
    for name, path in paths.items():
        if name in READ:
            tables[name] = _read_table(path, resources[name], *READ[name], problems)
        else:
            unread[path.name] = _count_rows(path, problems)
    if problems:
        raise rejected_package(folder, problems)
    return Package(folder, descriptor.get("name"), tables, unread)


def _read_descriptor(folder: Path) -> dict[str, Any]:
    path = folder / "datapackage.json"
    if not path.is_file():
        raise rejected_package(folder, ["datapackage.json: missing file."])
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as error:
        raise HSDSError(
            f"{folder} is not an HSDS package.", [f"datapackage.json: not JSON ({error})."]
        ) from error
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise rejected_package(folder, ["datapackage.json: no list of resources."])
    return descriptor


def _resource_path(folder: Path, resource: dict[str, Any]) -> Path | None:
    """Return the resource's file, refusing paths that leave the package folder."""
    relative = resource.get("path")
    if not isinstance(relative, str) or not relative:
        return None
    path = (folder / relative).resolve()
    return path if path.is_relative_to(folder.resolve()) else None


def _read_table(
    path: Path,
    resource: dict[str, Any],
    required: tuple[str, ...],
    optional: tuple[str, ...],
    problems: list[str],
) -> list[Row]:
    """Read the columns the import uses from one CSV file, checking each cell."""
    file = resource["path"]
    declared = {f["name"]: f for f in (resource.get("schema") or {}).get("fields", []) if isinstance(f, dict)}
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            records = list(csv.reader(handle, strict=True))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        problems.append(f"{file}: cannot be read as UTF-8 CSV ({error}).")
        return []
    if not records:
        problems.append(f"{file}: empty file; the first line must name the columns.")
        return []
    header = records[0]
    missing = [column for column in required if column not in header]
    problems.extend(f"{file}: missing column '{column}'." for column in missing)
    duplicated = sorted({column for column in header if header.count(column) > 1})
    problems.extend(f"{file}: column '{column}' appears more than once." for column in duplicated)
    if missing or duplicated:
        return []
    used = [column for column in (*required, *optional) if column in header]
    rows: list[Row] = []
    seen_ids: dict[str, int] = {}
    for number, record in enumerate(records[1:], start=2):
        if not any(record):
            continue
        if len(record) != len(header):
            problems.append(
                f"{file} row {number}: {len(record)} cells, but the header names {len(header)} columns."
            )
            continue
        cells = dict(zip(header, record, strict=True))
        row = Row(file, number, {column: cells[column] or None for column in used})
        for column in used:
            problem = _cell_problem(row.get(column), declared.get(column, {}), required=column in required)
            if problem:
                problems.append(f"{row.where(column)}: {problem}")
        identifier = row.get("id")
        if identifier is not None and identifier in seen_ids:
            problems.append(
                f"{row.where('id')}: '{identifier}' is also the id of row {seen_ids[identifier]}."
            )
        elif identifier is not None:
            seen_ids[identifier] = number
        rows.append(row)
    return rows


def _cell_problem(value: str | None, declared: dict[str, Any], *, required: bool) -> str | None:
    """Return what is wrong with a cell, or None."""
    if value is None:
        return "a value is required." if required else None
    kind = declared.get("type", "string")
    if not _has_type(value, kind):
        return f"'{value}' is not a {kind}."
    allowed = (declared.get("constraints") or {}).get("enum")
    if allowed and value not in allowed:
        return f"'{value}' is not one of: {', '.join(map(str, allowed))}."
    return None


def _has_type(value: str, kind: str) -> bool:
    """Whether ``value`` is a valid Table Schema ``kind`` (unknown kinds pass)."""
    try:
        if kind == "number":
            return bool(NUMBER.match(value)) and math.isfinite(float(value))
        if kind == "integer":
            return bool(re.fullmatch(r"[+-]?\d+", value))
        if kind == "boolean":
            return value in BOOLEANS
        if kind == "date":
            return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)) and bool(date.fromisoformat(value))
        if kind == "datetime":
            return bool(datetime.fromisoformat(value.replace("Z", "+00:00")))
        if kind == "time":
            return bool(time.fromisoformat(value))
    except ValueError:
        return False
    return True


def _count_rows(path: Path, problems: list[str]) -> int:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return max(sum(1 for record in csv.reader(handle) if any(record)) - 1, 0)
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        problems.append(f"{path.name}: cannot be read as UTF-8 CSV ({error}).")
        return 0
