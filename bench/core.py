"""What the paths of the benchmark share: the context they get and the row they return."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
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


@dataclass
class Run:
    """One measured call: `fn` is timed; `before` runs untimed just ahead of it; `warmup` calls of
    both come first, untimed: a worker process runs the same code all day, and the first call of
    a process pays for imports and first uses (up to a second here)."""

    fn: Callable[[], object]
    before: Callable[[], object] | None = None
    warmup: int = 0


def interleaved(runs: dict[str, Run], rounds: int) -> dict[str, list[float]]:
    """The wall times of each run, in seconds, over `rounds` rounds that call each run once, in
    turn.

    The machines are noisy in spells of minutes (the raw scan took 0.93 to 1.45 s in one day). A
    figure timed in a block, then its baseline in another, may each land in a different spell,
    and their ratio then measures the machine: in nine national runs of the same code, the
    update's share went from 3.3 to 5.1 % and the recompute from 19.4 to 36.7 × faster than
    naive. Taken turn by turn, both sides of a ratio see the same spells."""
    for run in runs.values():
        for _ in range(run.warmup):
            _call(run)
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(rounds):
        for name, run in runs.items():
            times[name].append(_call(run))
    return times


def _call(run: Run) -> float:
    if run.before is not None:
        run.before()
    started = time.perf_counter()
    run.fn()
    return time.perf_counter() - started


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
