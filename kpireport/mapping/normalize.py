"""Header normalisation: the key under which a user's header meets our synonyms.

"Amount (USD)", "AMOUNT", "amount:" and "Tutar (TL)" must meet "amount" and "tutar": we fold
case (Turkish dotted and dotless i included), drop accents, drop a unit in brackets and turn
punctuation into spaces.
"""

from __future__ import annotations

import re
import unicodedata

_BRACKETS = re.compile(r"[\(\[\{][^\)\]\}]*[\)\]\}]")
_NON_WORD = re.compile(r"[^0-9a-z]+")
_TURKISH = str.maketrans({"ı": "i", "İ": "i", "ş": "s", "Ş": "s", "ğ": "g", "Ğ": "g", "ç": "c", "Ç": "c",
                          "ö": "o", "Ö": "o", "ü": "u", "Ü": "u"})


def normalize_header(text: object) -> str:
    if text is None:
        return ""
    s = str(text).translate(_TURKISH)
    s = _BRACKETS.sub(" ", s)
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).casefold()
    s = s.replace("#", " no ").replace("%", " pct ")
    return _NON_WORD.sub(" ", s).strip()


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    out = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def cell_ref(row: int, col: int) -> str:
    """0-based row and column to an A1 reference."""
    return f"{column_letter(col)}{row + 1}"
