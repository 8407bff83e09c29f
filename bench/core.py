"""What the paths of the benchmark share: the context they get and the row they return."""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import dataclass


@dataclass
class Context:
    """What every path gets: the campaign of `size` answers built by world.build, and the run's
    options. `smoke` asks for a brief run (short load, small files) that only proves the path
    still works."""

    campaign: object
    size: int
    smoke: bool
    args: argparse.Namespace


@dataclass
class Row:
    path: str
    figure: str
    baseline: str
    ratio: str
    target: str
    verdict: str


def timed(fn, repeat: int = 1, before=None, warmup: int = 0) -> float:
    """The median wall time of `repeat` runs of fn, in seconds; `before` runs untimed first.
    `warmup` runs of fn come first, untimed: a worker process runs the same code all day, and
    the first call of a process pays for imports and first uses (up to a second here)."""
    for _ in range(warmup):
        if before is not None:
            before()
        fn()
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


# The tables an index run rewrites: its figures (and the counts behind them), the answer counts.
RESULT_TABLES = ["reports_indexcut", "surveys_responsecount"]


def vacuum_results() -> None:
    """VACUUM what an index run rewrites (RESULT_TABLES): a recompute or an update replaces a
    campaign's rows, and PostgreSQL here runs with autovacuum off (`SHOW autovacuum`), so the
    dead rows of the runs before would weigh on the next one, as they never would on a server
    where autovacuum is on (after many runs here, an update took 0.10 to 0.14 s, and 0.08 to
    0.09 s once the database was vacuumed)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {', '.join(RESULT_TABLES)}")


def peak_memory_kb() -> int:
    """This process image's peak resident memory so far, in KB (VmHWM).

    Not ru_maxrss (getrusage, or wait4 in the parent): Linux carries the parent's high-water mark
    over fork and exec into it, so every child of a bench process of 500 MB would report 500 MB.
    VmHWM belongs to the new image alone. Each measured run is a fresh child that reads it.
    """
    from pathlib import Path

    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")
