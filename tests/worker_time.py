"""How long each pytest-xdist worker was busy, and on what: wall and CPU time per worker and per file.

The suite's goal is a wall time on a 2-core machine that other work shares, so a wall time alone
says little: the CPU the tests used (their own and their finished child processes': the CLI
runs, LibreOffice, the hostile corpus) over the cores is the floor, and workers' busy times that
differ a lot mean one worker sat idle at the end. Each test's setup, call and teardown report
carries the CPU seconds spent since the previous report of that worker (`cpu`, an attribute
pytest-xdist sends along with the report); the controller adds them up and prints, after the
run, one line per worker and the files that took longest (the order `conftest.LONGEST_FIRST`
should follow); `--worker-time-json PATH` also writes every test's CPU seconds (how the slow
set in tests/slow_tests.txt is chosen).
"""

from __future__ import annotations

import json
import resource
import time
from collections import defaultdict

import pytest


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class WorkerTime:
    def __init__(self) -> None:
        self.last = _cpu()
        self.started = time.monotonic()
        self.workers: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])  # wall, cpu, tests
        self.files: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])  # wall, cpu
        self.tests: dict[str, float] = {}  # cpu

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        report = yield
        now = _cpu()
        report.cpu = now - self.last
        self.last = now
        return report

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        cpu = getattr(report, "cpu", 0.0)
        node = getattr(report, "node", None)
        worker = node.gateway.id if node is not None else "main"
        self.workers[worker][0] += report.duration
        self.workers[worker][1] += cpu
        self.workers[worker][2] += report.when == "call"
        name = report.nodeid.partition("::")[0].rpartition("/")[2]
        self.files[name][0] += report.duration
        self.files[name][1] += cpu
        self.tests[report.nodeid] = self.tests.get(report.nodeid, 0.0) + cpu

    def pytest_terminal_summary(self, terminalreporter, config: pytest.Config) -> None:
        if not self.workers:
            return
        if config.getoption("worker_time_json"):
            with open(config.getoption("worker_time_json"), "w", encoding="utf-8") as fh:
                json.dump({"workers": self.workers, "files": self.files, "tests": self.tests}, fh, indent=0)
        tr = terminalreporter
        total = sum(cpu for _, cpu, _ in self.workers.values())
        tr.write_sep("-", f"time per worker: {time.monotonic() - self.started:.0f} s wall in all, "
                          f"{total:.0f} s CPU in tests (with child processes)")
        for worker, (wall, cpu, tests) in sorted(self.workers.items()):
            tr.write_line(f"{worker}: busy {wall:.0f} s, {cpu:.0f} s CPU, {tests} tests")
        longest = sorted(self.files.items(), key=lambda kv: -kv[1][0])[:15]
        tr.write_line("longest files (wall s / CPU s): "
                      + ", ".join(f"{name} {wall:.0f}/{cpu:.0f}" for name, (wall, cpu) in longest))


def add_option(parser: pytest.Parser) -> None:
    parser.addoption("--worker-time-json", default=None, metavar="PATH",
                     help="write each worker's, file's and test's wall and CPU seconds to PATH")
