"""A real Celery worker, on Redis, runs a task against the test database."""

import uuid

import pytest

from reports.models import WorkerHeartbeat
from reports.selectors import worker_last_seen
from reports.tasks import heartbeat_record
from satisfaction.testing import celery_worker, wait_for

# The worker sees only committed rows, hence a transactional test. After it the test database is
# flushed: `available_apps` limits that to the reports tables, so the unit lists stay loaded
# (and limits the app registry too: no test client here, its middleware needs auth).
pytestmark = [
    pytest.mark.celery,
    pytest.mark.django_db(transaction=True, available_apps=["reports"]),
]


def test_it_records_a_heartbeat_from_a_real_worker():
    queue = f"test-{uuid.uuid4().hex[:12]}"
    assert not WorkerHeartbeat.objects.exists()
    with celery_worker(queue) as worker:
        worker.apply_async(heartbeat_record)
        try:
            beat = wait_for(WorkerHeartbeat.objects.first, timeout=60)
        except TimeoutError:
            pytest.fail(f"no heartbeat within 60 s; the worker said:\n{worker.log()}")
    # The task ran in the worker, not eagerly in this process.
    assert beat.worker.startswith(f"{queue}@")
    assert worker_last_seen() == beat.seen_at
