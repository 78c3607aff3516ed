"""The page `kpireport serve` shows: one self-contained HTML document (inline CSS and JS).

Nothing is fetched from elsewhere (no CDN, no web font), so the page works offline and leaks
nothing. The inline style and script carry a per-response nonce that the Content-Security-Policy
names, so nothing injected could run. Words come from the message catalog of the config's language.
"""

from __future__ import annotations

from functools import lru_cache

import jinja2
from babel import Locale

from ..i18n import Translator

_KEYS = ("uploading", "working", "failed", "download", "workbook", "pdf", "json", "eml", "eml_draft", "send",
         "recognised", "not_recognised", "issues", "not_computed", "rows", "nothing", "quality")


@lru_cache(maxsize=1)
def _template() -> jinja2.Template:
    env = jinja2.Environment(loader=jinja2.PackageLoader("kpireport.serve", "."), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    return env.get_template("page.html.j2")


def page_html(t: Translator, nonce: str, keep_minutes: float, max_upload_mb: float) -> str:
    words = {k: t(f"serve.{k}") for k in _KEYS}
    direction = Locale.parse(t.locale).text_direction
    return _template().render(t=t, nonce=nonce, lang=t.lang, direction=direction, minutes=f"{keep_minutes:g}",
                              max_bytes=int(max_upload_mb * 1024 * 1024), words=words)
