"""Yes/no columns: Yes/No, Y/N, TRUE/FALSE, 1/0, Evet/Hayır, and a column marked with "x"."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..parsing import parse_bool
from .cells import (
    BOOL,
    DATE,
    DELTA,
    NUM,
    OTHER,
    TIME,
    Cells,
    Failure,
    Note,
    classify,
    fail_kind,
    fail_texts,
    parse_distinct,
    texts_of,
)


def to_bool(values: Cells, notes: list[Note] | None = None) -> tuple[pd.Series, list[Failure]]:
    """Yes/No, Y/N, TRUE/FALSE, 1/0, Evet/Hayır; a column marked with "x" reads blanks as no."""
    arr, kind = classify(values)
    n = len(arr)
    out = np.zeros(n, dtype=bool)
    known = np.zeros(n, dtype=bool)
    failures: list[Failure] = []
    b = np.flatnonzero(kind == BOOL)
    out[b] = arr[b].astype(bool)
    known[b] = True
    num = np.flatnonzero(kind == NUM)
    if len(num):
        vals = arr[num].astype(float)
        good = (vals == 0) | (vals == 1)
        out[num[good]] = vals[good] == 1
        known[num[good]] = True
        for i, v in zip(num[~good].tolist(), vals[~good].tolist(), strict=True):
            failures.append((i, f"{v:g} is not yes/no (use 1 or 0)"))
    idx, codes, texts = texts_of(arr, kind)
    uses_x = False
    if texts:
        ok, bad = parse_distinct(texts, parse_bool)
        uses_x = any(t.casefold() in ("x", "✓", "✔") for t in texts)
        value = np.array([bool(v) for v in ok], dtype=bool)
        good_code = np.array([v is not None for v in ok], dtype=bool)
        out[idx] = value[codes]
        known[idx] = good_code[codes]
        fail_texts(idx, codes, bad, failures)
    fail_kind(arr, kind, (DATE, TIME, DELTA, OTHER), "yes/no", failures)
    if uses_x:
        blank = ~known
        if failures:
            blank[[p for p, _ in failures]] = False
        out[blank] = False
        known |= blank
    failures.sort()
    result = pd.array(out, dtype="boolean")
    result[~known] = pd.NA
    return pd.Series(result, dtype="boolean"), failures
