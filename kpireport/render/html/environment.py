"""The Jinja2 environment, template errors a user can act on, and CSS inlining.

A user's template folder (config `templates:`) is searched before the packaged templates, so a
file with the same name - `partials/footer.html.j2`, say - replaces just that piece. Those
templates come from outside the program, so they run sandboxed. Autoescaping is always on:
member names, problem reasons and the company name are user data and must print as text.
StrictUndefined makes a misspelt variable an error instead of a silently empty cell.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

import css_inline
from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
)
from jinja2.sandbox import SandboxedEnvironment

from ...config import Config
from ...errors import OutputError
from ...resources import default_templates_dir


def template_dirs(config: Config) -> list[Path]:
    """User folder first (so its files win by name), then the packaged defaults."""
    dirs = [default_templates_dir()]
    if config.templates is not None:
        dirs.insert(0, Path(config.templates))
    return dirs


def environment(config: Config) -> Environment:
    cls = SandboxedEnvironment if config.templates is not None else Environment
    return cls(
        loader=FileSystemLoader([str(d) for d in template_dirs(config)], encoding="utf-8"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _template_frame(tb: TracebackType | None, dirs: list[Path]) -> tuple[str, int] | None:
    """The innermost traceback frame that is a template line (Jinja2 rewrites tracebacks so
    that template code appears with the template's file name and line number)."""
    roots = [str(d.resolve()) for d in dirs]
    found = None
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith(".j2") or any(name.startswith(r) for r in roots):
            found = (name, tb.tb_lineno)
        tb = tb.tb_next
    return found


def _hint(path: str, config: Config) -> str:
    if config.templates is not None and Path(path).resolve().is_relative_to(Path(config.templates).resolve()):
        return ("Fix that line, or delete the file from your templates folder to use the default one; "
                "the default templates show every variable the context offers.")
    return "The packaged templates are damaged; reinstall kpireport (pip install --force-reinstall kpireport)."


def _sentence(text: str | None) -> str:
    text = (text or "error").strip()
    return text if text.endswith((".", "!", "?", ")")) else text + "."


def render_template(config: Config, name: str, context: Mapping[str, object]) -> str:
    """Render one template; any template error becomes an OutputError naming file and line."""
    dirs = template_dirs(config)
    try:
        return environment(config).get_template(name).render(context)
    except TemplateSyntaxError as exc:
        where = exc.filename or exc.name or name
        raise OutputError(f"template {where}, line {exc.lineno}: {_sentence(exc.message)}",
                          _hint(where, config)) from None
    except (TemplateError, ArithmeticError, AttributeError, LookupError, TypeError, ValueError) as exc:
        frame = _template_frame(sys.exc_info()[2], dirs)
        text = str(exc) if not isinstance(exc, TemplateNotFound) else f"template {exc.name!r} not found"
        if frame is None:
            searched = ", ".join(str(d) for d in dirs)
            raise OutputError(f"template {name}: {_sentence(text)} (searched {searched})",
                              _hint(str(dirs[-1]), config)) from None
        raise OutputError(f"template {frame[0]}, line {frame[1]}: {_sentence(text)}", _hint(frame[0], config)) from None


def inline_css(html: str) -> str:
    """Move the <style> rules into style attributes, as Outlook and Gmail ignore most
    stylesheets. @media rules stay in a <style> block for the clients that honour them;
    remote stylesheets are never fetched and <link> tags are dropped."""
    try:
        return css_inline.inline(html, keep_at_rules=True, load_remote_stylesheets=False,
                                 keep_link_tags=False, minify_css=True)
    except (css_inline.InlineError, ValueError) as exc:
        raise OutputError(f"the HTML summary's CSS could not be inlined: {exc}",
                          "Check the <style> block of your templates for a syntax error.") from None
