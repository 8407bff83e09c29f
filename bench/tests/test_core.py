"""bench.core.interleaved: the runs of a measurement taken in turn, their warm-ups first."""

from __future__ import annotations

from bench.core import Run, interleaved


def test_it_takes_the_runs_in_turn_after_their_warm_ups():
    calls = []

    def run(name):
        return Run(lambda: calls.append(name), before=lambda: calls.append(f"before {name}"))

    floor, full = run("floor"), run("full")
    full.warmup = 1
    interleaved({"floor": floor, "full": full}, rounds=2)
    assert calls == [
        *["before full", "full"],  # the warm-up
        *["before floor", "floor", "before full", "full"],
        *["before floor", "floor", "before full", "full"],
    ]


def test_it_gives_each_run_its_times(monkeypatch):
    # Each call of `fn` reads the clock twice (start, end); `before` reads it never.
    ticks = iter([0, 3, 10, 11, 20, 30, 40, 45, 50, 51, 60, 67])
    monkeypatch.setattr("bench.core.time.perf_counter", lambda: next(ticks))
    got = interleaved({"a": Run(lambda: None), "b": Run(lambda: None)}, rounds=3)
    # a is the 1st, 3rd and 5th call, b the others.
    assert got == {"a": [3, 10, 1], "b": [1, 5, 7]}
