"""Speed and memory of `kpireport generate`, per stage, at 10k, 100k and 1,048,575 order rows.

Run:  python benchmarks/bench.py            (all sizes, with the naive baseline)
      python benchmarks/bench.py --sizes 10000,100000 --no-baseline

Each measurement runs in a fresh Python process so that peak memory (ru_maxrss) belongs to
that run alone. For every size it measures, on the orders-only workbook and on the full
multi-table workbook: wall time of read, map, validate, compute, render workbook, render HTML
and JSON, the peak RSS after each stage, and the whole `kpireport generate` command end to end.
The naive baseline reads the same sheets with pandas.read_excel(engine="openpyxl") and then
runs the same map/validate/compute, in the same run, so the ratio holds on a noisy machine.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from data import full_workbook, orders_workbook  # noqa: E402

FULL_SHEET = 1_048_575  # data rows under one header row: a completely full Excel sheet
SIZES = [10_000, 100_000, FULL_SHEET]

WORKER = r"""
import json, resource, sys, time, datetime as dt
from pathlib import Path
path, mode = Path(sys.argv[1]), sys.argv[2]
def rss(): return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
stages = []
t = time.perf_counter()
def mark(name):
    global t
    now = time.perf_counter(); stages.append((name, now - t, rss())); t = now
from kpireport.config import Config
from kpireport.catalog import default_catalog
from kpireport.compute.run import compute_report
from kpireport.mapping import map_sheets
from kpireport.validate import validate
config = Config(); catalog = default_catalog()
mark("import")
if mode == "kpireport":
    from kpireport.read import read_inputs
    sheets = read_inputs([path])
else:
    import pandas as pd
    from kpireport.read import RawSheet
    frames = pd.read_excel(path, sheet_name=None, header=None, engine="openpyxl")
    sheets = [RawSheet(path.name, name, df.astype(object).where(df.notna(), None).values.tolist())
              for name, df in frames.items()]
mark("read")
mapped, problems = map_sheets(sheets)
mark("map")
dataset = validate(mapped, problems, config.input_locale)
mark("validate")
report = compute_report(dataset, catalog)
mark("compute")
if mode == "kpireport":
    from kpireport.render.workbook import render_workbook
    from kpireport.render.html import render_html
    from kpireport.render.json_out import render_json
    today = dt.date(2026, 11, 23)
    render_workbook(report, config, today); mark("render workbook")
    render_html(report, config, today); mark("render HTML")
    render_json(report, today); mark("render JSON")
print(json.dumps({"stages": stages, "rows": int(sum(len(df) for df in dataset.tables.values()))}))
"""


def worker(path: Path, mode: str) -> dict:
    out = subprocess.run([sys.executable, "-c", WORKER, str(path), mode], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"benchmark worker failed on {path.name} ({mode}):\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def end_to_end(path: Path, tmp: Path) -> tuple[float, float]:
    """Wall time and peak RSS (MB) of the real command, in a child process."""
    code = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
            "r = subprocess.run([sys.executable, '-m', 'kpireport', 'generate', sys.argv[1], '--out', sys.argv[2], "
            "'-q']); print(time.perf_counter() - t, "
            "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, r.returncode)")
    out = subprocess.run([sys.executable, "-c", code, str(path), str(tmp)], capture_output=True, text=True, check=True)
    wall, peak, rc = out.stdout.split()
    if rc != "0":
        raise SystemExit(f"kpireport generate failed on {path}")
    return float(wall), float(peak)


def table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True)))
             for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default=",".join(map(str, SIZES)))
    ap.add_argument("--no-baseline", action="store_true", help="skip the slow openpyxl baseline")
    ap.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results = []
    for n in sizes:
        print(f"preparing inputs with {n:,} order rows (cached in {HERE / '.cache'}) ...", flush=True)
        for kind, path in (("orders", orders_workbook(n)), ("full", full_workbook(n))):
            res = worker(path, "kpireport")
            wall, peak = end_to_end(path, HERE / ".cache" / f"out_{kind}_{n}")
            base = None if args.no_baseline else worker(path, "baseline")
            results.append({"rows": n, "input": kind, "file_mb": path.stat().st_size / 2**20, "stages": res["stages"],
                            "end_to_end_s": wall, "end_to_end_peak_mb": peak, "baseline": base})
            print(f"  {kind:6s} {n:>9,} rows: generate {wall:6.2f} s, peak {peak:6.0f} MB", flush=True)
    rows = [["input", "rows", "MB", "read", "map", "validate", "compute", "workbook", "html+json", "total",
             "generate s", "peak MB", "baseline s", "speed-up"]]
    for r in results:
        st = {name: (secs, mem) for name, secs, mem in r["stages"]}
        total = sum(s for name, (s, _) in st.items() if name != "import")
        base_total = None
        if r["baseline"]:
            bst = {name: s for name, s, _ in r["baseline"]["stages"]}
            base_total = sum(s for name, s in bst.items() if name != "import")
            core = sum(st[k][0] for k in ("read", "map", "validate", "compute"))
        rows.append([r["input"], f"{r['rows']:,}", f"{r['file_mb']:.1f}", *(f"{st[k][0]:.2f}" for k in
                     ("read", "map", "validate", "compute", "render workbook")),
                     f"{st['render HTML'][0] + st['render JSON'][0]:.2f}", f"{total:.2f}",
                     f"{r['end_to_end_s']:.2f}", f"{r['end_to_end_peak_mb']:.0f}",
                     f"{base_total:.2f}" if base_total else "-",
                     f"{base_total / core:.1f}x" if base_total else "-"])
    print()
    print(table(rows))
    print("\nstages: in one process (reading a large workbook starts its own isolated reader); generate s and peak MB:"
          " the real command, end to end, its largest process (the isolated reader included)")
    print("speed-up = baseline (openpyxl read + same map/validate/compute) / kpireport's read+map+validate+compute")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
