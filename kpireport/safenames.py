"""Names that come from users' files, made safe to become folder names and to appear in logs.

A dropped file may be called "report\\n2026-10 processed ok.xlsx" or hold U+202E (RIGHT-TO-LEFT
OVERRIDE), which makes "invoice\\u202exslx.exe" display as "invoiceexe.xlsx". Used raw, the first
forges a log line and the second a folder name that lies about itself. Files keep their names
(they are moved unchanged); what kpireport creates or prints from a name goes through here:

- `folder_name`: control, format (bidi overrides, zero-width) and separator characters, and
  those Windows forbids in names (<>:"/\\|?*), become "_"; leading/trailing dots and spaces go
  (Windows drops them; "." and ".." are not folders of ours); never empty, at most 120 characters.
- `shown`: the name for a log line, each such character written as a visible escape (\\n, \\u202e),
  so the line says exactly what the name holds and stays one line.
"""

from __future__ import annotations

import unicodedata

_WINDOWS = set('<>:"/\\|?*')
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _unsafe(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn")


def folder_name(name: str) -> str:
    cleaned = "".join("_" if _unsafe(ch) or ch in _WINDOWS else ch for ch in name).strip(" .")
    return cleaned[:120].rstrip(" .") or "_"


def shown(name: str) -> str:
    return "".join(_ESCAPES.get(ch) or f"\\u{ord(ch):04x}" if _unsafe(ch) else ch for ch in name)
