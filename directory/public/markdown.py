"""Article bodies: Markdown rendered with markdown-it-py, then sanitised with nh3.

Two layers, so that neither alone has to be perfect:

1. markdown-it-py renders CommonMark (plus tables and strikethrough) with raw HTML *disabled*:
   ``<script>`` or ``<iframe>`` in the source comes out as visible, escaped text, and its
   link validator refuses ``javascript:``, ``vbscript:``, ``file:`` and ``data:`` links. A
   ``#`` heading becomes ``<h2>`` (the page's title is its only ``<h1>``), images become their
   alt text (the site loads nothing from other hosts), and links to other sites get
   ``rel="nofollow noopener noreferrer"``.
2. nh3 (ammonia) then keeps only the tags and attributes listed here, only http, https, mailto
   and tel links (and relative ones), and only that exact ``rel`` value.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from markupsafe import Markup, escape

#: The ``rel`` every link to another site carries.
EXTERNAL_REL = "nofollow noopener noreferrer"

#: What an article body may contain after sanitising.
ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "s", "code",
        "pre", "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
        "sub", "sup",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {"a": {"href", "title"}, "ol": {"start"}}
#: Attributes allowed only with exactly these values.
ALLOWED_ATTRIBUTE_VALUES: dict[str, dict[str, set[str]]] = {"a": {"rel": {EXTERNAL_REL}}}
ALLOWED_URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto", "tel"})
#: Tags removed together with everything inside them.
REMOVED_WITH_CONTENT: frozenset[str] = frozenset(
    {"script", "style", "iframe", "object", "embed", "template", "noscript", "svg", "math"}
)


def is_external(href: str) -> bool:
    """Return whether ``href`` points to another site (an absolute or protocol-relative URL)."""
    parts = urlsplit(href.strip())
    return bool(parts.netloc) or parts.scheme in {"http", "https"}


def _link_open(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    """Render a link, marking links to other sites."""
    token = tokens[idx]
    if is_external(str(token.attrGet("href") or "")):
        token.attrSet("rel", EXTERNAL_REL)
    return self.renderToken(tokens, idx, options, env)


def _heading_open(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    """Render a level-one heading as ``<h2>``: the page's title is its only ``<h1>``."""
    token = tokens[idx]
    if token.tag == "h1":
        token.tag = "h2"
        closing = next((t for t in tokens[idx + 1 :] if t.type == "heading_close"), None)
        if closing is not None:
            closing.tag = "h2"
    return self.renderToken(tokens, idx, options, env)


def _image(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    """Render an image as its alt text: article pages load nothing from other hosts."""
    token = tokens[idx]
    alt = self.renderInlineAsText(token.children or [], options, env)
    return str(escape(alt))


def _make_parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable(
        ["table", "strikethrough"]
    )
    parser.add_render_rule("link_open", _link_open)
    parser.add_render_rule("heading_open", _heading_open)
    parser.add_render_rule("image", _image)
    return parser


_PARSER = _make_parser()


def sanitize_html(html: str) -> str:
    """Keep only the allowed tags, attributes and link schemes of an HTML fragment."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(REMOVED_WITH_CONTENT),
        attributes=ALLOWED_ATTRIBUTES,
        tag_attribute_values=ALLOWED_ATTRIBUTE_VALUES,
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel=None,
        strip_comments=True,
    )


def render_markdown(text: str) -> Markup:
    """Render Markdown to sanitised HTML, safe to put in a page as it is."""
    return Markup(sanitize_html(_PARSER.render(text or "")))


__all__ = ["EXTERNAL_REL", "is_external", "render_markdown", "sanitize_html"]
