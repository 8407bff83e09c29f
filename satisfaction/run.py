"""`make run`: migrate, load units and demo data, then serve the portal with a Celery worker.

Uses DATABASE_URL when set, else the embedded PostgreSQL under .data/. When no Redis answers at
REDIS_URL, Celery tasks run in-process and the log says so.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger("satisfaction.run")


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping())
    except redis.RedisError:
        return False


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True)  # noqa: S603


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    os.environ.setdefault("DEBUG", "true")
    if not os.environ.get("DATABASE_URL"):
        from satisfaction.devdb import embedded_database_url

        os.environ["DATABASE_URL"] = embedded_database_url()
        log.info("DATABASE_URL is not set: using the embedded PostgreSQL under .data/pg")
    redis_url = os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    worker = None
    if redis_answers(redis_url):
        log.info("Redis answers at %s: starting a Celery worker with beat", redis_url)
    else:
        os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
        log.warning(
            "NO REDIS ANSWERS at %s: Celery tasks will run IN-PROCESS, inside the web request. "
            "Start Redis and run `make run` again to use a worker.",
            redis_url,
        )
    manage("migrate", "--no-input")
    manage("load_units")
    manage("load_demo")
    if os.environ.get("CELERY_TASK_ALWAYS_EAGER") != "true":
        worker = subprocess.Popen(  # noqa: S603
            [
                str(ROOT / ".venv/bin/celery"),
                "-A",
                "satisfaction",
                "worker",
                "-B",
                "--loglevel=info",
                "--concurrency=2",
                "-s",
                str(ROOT / ".data/celerybeat-schedule"),
            ],
            cwd=ROOT,
        )
    log.info("Serving http://127.0.0.1:8000 — stop with Ctrl+C")
    try:
        manage("runserver", "127.0.0.1:8000")
    except (KeyboardInterrupt, subprocess.CalledProcessError):
        pass
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)


if __name__ == "__main__":
    main()
