"""Recognise the monthly KPI sheet: one row per KPI, one column per month, optionally targets.

    KPI               | Oca 2026 | Şub 2026 | ... | Hedef Oca 2026 | ...
    Revenue           | 120 000  | 131 500  |     | 125 000        |
    Customer churn %  | 2,1 %    | 1,8 %    |     |                |

The KPI is named by catalog id or English / Turkish name in the first text column that names
KPIs; month headers may be real dates, "2026-01", "01.2026", "Oca 2026", "Jan-26" or a bare
month name with the year given above the table or in the sheet name. A column is a target
when its header (or the merged group title above it) says "Target" / "Hedef"; a single
"Target" column without a month applies to every month. A "Unit" / "Birim" column may say
"%", "hours", "minutes" for the row.
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from ..errors import CatalogError
from ..parsing import month_number, parse_month
from ..resources import data_file
from ..yamlfile import parse_yaml
from .normalize import normalize_header

if TYPE_CHECKING:
    from ..catalog import Catalog
    from ..read import RawSheet

KPI_SHEET = "kpi_sheet"
KPI_SHEET_ALIASES = frozenset({"kpi_sheet", "kpi sheet", "kpis", "kpi"})


@dataclass(frozen=True)
class KpiSheetWords:
    sheet_names: tuple[str, ...]
    kpi_headers: frozenset[str]
    target_words: frozenset[str]
    actual_words: frozenset[str]
    unit_headers: frozenset[str]
    aliases: tuple[tuple[str, str], ...] = ()  # (normalised name, kpi id)


@lru_cache(maxsize=1)
def kpi_sheet_words() -> KpiSheetWords:
    path = data_file("tables.yaml")
    raw = parse_yaml(path.read_text(encoding="utf-8"), path, CatalogError).get("kpi_sheet", {})

    def norm(key: str) -> frozenset[str]:
        return frozenset(normalize_header(w) for w in raw.get(key, []))

    aliases = tuple((normalize_header(name), str(kid)) for kid, names in (raw.get("aliases") or {}).items()
                    for name in names)
    return KpiSheetWords(tuple(normalize_header(w) for w in raw.get("sheet_names", [])), norm("kpi_headers"),
                         norm("target_words"), norm("actual_words"), norm("unit_headers"), aliases)


@dataclass
class KpiLayout:
    """Where things are on a monthly KPI sheet (0-based columns)."""

    kpi_col: int
    values: dict[int, str] = field(default_factory=dict)  # column -> month 'YYYY-MM'
    targets: dict[int, str] = field(default_factory=dict)  # column -> month
    target_col: int | None = None  # one target for every month
    unit_col: int | None = None
    ignored: list[str] = field(default_factory=list)
    target_only: bool = False  # a wide targets sheet: every month column holds targets


_ABBREVIATION = re.compile(r"\(([A-Z]{2,5}(?:\s*/\s*[A-Z]{2,5})*)\)")


# Words common English KPI names add around the catalog's name ("Customer Retention Rate",
# "Number of New Leads", "Total Revenue"); a name's core is what is left.
_FILLER = frozenset({"number", "of", "no", "total", "the", "count", "customer", "kpi", "monthly", "our", "score"})


def _core(key: str) -> str:
    return " ".join(w for w in key.split() if w not in _FILLER)


class KpiResolver:
    """KPI names as users type them -> catalog ids: id, English or Turkish name, any case,
    accents, punctuation and a unit in brackets ("Churn rate (%)")."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.index: dict[str, str] = {}
        for kid, k in catalog.kpis.items():
            for text in (kid, kid.replace("_", " "), *k.name.values()):
                self.index.setdefault(normalize_header(text), kid)
                for inner in _ABBREVIATION.findall(text):  # "Customer acquisition cost (CAC / CPA)"
                    for abbr in inner.split("/"):
                        self.index.setdefault(normalize_header(abbr), kid)
        for name, kid in kpi_sheet_words().aliases:
            if kid in catalog.kpis:
                self.index.setdefault(name, kid)
        cores: dict[str, set[str]] = {}
        for key, kid in self.index.items():
            if core := _core(key):
                cores.setdefault(core, set()).add(kid)
        self.cores = {core: next(iter(kids)) for core, kids in cores.items() if len(kids) == 1}

    def __call__(self, name: object) -> str | None:
        """The catalog id, or None. Same rule as compute.targets.resolve_kpi (id or any name, any
        case), with accents, punctuation and bracketed units ignored as well; then the common
        English variants of a name ("Customer Retention Rate", "Number of New Leads") by its core
        words, where they name one KPI only."""
        if not isinstance(name, str) or not name.strip():
            return None
        key = normalize_header(name)
        return self.index.get(key) or self.cores.get(_core(key))

    def suggest(self, name: str) -> str | None:
        best = difflib.get_close_matches(normalize_header(name), list(self.index), n=1, cutoff=0.75)
        return self.index[best[0]] if best else None


_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")


def year_hint(sheet: RawSheet, start: int, header_row: int) -> int | None:
    """A year for bare month headers: from the rows above the header, else the sheet name."""
    for row in sheet.row_slice(start, header_row):
        for cell in row:
            if isinstance(cell, str) and (m := _YEAR.search(cell)):
                return int(m.group(1))
            if isinstance(cell, int | float) and not isinstance(cell, bool) and 1950 <= cell <= 2099 \
                    and cell == int(cell):
                return int(cell)
    m = _YEAR.search(sheet.sheet)
    return int(m.group(1)) if m else None


def month_start_or_end(value: object) -> bool:
    """A date heading a month column is the month's first or last day (a data row's dates are not)."""
    if not isinstance(value, dt.date):
        return False
    return value.day == 1 or value.day == calendar.monthrange(value.year, value.month)[1]


_BUDGET_WORDS = frozenset({"budget", "budgets", "butce"})
_KIND_WORDS = re.compile(r"(?i)\b(?:target|targets|goal|goals|plan|hedef|hedefler|amaç|actual|actuals|value|values|"
                         r"result|results|gerçekleşen|gerçekleşme|fiili|sonuç|değer)\b")


def month_header(cell: object, year: int | None, words: KpiSheetWords) -> tuple[str, str] | None:
    """(kind, 'YYYY-MM') for a month column header, else None; kind is 'target' or 'value' when the
    header says so ("Hedef Oca 2026", "Actual Jan-26"), 'plain' for a bare month."""
    if not isinstance(cell, str):
        month = parse_month(cell) if month_start_or_end(cell) else None
        return ("plain", month) if month else None
    text = cell.strip()
    month = parse_month(text, year)
    if month:
        return "plain", month
    key = normalize_header(text)
    kind = None
    for w in key.split():
        if w in words.target_words:
            kind = "target"
        elif w in words.actual_words and kind is None:
            kind = "value"
    if kind is None:
        return None
    folded = " ".join(re.sub(r"[()\[\]:]", " ", text).split())
    rest = " ".join(_KIND_WORDS.sub(" ", folded).split()).strip(" -/")
    month = parse_month(rest, year)
    return (kind, month) if month else None


Months = dict[int, tuple[str, str]]  # column -> (value | target | plain, month) of a month header


def _month_header_row(sheet: RawSheet, rows: list[list[object]], start: int, search_rows: int,
                      filled: dict[tuple[int, int], object], words: KpiSheetWords) -> tuple[int, Months] | None:
    """The row with the most month headers (two at least) among the rows searched, and its months."""
    best: tuple[int, int, Months] | None = None
    for i in range(start, min(len(rows), start + search_rows)):
        if any(isinstance(c, int | float) and not isinstance(c, bool) for c in rows[i]):
            continue  # a data row, not a header
        year = year_hint(sheet, start, i)
        found: Months = {}
        for j, cell in enumerate(rows[i]):
            cell = filled.get((i, j), cell)
            hit = month_header(cell, year, words)
            if hit:
                found[j] = hit
        if len(found) >= 2 and (best is None or len(found) > best[0]):
            best = (len(found), i, found)
    return None if best is None else (best[1], best[2])


def _kpi_column(rows: list[list[object]], header: int, found: Months, resolve: KpiResolver,
                words: KpiSheetWords) -> tuple[int | None, int]:
    """(the column left of the months holding the most KPI names in the 300 rows below the header,
    how many it holds); else one headed like a KPI column ("KPI", "Gösterge"), with 0."""
    first_month = min(found)
    body = rows[header + 1:header + 301]
    best_col, best_hits = None, 0
    for j in range(0, max(first_month, 1)):
        if j in found:
            continue
        hits = sum(1 for r in body if j < len(r) and resolve(r[j]) is not None)
        if hits > best_hits:
            best_col, best_hits = j, hits
    if best_col is None:
        header_cells = rows[header]
        for j in range(first_month):
            if isinstance(header_cells[j], str) and normalize_header(header_cells[j]) in words.kpi_headers:
                return j, best_hits
    return best_col, best_hits


def detect_layout(sheet: RawSheet, start: int, search_rows: int, resolve: KpiResolver | None,
                  filled: dict[tuple[int, int], object], names_hit: bool, targets_hit: bool,
                  ) -> tuple[int, KpiLayout] | None:
    """The header row and layout of a monthly KPI sheet starting at `start`, or None."""
    words = kpi_sheet_words()
    rows = sheet.row_slice(0, start + search_rows + 301)  # the header search and the 300 rows under it
    best = _month_header_row(sheet, rows, start, search_rows, filled, words)
    if best is None or resolve is None:
        return None
    header, found = best
    # group titles above the month columns ("Actual" / "Target" merged over the months)
    if header > start:
        for j in list(found):
            top = filled.get((header - 1, j), rows[header - 1][j] if j < len(rows[header - 1]) else None)
            if isinstance(top, str):
                top_words = set(normalize_header(top).split())
                if top_words & words.target_words:
                    found[j] = ("target", found[j][1])
    best_col, best_hits = _kpi_column(rows, header, found, resolve, words)
    header_cells = rows[header]
    if best_col is None or (best_hits < 2 and not names_hit and not targets_hit):
        return None
    # a sheet named for targets ("Targets", "KPI Targets", "Hedefler") whose month headers do not say
    # which are values holds targets only
    explicit = any(kind != "plain" for kind, _ in found.values())
    named_targets = bool(set(normalize_header(sheet.sheet).split()) & (words.target_words | _BUDGET_WORDS))
    layout = KpiLayout(best_col, target_only=(targets_hit or named_targets) and not explicit)
    for j, (kind, month) in sorted(found.items()):
        if kind == "target" or layout.target_only:
            layout.targets[j] = month
        else:
            layout.values[j] = month
    for j, cell in enumerate(header_cells):
        if j in found or j == best_col or not isinstance(cell, str) or not cell.strip():
            continue
        key = normalize_header(cell)
        if key in words.unit_headers and layout.unit_col is None:
            layout.unit_col = j
        elif key in words.target_words and layout.target_col is None:
            layout.target_col = j
        else:
            layout.ignored.append(cell.strip())
    return header, layout


def has_month_row(sheet: RawSheet, start: int, stop: int) -> bool:
    """Cheap pre-check for the KPI sheet: some row of the first ones has 2+ month-like headers."""
    words = kpi_sheet_words()

    def month_like(c: object) -> bool:
        if c is None or c == "":
            return False
        if not isinstance(c, str):
            return month_start_or_end(c)
        # "Oca 2026", "Target Jan-26", or a bare month name ("Ocak", "Hedef Ocak") when the year is elsewhere
        return month_header(c, None, words) is not None or month_number(c.split()[-1]) is not None

    for row in sheet.row_slice(start, stop):
        if any(isinstance(c, int | float) and not isinstance(c, bool) for c in row):
            continue
        if sum(1 for c in row if month_like(c)) >= 2:
            return True
    return False
