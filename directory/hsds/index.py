"""Looking rows of a package up by their columns: a service's phones, a location's addresses …"""

from __future__ import annotations

from collections import defaultdict

from directory.hsds.reading import Package, Row


class PackageIndex:
    """The rows of a package, grouped by any column on first use."""

    def __init__(self, package: Package) -> None:
        self.package = package
        self._groups: dict[tuple[str, str], dict[str, list[Row]]] = {}

    def rows(self, resource: str) -> list[Row]:
        """Return every row of ``resource`` in file order."""
        return self.package.tables.get(resource, [])

    def where(self, resource: str, column: str, value: str | None) -> list[Row]:
        """Return the rows of ``resource`` whose ``column`` is ``value``, in file order."""
        if value is None:
            return []
        key = (resource, column)
        if key not in self._groups:
            groups: dict[str, list[Row]] = defaultdict(list)
            for row in self.rows(resource):
                cell = row.get(column)
                if cell is not None:
                    groups[cell].append(row)
            self._groups[key] = groups
        return self._groups[key].get(value, [])

    def find(self, resource: str, identifier: str | None) -> Row | None:
        """Return the row of ``resource`` with ``identifier``, if any."""
        rows = self.where(resource, "id", identifier)
        return rows[0] if rows else None
