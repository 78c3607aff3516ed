"""The config file's `spark:` section: where `--source pyspark` finds its tables.

    spark:
      master: spark://head:7077      # default local[2]: Spark inside this process, two cores
      catalog: spark_catalog         # the catalog holding the database (default spark_catalog)
      database: sales                # its tables and views are the source's tables (default: default)
      conf:                          # further spark.* settings, passed to the session as they are
        spark.sql.shuffle.partitions: 64

Kept apart from the engine (spark.py) so that reading a config never imports pyspark. Errors
are SettingErrors naming the key below `spark.`; config.py adds the file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

KEYS = ("master", "catalog", "database", "conf")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class SettingError(ValueError):
    def __init__(self, key: str, problem: str, hint: str = "") -> None:
        super().__init__(problem)
        self.key, self.problem, self.hint = key, problem, hint


@dataclass(frozen=True)
class SparkSettings:
    master: str = "local[2]"
    catalog: str = "spark_catalog"
    database: str = "default"
    conf: tuple[tuple[str, str], ...] = field(default=())

    @property
    def shown(self) -> str:
        """How messages name the source."""
        return f"spark:{self.catalog}.{self.database}"


def parse(raw: Any) -> SparkSettings:
    """The `spark:` mapping of a config file, checked."""
    if raw is None:
        return SparkSettings()
    if not isinstance(raw, dict):
        raise SettingError("", "must be a mapping", "For example spark: {master: 'local[2]', database: sales}")
    unknown = sorted(str(k) for k in set(raw) - set(KEYS))
    if unknown:
        raise SettingError(unknown[0], "unknown key", f"Known keys: {', '.join(KEYS)}.")
    kw: dict[str, Any] = {}
    for key in ("master", "catalog", "database"):
        value = raw.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or not value.strip():
            raise SettingError(key, "must be text", "For example master: 'local[2]' or spark://head:7077")
        kw[key] = value.strip()
        if key != "master" and not _NAME.fullmatch(kw[key]):
            raise SettingError(key, f"{value!r} is not a plain name",
                               "Use letters, digits and underscores, e.g. database: sales")
    conf = raw.get("conf")
    if conf is not None:
        if not isinstance(conf, dict):
            raise SettingError("conf", "must map spark.* settings to values",
                               "For example conf: {spark.sql.shuffle.partitions: 64}")
        for k, v in conf.items():
            if not str(k).startswith("spark."):
                raise SettingError(f"conf.{k}", "is not a Spark setting (they start with spark.)")
            if isinstance(v, dict | list) or v is None:
                raise SettingError(f"conf.{k}", "must be a single value (text, number or true/false)")
        kw["conf"] = tuple((str(k), str(v).lower() if isinstance(v, bool) else str(v)) for k, v in conf.items())
    return SparkSettings(**kw)
