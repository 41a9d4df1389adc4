"""The Whoosh search index: framework-free (a directory path and plain dicts in, dataclasses out).

Built in the next piece of work; this package must never import Flask or SQLAlchemy.
"""
