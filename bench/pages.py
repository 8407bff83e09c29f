"""The officials' results pages: server time at ctx.size answers against 10,000 answers.

The pages read precomputed indices (reports.IndexResult), so their cost should not grow with the
answers. A second campaign of 10,000 answers over the same agencies is built in the same database,
and each page is requested in-process (django.test.Client) by a province-wide manager, the two
campaigns in turn, so that the noise of a shared machine falls on both alike. There is no separate
ranking page: the rankings are a section of the campaign overview, also timed on their own
(selectors.ranking over every ranked tier) to tell them apart from the rest of the page.
"""

from __future__ import annotations

import statistics

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.models import Membership, Role
from bench import world
from bench.core import Row, Run, interleaved
from reports import selectors
from reports.exporters.summary import ranked_tiers
from reports.indices import indices_compute
from reports.models import IndexResult
from surveys.models import Campaign

COMPARE_SIZE = 10_000
COMPARE_CODE = "bench-10k"
COMPARE_SEED = 20242
MANAGER = "bench-manager"
LIMIT = 1.5  # p95 at ctx.size within this many times the p95 at 10,000


def _bench_settings() -> dict:
    """What in-process requests need on top of the product's settings: an allowed host for the
    test client (ALLOWED_HOSTS is empty when DEBUG is off), and a plain static storage, since the
    manifest of DEBUG=false exists only after collectstatic and every page links a static file.
    Neither changes what a page queries or renders."""
    return {
        "ALLOWED_HOSTS": [*settings.ALLOWED_HOSTS, "testserver"],
        "STORAGES": {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    }


def indices_ready(campaign: Campaign) -> None:
    """Compute the campaign's indices unless they are current (a --keep run skips it)."""
    if not selectors.campaign_indices_ready(campaign):
        indices_compute(campaign=campaign)


def manager_client(campaign: Campaign) -> Client:
    """A client logged in as a manager of the organiser: province-wide, sees every figure."""
    user, _ = get_user_model().objects.get_or_create(username=MANAGER)
    Membership.objects.update_or_create(
        user=user, agency=campaign.organiser, defaults={"role": Role.MANAGER}
    )
    client = Client()
    client.force_login(user)
    return client


def _busiest_agency(campaign: Campaign) -> int:
    """The agency with the most answers: if any part of its page grows with them, it shows most."""
    key = (
        IndexResult.objects.filter(campaign=campaign, cut="agency", code="OVERALL")
        .order_by("-n")
        .values_list("cut_key", flat=True)
        .first()
    )
    return int(key)


def _get(client: Client, url: str) -> None:
    response = client.get(url, secure=True)
    if response.status_code != 200:
        raise RuntimeError(f"{url}: HTTP {response.status_code}")


def _alternate(measure, campaigns: list[Campaign], requests: int, warmup: int) -> list[list[float]]:
    """Seconds of each `measure(campaign)`, per campaign, after `warmup` untimed calls each: the
    campaigns take turns (bench.core.interleaved), so a busy moment of the shared machine slows
    them alike."""
    runs = {
        str(i): Run(lambda c=campaign: measure(c), warmup=warmup)
        for i, campaign in enumerate(campaigns)
    }
    return list(interleaved(runs, requests).values())


def _ranking_section(campaign: Campaign) -> None:
    for cut in ranked_tiers(campaign):
        selectors.ranking(campaign, cut, include_low_n=True, scope=selectors.EVERYTHING)


def _percentiles(times: list[float]) -> tuple[float, float]:
    """Median and 95th percentile, in milliseconds."""
    p95 = statistics.quantiles(times, n=20, method="inclusive")[18]
    return statistics.median(times) * 1000, p95 * 1000


def _slowest_queries(client: Client, url: str, k: int = 3) -> list[str]:
    """The k slowest SQL statements of one request, to tell which read grows with the answers."""
    with CaptureQueriesContext(connection) as captured:
        client.get(url, secure=True)
    queries = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))
    return [f"{float(q['time']) * 1000:.0f} ms  {q['sql'][:300]}" for q in queries[:k]]


def run(ctx) -> list[Row]:
    big = ctx.campaign
    small = world.build(size=COMPARE_SIZE, keep=True, code=COMPARE_CODE, seed=COMPARE_SEED)
    for campaign in (small, big):
        indices_ready(campaign)
    client = manager_client(big)
    agency = _busiest_agency(big)
    pages = {
        "results overview with rankings (page)": lambda c: reverse("reports:campaign", args=[c.pk]),
        "agency results (page)": lambda c: reverse("reports:agency", args=[c.pk, agency]),
    }
    requests, warmup = (5, 1) if ctx.smoke else (50, 2)
    rows = []
    with override_settings(**_bench_settings()):
        for name, url in pages.items():
            on_big, on_small = _alternate(
                lambda c, url=url: _get(client, url(c)), [big, small], requests, warmup
            )
            rows.append(_row(name, on_big, on_small, ctx.size))
            if rows[-1].verdict == "no":
                print(f"  {name}: slowest queries of one request at {ctx.size:,} answers")
                for line in _slowest_queries(client, url(big)):
                    print(f"    {line}")
    on_big, on_small = _alternate(_ranking_section, [big, small], requests, warmup)
    rows.append(_row("ranking section (every tier)", on_big, on_small, ctx.size))
    return rows


def _row(name: str, big: list[float], small: list[float], size: int) -> Row:
    p50, p95 = _percentiles(big)
    b50, b95 = _percentiles(small)
    ratio = p95 / b95
    return Row(
        f"{name}, server time",
        f"p50 {p50:.0f} ms, p95 {p95:.0f} ms at {size:,}",
        f"p50 {b50:.0f} ms, p95 {b95:.0f} ms at {COMPARE_SIZE:,}",
        f"p95 {ratio:.2f} ×",
        f"p95 ≤ {LIMIT} × at {COMPARE_SIZE:,}",
        "yes" if ratio <= LIMIT else "no",
    )
