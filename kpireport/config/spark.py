"""The `spark:` section: where `--source pyspark` reads (engines/spark_settings.py checks it;
this turns its complaints into config errors naming the file and key)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..engines import spark_settings
from .errors import fail, refuse_secrets


def spark_section(path: Path, raw: Any) -> spark_settings.SparkSettings:
    """The Spark session settings; a secret-looking key under `conf:` is refused like the rest."""
    if isinstance(raw, dict) and isinstance(raw.get("conf"), dict):
        refuse_secrets(path, raw["conf"], "spark.conf.")
    try:
        return spark_settings.parse(raw)
    except spark_settings.SettingError as exc:
        raise fail(path, ".".join(k for k in ("spark", exc.key) if k), exc.problem, exc.hint) from None
