"""Where packaged data files and default templates live.

Both an editable install and a plain `pip install .` must find them, from any working
directory. The wheel maps the repository's top-level `templates/` to `kpireport/templates/`;
an editable install leaves it beside the package, so we look in both places.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"


def data_file(name: str) -> Path:
    return DATA_DIR / name


def default_templates_dir() -> Path:
    for candidate in (PACKAGE_DIR / "templates", PACKAGE_DIR.parent / "templates"):
        if (candidate / "report.html.j2").is_file():
            return candidate
    raise FileNotFoundError(
        "kpireport's default templates are missing; reinstall the package (pip install --force-reinstall kpireport)"
    )
