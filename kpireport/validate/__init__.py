"""Validate stage: typed canonical tables, with every problem collected as a record."""

from .validator import Locale, validate

__all__ = ["Locale", "validate"]
