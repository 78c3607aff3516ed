"""Quoting for the SQL the source stage writes (names come from files and databases)."""

from __future__ import annotations


def ident(name: str) -> str:
    """A quoted identifier."""
    return '"' + str(name).replace('"', '""') + '"'


def text(value: str) -> str:
    """A string literal."""
    return "'" + str(value).replace("'", "''") + "'"
