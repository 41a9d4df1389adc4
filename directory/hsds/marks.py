"""The "Directory marks" taxonomy: the few attributes this directory publishes beyond HSDS's columns.

Every value is a plain string. The marks are listed, with what they mean, on the public
vocabulary page (scheme :data:`SCHEME`), so each term's ``term_uri`` explains it:

- ``advertiser``: on the service of a center that currently advertises, value ``true``; other
  services have no such attribute.
- ``phone-e164``: on a phone, the number in E.164 form (``+18015550134``) when it is a US number.
- ``phone-extension``: on a phone, an extension that is not a plain number (HSDS's ``extension``
  is numeric), as written (``ext. 12``).
- ``samhsa-service-code``: on a vocabulary term, a SAMHSA service code whose meaning the term
  is (``data/samhsa_mapping.json``: the first term a code maps to), one attribute per code.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from directory.hsds.ids import NAMESPACE

#: The marks' scheme code: hyphenated, so that it never equals a vocabulary scheme's code.
SCHEME = "directory-marks"
LABEL = "Directory marks"
DESCRIPTION = (
    "Marks this directory puts on its services, phones and vocabulary terms where HSDS has no "
    "column for them. Each attribute's value is plain text."
)
#: Bump when a mark is added, removed or changes meaning.
VERSION = "1"
TAXONOMY_ID = uuid.uuid5(NAMESPACE, f"taxonomy/{SCHEME}")

ADVERTISER = "advertiser"
PHONE_E164 = "phone-e164"
PHONE_EXTENSION = "phone-extension"
SAMHSA_CODE = "samhsa-service-code"
ADVERTISER_VALUE = "true"


@dataclass(frozen=True)
class Mark:
    """One term of the marks taxonomy."""

    code: str
    label: str
    description: str

    @property
    def term_id(self) -> uuid.UUID:
        """Return the HSDS id of the mark's taxonomy term."""
        return uuid.uuid5(NAMESPACE, f"taxonomy_term/{SCHEME}/{self.code}")


MARKS: tuple[Mark, ...] = (
    Mark(
        ADVERTISER,
        "Advertiser",
        "The center pays to advertise in the directory (value 'true'). Advertising never changes "
        "search ranking; only verified centers can advertise. Services without this attribute do "
        "not advertise.",
    ),
    Mark(
        PHONE_E164,
        "Phone number in E.164 form",
        "The phone's number in international E.164 form, such as +18015550134, without extension.",
    ),
    Mark(
        PHONE_EXTENSION,
        "Phone extension as written",
        "An extension that is not a plain number, such as 'ext. 12' (HSDS's extension is a number).",
    ),
    Mark(
        SAMHSA_CODE,
        "SAMHSA service code",
        "A service code of SAMHSA's National Directory of Mental Health Treatment Facilities that "
        "this vocabulary term stands for (value: the code, such as 'KIT').",
    ),
)
BY_CODE = {mark.code: mark for mark in MARKS}
BY_TERM_ID = {str(mark.term_id): mark for mark in MARKS}
