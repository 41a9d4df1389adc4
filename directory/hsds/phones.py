"""Phone numbers in E.164 form (``+18015550134``), for partners that dial or match numbers."""

from __future__ import annotations

import re

#: Where an extension starts in a number written with one (``x12``, ``ext. 12``, ``#12``).
EXTENSION_MARK = re.compile(r"(?i)\s*(?:ext\.?|extension|x|#).*$")
NON_DIGITS = re.compile(r"\D")


def e164(number: str | None) -> str | None:
    """Return a US number as E.164 (``+1`` and ten digits), or None when it is not one.

    Punctuation and spaces are ignored, a leading ``+1`` or ``1`` is the country code, and an
    extension written into the number is left out (HSDS keeps it in ``extension``).
    """
    if not number:
        return None
    digits = NON_DIGITS.sub("", EXTENSION_MARK.sub("", number.strip()))
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10 or digits[0] in "01":
        return None
    return f"+1{digits}"
