"""Test helpers shared by the apps: a real Celery worker that works on the test database.

Unit tests run Celery eagerly (settings_test); the few integration tests that need a real worker
use `celery_worker(queue)`, on a queue of their own so that no other worker takes their jobs.
Such tests must be `django_db(transaction=True)`: the worker only sees committed rows.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection

from satisfaction.run import redis_answers

# A Redis database of its own, so test messages never reach the development worker's queues.
TEST_REDIS_DB = 5


def redis_url_for_tests() -> str:
    """REDIS_URL (or its default) with the test database number."""
    url = urlsplit(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    return urlunsplit(url._replace(path=f"/{TEST_REDIS_DB}"))


def database_url() -> str:
    """A DATABASE_URL for the database this process uses: under pytest, the test database."""
    s = connection.settings_dict
    auth = quote(s["USER"] or "", safe="")
    if s["PASSWORD"]:
        auth += ":" + quote(s["PASSWORD"], safe="")
    host = quote(s["HOST"] or "", safe="")  # a socket directory must be percent-encoded
    port = f":{s['PORT']}" if s["PORT"] else ""
    return f"postgresql://{auth}{'@' if auth else ''}{host}{port}/{quote(s['NAME'], safe='')}"


@dataclass
class Worker:
    process: subprocess.Popen[str]
    queue: str
    broker_url: str
    output: list[str] = field(default_factory=list)

    def apply_async(self, task: Any, args: tuple = (), kwargs: dict | None = None, **options):
        """Queue `task` for this worker, although the test settings make Celery eager."""
        from satisfaction.celery import app

        eager = app.conf.task_always_eager
        app.conf.task_always_eager = False
        try:
            with app.connection_for_write(self.broker_url) as conn:
                return task.apply_async(args, kwargs, queue=self.queue, connection=conn, **options)
        finally:
            app.conf.task_always_eager = eager

    def log(self) -> str:
        return "".join(self.output)


def wait_for[T](probe: Callable[[], T], *, timeout: float = 60, interval: float = 0.2) -> T:
    """Call `probe` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"nothing after {timeout:g} s")
        time.sleep(interval)


@contextmanager
def celery_worker(queue: str, *, ready_timeout: float = 60) -> Iterator[Worker]:
    """Run `celery worker` on `queue` against this test database; skip when Redis is down."""
    broker_url = redis_url_for_tests()
    if not redis_answers(broker_url):
        pytest.skip(f"no Redis answers at {broker_url}: a real Celery worker needs it")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "satisfaction.settings",
        "DEBUG": "true",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "REDIS_URL": broker_url,
        "DATABASE_URL": database_url(),
        # No connection left open once a job ends: the test database is flushed after the test.
        "DATABASE_CONN_MAX_AGE": "0",
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "satisfaction",
        "worker",
        "--pool=solo",
        "--concurrency=1",
        "-Q",
        queue,
        "-n",
        f"{queue}@%h",
        "--without-heartbeat",
        "--without-gossip",
        "--without-mingle",
        "--loglevel=info",
    ]
    process = subprocess.Popen(  # noqa: S603 - a fixed command line
        command,
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    worker = Worker(process, queue, broker_url)
    ready = threading.Event()

    def read() -> None:
        for line in process.stdout:  # type: ignore[union-attr]
            worker.output.append(line)
            if " ready." in line:
                ready.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + ready_timeout
        # Wait for the worker to consume its queue: a message sent before would be dropped.
        while not ready.wait(0.2):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the Celery worker did not start:\n{worker.log()}")
        yield worker
    finally:
        process.terminate()  # a warm shutdown: the current job ends first
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        reader.join(timeout=5)
