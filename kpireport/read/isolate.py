"""Read a file in a child process with memory and time limits, so a reader that aborts (calamine
calls abort() when an allocation fails) or runs away costs one categorised error, not the run.

`read_guarded(path)` is the first step of `entry.read_path`:

1. `guard.check(path)` sniffs the file and proves it safe and affordable, or raises.
2. Where to read it:
   - in this process when the guard proved every allocation bounded and the file is small:
     an .xlsx/.ods whose used ranges total at most IN_PROCESS_MAX_CELLS cells, or a CSV up to
     IN_PROCESS_MAX_CSV_BYTES. No fork, no pickling: the fast path costs only the guard's scan.
   - otherwise (.xls, whose BIFF records the guard does not bound; XML the guard could not
     prove; anything larger) in a child, `python -m kpireport.read.isolate FILE`, which sets
     RLIMIT_AS to READ_MEMORY_LIMIT (or less, if the parent's own limit is lower), RLIMIT_CPU
     and RLIMIT_CORE=0, runs the same raw reader (`readers.read_raw`) and pickles the RawSheets (or the error)
     back over a pipe. The parent waits at most READ_TIME_LIMIT seconds.
   - an .xlsx of EARLY_CHILD_BYTES or more goes to the child at once, and the guard runs here
     while the child reads (the two use the two cores); a refusal kills the child.
   `KPIREPORT_ISOLATE=always` sends every file to the child, `never` reads all in-process;
   `KPIREPORT_READ_MEMORY_MB` and `KPIREPORT_READ_TIMEOUT` change the limits.
3. Cell text over Excel's 32,767 characters is refused (`guard.check_text_lengths`).

What the parent reports when the child fails:
- ran out of memory (Rust "memory allocation ... failed" + SIGABRT, MemoryError, SIGKILL):
  TooLargeError "the reader ran out of memory (N MiB) reading FILE (largest sheet: S, A1:X9)";
- out of time (READ_TIME_LIMIT, or SIGXCPU): TooLargeError "reading FILE took longer than N s";
- any other signal (SIGSEGV, a Rust panic that aborts): CorruptFileError "the reader crashed";
- a KpiReportError raised in the child: the same class, message and hint, re-raised here;
- any other Python exception in the child (a bug in our reader): RuntimeError naming it, which
  the CLI reports as an unexpected error (exit 1, --debug for details).
"""

from __future__ import annotations

import gc
import io
import json
import os
import pickle
import signal
import subprocess
import sys
import time
import traceback
from pathlib import Path

from .. import errors
from ..errors import CorruptFileError, KpiReportError, TooLargeError
from . import guard
from .fastsheet import column_texts as read_texts
from .readers import read_raw
from .sniff import sniff


def _env_number(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, default))
    except ValueError:
        return default
    return value if value > 0 else default


READ_MEMORY_LIMIT = int(_env_number("KPIREPORT_READ_MEMORY_MB", 4096)) << 20  # address space of the child
READ_TIME_LIMIT = _env_number("KPIREPORT_READ_TIMEOUT", 300)                  # seconds, wall clock
IN_PROCESS_MAX_CELLS = 2_000_000      # ~100k rows x 20 columns: well under 0.5 GB to read
IN_PROCESS_MAX_CSV_BYTES = 64 << 20
EARLY_CHILD_BYTES = 16 << 20          # an .xlsx this large (~300k+ cells) starts reading before the guard ends
_LIMITS_ENV = "KPIREPORT_ISOLATE_LIMITS"

def mode() -> str:
    value = os.environ.get("KPIREPORT_ISOLATE", "auto").strip().lower()
    return value if value in ("auto", "always", "never") else "auto"


def read_guarded(path: Path) -> tuple[list, guard.Facts]:
    """Guard, then read `path` with the raw reader (in-process or in a child): the sheets and the
    guard's facts."""
    path = Path(path)
    early = start_child(path) if _early(path) else None
    try:
        facts = guard.check(path)
    except BaseException:
        if early is not None:
            early.stop()
        raise
    if early is not None:
        sheets = finish_child(path, early, facts)
    elif _in_process(facts):
        sheets = read_in_process(path)
    else:
        sheets = read_in_child(path, facts)
    guard.check_text_lengths(sheets, facts)
    return sheets, facts


def _early(path: Path) -> bool:
    """A large workbook is read in the child while this process runs the guard (2 cores, half the
    wait). The child is bounded by its own limits; if the guard refuses the file, the child is
    killed and its result never used."""
    if mode() != "auto" or path.suffix.lower() not in (".xlsx", ".xlsm"):
        return False
    try:
        return path.stat().st_size >= EARLY_CHILD_BYTES and sniff(path) == "xlsx"
    except OSError:
        return False


def _in_process(facts: guard.Facts) -> bool:
    chosen = mode()
    if chosen != "auto":
        return chosen == "never"
    if facts.kind == "csv":
        return facts.size <= IN_PROCESS_MAX_CSV_BYTES
    if facts.kind in ("xlsx", "ods"):
        return facts.proven and facts.extent <= IN_PROCESS_MAX_CELLS
    return False


def read_in_process(path: Path):
    try:
        return read_raw(path)
    except BaseException as exc:
        if type(exc).__name__ == "PanicException":  # pyo3 turns a Rust panic into this BaseException
            raise CorruptFileError(f"{path.name}: the workbook cannot be read (the reader stopped on content it "
                                   "does not understand).",
                                   "Open it in Excel or LibreOffice, save it again and drop the new copy.") from exc
        raise


def read_in_child(path: Path, facts: guard.Facts | None = None, memory: int | None = None,
                  seconds: float | None = None):
    return finish_child(path, start_child(path, memory, seconds), facts)


class _Started:
    def __init__(self, proc: subprocess.Popen, memory: int, seconds: float) -> None:
        self.proc, self.memory, self.seconds = proc, memory, seconds
        self.t0 = time.monotonic()

    def stop(self) -> None:
        self.proc.kill()
        self.proc.communicate()


def column_texts(path: Path, sheet: str, start: int, names: list[str]) -> list:
    """fastsheet.column_texts where the policy says (the child, or here with KPIREPORT_ISOLATE=never)."""
    if mode() == "never":
        return read_texts(path, sheet, start, names)
    return finish_child(path, start_child(path, args=["--texts", sheet, str(start), json.dumps(names)]))


def start_child(path: Path, memory: int | None = None, seconds: float | None = None,
                args: list[str] | None = None) -> _Started:
    memory = READ_MEMORY_LIMIT if memory is None else memory
    seconds = READ_TIME_LIMIT if seconds is None else seconds
    env = dict(os.environ)
    # the child imports what this process imports: this copy of kpireport first, then our sys.path
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys([root, *(p for p in sys.path if p and os.path.isdir(p))]))
    env["RUST_BACKTRACE"] = "0"
    env[_LIMITS_ENV] = f"{memory}:{seconds}"
    flags = ["-S"] if sys.flags.no_site else []
    cmd = [sys.executable, *flags, "-m", "kpireport.read.isolate", *(args or []), str(path)]
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    except OSError as exc:
        raise RuntimeError(f"cannot start the isolated reader: {exc}") from None
    return _Started(proc, memory, seconds)


def finish_child(path: Path, started: _Started, facts: guard.Facts | None = None):
    proc, seconds = started.proc, started.seconds
    try:
        out, err = proc.communicate(timeout=max(0.1, seconds - (time.monotonic() - started.t0)))
    except subprocess.TimeoutExpired:
        started.stop()
        raise _timeout(path, seconds) from None
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    return _outcome(path, facts, proc.returncode, out, err, started.memory, seconds)


def _outcome(path: Path, facts, code: int, out: bytes, err: bytes, memory: int, seconds: float):
    if code == 0 and out:
        payload = _loads(out)
        tag = payload[0]
        if tag == "ok":
            return payload[1]
        if tag == "error":
            cls = getattr(errors, payload[1], None)
            if not (isinstance(cls, type) and issubclass(cls, KpiReportError)):
                cls = CorruptFileError
            raise cls(payload[2], payload[3])
        if tag == "oom":
            raise _out_of_memory(path, facts, memory)
        if tag == "panic":
            raise CorruptFileError(f"{path.name}: the workbook cannot be read (the reader stopped on content it "
                                   "does not understand).",
                                   "Open it in Excel or LibreOffice, save it again and drop the new copy.")
        raise RuntimeError(f"the reader failed on {path.name}: {payload[1]}: {payload[2]}\n{payload[3]}")
    text = err.decode("utf-8", "replace")
    if b"memory allocation of" in err or b"MemoryError" in err or b"Cannot allocate memory" in err \
            or code == -getattr(signal, "SIGKILL", 9):
        raise _out_of_memory(path, facts, memory)
    if code in (-getattr(signal, "SIGXCPU", 24), 152):
        raise _timeout(path, seconds)
    if code < 0:
        name = _signal_name(-code)
        raise CorruptFileError(f"{path.name}: the Excel reader crashed on this file ({name}).",
                               "Open it in Excel or LibreOffice, save it again and drop the new copy.")
    last = [line for line in text.strip().splitlines() if line.strip()][-1:] or ["no output"]
    raise RuntimeError(f"the isolated reader failed on {path.name} (exit {code}): {last[0][:300]}")


def _loads(data: bytes):
    enabled = gc.isenabled()
    gc.disable()  # unpickling millions of cells triggers needless collections: 4x slower with gc on
    try:
        return _Unpickler(data).load()
    finally:
        if enabled:
            gc.enable()


class _Unpickler(pickle.Unpickler):
    """Only the types a RawSheet holds; the child is ours, this is defence in depth."""

    _ALLOWED = frozenset({
        ("kpireport.read.sheet", "RawSheet"), ("kpireport.read.sheet", "SheetBody"),
        ("kpireport.read.xlsxpkg", "SheetExtras"),
        ("numpy", "ndarray"), ("numpy", "dtype"), ("numpy._core.multiarray", "_reconstruct"),
        ("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "scalar"),
        ("numpy.core.multiarray", "scalar"), ("numpy._core.numeric", "_frombuffer"),
        ("numpy.core.numeric", "_frombuffer"),
        ("datetime", "date"), ("datetime", "datetime"), ("datetime", "time"), ("datetime", "timedelta"),
        ("datetime", "timezone"), ("builtins", "bool"), ("builtins", "float"), ("builtins", "int"),
        ("copyreg", "_reconstructor"), ("builtins", "object"), ("builtins", "list"), ("builtins", "dict"),
        ("builtins", "frozenset"), ("builtins", "set"), ("builtins", "tuple"),
    })

    def __init__(self, data: bytes) -> None:
        super().__init__(io.BytesIO(data))

    def find_class(self, module: str, name: str):
        if (module, name) not in self._ALLOWED:
            raise pickle.UnpicklingError(f"unexpected type {module}.{name} from the isolated reader")
        return super().find_class(module, name)


def _out_of_memory(path: Path, facts, memory: int) -> TooLargeError:
    largest = facts.largest_sheet() if facts is not None else None
    where = ""
    if largest is not None and largest.extent:
        where = f" (largest sheet: {largest.name}, A1:{guard.cell_ref(largest.max_row, largest.max_col)})"
    memory = _effective_memory(memory)
    return TooLargeError(f"{path.name}: the reader ran out of memory ({memory >> 20:,} MiB) reading it{where}.",
                         "Export a shorter period or fewer columns, and delete stray cells far below or right of "
                         "the data.")


def _effective_memory(memory: int) -> int:
    """The child's real limit: ours, or less if this process already runs under a lower one."""
    try:
        import resource

        hard = resource.getrlimit(resource.RLIMIT_AS)[1]
    except (ImportError, ValueError, OSError):
        return memory
    return memory if hard == resource.RLIM_INFINITY else min(memory, hard)


def _timeout(path: Path, seconds: float) -> TooLargeError:
    return TooLargeError(f"{path.name}: reading it took longer than {seconds:g} s, the limit.",
                         "Export a shorter period, or allow more time with KPIREPORT_READ_TIMEOUT=<seconds>.")


def _signal_name(num: int) -> str:
    try:
        return signal.Signals(num).name
    except ValueError:
        return f"signal {num}"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:160]


# --- the child ---------------------------------------------------------------------------------


def _set_limits(memory: int, seconds: float) -> None:
    try:
        import resource
    except ImportError:  # Windows: the parent's timeout still applies
        return
    for limit, soft in ((resource.RLIMIT_AS, memory), (resource.RLIMIT_CORE, 0)):
        try:
            _, hard = resource.getrlimit(limit)
            cap = soft if hard == resource.RLIM_INFINITY else min(soft, hard)
            resource.setrlimit(limit, (cap, hard))
        except (ValueError, OSError):
            pass
    try:
        _, hard = resource.getrlimit(resource.RLIMIT_CPU)
        cpu = int(seconds) + 5
        if hard == resource.RLIM_INFINITY or cpu < hard:
            resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5 if hard == resource.RLIM_INFINITY else hard))
    except (ValueError, OSError):
        pass


def _child(argv: list[str]) -> int:
    memory, seconds = READ_MEMORY_LIMIT, READ_TIME_LIMIT
    raw = os.environ.get(_LIMITS_ENV, "")
    if ":" in raw:
        m, s = raw.split(":", 1)
        memory, seconds = int(m), float(s)
    _set_limits(memory, seconds)
    result = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything a library prints goes to stderr, never into the pickle
    gc.disable()
    try:
        if argv[0] == "--texts":  # --texts SHEET START NAMES_JSON FILE: columns as text (fastsheet.py)
            payload: tuple = ("ok", read_texts(Path(argv[4]), argv[1], int(argv[2]), json.loads(argv[3])))
        else:
            payload = ("ok", read_raw(Path(argv[0])))
    except KpiReportError as exc:
        payload = ("error", type(exc).__name__, exc.message, exc.hint)
    except MemoryError:
        payload = ("oom",)
    except BaseException as exc:
        if type(exc).__name__ == "PanicException":
            payload = ("panic", _first_line(exc))
        else:
            payload = ("bug", type(exc).__name__, _first_line(exc), traceback.format_exc()[-4000:])
    try:
        buf = io.BytesIO()
        pickler = pickle.Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL)
        pickler.fast = True  # no memo: 3x faster for millions of cells, and nothing here is shared
        pickler.dump(payload)
        data = buf.getvalue()
    except MemoryError:
        data = pickle.dumps(("oom",))
    result.write(data)
    result.flush()
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1:]))
