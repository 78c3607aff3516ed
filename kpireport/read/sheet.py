"""RawSheet: one sheet's cells as read, by row for small sheets and by typed column for large ones.

A sheet of a few thousand rows is a list of rows of Python values, which every later stage can
walk freely. A million-row export is not: twelve million Python objects cost more to create,
walk and collect than everything else in the run. So a large .xlsx sheet keeps its first rows
(`rows`, where headers, titles and notes live) as Python values, and everything below
(`body`) as one typed array per column, as the fast reader (fastexcel) returns them:

- float64, NaN where the cell is empty;
- datetime64, NaT where empty;
- pandas.Categorical of the texts, code -1 where empty (an export repeats few distinct texts);
- object, Python values and None (anything else, e.g. yes/no or durations; rare).

Stages ask the sheet for what they need, never for `rows` beyond the head: `n_rows`, `row(i)`
for a few rows (header search, block detection), `column(j, start, stop)` for a column of data.
A column spanning the head and the body comes back typed when the head's values fit the body's
type, else as Python values.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from operator import itemgetter
from typing import TypeAlias

import numpy as np
import pandas as pd

Column: TypeAlias = np.ndarray | pd.Categorical
# None as a 0-d object array: compared elementwise with np.equal like None itself, in a form
# numpy's type stubs accept as a ufunc operand.
_NONE = np.array(None, dtype=object)


def unique_categories(cats: pd.Index) -> pd.CategoricalDtype:
    """The dtype of categories already known to be distinct (an Arrow dictionary's values, or those
    plus texts checked not to be among them). pandas would check them again by hashing every one:
    a few tenths of a second per million IDs, each time a column is built."""
    fast = getattr(pd.CategoricalDtype, "_from_fastpath", None)  # pandas' own unchecked constructor
    return fast(cats, False) if fast is not None else pd.CategoricalDtype(cats)


@dataclass
class SheetBody:
    """Rows `start` .. `start + length - 1` of a sheet, one typed array per used column (0-based)."""

    start: int
    length: int
    columns: dict[int, Column] = field(default_factory=dict)
    unverified: dict[int, str] = field(default_factory=dict)  # typed columns with empty cells (fastsheet.py)

    def __getstate__(self) -> dict:
        """Plain numpy arrays and lists only, so the isolated reader's output unpickles with a short
        allow-list (isolate.py): a Categorical travels as its codes and its texts."""
        cols = {j: ("cat", c.codes, c.categories.to_numpy(dtype=object).tolist()) if isinstance(c, pd.Categorical)
                else ("arr", c) for j, c in self.columns.items()}
        return {"start": self.start, "length": self.length, "columns": cols, "unverified": self.unverified}

    def __setstate__(self, state: dict) -> None:
        self.start, self.length, self.unverified = state["start"], state["length"], state.get("unverified", {})
        self.columns = {j: pd.Categorical.from_codes(c[1], dtype=unique_categories(pd.Index(c[2], dtype=object)))
                        if c[0] == "cat" else c[1] for j, c in state["columns"].items()}

    def value(self, col: Column, i: int) -> object:
        """One cell as the row reader would give it (None when empty)."""
        if isinstance(col, pd.Categorical):
            code = int(col.codes[i])
            return None if code < 0 else col.categories[code]
        v = col[i]
        if col.dtype.kind == "f":
            return None if np.isnan(v) else float(v)
        if col.dtype.kind == "M":
            return None if np.isnat(v) else pd.Timestamp(v).to_pydatetime()
        return v


@dataclass
class RawSheet:
    """One sheet's cells as read: rows of Python values (str, float, int, bool, datetime, date,
    time, timedelta, or None / "" for an empty cell). Row 0 is the sheet's first row, column 0
    its column A. With a `body`, `rows` holds only the rows above `body.start`.

    merges: merged ranges as (first_row, first_col, last_row, last_col), 0-based, inclusive;
    only the top-left cell of a merge holds its value. hidden_rows: 0-based rows hidden in
    Excel (their cells are still read). date1904: the workbook counts serial dates from 1904
    (old Mac Excel). excel_errors: cells whose cached value is an Excel error, written into
    the cells as the error text. detail: how the file was read, for `kpireport validate`.
    """

    file: str
    sheet: str
    rows: list[list[object]]
    hidden: bool = False
    merges: tuple[tuple[int, int, int, int], ...] = ()
    hidden_rows: frozenset[int] = field(default_factory=frozenset)
    hidden_cols: frozenset[int] = field(default_factory=frozenset)  # 0-based, hidden in Excel (still read)
    percent_cells: frozenset[tuple[int, int]] = field(default_factory=frozenset)  # (row, col) formatted as %
    date1904: bool = False
    excel_errors: int = 0
    detail: str = ""
    body: SheetBody | None = None
    _joined: dict = field(default_factory=dict, repr=False, compare=False)  # column() across head and body

    @property
    def n_rows(self) -> int:
        return self.body.start + self.body.length if self.body is not None else len(self.rows)

    def row(self, i: int) -> list[object]:
        """Row `i` as Python values (built from the columns when it lies in the body)."""
        body = self.body
        if body is None or i < body.start:
            return self.rows[i]
        k = i - body.start
        if not body.columns or k >= body.length:
            return []
        out: list[object] = [None] * (max(body.columns) + 1)
        for j, col in body.columns.items():
            out[j] = body.value(col, k)
        return out

    def row_slice(self, start: int, stop: int) -> list[list[object]]:
        """Rows start .. stop - 1 as Python values; meant for a few rows at a time."""
        stop = min(stop, self.n_rows)
        if self.body is None:
            return self.rows[start:stop]
        return [self.row(i) for i in range(start, stop)]

    def put_texts(self, cells: dict[tuple[int, int], str]) -> None:
        """Write texts (Excel error values the readers gave as empty) into cells that are empty.
        A typed body column receiving one becomes a column of Python values."""
        body = self.body
        by_col: dict[int, list[tuple[int, str]]] = {}
        for (r, c), text in cells.items():
            if body is None or r < body.start:
                if r < len(self.rows) and c < len(self.rows[r]) and self.rows[r][c] in ("", None):
                    self.rows[r][c] = text
            elif r - body.start < body.length:
                by_col.setdefault(c, []).append((r - body.start, text))
        if body is None:  # every text went into the rows above
            return
        for c, items in by_col.items():
            col = body.columns.get(c)
            values = np.full(body.length, None, dtype=object) if col is None else as_objects(col)
            for k, text in items:
                if values[k] is None or values[k] == "":
                    values[k] = text
            body.columns[c] = values

    def column(self, j: int, start: int, stop: int | None = None) -> Column:
        """Column `j` over rows start .. stop - 1: typed where the sheet has a typed body."""
        stop = self.n_rows if stop is None else min(stop, self.n_rows)
        start = min(start, stop)
        body = self.body
        if body is None or stop <= body.start:
            return _objects_of(self.rows[start:stop], j)
        lo, hi = max(start, body.start) - body.start, stop - body.start
        col = body.columns.get(j)
        typed = _blank_like(col, hi - lo) if col is None else col[lo:hi]
        if start >= body.start:
            return typed
        key = (j, start, stop)  # the mapper and the validator ask for the same spans: join once
        if key not in self._joined:
            self._joined[key] = join(_objects_of(self.rows[start:body.start], j), typed)
        return self._joined[key]


def _objects_of(rows: list[list[object]], j: int) -> np.ndarray:
    out = np.empty(len(rows), dtype=object)
    try:
        out[:] = list(map(itemgetter(j), rows))
    except IndexError:  # ragged rows (hand-made sheets)
        out[:] = [r[j] if j < len(r) else None for r in rows]
    return out


def _blank_like(col: Column | None, n: int) -> Column:
    if col is None:
        return np.full(n, None, dtype=object)
    if isinstance(col, pd.Categorical):
        return pd.Categorical.from_codes(np.full(n, -1, dtype=np.int8), categories=col.categories[:0])
    if col.dtype.kind == "f":
        return np.full(n, np.nan)
    if col.dtype.kind == "M":
        return np.full(n, np.datetime64("NaT"), dtype=col.dtype)
    return np.full(n, None, dtype=object)


def is_blank(col: Column) -> np.ndarray:
    """Per cell: empty (None, '', NaN, NaT, or no category)."""
    if isinstance(col, pd.Categorical):
        return col.codes < 0
    if col.dtype.kind == "f":
        return np.isnan(col)
    if col.dtype.kind == "M":
        return np.isnat(col)
    return (col == "") | np.equal(col, _NONE)


def as_objects(col: Column) -> np.ndarray:
    """Any column as Python values, as the row reader gives them (None when empty)."""
    if isinstance(col, pd.Categorical):
        out = np.asarray(col, dtype=object)
        out[col.codes < 0] = None
        return out
    if col.dtype.kind == "f":
        out = col.astype(object)
        out[np.isnan(col)] = None
        return out
    if col.dtype.kind == "M":
        out = np.empty(len(col), dtype=object)
        out[:] = [None if v is pd.NaT else v.to_pydatetime() for v in pd.DatetimeIndex(col)]
        return out
    return col


def _fits(values: np.ndarray, kind: str) -> bool:
    """Every value of the head part can join a typed body column of this kind without change."""
    for v in values:
        if v is None or v == "":
            continue
        if kind == "f" and type(v) not in (float, int):
            return False
        if kind == "M" and not isinstance(v, dt.datetime | dt.date):
            return False
        if kind == "c" and not isinstance(v, str):
            return False
    return True


def join(head: np.ndarray, typed: Column) -> Column:
    """The head's Python values followed by a typed body column: typed when they fit."""
    if isinstance(typed, pd.Categorical):
        if _fits(head, "c"):
            texts = np.array([v if isinstance(v, str) and v != "" else None for v in head], dtype=object)
            given = np.flatnonzero(np.not_equal(texts, _NONE))
            cats = typed.categories
            # a few head texts against up to a million categories: scan for them (no hash of every category)
            where = np.flatnonzero(cats.isin(list(set(texts[given].tolist())))) if len(given) else np.empty(0, np.intp)
            position = {cats[k]: int(k) for k in where}
            extra = list(dict.fromkeys(t for t in texts[given].tolist() if t not in position))
            if extra:
                position.update({t: len(cats) + i for i, t in enumerate(extra)})
                # object dtype kept: Index.append would infer pandas' str dtype, whose uniqueness check
                # (from_codes) and later object copies cost seconds on a million IDs
                cats = pd.Index(np.concatenate([cats.to_numpy(dtype=object), np.array(extra, dtype=object)]),
                                dtype=object)
            found = np.array([position[t] for t in texts[given].tolist()], dtype=np.int64)
            head_codes = np.full(len(head), -1, dtype=np.int64)
            head_codes[given] = found
            codes = np.concatenate([head_codes, typed.codes.astype(np.int64)])
            if not extra:  # the same categories: reuse the dtype (no second uniqueness check of them)
                return pd.Categorical.from_codes(codes, dtype=typed.dtype)
            return pd.Categorical.from_codes(codes, dtype=unique_categories(cats))
    elif typed.dtype.kind == "f" and _fits(head, "f"):
        part = np.array([np.nan if v is None or v == "" else float(v) for v in head], dtype=float)
        return np.concatenate([part, typed])
    elif typed.dtype.kind == "M" and _fits(head, "M"):
        part = np.array([np.datetime64("NaT") if v is None or v == "" else np.datetime64(v) for v in head],
                        dtype=typed.dtype)
        return np.concatenate([part, typed])
    out = np.empty(len(head) + len(typed), dtype=object)
    out[:len(head)] = head
    out[len(head):] = as_objects(typed)
    return out
