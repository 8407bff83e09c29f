"""The beat task's services: jobs whose worker is gone fail; expired reports are removed."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from reports.models import ReportJob
from reports.services import report_request, report_run, reports_fail_stale, reports_purge_expired
from reports.tasks import reports_housekeeping
from reports.tests.exports import media, report_campaign  # noqa: F401

# Generated files go to a directory of each test.
pytestmark = pytest.mark.usefixtures("media")


def make_job(world, **kwargs):
    campaign = report_campaign(world)
    return report_request(
        campaign=campaign, exporter="raw", fmt="xlsx", user=world.manager, **kwargs
    )


def test_it_fails_jobs_silent_for_longer_than_the_timeout(world, settings):
    settings.REPORT_JOB_TIMEOUT_MINUTES = 30
    queued = make_job(world)
    running = make_job(world, agency=world.phu_vang)
    ReportJob.objects.filter(pk=running.pk).update(status="running")
    fresh = make_job(world, agency=world.huong_tra)
    later = timezone.now() + datetime.timedelta(minutes=31)
    ReportJob.objects.filter(pk=fresh.pk).update(touched_at=later)
    with time_machine.travel(later):
        assert reports_fail_stale() == 2
    for job in (queued, running):
        job.refresh_from_db()
        assert job.status == ReportJob.Status.FAILED
        assert job.error.startswith("Quá thời gian xử lý")
    fresh.refresh_from_db()
    assert fresh.status == ReportJob.Status.QUEUED


def test_it_removes_expired_reports_and_their_files(world, settings):
    settings.REPORT_TTL_HOURS = 2
    job = make_job(world)
    report_run(job_id=job.pk)
    job.refresh_from_db()
    path = job.file.path
    keep = make_job(world, agency=world.phu_vang)
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=1)):
        assert reports_purge_expired() == 0
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=3)):
        reports_housekeeping()
    assert not ReportJob.objects.filter(pk=job.pk).exists()
    assert not __import__("os").path.exists(path)
    # A queued job has no expiry yet; the housekeeping failed it (silent for 3 hours).
    keep.refresh_from_db()
    assert keep.status == ReportJob.Status.FAILED
