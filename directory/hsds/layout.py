"""The HSDS 3.0 tabular layout, read at run time from the reference ``datapackage.json``.

The package ships that file, unchanged and under its own licence (CC BY-SA 4.0), in ``spec/v3.0/``
(see the README there); ``--reference`` or ``HSDS_REFERENCE_DIR`` can point at another copy.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from directory.hsds.errors import HSDSError

#: The copy of the specification's files shipped inside the package.
SHIPPED_REFERENCE: Traversable = resources.files("directory.hsds") / "spec" / "v3.0"

PACKAGE_NAME = "treatment-directory"
PACKAGE_TITLE = "Depression treatment center directory (Open Referral HSDS 3.0)"
PACKAGE_DESCRIPTION = (
    "Centers that treat depression (ketamine-assisted therapy, esketamine, psychedelic-assisted "
    "therapy, depression rehab, TMS, ECT and talk therapies), exported by the treatment directory as "
    "an Open Referral Human Services Data Specification (HSDS) 3.0 tabular data package: each center "
    "is an organization with one service. Each taxonomy and term links to the directory's vocabulary "
    "page ('uri', 'term_uri'); the few attributes with a value (advertiser, E.164 phone numbers, "
    "SAMHSA service codes) belong to the 'Directory marks' taxonomy and hold plain text. The "
    "resources, fields and their descriptions are HSDS 3.0 by Open Referral, licensed CC BY-SA 4.0 "
    "(see 'license')."
)
OPEN_REFERRAL = {"title": "Open Referral", "path": "https://openreferral.org/", "role": "author"}


@dataclass(frozen=True)
class Layout:
    """The reference package: resources in order, each with its file and columns."""

    descriptor: dict[str, Any]

    @property
    def resources(self) -> list[dict[str, Any]]:
        """Return the resource descriptors, in the reference's order."""
        return self.descriptor["resources"]

    def columns(self, resource: str) -> list[str]:
        """Return the column names of ``resource`` in order."""
        return [field["name"] for field in self.resource(resource)["schema"]["fields"]]

    def field_types(self, resource: str) -> dict[str, str]:
        """Return the Table Schema type of each column of ``resource``."""
        return {field["name"]: field["type"] for field in self.resource(resource)["schema"]["fields"]}

    def resource(self, name: str) -> dict[str, Any]:
        """Return the descriptor of the resource ``name``."""
        for resource in self.resources:
            if resource["name"] == name:
                return resource
        raise KeyError(name)


def load_layout(reference_dir: Path | None = None) -> Layout:
    """Read ``datapackage.json`` (shipped, or in ``reference_dir``); raise :class:`HSDSError` if unusable."""
    path = (SHIPPED_REFERENCE if reference_dir is None else reference_dir) / "datapackage.json"
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
        names = {resource["name"] for resource in descriptor["resources"]}
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise HSDSError(
            f"Cannot read the HSDS 3.0 reference package at {path} ({error}); "
            "pass --reference DIR or set HSDS_REFERENCE_DIR to a copy of the specification."
        ) from error
    missing = {"organization", "service", "taxonomy", "taxonomy_term", "attribute"} - names
    if missing:
        raise HSDSError(f"{path} is not the HSDS 3.0 package: no {', '.join(sorted(missing))} resource.")
    return Layout(descriptor)


def package_descriptor(layout: Layout) -> dict[str, Any]:
    """Return our ``datapackage.json``: the reference's resources, our name, the schema's license."""
    reference = layout.descriptor
    return {
        "name": PACKAGE_NAME,
        "title": PACKAGE_TITLE,
        "description": PACKAGE_DESCRIPTION,
        "profile": reference.get("profile", "tabular-data-package"),
        "hsds_version": reference.get("version"),
        "license": copy.deepcopy(reference.get("license")),
        "contributors": [OPEN_REFERRAL],
        "sources": [
            {
                "title": "Human Services Data Specification (HSDS) 3.0, Open Referral",
                "path": reference.get("homepage") or "https://docs.openreferral.org/",
            }
        ],
        "resources": copy.deepcopy(reference["resources"]),
    }
