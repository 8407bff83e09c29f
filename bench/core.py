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


def timed(fn, repeat: int = 1) -> float:
    """The median wall time of `repeat` runs of fn, in seconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)
