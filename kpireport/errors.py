"""The error hierarchy and the exit codes the CLI maps them to.

The library raises these; only the CLI turns them into one-line messages. Each error carries
`hint`, the sentence that tells a business user what to do next, because a message that only
says what went wrong leaves them stuck.

Exit codes are part of the interface (scripts branch on them): never renumber one. New
categories get new numbers at the end; a subclass may refine its parent's code (an
UnsupportedFormatError is still a NotAWorkbookError to `except` clauses, but exits 14).

| code | class | meaning |
|---:|---|---|
| 1 | (anything else) | unexpected error: a bug; `--debug` shows the traceback |
| 2 | UsageError | a bad option or period |
| 3 | InputError | a file or folder that cannot be used |
| 4 | NotAWorkbookError | not a workbook or CSV (random bytes, a PDF, a zip of other files) |
| 5 | CorruptFileError | damaged, truncated or empty file; the reader crashed on it |
| 6 | EncryptedFileError | password-protected workbook |
| 7 | MissingDataError | no table recognised / a required column is absent |
| 8 | CatalogError | a bad KPI definition |
| 9 | ConfigError | a bad config file |
| 10 | OutputError | the report could not be written |
| 11 | DeliveryError | e-mail delivery failed |
| 12 | UnsafeContentError | hostile content refused: zip bomb, XML entities/DOCTYPE, dimension bomb |
| 13 | TooLargeError | beyond kpireport's size, memory or time limits |
| 14 | UnsupportedFormatError | a real spreadsheet format kpireport does not read (.xlsb, HTML or XML saved as .xls) |
| 15 | AmbiguousHeaderError | a header row that maps two ways and needs a mapping override |
| 16 | UnparseableValueError | a value that must parse (e.g. in strict mode) and does not |
| 17 | InstallationError | a required package (defusedxml) is missing or broken |
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]+")


def one_line_text(text: str) -> str:
    """`text` on one line: control characters (newlines, ANSI escapes from hostile sheet or file
    names) and bidirectional or zero-width format characters (U+202E makes "x\u202eslx.exe" read
    "xexe.xlsx") become spaces, runs of spaces collapse."""
    return " ".join(_CONTROL.sub(" ", text).split())


class KpiReportError(Exception):
    """Base of every error kpireport raises on purpose."""

    exit_code = 1

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def one_line(self) -> str:
        return one_line_text(f"{self.message} {self.hint}")


class InputError(KpiReportError):
    """An input file cannot be used as given."""

    exit_code = 3


class NotAWorkbookError(InputError):
    exit_code = 4


class CorruptFileError(InputError):
    exit_code = 5


class EncryptedFileError(InputError):
    exit_code = 6


class MissingDataError(InputError):
    """Nothing usable was found: no table recognised, or a required column is absent."""

    exit_code = 7


class CatalogError(KpiReportError):
    """The KPI catalog or a user's KPI definitions are invalid."""

    exit_code = 8


class ConfigError(KpiReportError):
    exit_code = 9


class OutputError(KpiReportError):
    """A report could not be written."""

    exit_code = 10


class DeliveryError(KpiReportError):
    exit_code = 11


class UsageError(KpiReportError):
    """The command line asks for something impossible (an unknown period, say)."""

    exit_code = 2


class UnsafeContentError(InputError):
    """Content built to hurt the reader: a zip bomb, XML with DOCTYPE/ENTITY declarations, a
    stray cell at XFD1048576 that makes a reader allocate billions of cells."""

    exit_code = 12


class TooLargeError(InputError):
    """Honest content beyond kpireport's limits (size, cells, memory or time)."""

    exit_code = 13


class UnsupportedFormatError(NotAWorkbookError):
    """A spreadsheet in a format kpireport does not read: .xlsb, a web page or Excel 2003 XML
    saved with an .xls name, a pre-1997 workbook."""

    exit_code = 14


class AmbiguousHeaderError(InputError):
    """A header row that matches a table two ways (two columns for one field, say) and needs a
    mapping override to settle it."""

    exit_code = 15


class UnparseableValueError(InputError):
    """A value that must parse and does not (bad cells are normally Problems, not errors; this is
    for the places where one value decides the run)."""

    exit_code = 16


class InstallationError(KpiReportError):
    """kpireport's installation is incomplete: a required package cannot be imported."""

    exit_code = 17


EXIT_CODES: dict[str, int] = {
    "ok": 0,
    "unexpected error": 1,
    "usage error": UsageError.exit_code,
    "input error": InputError.exit_code,
    "not a workbook": NotAWorkbookError.exit_code,
    "corrupt file": CorruptFileError.exit_code,
    "encrypted file": EncryptedFileError.exit_code,
    "missing data": MissingDataError.exit_code,
    "catalog error": CatalogError.exit_code,
    "config error": ConfigError.exit_code,
    "output error": OutputError.exit_code,
    "delivery error": DeliveryError.exit_code,
    "unsafe content": UnsafeContentError.exit_code,
    "too large": TooLargeError.exit_code,
    "unsupported format": UnsupportedFormatError.exit_code,
    "ambiguous header": AmbiguousHeaderError.exit_code,
    "unparseable value": UnparseableValueError.exit_code,
    "installation error": InstallationError.exit_code,
}
