"""Validate stage: typed canonical tables, with every problem collected as a record."""

from .locale import Locale
from .validator import validate

__all__ = ["Locale", "validate"]
