"""Progress bars for long commands, on standard error so that output stays parseable."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

import click

T = TypeVar("T")


def progress_bar(items: Iterable[T], length: int, label: str) -> Iterator[T]:
    """Yield ``items`` while drawing a bar labelled ``label`` on standard error."""
    with click.progressbar(
        items, length=length, label=label.ljust(10), file=sys.stderr, show_pos=True
    ) as bar:
        yield from bar
