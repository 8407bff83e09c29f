"""End to end on a real Celery worker: a raw export requested through the report centre is made by
the worker, its progress moves through intermediate values, and the file downloads."""

import time
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.models import ReportJob
from reports.tasks import run_report
from reports.tests.exports import report_campaign, scores, workbook
from satisfaction.testing import celery_worker
from surveys.models import Response

# The worker sees only committed rows: a transactional test. It empties every table when it ends;
# conftest loads the unit list again for the next test that needs it.
pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]

ANSWERS = 5000


def add_answers(campaign, agencies, n):
    rows = []
    for i in range(n):
        agency = agencies[i % len(agencies)]
        unit = agency.unit
        rows.append(
            Response(
                campaign=campaign, questionnaire=campaign.questionnaire, agency=agency,
                agency_kind=agency.kind, unit=unit, province=agency.province,
                district=unit if unit.tier == 2 else unit.district,
                commune=unit if unit.tier == 3 else None, channel="online",
                scores=scores(campaign, **{"1.1": 1 + i % 5, "KENH": 1 + i % 7, "HL": 4}),
                submitted_at=timezone.now(),
            )
        )  # fmt: skip
    Response.objects.bulk_create(rows, batch_size=1000)


def test_it_makes_a_report_on_a_real_worker_with_moving_progress(
    world, as_user, tmp_path, settings, monkeypatch
):
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    monkeypatch.setenv("MEDIA_ROOT", str(media))  # the worker's too
    campaign = report_campaign(world)
    add_answers(campaign, [world.phu_vang, world.huong_tra, world.tu_ha], ANSWERS)
    client = as_user(world.manager)
    queue = f"test-{uuid.uuid4().hex[:12]}"
    with celery_worker(queue) as worker:
        # report_request queues with run_report.delay(); send it to this test's worker instead.
        monkeypatch.setattr(
            run_report, "delay", lambda job_id: worker.apply_async(run_report, (job_id,))
        )
        response = client.post(
            reverse("report_centre:new"),
            {"campaign": campaign.pk, "exporter": "raw", "fmt": "xlsx"},
        )
        assert response.status_code == 302, response.content
        job = ReportJob.objects.get()
        status_url = reverse("report_centre:status", args=[job.pk])
        seen: list[int] = []
        statuses: list[str] = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            status = client.get(status_url).json()
            seen.append(status["progress"])
            statuses.append(status["status"])
            if status["finished"]:
                break
            time.sleep(0.02)
        else:
            pytest.fail(f"the report was not made within 120 s; the worker said:\n{worker.log()}")
    assert status["status"] == "done", (status, worker.log())
    assert seen == sorted(seen), seen  # progress only moves forward
    assert any(0 < p < 100 for p in seen), seen
    assert "queued" in statuses or "running" in statuses
    job.refresh_from_db()
    assert job.rows == ANSWERS and job.progress == 100
    download = client.get(status["download_url"])
    assert download.status_code == 200
    ws = workbook(b"".join(download.streaming_content))["Dữ liệu"]
    assert ws.max_row == ANSWERS + 1
