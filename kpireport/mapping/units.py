"""Units written in headers of duration columns: "Wait time (min)" is read as minutes and
converted to the seconds the canonical column holds; a header without a unit is read as the
column's own unit, and said so."""

from __future__ import annotations

import re

from ..problems import Problem, ProblemLog, Severity, Where
from .normalize import normalize_header

# Unit words in English, Turkish, Slovenian (sekundah, ure, dni, let ...) and Persian (ثانیه, ساعت ...).
_UNITS_SECONDS = (
    (re.compile(r"\b(?:ms|msec|millisecond|milliseconds)\b"), 0.001, "milliseconds"),
    (re.compile(r"\b(?:s|sec|secs|second|seconds|sn|saniye|sekunda|sekunde|sekund|sekundah|ثانیه)\b"), 1.0,
     "seconds"),
    (re.compile(r"\b(?:m|min|mins|minute|minutes|dk|dak|dakika|minuta|minut|minutah|دقیقه)\b"), 60.0, "minutes"),
    (re.compile(r"\b(?:h|hr|hrs|hour|hours|sa|saat|ura|ure|ur|urah|ساعت)\b"), 3600.0, "hours"),
    (re.compile(r"\b(?:d|day|days|gun|dan|dni|dnevi|dneh|روز)\b"), 86400.0, "days"),
)
_UNITS_YEARS = ((re.compile(r"\b(?:month|months|mo|ay|mesec|meseci|mesecih|mesecev|ماه)\b"), 1 / 12, "months"),
                (re.compile(r"\b(?:year|years|yr|yrs|yil|leto|leta|let|letih|سال)\b"), 1.0, "years"))


def duration_base(column: str) -> float | None:
    """Seconds per unit of a canonical duration column: *_seconds 1, *_hours / hours 3600."""
    if column.endswith("_seconds"):
        return 1.0
    if column.endswith("_hours") or column == "hours":
        return 3600.0
    return None


def unit_scale(column: str, header: str) -> tuple[float, str | None]:
    """Factor from the header's unit to the column's unit, and the unit found (None: none given)."""
    words = normalize_header(header.replace("(", " ").replace(")", " ").replace("[", " ").replace("]", " "))
    base = duration_base(column)
    if base is not None:
        for pattern, seconds, name in _UNITS_SECONDS:
            if pattern.search(words):
                return seconds / base, name
        return 1.0, None
    if column == "contract_years":
        for pattern, years, name in _UNITS_YEARS:
            if pattern.search(words):
                return years, name
    return 1.0, None




def unit_scales(columns: dict[str, int], headers: dict[int, str], where: Where,
                problems: ProblemLog) -> dict[str, float]:
    """{column: factor to its unit} for the mapped duration columns whose header gives another unit;
    each conversion, and each header without a unit, is reported."""
    scales: dict[str, float] = {}
    for col, j in columns.items():
        if duration_base(col) is None and col != "contract_years":
            continue
        header = headers.get(j, col)
        scale, unit = unit_scale(col, header)
        target = "seconds" if col.endswith("_seconds") else "years" if col == "contract_years" else "hours"
        if unit is None:
            if normalize_header(header) != normalize_header(col):
                problems.add(Problem(f"the header {header!r} gives no unit; read as {target} (write the unit in the "
                                     "header, e.g. 'Wait time (min)', if that is wrong)", severity=Severity.INFO,
                                     column=header, **where))
            continue
        if scale != 1.0:
            scales[col] = scale
            problems.add(Problem(f"{header!r} is in {unit}: converted to {target} for {col}", severity=Severity.INFO,
                                 column=header, **where))
    return scales
