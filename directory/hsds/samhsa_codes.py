"""Which SAMHSA service codes each vocabulary term stands for (``data/samhsa_mapping.json``).

A code stands for the first term it maps to (``KIT`` → ``therapy:ketamine-assisted-therapy``);
the further terms a code implies (``condition:depression``) are consequences, not its meaning.
The mapping lives in the checkout's ``data/`` folder, which an installed package does not carry:
there, without the file, no term has a SAMHSA code.
"""

from __future__ import annotations

from functools import cache

from directory.operations.taxonomy import TermKey
from directory.samhsa.records import DEFAULT_MAPPING_FILE, CodeMapping


@cache
def samhsa_codes() -> dict[TermKey, tuple[str, ...]]:
    """Return the SAMHSA codes of each (scheme, code) term that some code stands for."""
    codes: dict[TermKey, list[str]] = {}
    if not DEFAULT_MAPPING_FILE.is_file():
        return {}
    for code, terms in CodeMapping.load().terms.items():
        if terms:
            codes.setdefault(terms[0], []).append(code)
    return {term: tuple(found) for term, found in codes.items()}
