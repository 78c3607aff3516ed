"""Errors that name the config key at fault ('email.port', 'hide[0]') and, once the file's text
is at hand, its line and column; and the refusal of keys that look like secrets."""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

import yaml

from ..errors import ConfigError
from ..yamlfile import SafeLoader

_SECRET = re.compile(r"pass|pwd|secret|token|api[_ -]?key|credential|^auth|^login$|^user(name)?$|smtp_user", re.I)
_SECRET_HINT = ("Secrets do not belong in a file that ends up shared: set KPIREPORT_SMTP_USER and "
                "KPIREPORT_SMTP_PASSWORD in the environment instead.")


class ConfigKeyError(ConfigError):
    """A bad value (or unknown key) in the config, by its key path ('email.port', 'hide[0]').

    `load_config` adds where it is, from the YAML node marks: `kpireport.yaml:12:8: key
    'email.port': 'abc' is not a port number.` (line and column 1-based, as editors count).
    """

    def __init__(self, path: Path, key: str, problem: str, hint: str = "", at: tuple[int, int] | None = None):
        where = f"{path}:{at[0]}:{at[1]}" if at else f"{path}"
        super().__init__(f"{where}: key {key!r}: {problem}.", hint)
        self.path, self.key, self.problem, self.at = path, key, problem, at

    def located(self, text: str) -> ConfigKeyError:
        """The same error naming the line and column of the offending value (of the key itself
        for an unknown key); unchanged when the key cannot be found in `text`."""
        found = key_marks(text).get(self.key)
        if found is None:
            return self
        value, key = found
        mark = key if self.problem.startswith("unknown key") or "password" in self.problem else value
        return ConfigKeyError(self.path, self.key, self.problem, self.hint, (mark.line + 1, mark.column + 1))


def key_marks(text: str) -> dict[str, tuple[Any, Any]]:
    """{key path as the errors write it: (mark of the value, mark of the key)} over the whole file."""
    out: dict[str, tuple[Any, Any]] = {}

    def walk(node: Any, prefix: str) -> None:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                name = str(k.value) if isinstance(k, yaml.ScalarNode) else "?"
                here = f"{prefix}.{name}" if prefix else name
                out.setdefault(here, (v.start_mark, k.start_mark))
                walk(v, here)
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                here = f"{prefix}[{i}]"
                out.setdefault(here, (v.start_mark, v.start_mark))
                walk(v, here)

    try:
        walk(yaml.compose(text, Loader=SafeLoader), "")
    except yaml.YAMLError:
        return {}
    return out


def fail(path: Path, key: str, problem: str, hint: str = "") -> ConfigError:
    """The error for a bad value at `key` (raise it; `load_config` locates it in the file)."""
    return ConfigKeyError(path, key, problem, hint)


def did_you_mean(word: str, options: list[str] | tuple[str, ...]) -> str:
    """'Did you mean 'x'? ' for the closest option, to start a hint; '' when none is close."""
    close = difflib.get_close_matches(str(word), list(options), n=1, cutoff=0.6)
    return f"Did you mean {close[0]!r}? " if close else ""


def refuse_secrets(path: Path, raw: dict[str, Any], prefix: str = "") -> None:
    """A key that looks like a password or login is an error: secrets come from the environment."""
    for key in raw:
        if _SECRET.search(str(key)):
            raise fail(path, f"{prefix}{key}", "looks like a password or login, which kpireport never reads from a "
                       "config file", _SECRET_HINT)

