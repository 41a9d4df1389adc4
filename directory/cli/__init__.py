"""Command-line groups: ``flask --app wsgi db|data|tokens|users ...``."""

from __future__ import annotations

from flask import Flask

from directory.cli.data import data_group
from directory.cli.db import db_group
from directory.cli.index import index_group
from directory.cli.search import search_command
from directory.cli.serve import serve_command
from directory.cli.tokens import tokens_group
from directory.cli.users import users_group
from directory.cli.verification import verification_group


def init_app(app: Flask) -> None:
    """Register every command group on the app."""
    for group in (
        db_group,
        data_group,
        index_group,
        search_command,
        serve_command,
        tokens_group,
        users_group,
        verification_group,
    ):
        app.cli.add_command(group)


import directory.cli.hsds  # noqa: E402, F401  (registers export-hsds and import-hsds on the data group)
