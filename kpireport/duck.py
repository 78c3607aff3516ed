"""One way to open the embedded relational engine (DuckDB), for the model's joins and compute.

DuckDB sizes itself for the whole machine by default: a thread per core and a memory limit of
80 % of the RAM. kpireport runs beside other work, sometimes under an address-space limit (a
server's ulimit, the tests' 1 GiB): there, a pool of worker threads and a buffer pool sized for
24 GiB fail on their first allocation. So the engine gets at most two threads and, under a
limit, a quarter of it.

Address space, not memory, is what runs out first there: glibc reserves 64 MiB of address space
per thread arena and Arrow's default allocator (jemalloc) about a gigabyte on first use, though
neither touches most of it. `tame_allocators` (called once by the command line, before any worker
thread starts) caps glibc's arenas and puts Arrow on the system allocator: the sample run then
fits the tests' 1 GiB address-space limit again.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import resource

import duckdb
import pyarrow as pa

from .errors import TooLargeError

MAX_THREADS = 2
SHARE_OF_LIMIT = 0.25
MIN_MEMORY = 64 << 20


def settings() -> dict[str, str | int]:
    """The connection's threads and memory limit for this process."""
    out: dict[str, str | int] = {"threads": max(1, min(MAX_THREADS, os.cpu_count() or 1))}
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft != resource.RLIM_INFINITY:
        out["memory_limit"] = f"{max(MIN_MEMORY, int(soft * SHARE_OF_LIMIT)) >> 20}MB"
    return out


def connect() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with `settings()`."""
    config: dict[str, str | bool | int | float | list[str]] = dict(settings())
    return duckdb.connect(":memory:", config=config)


M_ARENA_MAX = -8  # glibc's mallopt parameter
ARENAS = 2


def tame_allocators() -> None:
    """Cap glibc's malloc arenas and use the system allocator for Arrow (see the module doc)."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc (macOS, Windows, musl): nothing to cap
        ctypes.CDLL("libc.so.6").mallopt(M_ARENA_MAX, ARENAS)

    pa.set_memory_pool(pa.system_memory_pool())


@contextlib.contextmanager
def within_memory():
    """DuckDB running out of its memory limit is the input being too large for this machine or
    limit (exit 13, with what to do), not a bug."""
    try:
        yield
    except duckdb.OutOfMemoryException as exc:
        raise TooLargeError("the data needs more memory than kpireport may use here "
                            f"({str(exc).splitlines()[0][:160]}).",
                            "Run it on fewer rows (a shorter period or fewer files), or raise the memory "
                            "limit (ulimit -v) this process runs under.") from exc

