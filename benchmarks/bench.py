"""`kpireport generate` next to its reader alone, cold and warm, at 100k and 1,048,575 order rows.

Run:  python benchmarks/bench.py                 (both sizes, xlsx and csv, one run each)
      python benchmarks/bench.py --sizes 100000 --repeat 3

For each input (the orders workbook and the same rows as a CSV, benchmarks/data.py) it measures,
each in a fresh process so that the peak memory belongs to that run alone:

- the reader alone: fastexcel `load_sheet(0).to_arrow()` for .xlsx, `pyarrow.csv.read_csv` for CSV;
- `kpireport generate` cold: an empty cache folder, so the files are read, and the validated
  tables stored for the next run;
- `kpireport generate` warm: the same files again with another period (the month before), which
  takes the validated tables from the cache.

Time is wall clock (the median of --repeat runs), peak is the largest resident set of the command
and of any process it started (the isolated reader included), CPU the user + system seconds of
them all (steadier than wall time when other work shares the machine; a multi-threaded reader
uses more CPU than wall time on an idle machine). The ratio is generate / reader, both
measured in the same run, so it holds on a noisy machine. Growth is the 1M time over the 100k time
(10x the rows: 10x or less is linear or better).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from data import orders_csv, orders_workbook  # noqa: E402

FULL_SHEET = 1_048_575  # data rows under one header row: a completely full Excel sheet
SIZES = [100_000, FULL_SHEET]

READERS = {
    "xlsx": "import fastexcel, sys; t = fastexcel.read_excel(sys.argv[1]).load_sheet(0).to_arrow(); print(t.num_rows)",
    "csv": "import pyarrow.csv, sys; t = pyarrow.csv.read_csv(sys.argv[1]); print(t.num_rows)",
}

# Runs argv as a child and prints its wall time, the peak RSS (MiB) of it and its descendants, the CPU
# time (user + system) of them all, and its exit code.
TIMER = ("import resource, subprocess, sys, time; t = time.perf_counter(); r = subprocess.run(sys.argv[1:], "
         "stdout=subprocess.DEVNULL); u = resource.getrusage(resource.RUSAGE_CHILDREN); "
         "print(time.perf_counter() - t, u.ru_maxrss / 1024, u.ru_utime + u.ru_stime, r.returncode)")


def timed(argv: list[str]) -> tuple[float, float, float]:
    out = subprocess.run([sys.executable, "-c", TIMER, *argv], capture_output=True, text=True, check=True)
    wall, peak, cpu, rc = out.stdout.split()
    if rc != "0":
        raise SystemExit(f"failed ({rc}): {' '.join(argv)}")
    return float(wall), float(peak), float(cpu)


def median_of(runs: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs), statistics.median(r[2] for r in runs)


def measure(path: Path, kind: str, work: Path, repeat: int) -> dict:
    gen = [sys.executable, "-m", "kpireport", "generate", str(path), "-q"]
    reader, cold, warm = [], [], []
    for k in range(repeat):  # in turn, so a slow spell of the machine touches all three alike
        reader.append(timed([sys.executable, "-c", READERS[kind], str(path)]))
        cache = work / f"cache-{kind}-{k}"
        shutil.rmtree(cache, ignore_errors=True)
        cold.append(timed([*gen, "--out", str(work / "cold"), "--cache-dir", str(cache)]))
        warm.append(timed([*gen, "--out", str(work / "warm"), "--cache-dir", str(cache), "--period", "2026-09"]))
        shutil.rmtree(cache, ignore_errors=True)
    return {"reader": median_of(reader), "cold": median_of(cold), "warm": median_of(warm),
            "file_mb": path.stat().st_size / 2**20}


def table(rows: list[list[str]]) -> str:
    """A Markdown table (right-aligned figures), readable as printed."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["| " + " | ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True)))
             + " |" for r in rows]
    lines.insert(1, "|" + "|".join(("-" * (w + 1) + ":") if i else "-" * (w + 2) for i, w in enumerate(widths)) + "|")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default=",".join(map(str, SIZES)))
    ap.add_argument("--kinds", default="xlsx,csv")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    work = HERE / ".cache" / "runs"
    work.mkdir(parents=True, exist_ok=True)
    results: dict[tuple[str, int], dict] = {}
    for n in sizes:
        for kind in args.kinds.split(","):
            print(f"preparing {kind} with {n:,} order rows (kept in {HERE / '.cache'})", file=sys.stderr, flush=True)
            path = orders_workbook(n) if kind == "xlsx" else orders_csv(n)
            results[(kind, n)] = r = measure(path, kind, work, args.repeat)
            print(f"  {kind} {n:,}: reader {r['reader'][0]:.2f} s, cold {r['cold'][0]:.2f} s, "
                  f"warm {r['warm'][0]:.2f} s", file=sys.stderr, flush=True)
    rows = [["input", "rows", "MB", "reader s", "reader MiB", "reader CPU s", "cold s", "cold MiB", "cold CPU s",
             "cold / reader", "peak / reader's", "CPU / reader's", "warm s", "warm MiB", "warm CPU s"]]
    for (kind, n), r in results.items():
        (rs, rm, rc), (cs, cm, cc), (ws, wm, wc) = r["reader"], r["cold"], r["warm"]
        rows.append([kind, f"{n:,}", f"{r['file_mb']:.0f}", f"{rs:.2f}", f"{rm:,.0f}", f"{rc:.2f}", f"{cs:.2f}",
                     f"{cm:,.0f}", f"{cc:.2f}", f"{cs / rs:.1f}x", f"{cm / rm:.2f}x", f"{cc / rc:.1f}x", f"{ws:.2f}",
                     f"{wm:,.0f}", f"{wc:.2f}"])
    print(table(rows))
    small, big = min(sizes), max(sizes)
    if small != big:
        print(f"\ngrowth {small:,} -> {big:,} rows ({big / small:.1f}x the rows), time:")
        for kind in args.kinds.split(","):
            a, b = results[(kind, small)], results[(kind, big)]
            print(f"  {kind}: cold {b['cold'][0] / a['cold'][0]:.1f}x (CPU {b['cold'][2] / a['cold'][2]:.1f}x), "
                  f"warm {b['warm'][0] / a['warm'][0]:.1f}x (CPU {b['warm'][2] / a['warm'][2]:.1f}x), "
                  f"reader {b['reader'][0] / a['reader'][0]:.1f}x")
    if args.json:
        args.json.write_text(json.dumps({f"{k} {n}": r for (k, n), r in results.items()}, indent=2))


if __name__ == "__main__":
    main()
