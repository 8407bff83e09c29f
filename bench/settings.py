"""Settings of the gunicorn server that bench/submit.py measures: the product's, and only what the
benchmark needs on top.

DEBUG (false), SECRET_KEY and DATABASE_URL (the bench database) come from the environment that
bench/submit.py hands to gunicorn, read by satisfaction.settings exactly as in production.
"""

from urllib.parse import urlparse

from satisfaction.settings import *  # noqa: F403
from satisfaction.settings import ALLOWED_HOSTS, REDIS_URL, STORAGES

# The product's URLs plus the trivial view that is the baseline (bench/urls.py).
ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "127.0.0.1", "localhost"]

# The rate limit is OFF here, for the bench only: the whole load comes from one address
# (127.0.0.1), and the limit counts answers per address and hour, so the production value would
# refuse all but the first few. Raising it instead would be no truer: its count query would then
# scan every answer of the run, where a real address has at most a handful. bench/submit.py
# measures what the check costs per submission in-process and reports it beside the figures.
SURVEY_RATE_LIMIT_PER_HOUR = 0

# Without collectstatic (the bench writes nothing under STATIC_ROOT) the manifest storage of
# DEBUG=false fails every page that links a static file: the form fetched for the CSRF pair, or a
# refusal page under load, would turn into a 500. The measured success path renders no page.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Celery's broker on its own Redis database (same server, so the same cost per enqueue): the task
# a run queues names a campaign id of the bench database, and must never reach a worker of the
# development database, where that id is another campaign. bench/submit.py empties it afterwards.
BENCH_BROKER_DB = 15
CELERY_BROKER_URL = urlparse(REDIS_URL)._replace(path=f"/{BENCH_BROKER_DB}").geturl()
