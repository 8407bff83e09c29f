"""The benchmark's smoke run: every path of bench.PATHS, briefly, in its own database.

Each path runs as `python -m bench --size 1000 --smoke --keep --only PATH` in a subprocess, one
test per path, so a failure names the path and a row is known to come from it. The first run
builds the world; --keep lets the others reuse it. Timings are printed, never asserted: these
tests prove the paths still work, not how fast.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bench.__main__ import PATHS, ROOT

# The test database's server, with a database of its own: a suffix per checkout, as the test
# database has (settings.DATABASES["default"]["TEST"]), and per xdist worker, as pytest-django
# does, so that parallel checkouts and parallel workers never build one world at once.
DB = "_".join(
    part
    for part in (
        "satisfaction_bench_smoke" + os.environ.get("TEST_DB_SUFFIX", ""),
        os.environ.get("PYTEST_XDIST_WORKER", ""),
    )
    if part
)
TIMEOUT = 1800


def bench(*args: str) -> list[list[str]]:
    """Run the benchmark; the cells of the rows of the table it printed (it must exit 0)."""
    # The environment is the tests' own: DATABASE_URL (the bench swaps in its database name)
    # and the test settings (Celery eager: nothing is queued on the shared Redis).
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "bench", "--size", "1000", "--smoke", "--keep", "--db", DB, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stdout}\n{done.stderr[-5000:]}"
    lines = [line for line in done.stdout.splitlines() if line.startswith("|")]
    assert lines[:2] == [
        "| path | figure | baseline | ratio | target | met |",
        "|---|---|---|---|---|---|",
    ], done.stdout
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]]


@pytest.mark.parametrize("path", PATHS)
def test_bench_smoke(path):
    rows = bench("--only", path)
    assert rows, f"bench path {path} printed no row"
    for cells in rows:
        assert len(cells) == 6 and all(cells[:2]), cells


def test_bench_smoke_national():
    """--national builds the 63-province world and the paths run over it."""
    rows = bench("--national", "--only", "recompute")
    assert rows


# --- The national world's bulk agencies ---------------------------------------------------------

# Fields compared directly; the others are the key, the tree (compared by shape) and timestamps.
SKIPPED = {"id", "code", "parent", "path", "created_at", "updated_at"}


def shape(codes: list[str]) -> list[tuple]:
    """Each agency as comparable values: its fields, its parent's place in `codes`, its path."""
    from agencies.models import Agency

    found = {a.code: a for a in Agency.objects.filter(code__in=codes)}
    by_id = {a.pk: a for a in found.values()}
    out = []
    for code in codes:
        agency = found[code]
        parent = by_id.get(agency.parent_id)
        assert agency.created_at and agency.updated_at
        out.append(
            (
                {
                    f.attname: getattr(agency, f.attname)
                    for f in Agency._meta.concrete_fields
                    if f.name not in SKIPPED
                },
                codes.index(parent.code) if parent else None,
                agency.path == f"{parent.path if parent else '/'}{agency.pk}/",
            )
        )
    return out


@pytest.mark.django_db
def test_national_agencies_bulk_makes_the_rows_agency_create_makes():
    from agencies.models import AdminUnit, AgencyKind, Era
    from agencies.services import agency_create
    from bench.national import agencies_bulk

    unit = {
        code: AdminUnit.objects.get(era=Era.THREE_TIER, code=code)
        for code in ("46", "478", "19903")
    }
    tree = [
        ("ubnd", "UBND", AgencyKind.PEOPLES_COMMITTEE_PROVINCE, unit["46"], None),
        ("so", "Sở", AgencyKind.DEPARTMENT, unit["46"], 0),
        ("huyen", "UBND huyện", AgencyKind.PEOPLES_COMMITTEE_DISTRICT, unit["478"], 0),
        ("mc", "Một cửa", AgencyKind.ONE_STOP_DESK, unit["478"], 2),
        ("xa", "UBND xã", AgencyKind.PEOPLES_COMMITTEE_COMMUNE, unit["19903"], 2),
    ]
    made = []
    for code, name, kind, where, parent_at in tree:
        parent = made[parent_at] if parent_at is not None else None
        made.append(
            agency_create(code=f"s-{code}", name=name, kind=kind, unit=where, parent=parent)
        )
    agencies_bulk([(f"b-{code}", *rest) for code, *rest in tree])
    service = shape([f"s-{code}" for code, *_ in tree])
    assert all(same_path for *_, same_path in service)
    assert shape([f"b-{code}" for code, *_ in tree]) == service
