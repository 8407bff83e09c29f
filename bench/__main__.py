"""`make bench`: measure the heavy paths at scale, each beside a baseline measured in the same run.

    python -m bench --size 100000            # one province, 3-tier era, SIPAS 2017
    python -m bench --size 1000000 --record  # and append the table to bench/RESULTS.md
    python -m bench --only recompute,pages   # some paths only
    python -m bench --size 1000 --smoke      # every path, briefly (run by `make test`)

It works in its own database (DATABASE_URL with the name replaced by `satisfaction_bench`, or
`--db NAME`), so the demo and the tests are never touched. Each path is a module of this package
with `run(ctx) -> list[Row]`, listed in PATHS. Answers are generated with realistic shares
(about 84% positive, 5% blank items, every channel, profiles) and written with COPY, the bulk
path the paper import and the benchmark share.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
from pathlib import Path

from bench.core import Context, Row

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"


def _bench_database_url(name: str) -> str:
    base = os.environ.get("DATABASE_URL", "")
    if not base:
        sys.path.insert(0, str(ROOT))
        from satisfaction.devdb import embedded_database_url

        base = embedded_database_url()
    head, _, tail = base.partition("?")
    head = head.rsplit("/", 1)[0] + "/" + name
    return head + (f"?{tail}" if tail else "")


# The measured paths, in the order they run and print.
PATHS = ["recompute", "incremental", "pages", "exports", "submit", "paper"]


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--size", type=int, default=10_000, help="answers in the campaign")
    parser.add_argument("--record", action="store_true", help="append the table to RESULTS.md")
    parser.add_argument("--keep", action="store_true", help="reuse the data of a previous run")
    parser.add_argument("--only", default="", help=f"comma-separated paths of {', '.join(PATHS)}")
    parser.add_argument("--smoke", action="store_true", help="brief run: proves every path works")
    parser.add_argument("--db", default="satisfaction_bench", help="database name to work in")
    parser.add_argument(
        "--national", action="store_true", help="all 63 provinces (bench/national.py), not Huế"
    )
    args = parser.parse_args(argv)
    only = [p for p in args.only.split(",") if p] or PATHS
    unknown = sorted(set(only) - set(PATHS))
    if unknown:
        parser.error(f"unknown path(s): {', '.join(unknown)}")

    os.environ["DATABASE_URL"] = _bench_database_url(args.db)
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "satisfaction.settings")
    _create_database(os.environ["DATABASE_URL"], args.db)

    import importlib

    import django

    django.setup()
    from bench import world

    if args.national:
        from bench import national

        campaign = national.build(size=args.size, keep=args.keep)
    else:
        campaign = world.build(size=args.size, keep=args.keep)
    ctx = Context(campaign=campaign, size=args.size, smoke=args.smoke, args=args)
    rows: list[Row] = []
    for name in only:
        module = importlib.import_module(f"bench.{name}")
        got = module.run(ctx)
        for row in got:
            print(f"  {row.path}: {row.figure} (baseline {row.baseline}, {row.ratio})", flush=True)
        rows += got
    table = render(rows, args)
    print(table)
    if args.record:
        with RESULTS.open("a", encoding="utf-8") as out:
            out.write(table + "\n")
    return table


def _create_database(url: str, name: str) -> None:
    import psycopg

    head, _, tail = url.partition("?")
    admin = head.rsplit("/", 1)[0] + "/postgres" + (f"?{tail}" if tail else "")
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
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
