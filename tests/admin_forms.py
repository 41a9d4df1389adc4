"""Reading an HTML form back as the browser would send it, for tests of the admin forms."""

from __future__ import annotations

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    """Collect the successful controls of the form whose ``action`` ends with ``action``."""

    def __init__(self, action: str) -> None:
        super().__init__(convert_charrefs=True)
        self.action = action
        self.inside = False
        self.values: list[tuple[str, str]] = []
        self._select: str | None = None
        self._select_value: str | None = None
        self._selected = False
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.inside = attributes.get("action", "").endswith(self.action)
        if not self.inside:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = attributes.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attributes:
                    self.values.append((name, attributes.get("value", "on")))
            elif kind != "submit":
                self.values.append((name, attributes.get("value", "")))
        elif tag == "select" and name:
            self._select, self._select_value, self._selected = name, None, False
        elif tag == "option" and self._select is not None:
            if self._select_value is None:
                self._select_value = attributes.get("value", "")  # the first option, unless one is selected
            if "selected" in attributes and not self._selected:
                self._select_value = attributes.get("value", "")
                self._selected = True
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select is not None:
            self.values.append((self._select, self._select_value or ""))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.values.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data


def form_values(html: str, action: str) -> dict[str, str | list[str]]:
    """Return the values the form posting to ``action`` would send (lists for repeated names)."""
    reader = _FormReader(action)
    reader.feed(html)
    values: dict[str, str | list[str]] = {}
    for name, value in reader.values:
        if name in values:
            current = values[name]
            values[name] = [*current, value] if isinstance(current, list) else [current, value]
        else:
            values[name] = value
    return values
