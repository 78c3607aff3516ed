"""Header normalisation: the key under which a user's header meets our synonyms.

"Amount (USD)", "AMOUNT", "amount:" and "Tutar (TL)" must meet "amount" and "tutar": we fold
case (Turkish dotted and dotless i included), drop accents, drop a unit in brackets, split
camelCase ("InvoiceDate", "CustomerID"), turn punctuation into spaces and spell the words for
"number" one way ("Order #", "Order Nr", "Order Number" -> "order no"). Letters of other
scripts stay (a Persian header "تاریخ سفارش" is a key like any other); the Arabic forms of yeh
and kaf that Persian text typed on an Arabic keyboard carries are folded into the Persian ones.

`header_keys` adds a second, looser key without a trailing unit word ("Amount USD",
"First reply time in minutes"), tried only when the exact key matches nothing.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from xlsxwriter.utility import xl_cell_to_rowcol, xl_col_to_name, xl_rowcol_to_cell

_BRACKETS = re.compile(r"[\(\[\{][^\)\]\}]*[\)\]\}]")
_CAMEL = re.compile(r"(?<=[a-zçğıöşü0-9])(?=[A-ZÇĞİÖŞÜ])|(?<=[A-ZÇĞİÖŞÜ])(?=[A-ZÇĞİÖŞÜ][a-zçğıöşü]{2})")
_NON_WORD = re.compile(r"[\W_]+")
_ARABIC = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک"})
TURKISH_ASCII = str.maketrans({"ı": "i", "İ": "i", "ş": "s", "Ş": "s", "ğ": "g", "Ğ": "g", "ç": "c", "Ç": "c",
                          "ö": "o", "Ö": "o", "ü": "u", "Ü": "u"})
# Words for "number" in headers, spelt one way so that one synonym covers them all.
_NUMBER_WORDS = {"number": "no", "nr": "no", "num": "no", "nbr": "no", "numarasi": "no", "numara": "no"}
# Trailing words that only give a unit or currency: dropped for the looser key.
UNIT_WORDS = frozenset({
    "usd", "eur", "try", "tl", "gbp", "ytl", "chf", "jpy", "pct", "percent", "yuzde",
    "sec", "secs", "second", "seconds", "s", "sn", "saniye",
    "min", "mins", "minute", "minutes", "dk", "dakika",
    "h", "hr", "hrs", "hour", "hours", "sa", "saat",
    "day", "days", "d", "gun",
})
_UNIT_LEAD = frozenset({"in", "per", "cinsinden"})


@lru_cache(maxsize=65536)
def normalize_header(text: object) -> str:
    if text is None:
        return ""
    s = str(text)
    s = _BRACKETS.sub(" ", s)
    s = _CAMEL.sub(" ", s)
    s = s.translate(TURKISH_ASCII).translate(_ARABIC)
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).casefold()
    s = s.replace("#", " no ").replace("%", " pct ").replace("№", " no ")
    words = _NON_WORD.sub(" ", s).split()
    return " ".join(_NUMBER_WORDS.get(w, w) for w in words)


@lru_cache(maxsize=65536)
def header_keys(text: object) -> tuple[str, ...]:
    """The exact key, then the key without trailing unit words ("amount usd" -> "amount")."""
    key = normalize_header(text)
    if not key:
        return ()
    words = key.split()
    while len(words) > 1 and words[-1] in UNIT_WORDS:
        words.pop()
        if len(words) > 1 and words[-1] in _UNIT_LEAD:
            words.pop()
    loose = " ".join(words)
    return (key,) if loose == key else (key, loose)


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA (xlsxwriter's converter, the one the workbook writer uses)."""
    return xl_col_to_name(index)


def cell_ref(row: int, col: int) -> str:
    """0-based row and column to an A1 reference."""
    return xl_rowcol_to_cell(row, col)


def column_index(letters: str) -> int:
    """A -> 0, AA -> 26 (inverse of column_letter)."""
    return xl_cell_to_rowcol(letters.upper() + "1")[1]
