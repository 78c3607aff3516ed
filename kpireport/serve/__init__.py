"""`kpireport serve`: a local web page where a user drops export files and gets the report.

app.py is the ASGI app (Starlette), store.py the private per-report folders, page.py and
page.html.j2 the one self-contained page, quality.py the data-quality panel. Generation
goes through the same pipeline, guard and isolated reader as `kpireport generate`.
"""

from .app import create_app
from .store import ReportStore

LOOPBACK = ("127.0.0.1", "localhost", "::1")

__all__ = ["LOOPBACK", "ReportStore", "create_app"]
