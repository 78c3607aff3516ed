"""Quoting for the SQL every stage writes (names come from files, databases and config): one
spelling, used by the source stage, the model, compute and the engines."""

from __future__ import annotations


def ident(name: str) -> str:
    """A quoted identifier."""
    return '"' + str(name).replace('"', '""') + '"'


def text(value: str) -> str:
    """A string literal."""
    return "'" + str(value).replace("'", "''") + "'"
