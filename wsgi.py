"""The WSGI entry point: ``flask --app wsgi ...`` and production servers import ``app`` from here.

A configuration the app cannot start with stops the process with one line saying what to set.
"""

from directory import create_app
from directory.config import ConfigError

try:
    app = create_app()
except ConfigError as error:
    raise SystemExit(f"Configuration error: {error}") from None
