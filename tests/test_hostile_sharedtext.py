"""Shared-string amplification (kpireport/read/sharedtext.py): refused while the guard streams the
parts, before any reader runs, within the README's bound (300 MB peak, 10 s for the whole CLI)."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from kpireport.errors import TooLargeError
from kpireport.read import guard, sharedtext

from .hostile_corpus import order_rows, shared_string_amplification

ROOT = Path(__file__).resolve().parent.parent
PEAK_MB = 300      # the README's promise for a refusal (measured: ~180 MB, mostly the Python imports)
SECONDS = 10       # ... measured ~2 s on a quiet machine; margin for a busy shared one
LONG = b"<si><t>" + b"x" * 2000 + b"</t></si>"


@pytest.mark.parametrize(("pieces", "index", "long"), [
    ([b"<sst><si><t>a</t></si>" + LONG + b"</sst>"], 2, {1: 2016 + 6}),        # the last runs to the end
    ([b"<sst><si/>", LONG, b"<si><t>b</t></si></sst>"], 3, {1: 2016}),          # an empty <si/> counts
    ([b"<x:sst><x:si><x:t>" + b"y" * 1500, b"</x:t></x:si></x:sst>"], 1, {0: 1532}),  # prefixed, cut in two
    ([b"<sst><si><r><t>" + b"z" * 600 + b"</t></r><r><t>" + b"z" * 600 + b"</t></r></si></sst>"], 1, {0: 1243}),
    ([b"<sst><si><t>" + b"w" * 1000 + b"</t></si></sst>"], 1, {}),               # not long
    ([b"<sst>" + LONG, b"<x:si><x:t>b</x:t></x:si>", LONG + b"</sst>"], 3, {0: 2016, 2: 2022}),  # mixed
])
def test_lengths_of_long_shared_strings(pieces: list[bytes], index: int, long: dict[int, int]) -> None:
    lengths = sharedtext.Lengths()
    for piece in pieces:
        lengths.feed(piece)
    lengths.finish()
    assert (lengths.index, lengths.long) == (index, long)


@pytest.mark.parametrize(("xml", "cells", "chars", "first"), [
    (b'<c r="B2" t="s"><v>1</v></c><c r="B3" t="s"><v>0</v></c><c r="B4" t="s"><v>1</v></c>', 2, 4000, "B2"),
    (b'<c r="C5" s="2" t="s" ><v> 1 </v></c>', 1, 2000, "C5"),
    (b'<c r="D1"><v>1</v></c><c r="D2" t="n"><v>1</v></c>', 0, 0, ""),    # numbers, not string indices
    (b"<x:c t='s' r='e9'><x:v>1</x:v></x:c>", 1, 2000, "E9"),
])
def test_references_to_long_strings(xml: bytes, cells: int, chars: int, first: str) -> None:
    refs = sharedtext.References({1: 2000})
    refs.feed(xml, "Orders")
    assert (refs.cells, refs.chars, refs.first) == (cells, chars, first)


def test_a_long_text_repeated_a_few_times_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "notes.xlsx"
    path.write_bytes(shared_string_amplification(order_rows(20, random.Random(2)), cells=500, length=30_000))
    facts = guard.check(path)
    assert facts.proven


def test_the_guard_refuses_amplification_naming_the_first_cell(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(sharedtext, "MAX_SHARED_TEXT_CHARS", 29_000 * 500)
    path = tmp_path / "amp.xlsx"
    path.write_bytes(shared_string_amplification(order_rows(20, random.Random(2)), cells=500, length=30_000))
    with pytest.raises(TooLargeError, match=r"amp.xlsx / Orders / G\d+: this cell and at least \d{3} more"):
        guard.check(path)


def test_the_refusal_stays_under_the_promised_memory_and_time(tmp_path: Path) -> None:
    """The whole CLI in a grandchild, measured by a child with RUSAGE_CHILDREN (so no earlier
    subprocess of this test run counts): before the fix, this file peaked at 6 GB over 19 s."""
    path = tmp_path / "amplification.xlsx"
    path.write_bytes(shared_string_amplification(order_rows(20, random.Random(3))))
    assert path.stat().st_size < 1_000_000
    probe = ("import json, resource, subprocess, sys, time\n"
             "t = time.monotonic()\n"
             "r = subprocess.run([sys.executable, '-m', 'kpireport', 'generate', sys.argv[1], '--out', sys.argv[2],"
             " '-q'], capture_output=True, text=True)\n"
             "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024\n"
             "print(json.dumps([r.returncode, r.stderr, peak, time.monotonic() - t]))\n")
    done = subprocess.run([sys.executable, "-c", probe, str(path), str(tmp_path / "out")], capture_output=True,
                          text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT)
    code, stderr, peak, seconds = json.loads(done.stdout)
    assert code == 13, stderr
    assert "long shared texts" in stderr and stderr.count("\n") == 1
    assert peak < PEAK_MB << 20, f"peak {peak >> 20} MB"
    assert seconds < SECONDS, f"{seconds:.1f} s"
    assert not (tmp_path / "out").exists()
