"""Public pages: the directory's vocabulary, which HSDS taxonomies and terms point to by ``uri``.

The paths are :data:`directory.hsds.publisher.VOCABULARY_PATH`, from which the export builds them.
"""

from __future__ import annotations

from flask import abort, render_template

from directory.database import get_session
from directory.hsds.publisher import VOCABULARY_PATH
from directory.public import bp
from directory.public.vocabulary_presenter import vocabulary_scheme, vocabulary_schemes
from directory.site_address import absolute_url_for


@bp.get(VOCABULARY_PATH)
def vocabulary() -> str:
    """List the vocabulary's schemes, each with its number of terms."""
    return render_template(
        "public/vocabulary.html",
        schemes=vocabulary_schemes(get_session()),
        canonical_url=absolute_url_for("public.vocabulary"),
    )


@bp.get(f"{VOCABULARY_PATH}/<scheme>", endpoint="vocabulary_scheme")
def vocabulary_scheme_page(scheme: str) -> str:
    """Show one scheme's terms, each at the anchor of its code; 404 for an unknown scheme."""
    found = vocabulary_scheme(get_session(), scheme)
    if found is None:
        abort(404)
    return render_template(
        "public/vocabulary_scheme.html",
        scheme=found,
        canonical_url=absolute_url_for("public.vocabulary_scheme", scheme=found.code),
    )
