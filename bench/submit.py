"""Submission throughput: complete answers posted to the open link, against a trivial view.

The portal runs under gunicorn (sync workers, one per core) on loopback with bench/settings.py
(the product's settings, DEBUG off, the per-address rate limit off: see there), and wrk
(bench/submit.lua) drives it for 60 seconds (3 in a smoke run) twice, with the same threads and
connections: first a trivial view (bench/urls.py, the baseline: what the server and the
middleware alone cost), then the open link of the bench campaign, each request a complete answer
(every item answered, a comment now and then) with its own submission key. All requests share
one CSRF cookie and token, fetched from the rendered form as a browser would.

Figures: answers per second against the trivial view's requests per second, median and
95th-percentile latency, and the lost-answer check, key by key: every submission answered with
the redirect to the thank-you page must be stored, and the campaign's count must rise by exactly
the rows of the load. A submission still in flight when wrk stops has no answer; it may be stored
or not, and is counted apart. The CPU each party used during each run is printed too, because
the machine is shared: before each load (not in a smoke run) the path waits for it to be quiet.

Afterwards, in-process: where one submission's time goes (SQL against Python, the calls that
weigh most), and what the `indices_request` run on commit costs (two queries per answer; it
queues a Celery task only when it flips the campaign's index run to "queued", about once a
minute when a worker runs). Every row the run adds is deleted at the end, so `--keep` still
finds the campaign at its size, and the campaign's dates and index run are put back as they were.
"""

from __future__ import annotations

import contextlib
import cProfile
import http.client
import http.cookies
import itertools
import json
import os
import pstats
import random
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from bench import world
from bench.core import Row
from bench.urls import TRIVIAL_PATH
from reports.models import IndexRun
from reports.services import indices_request
from satisfaction.run import redis_answers
from surveys.forms.response import ResponseForm
from surveys.models import Campaign, Response, Scale
from surveys.selectors.collect import picker_agencies
from surveys.services import responses as response_service

ROOT = Path(__file__).resolve().parent.parent
LUA = Path(__file__).with_suffix(".lua")
TARGET = 0.25  # answers per second, as a share of the trivial view's requests per second
# As many wrk threads as connections (see bench/submit.lua), four per worker: every worker
# always finds a request waiting when it finishes one (it never idles on the client), while the
# queue stays short enough that latency is mostly service time, not waiting in the backlog. On
# the 2-core machine the trivial view gave the same ~4,000 req/s from 2 to 32 connections; only
# its latency grew with them, as the queue does.
CONNECTIONS_PER_WORKER = 4
# Far above any latency seen: a request given up by wrk would blur the lost-answer check.
WRK_TIMEOUT = "30s"
# Before each load (not in a smoke run), wait for the rest of the machine to use at most this
# many cores, looking over QUIET_LOOK seconds, for at most QUIET_WAIT seconds.
QUIET_CORES = 0.3
QUIET_LOOK = 2.0
QUIET_WAIT = 600
COMMENT_SHARE = 0.15
COMMENTS = [
    "Cán bộ hướng dẫn tận tình, thủ tục nhanh gọn.",
    "Cần thêm ghế ngồi chờ và chỗ để xe.",
    "Thời gian trả kết quả còn chậm so với giấy hẹn.",
    "Nên niêm yết rõ phí, lệ phí tại bộ phận một cửa.",
]


# --- The answers ----------------------------------------------------------------------------------


def form_spec(campaign: Campaign) -> list[dict]:
    """The open link's fields with the values to draw from, read from the form citizens get."""
    form = ResponseForm(questionnaire=campaign.questionnaire, language="vi")
    spec = []
    for name, item in form.items.items():
        values = [v for v, _vi, _en in item.levels()]
        if item.scale == Scale.MULTI:
            most = min(item.max_choices or 3, 3, len(values))
            spec.append({"name": name, "kind": "multi", "values": values, "most": most})
        elif item.scale == Scale.NUMBER:
            low, high = response_service.number_bounds(item)
            spec.append({"name": name, "kind": "number", "low": low, "high": min(high, low + 100)})
        elif item.scale == Scale.TEXT:
            texts = [urlencode({"": t})[1:] for t in COMMENTS]  # as the browser encodes them
            spec.append({"name": name, "kind": "text", "texts": texts, "share": COMMENT_SHARE})
        else:
            # One choice: satisfaction with the shares of the synthetic answers already stored
            # (about 84% satisfied), any other scale evenly.
            even = [1 / len(values)] * len(values)
            shares = world.SAT5_P if item.scale == Scale.SAT5 else even
            cumulative = _cumulative(shares)
            spec.append(
                {"name": name, "kind": "choice", "values": values, "cumulative": cumulative}
            )
    return spec


def _cumulative(shares: list[float]) -> list[float]:
    out = list(itertools.accumulate(shares))
    out[-1] = 1.0
    return out


def answers(spec: list[dict], rng: random.Random) -> list[tuple[str, str]]:
    """One complete answer drawn as bench/submit.lua draws it (for the in-process requests)."""
    pairs = []
    for item in spec:
        name = item["name"]
        if item["kind"] == "choice":
            r = rng.random()
            index = next(i for i, c in enumerate(item["cumulative"]) if r <= c)
            pairs.append((name, str(item["values"][index])))
        elif item["kind"] == "multi":
            for value in rng.sample(item["values"], rng.randint(1, item["most"])):
                pairs.append((name, str(value)))
        elif item["kind"] == "number":
            pairs.append((name, str(rng.randint(item["low"], item["high"]))))
        else:
            pairs.append((name, rng.choice(COMMENTS) if rng.random() < item["share"] else ""))
    return pairs


def submission_key(prefix: str, thread: int, counter: int) -> uuid.UUID:
    """The key bench/submit.lua sends: thread 0 is this module's own requests."""
    return uuid.UUID(f"{prefix}-4{thread:03x}-8000-{counter:012x}")


# --- The server -----------------------------------------------------------------------------------


@dataclass
class Server:
    host: str
    port: int
    process: subprocess.Popen
    log: Path

    def request(
        self, method: str, path: str, body: str = "", headers: dict | None = None
    ) -> tuple[int, http.client.HTTPMessage, str]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            conn.request(method, path, body=body or None, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.headers, response.read().decode()
        finally:
            conn.close()

    def worker_pids(self) -> list[int]:
        """The master's children: the workers whose CPU time the run counts."""
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError):
                    stat = (entry / "stat").read_text()
                    if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                        pids.append(int(entry.name))
        return pids


@contextlib.contextmanager
def gunicorn(workdir: Path) -> Iterator[Server]:
    """gunicorn with bench.settings, a sync worker per core, on a free loopback port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "DEBUG": "false"}
    log = workdir / "gunicorn.log"
    command = [
        sys.executable, "-m", "gunicorn", "satisfaction.wsgi:application",
        "--workers", str(os.cpu_count()), "--worker-class", "sync",
        "--bind", f"127.0.0.1:{port}", "--chdir", str(ROOT),
        # gunicorn 27 opens a control socket at one fixed path in $HOME by default: another
        # gunicorn on the machine (a developer's, another benchmark's) must keep its own.
        "--no-control-socket",
    ]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
    server = Server("127.0.0.1", port, process, log)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start:\n{log.read_text()[-3000:]}")
            with contextlib.suppress(OSError):
                if server.request("GET", TRIVIAL_PATH)[0] == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer in 60 s:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield server
    finally:
        # SIGTERM: the workers finish the request in hand (an answer wrk gave up on at the end of
        # the run is stored or not before the count), then exit.
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class Pair:
    """A CSRF cookie and a token of it, and the signed start time of the rendered form."""

    cookie: str
    token: str
    started: str


def csrf_pair(server: Server, form_path: str, agency: int) -> Pair:
    status, headers, html = server.request("GET", f"{form_path}?agency={agency}")
    if status != 200:
        raise RuntimeError(f"the open link answered {status} to GET")
    cookies = http.cookies.SimpleCookie()
    for header in headers.get_all("Set-Cookie") or []:
        cookies.load(header)

    def hidden(name: str) -> str:
        found = re.search(rf'name="{name}" value="([^"]*)"', html)
        if found is None:
            raise RuntimeError(f"no hidden field {name!r} in the open link's form")
        return found.group(1)

    return Pair(
        cookies[settings.CSRF_COOKIE_NAME].value, hidden("csrfmiddlewaretoken"), hidden("started")
    )


# --- CPU time, to see which process the load saturates -------------------------------------------

TICK = os.sysconf("SC_CLK_TCK")


def _machine_cpu() -> tuple[float, float]:
    """(busy, all) CPU seconds of the whole machine since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    idle = values[3] + values[4]  # idle, iowait
    return (sum(values) - idle) / TICK, sum(values) / TICK


class CpuSampler(threading.Thread):
    """The CPU seconds of the gunicorn workers and of the PostgreSQL backends serving the bench
    database, over a run. The backends come and go (a connection is replaced once older than
    DATABASE_CONN_MAX_AGE), so they are looked up and read every SAMPLE seconds; a backend's
    last fraction of a second before it exits is missed."""

    SAMPLE = 0.5

    def __init__(self, server: Server) -> None:
        super().__init__(daemon=True)
        self.workers = server.worker_pids()
        self.database = connection.settings_dict["NAME"]
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            self.own_backend = cursor.fetchone()[0]  # this process's own connection
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.stop = threading.Event()
        self._read(first=True)

    def _backends(self) -> list[int]:
        # A backend's process title: "postgres: 15/main: USER DATABASE HOST(PORT) STATE".
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and int(entry.name) != self.own_backend:
                with contextlib.suppress(OSError):
                    title = (entry / "cmdline").read_bytes().decode(errors="replace")
                    if title.startswith("postgres: ") and f" {self.database} " in title:
                        pids.append(int(entry.name))
        return pids

    def _read(self, *, first: bool = False) -> None:
        for pid in [*self.workers, *self._backends()]:
            with contextlib.suppress(OSError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                seconds = (int(fields[11]) + int(fields[12])) / TICK  # utime, stime
                if first:
                    self.first[pid] = seconds
                self.last[pid] = seconds

    def run(self) -> None:
        while not self.stop.wait(self.SAMPLE):
            self._read()

    def finish(self) -> tuple[float, float]:
        """(workers, backends) CPU seconds since the sampler was made."""
        self.stop.set()
        self.join()
        self._read()
        spent = {pid: self.last[pid] - self.first.get(pid, 0.0) for pid in self.last}
        workers = sum(spent.get(pid, 0.0) for pid in self.workers)
        return workers, sum(spent.values()) - workers


def wait_for_quiet(longest: float) -> float:
    """Wait up to `longest` seconds for the machine to be quiet (it is shared: another benchmark
    running beside the load would take its CPU); the seconds waited."""
    started = time.monotonic()
    while True:
        busy_before = _machine_cpu()[0]
        time.sleep(QUIET_LOOK)
        busy = (_machine_cpu()[0] - busy_before) / QUIET_LOOK
        waited = time.monotonic() - started
        if busy <= QUIET_CORES or waited >= longest:
            return waited


# --- wrk ------------------------------------------------------------------------------------------


@dataclass
class Load:
    """What one wrk run reports, with the CPU seconds each party used meanwhile."""

    seconds: float
    threads: list[dict]
    errors: dict[str, int]
    latency_ms: dict[str, float]
    cpu: dict[str, float] = field(default_factory=dict)
    waited: float = 0.0  # for the machine to be quiet, before the run

    @property
    def accepted(self) -> int:
        return sum(t["accepted"] for t in self.threads)

    @property
    def rps(self) -> float:
        return self.accepted / self.seconds

    @property
    def statuses(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for t in self.threads:
            for code, n in t["status"].items():
                out[code] = out.get(code, 0) + n
        return out

    @property
    def failed(self) -> int:
        """Answers neither 2xx nor 3xx, and socket errors (timeouts included)."""
        bad = sum(n for code, n in self.statuses.items() if not code.startswith(("2", "3")))
        return bad + sum(v for k, v in self.errors.items() if k != "status")


def _lua(value) -> str:
    """A Lua literal of the config (strings are ASCII: URL-encoded or plain tokens)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"[{_lua(k)}] = {_lua(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "{" + ", ".join(_lua(v) for v in value) + "}"
    if isinstance(value, str):
        if not value.isascii():
            raise ValueError(f"not ASCII: {value!r}")
        return json.dumps(value)
    return repr(value)


def _numbers(text: str) -> list[int]:
    return [int(v) for v in text.split(",") if v]


def wrk(
    server: Server, config: dict, *, seconds: int, connections: int, workdir: Path, quiet: bool
) -> Load:
    """One wrk run of bench/submit.lua with `config`, and the CPU each party used meanwhile."""
    path = workdir / f"{config['mode']}.lua"
    path.write_text("return " + _lua(config) + "\n")
    command = [
        shutil.which("wrk") or "wrk", "-t", str(connections), "-c", str(connections),
        "-d", f"{seconds}s", "--timeout", WRK_TIMEOUT, "-s", str(LUA),
        f"http://{server.host}:{server.port}{config['path']}", "--", str(path),
    ]  # fmt: skip
    waited = wait_for_quiet(QUIET_WAIT) if quiet else 0.0
    sampler = CpuSampler(server)
    machine = _machine_cpu()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    sampler.start()
    done = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
    workers, backends = sampler.finish()
    wrk_usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy, total = (after - before for after, before in zip(_machine_cpu(), machine, strict=True))
    cpu = {
        "gunicorn workers": workers,
        "PostgreSQL backends": backends,
        "wrk": wrk_usage.ru_utime + wrk_usage.ru_stime - usage.ru_utime - usage.ru_stime,
    }
    cpu["everything else"] = busy - sum(cpu.values())
    cpu["idle"] = total - busy
    load = _parse(done.stdout, cpu)
    load.waited = waited
    return load


def _parse(output: str, cpu: dict[str, float]) -> Load:
    threads, run, latency = [], {}, {}
    for line in output.splitlines():
        if not line.startswith("BENCH "):
            continue
        _bench, what, *pairs = line.split(" ")
        values = dict(pair.split("=", 1) for pair in pairs)
        if what == "thread":
            threads.append(
                {
                    "id": int(values["id"]),
                    "sent": int(values["sent"]),
                    "accepted": int(values["accepted"]),
                    "pending": int(values["pending"]),
                    "unanswered": _numbers(values["unanswered"]),
                    "refused": _numbers(values["refused"]),
                    "status": {
                        code: int(n)
                        for code, n in (p.split(":") for p in values["status"].split(",") if p)
                    },
                }
            )
        elif what == "run":
            run = {k: int(v) for k, v in values.items()}
        elif what == "latency_us":
            latency = {k: int(v) / 1000 for k, v in values.items()}
    if not threads or not run:
        raise RuntimeError(f"wrk printed no result:\n{output[-3000:]}")
    errors = {k: run[k] for k in ("connect", "read", "write", "timeout", "status")}
    return Load(run["duration_us"] / 1e6, threads, errors, latency, cpu)


# --- Exactly once, key by key ---------------------------------------------------------------------


@dataclass
class Check:
    accepted: int
    stored: int  # accepted answers found in the database
    lost: int
    in_flight: int  # sent, no answer when wrk stopped (or given up on)
    in_flight_stored: int
    refused_stored: int  # answered with an error, stored anyway: a bug
    rise: int  # the campaign's response count, after minus before
    load_rows: int  # rows carrying a key of the load

    @property
    def ok(self) -> bool:
        return not self.lost and not self.refused_stored and self.rise == self.load_rows


def check(campaign: Campaign, prefix: str, load: Load, rise: int) -> Check:
    """Each key the load sent, by what its response said, against the keys stored."""
    accepted, in_flight, refused = set(), set(), set()
    for t in load.threads:
        gone = set(t["unanswered"]) | ({t["pending"]} if t["pending"] else set())
        bad = set(t["refused"])
        for n in range(1, t["sent"] + 1):
            key = submission_key(prefix, t["id"], n)
            (in_flight if n in gone else refused if n in bad else accepted).add(key)
    if len(accepted) != load.accepted:  # the script's bookkeeping, not the product
        raise RuntimeError(f"{len(accepted)} keys accepted, but wrk counted {load.accepted}")
    stored = set(
        Response.objects.filter(
            campaign=campaign,
            submission_key__gte=uuid.UUID(f"{prefix}-4001-0000-000000000000"),
            submission_key__lte=uuid.UUID(f"{prefix}-4fff-ffff-ffffffffffff"),
        ).values_list("submission_key", flat=True)
    )
    return Check(
        accepted=len(accepted),
        stored=len(accepted & stored),
        lost=len(accepted - stored),
        in_flight=len(in_flight),
        in_flight_stored=len(in_flight & stored),
        refused_stored=len(refused & stored),
        rise=rise,
        load_rows=len(stored),
    )


# --- In-process: where one submission's time goes -------------------------------------------------


# The calls one submission makes, (label, file, function): each one's share of the request's time
# under cProfile, which inflates every call alike, so that the shares are what to read.
PHASES = [
    ("the view", "surveys/views/public.py", "open_link"),
    ("campaign_by_code", "surveys/selectors/collect.py", "campaign_by_code"),
    ("picker_agency", "surveys/selectors/collect.py", "picker_agency"),
    ("ResponseForm()", "surveys/forms/response.py", "__init__"),
    (
        "questionnaire_structure, in it",
        "surveys/selectors/questionnaires.py",
        "questionnaire_structure",
    ),
    ("form.is_valid", "django/forms/forms.py", "is_valid"),
    ("response_submit", "surveys/services/responses.py", "response_submit"),
    ("questionnaire_items, in it", "surveys/selectors/responses.py", "questionnaire_items"),
    ("_check_agency, in it", "surveys/services/responses.py", "_check_agency"),
    ("the INSERT, in it", "django/db/models/base.py", "save"),
    ("indices_request, on commit", "reports/services.py", "indices_request"),
]


@dataclass
class Profile:
    submit_ms: float  # one submission through the middleware and the view, median wall time
    cpu_ms: float  # of this process (Python), mean
    sql_ms: float  # waiting for PostgreSQL, mean
    queries: float
    indices_ms: float  # indices_request when the run is already queued (every answer but one)
    enqueue_ms: float  # indices_request that flips the run and queues the task
    rate_limit_ms: float  # the per-address count the bench turns off
    phases: list[tuple[str, float]]  # (label, share of the request's time)


def profile(
    campaign: Campaign,
    spec: list[dict],
    pair: Pair,
    form_path: str,
    prefix: str,
    agencies: list[int],
    n: int,
) -> Profile:
    rng = random.Random(7)
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.CSRF_COOKIE_NAME] = pair.cookie
    counter = itertools.count(1 << 20)  # thread 0, apart from the warm-up's keys

    def post() -> None:
        fields = [
            ("csrfmiddlewaretoken", pair.token),
            ("submission_key", str(submission_key(prefix, 0, next(counter)))),
            ("started", pair.started),
            ("agency", str(rng.choice(agencies))),
            ("website", ""),
            *answers(spec, rng),
        ]
        got = client.post(
            form_path, urlencode(fields), content_type="application/x-www-form-urlencoded"
        )
        if got.status_code != 302:
            raise RuntimeError(f"in-process submission answered {got.status_code}")

    sql = {"seconds": 0.0, "queries": 0}

    def timer(execute, query, params, many, context):
        started = time.perf_counter()
        try:
            return execute(query, params, many, context)
        finally:
            sql["seconds"] += time.perf_counter() - started
            sql["queries"] += 1

    # As the server runs (DEBUG off), and the rate limit off as in bench/settings.py; the test
    # client's host must be allowed.
    with override_settings(DEBUG=False, SURVEY_RATE_LIMIT_PER_HOUR=0, ALLOWED_HOSTS=["testserver"]):
        post()  # warm: the first request imports and compiles what the others reuse
        times = []
        cpu_started = time.process_time()
        with connection.execute_wrapper(timer):
            for _ in range(n):
                started = time.perf_counter()
                post()
                times.append(time.perf_counter() - started)
        cpu = time.process_time() - cpu_started
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(n):
            post()
        profiler.disable()
    stats = pstats.Stats(profiler)
    phases = []
    for label, filename, function in PHASES:
        spent = max(
            (ct for (f, _l, fn), (_cc, _nc, _tt, ct, _c) in stats.stats.items()
             if f.endswith(filename) and fn == function),
            default=0.0,
        )  # fmt: skip
        phases.append((label, spent / stats.total_tt))

    # indices_request as the on-commit hook runs it: nearly always with the run already queued.
    IndexRun.objects.filter(campaign=campaign).update(status=IndexRun.Status.QUEUED)
    indices = _median_ms(lambda: indices_request(campaign_id=campaign.pk), n)

    def flip() -> None:
        IndexRun.objects.filter(campaign=campaign).update(status=IndexRun.Status.DONE)
        started = time.perf_counter()
        if not indices_request(campaign_id=campaign.pk):
            raise RuntimeError("indices_request queued nothing")
        flips.append(time.perf_counter() - started)

    flips: list[float] = []
    for _ in range(5):
        flip()

    # The per-address count of the rate limit, for addresses with few answers as in production.
    now = timezone.now()
    addresses = iter(f"10.1.{i // 250}.{i % 250 + 1}" for i in range(10**6))
    with override_settings(SURVEY_RATE_LIMIT_PER_HOUR=20):
        limit = _median_ms(
            lambda: response_service._over_rate_limit(
                campaign, response_service.client_hash(campaign, next(addresses)), now
            ),
            n,
        )
    return Profile(
        submit_ms=statistics.median(times) * 1000,
        cpu_ms=cpu / n * 1000,
        sql_ms=sql["seconds"] / n * 1000,
        queries=sql["queries"] / n,
        indices_ms=indices,
        enqueue_ms=statistics.median(flips) * 1000,
        rate_limit_ms=limit,
        phases=phases,
    )


def _median_ms(fn, n: int) -> float:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


# --- Putting it back ------------------------------------------------------------------------------


@contextlib.contextmanager
def restored(campaign: Campaign, prefix: str) -> Iterator[None]:
    """Open the campaign today; afterwards, whatever happened, delete every answer keyed with this
    run's prefix, put the campaign's dates and index run back as they were, and empty the bench's
    Celery queue."""
    saved = IndexRun.objects.filter(campaign=campaign).values().first()
    closes_on = Campaign.objects.filter(pk=campaign.pk).values_list("closes_on", flat=True).get()
    # world.build dates the fieldwork in 2024: after it, the open link says "closed" (410).
    tomorrow = timezone.localdate() + timedelta(days=1)
    Campaign.objects.filter(pk=campaign.pk).update(closes_on=max(closes_on, tomorrow))
    try:
        yield
    finally:
        Campaign.objects.filter(pk=campaign.pk).update(closes_on=closes_on)
        lo = f"{prefix}-0000-0000-000000000000"
        hi = f"{prefix}-ffff-ffff-ffffffffffff"
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM surveys_responsetext WHERE response_id IN (SELECT id FROM "
                "surveys_response WHERE submission_key BETWEEN %s AND %s)",
                [lo, hi],
            )
            cursor.execute(
                "DELETE FROM surveys_response WHERE submission_key BETWEEN %s AND %s", [lo, hi]
            )
        if saved is None:
            IndexRun.objects.filter(campaign=campaign).delete()
        else:
            IndexRun.objects.filter(pk=saved.pop("id")).update(**saved)
        _broker().delete("celery")


def _broker_url() -> str:
    from bench import settings as bench_settings

    return bench_settings.CELERY_BROKER_URL


def _broker():
    import redis

    return redis.Redis.from_url(_broker_url())


@contextlib.contextmanager
def celery_as_the_server() -> Iterator[None]:
    """This process's enqueues (the profile's) as the server's: to the bench's broker, not the
    development queue, and queued even under the test settings (eager: a recompute inline)."""
    from satisfaction.celery import app

    saved = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url, app.conf.task_always_eager = _broker_url(), False
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.task_always_eager = saved


# --- The path -------------------------------------------------------------------------------------


def run(ctx) -> list[Row]:
    campaign: Campaign = ctx.campaign
    seconds = 3 if ctx.smoke else 60
    connections = CONNECTIONS_PER_WORKER * (os.cpu_count() or 1)
    spec = form_spec(campaign)
    agencies = [a.id for a in picker_agencies(campaign=campaign)]
    form_path = reverse("public:open", args=[campaign.code])
    done_path = reverse("public:open_done", args=[campaign.code])
    prefix = uuid.uuid4().hex[:12]
    prefix = f"{prefix[:8]}-{prefix[8:]}"
    broker = _broker_url()
    if not redis_answers(broker):
        # The server queues the index recompute there, as in production; without it the answer
        # that flips the index run would fail.
        raise RuntimeError(f"the submit path needs Redis: nothing answers at {broker}")
    with (
        celery_as_the_server(),
        restored(campaign, prefix),
        tempfile.TemporaryDirectory(prefix="bench-submit-") as tmp,
    ):
        workdir = Path(tmp)
        with gunicorn(workdir) as server:
            pair = csrf_pair(server, form_path, agencies[0])
            _warm(server, form_path, pair, spec, prefix, agencies)
            trivial = wrk(
                server, {"mode": "trivial", "path": TRIVIAL_PATH, "seed": 1},
                seconds=seconds, connections=connections, workdir=workdir, quiet=not ctx.smoke,
            )  # fmt: skip
            # As a minute after a worker's last recompute: the first answer of the load flips
            # the index run to "queued" and queues the task, as production does once a minute.
            recomputed = timezone.now() - timedelta(seconds=settings.INDEX_DEBOUNCE_SECONDS)
            IndexRun.objects.update_or_create(
                campaign=campaign,
                defaults={"status": IndexRun.Status.DONE, "finished_at": recomputed},
            )
            on_broker = _broker().llen("celery")
            before = campaign.responses.count()
            config = {
                "mode": "submit", "path": form_path, "done": done_path, "seed": 2,
                "prefix": prefix, "cookie": f"{settings.CSRF_COOKIE_NAME}={pair.cookie}",
                "token": pair.token, "started": urlencode({"": pair.started})[1:],
                "agencies": agencies, "items": spec,
            }  # fmt: skip
            load = wrk(
                server, config,
                seconds=seconds, connections=connections, workdir=workdir, quiet=not ctx.smoke,
            )  # fmt: skip
        # gunicorn has stopped: whatever it was still storing is stored.
        rise = campaign.responses.count() - before
        queued = Queued(
            flipped=IndexRun.objects.filter(
                campaign=campaign, status=IndexRun.Status.QUEUED
            ).exists(),
            on_broker=_broker().llen("celery") - on_broker,
        )
        errors_logged = _server_errors(server.log)
        result = check(campaign, prefix, load, rise)
        prof = profile(campaign, spec, pair, form_path, prefix, agencies, 10 if ctx.smoke else 100)
    _print_details(trivial, load, result, prof, queued, errors_logged)
    return _rows(trivial, load, result, prof, queued)


@dataclass
class Queued:
    """What the load queued for the index recompute."""

    flipped: bool  # the load turned the index run to "queued" (so indices_request queued a task)
    on_broker: int  # messages that reached the bench's broker meanwhile

    def __str__(self) -> str:
        flips = "run flipped to queued once" if self.flipped else "run not flipped"
        return f"{flips}, {self.on_broker} task(s) on the broker"


def _warm(
    server: Server, form_path: str, pair: Pair, spec: list[dict], prefix: str, agencies: list[int]
) -> None:
    """A few requests of each kind per worker, so neither run pays the first request's imports."""
    rng = random.Random(3)
    for n in range(1, 4 * (os.cpu_count() or 1) + 1):
        server.request("GET", TRIVIAL_PATH)
        fields = [
            ("csrfmiddlewaretoken", pair.token),
            ("submission_key", str(submission_key(prefix, 0, n))),
            ("started", pair.started), ("agency", str(rng.choice(agencies))), ("website", ""),
            *answers(spec, rng),
        ]  # fmt: skip
        status, _headers, _body = server.request(
            "POST",
            form_path,
            urlencode(fields),
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"{settings.CSRF_COOKIE_NAME}={pair.cookie}",
            },
        )
        if status != 302:
            raise RuntimeError(f"a warm-up submission answered {status}")


def _server_errors(log: Path) -> list[str]:
    """What the server logged as an error (Django's 500s, gunicorn's worker trouble)."""
    text = log.read_text(errors="replace")
    return [line for line in text.splitlines() if re.search(r"\bERROR\b|CRITICAL|Traceback", line)]


def _print_details(
    trivial: Load, load: Load, result: Check, prof: Profile, queued: Queued, errors: list[str]
) -> None:
    for name, run in (("trivial view", trivial), ("submissions", load)):
        statuses = ", ".join(f"{code}: {n:,}" for code, n in sorted(run.statuses.items()))
        print(f"  submit, {name}: {run.rps:.0f} req/s over {run.seconds:.1f} s ({statuses}), "
              f"socket errors {run.errors}")  # fmt: skip
        spent = ", ".join(f"{who} {s:.1f} s" for who, s in run.cpu.items())
        print(f"    CPU over the run: {spent}")
        if run.waited >= QUIET_LOOK * 1.5:
            print(f"    waited {run.waited:.0f} s for the machine to be quiet first")
        if run.cpu["everything else"] > QUIET_CORES * run.seconds:
            print(
                "    WARNING: other processes took "
                f"{run.cpu['everything else'] / run.seconds:.1f} cores on average during the run: "
                "the figures understate the server"
            )
    # The CPU each request costs the server: unlike requests per second, it barely moves when
    # another process takes a core meanwhile.
    stored, requests = max(load.accepted, 1), max(trivial.accepted, 1)
    gunicorn_ms = load.cpu["gunicorn workers"] / stored * 1000
    postgres_ms = load.cpu["PostgreSQL backends"] / stored * 1000
    per_answer = (gunicorn_ms + postgres_ms) / 1000
    per_request = (trivial.cpu["gunicorn workers"] + trivial.cpu["PostgreSQL backends"]) / requests
    print(
        f"  submit, server CPU per answer {per_answer * 1000:.1f} ms (gunicorn {gunicorn_ms:.1f}, "
        f"PostgreSQL {postgres_ms:.1f}), per trivial request "
        f"{per_request * 1000:.2f} ms: by CPU an answer costs {per_answer / per_request:.0f} "
        "trivial requests"
    )
    print(
        f"  submit, key by key: {result.accepted:,} accepted, {result.stored:,} of them stored, "
        f"{result.lost} lost; {result.in_flight} sent without an answer (in flight when wrk "
        f"stopped, or wrk's check of the script), {result.in_flight_stored} of them stored; "
        f"{result.refused_stored} refused yet stored; "
        f"count rose by {result.rise:,}, rows of the load {result.load_rows:,}"
    )
    print(
        f"  submit, in-process: {prof.submit_ms:.1f} ms per answer, Python CPU "
        f"{prof.cpu_ms:.1f} ms, SQL {prof.sql_ms:.1f} ms in {prof.queries:.0f} queries; "
        f"indices_request {prof.indices_ms:.2f} ms (run already queued), "
        f"{prof.enqueue_ms:.2f} ms when it queues the task; the load: {queued}; "
        f"rate-limit count {prof.rate_limit_ms:.2f} ms (off in the bench)"
    )
    shares = ", ".join(f"{label} {share:.0%}" for label, share in prof.phases)
    print(f"  submit, in-process profile, share of the request: {shares}")
    for line in errors[:10]:
        print(f"  submit, server log: {line}")


def _rows(trivial: Load, load: Load, result: Check, prof: Profile, queued: Queued) -> list[Row]:
    share = load.rps / trivial.rps if trivial.rps else 0.0
    t, s = trivial.latency_ms, load.latency_ms
    failed = (
        f"{load.failed} failed; {result.in_flight} unanswered at the stop, "
        f"{result.in_flight_stored} of them stored"
    )
    equal = "=" if result.stored == result.accepted else "≠"
    return [
        Row(
            "open-link submissions, gunicorn + wrk",
            f"{load.rps:.0f} answers/s",
            f"trivial view {trivial.rps:.0f} req/s",
            f"{share:.0%}",
            f"≥ {TARGET:.0%}",
            "yes" if share >= TARGET and not load.failed else "no",
        ),
        Row(
            "open-link submissions, latency p50 / p95",
            f"{s['p50']:.0f} / {s['p95']:.0f} ms",
            f"trivial view {t['p50']:.1f} / {t['p95']:.1f} ms",
            f"{s['p50'] / t['p50']:.0f} × / {s['p95'] / t['p95']:.0f} ×",
            "—",
            "—",
        ),
        Row(
            "open-link submissions, answers lost",
            f"stored {result.stored:,} {equal} accepted {result.accepted:,}",
            failed,
            f"lost {result.lost}",
            "0 lost",
            "yes" if result.ok else "no",
        ),
        Row(
            "open-link submissions, indices_request on commit",
            f"{prof.indices_ms:.2f} ms per answer; {queued}",
            f"one answer in-process {prof.submit_ms:.1f} ms",
            f"{prof.indices_ms / prof.submit_ms:.0%}",
            "—",
            "—",
        ),
    ]
