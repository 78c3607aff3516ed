"""Where a report's engine time goes: every SQL text it runs on DuckDB, with its wall time.

Run:  python benchmarks/querylog.py LAKE_FOLDER [--top 25] [-- more generate options]

Runs `kpireport generate LAKE --no-cache --no-pdf -q` in this process with every DuckDB
connection wrapped, so that each `execute` (and each fetch of a lazy `sql` relation) is timed.
Prints the slowest queries and how many read the big source relations (a `read_parquet`
scan, directly or through the typed views built on it), the figure to cut when a report is
slow on a large lake.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time

import duckdb

LOG: list[tuple[float, float, str]] = []  # (wall s, CPU s of all threads, SQL)
_connect = duckdb.connect


class _Timed:
    """A lazy relation whose fetches are timed against its SQL text."""

    def __init__(self, rel, sql: str) -> None:
        self._rel, self._sql = rel, sql

    def __getattr__(self, name):
        attr = getattr(self._rel, name)
        if not callable(attr):
            return attr

        def call(*a, **k):
            t, c = time.perf_counter(), time.process_time()
            out = attr(*a, **k)
            LOG.append((time.perf_counter() - t, time.process_time() - c, self._sql))
            return out
        return call


class _Con:
    """A connection whose queries are logged."""

    def __init__(self, con) -> None:
        self._con = con

    def execute(self, sql, *a, **k):
        t, c = time.perf_counter(), time.process_time()
        self._con.execute(sql, *a, **k)
        LOG.append((time.perf_counter() - t, time.process_time() - c, sql))
        return self._con

    def sql(self, sql, *a, **k):
        return _Timed(self._con.sql(sql, *a, **k), sql)

    def __getattr__(self, name):
        return getattr(self._con, name)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("lake")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--dump", help="write every SQL text with its time to this file")
    ap.add_argument("--print", dest="to", help="write the summary here instead of the standard output")
    ap.add_argument("extra", nargs="*")
    args = ap.parse_args()
    duckdb.connect = lambda *a, **k: _Con(_connect(*a, **k))  # before kpireport imports it
    from kpireport.cli import main as cli

    out = tempfile.mkdtemp(prefix="querylog-")
    t, c = time.perf_counter(), time.process_time()
    try:
        cli(["--debug", "generate", args.lake, "--out", out, "--no-pdf", "--no-cache", "-q", *args.extra],
            standalone_mode=False)
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    except Exception as exc:  # the profile up to the failure is still worth printing
        code = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
    total, cpu = time.perf_counter() - t, time.process_time() - c
    big = [e for e in LOG if e[0] > 0.05]
    lines = [f"exit {code}; {total:.1f} s wall, {cpu:.1f} s CPU in all; SQL: {sum(e[0] for e in LOG):.1f} s wall, "
             f"{sum(e[1] for e in LOG):.1f} s CPU in {len(LOG)} texts, {len(big)} over 0.05 s wall",
             "   wall     CPU  SQL"]
    if args.dump:
        with open(args.dump, "w") as f:
            f.writelines(f"-- {s:.3f} s wall, {c:.3f} s CPU\n{q};\n\n" for s, c, q in LOG)
    slowest = sorted(LOG, key=lambda e: -e[1])[:args.top]
    lines += [f"{s:6.2f}s {c:6.2f}s  {' '.join(q.split())[:400]}" for s, c, q in slowest]
    if args.to:
        with open(args.to, "w") as f:
            f.write("\n".join(lines) + "\n")
    else:
        print("\n".join(lines))
    return 0 if code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
