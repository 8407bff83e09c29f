"""`make bench`: measure the heavy paths at scale, each beside a baseline measured in the same run.

    python -m bench --size 100000            # one province, 3-tier era, SIPAS 2017
    python -m bench --size 1000000 --record  # and append the table to bench/RESULTS.md

It works in its own database (DATABASE_URL with the name replaced by `satisfaction_bench`), so
the demo and the tests are never touched. Answers are generated with realistic shares (about 84%
positive, 5% blank items, every channel, profiles) and written with COPY, the bulk path the
paper import and the benchmark share.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"


def _bench_database_url() -> str:
    base = os.environ.get("DATABASE_URL", "")
    if not base:
        sys.path.insert(0, str(ROOT))
        from satisfaction.devdb import embedded_database_url

        base = embedded_database_url()
    head, _, tail = base.partition("?")
    head = head.rsplit("/", 1)[0] + "/satisfaction_bench"
    return head + (f"?{tail}" if tail else "")


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


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--size", type=int, default=10_000, help="answers in the campaign")
    parser.add_argument("--record", action="store_true", help="append the table to RESULTS.md")
    parser.add_argument("--keep", action="store_true", help="reuse the data of a previous run")
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = _bench_database_url()
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "satisfaction.settings")
    _create_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from bench import paths, world

    campaign = world.build(size=args.size, keep=args.keep)
    rows = paths.run_all(campaign, size=args.size)
    table = render(rows, args)
    print(table)
    if args.record:
        with RESULTS.open("a", encoding="utf-8") as out:
            out.write(table + "\n")


def _create_database(url: str) -> None:
    import psycopg

    head, _, tail = url.partition("?")
    admin = head.rsplit("/", 1)[0] + "/postgres" + (f"?{tail}" if tail else "")
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = 'satisfaction_bench'"
        ).fetchone():
            conn.execute("CREATE DATABASE satisfaction_bench")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, check=True
    )


def render(rows: list[Row], args: argparse.Namespace) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    from django.utils import timezone

    command = " ".join(["python -m bench", *sys.argv[1:]])
    lines = [
        f"## {timezone.localdate():%d/%m/%Y} — {args.size:,} answers",
        "",
        f"Machine: {os.cpu_count()} cores, {mem:.0f} GiB, PostgreSQL {pg}, "
        f"Python {platform.python_version()}. Command: `{command}`",
        "",
        "| path | figure | baseline | ratio | target | met |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {r.path} | {r.figure} | {r.baseline} | {r.ratio} | {r.target} | {r.verdict} |"
        for r in rows
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
