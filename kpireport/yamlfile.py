"""Parse the YAML files users and we edit (catalog, config, messages) with one error shape.

A typo in a YAML file should say where it is; every loader reports "not valid YAML at line L,
column C" through its own error class, so the CLI gives it the right exit code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import KpiReportError

# libyaml's safe loader where available (several times faster); same rules as yaml.safe_load.
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str, path: Path, error: type[KpiReportError]) -> Any:
    try:
        return yaml.load(text, Loader=SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise error(f"{path}: not valid YAML{at}.", "Check the indentation and quotes there.") from None
