"""The error hierarchy and the exit codes the CLI maps them to.

The library raises these; only the CLI turns them into one-line messages. Each error carries
`hint`, the sentence that tells a business user what to do next, because a message that only
says what went wrong leaves them stuck.
"""

from __future__ import annotations


class KpiReportError(Exception):
    """Base of every error kpireport raises on purpose."""

    exit_code = 1

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def one_line(self) -> str:
        return f"{self.message} {self.hint}".strip()


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
}
