"""report_request: a new job queued after commit, or the same report over the same data again."""

import datetime

import pytest
from django.utils import timezone

from reports.models import ReportJob
from reports.services import report_params_hash, report_request
from reports.tests.exports import answer, media, report_campaign  # noqa: F401

# Generated files go to a directory of each test.
pytestmark = pytest.mark.usefixtures("media")


def request(campaign, user, **kwargs):
    options = {"exporter": "raw", "fmt": "xlsx", **kwargs}
    return report_request(campaign=campaign, user=user, **options)


def test_it_queues_a_job_once_the_transaction_commits(world, django_capture_on_commit_callbacks):
    campaign = report_campaign(world)
    answer(campaign, world.phu_vang, **{"1.1": 4})
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = request(campaign, world.manager)
        assert ReportJob.objects.get(pk=job.pk).status == ReportJob.Status.QUEUED
    assert len(callbacks) == 1  # the task ran (eagerly) only once the request committed
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE and job.rows == 1
    assert job.requested_by == world.manager and job.exporter == "raw" and job.fmt == "xlsx"
    assert job.params == {"campaign": campaign.pk, "agency": None}
    assert job.params_hash == report_params_hash(exporter="raw", fmt="xlsx", params=job.params)
    assert job.data_version and job.size > 0 and job.file.name.startswith("reports/")


def test_it_serves_the_same_report_over_the_same_data_again(
    world, django_capture_on_commit_callbacks
):
    campaign = report_campaign(world)
    answer(campaign, world.phu_vang, **{"1.1": 4})
    with django_capture_on_commit_callbacks(execute=True):
        first = request(campaign, world.manager)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = request(campaign, world.supervisor)
    assert again.pk == first.pk and not callbacks
    assert ReportJob.objects.count() == 1


def test_it_makes_a_new_report_when_the_data_changed(world, django_capture_on_commit_callbacks):
    campaign = report_campaign(world)
    answer(campaign, world.phu_vang, **{"1.1": 4})
    with django_capture_on_commit_callbacks(execute=True):
        first = request(campaign, world.manager)
    answer(campaign, world.phu_vang, **{"1.1": 5})
    with django_capture_on_commit_callbacks(execute=True):
        second = request(campaign, world.manager)
    assert second.pk != first.pk and second.data_version != first.data_version
    second.refresh_from_db()
    assert second.rows == 2


def test_it_makes_a_new_report_for_other_parameters(world, django_capture_on_commit_callbacks):
    campaign = report_campaign(world)
    with django_capture_on_commit_callbacks(execute=True):
        whole = request(campaign, world.manager)
        csv = request(campaign, world.manager, fmt="csv")
        limited = request(campaign, world.manager, agency=world.phu_vang)
    assert len({whole.pk, csv.pk, limited.pk}) == 3
    assert limited.params["agency"] == world.phu_vang.pk


def test_it_does_not_serve_an_expired_or_missing_file(world, django_capture_on_commit_callbacks):
    campaign = report_campaign(world)
    with django_capture_on_commit_callbacks(execute=True):
        first = request(campaign, world.manager)
    ReportJob.objects.filter(pk=first.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        second = request(campaign, world.manager)
    assert second.pk != first.pk
    second.refresh_from_db()
    second.file.delete(save=False)
    ReportJob.objects.filter(pk=second.pk).update(file=second.file.name or "gone.xlsx")
    with django_capture_on_commit_callbacks(execute=True):
        third = request(campaign, world.manager)
    assert third.pk not in (first.pk, second.pk)


def test_it_joins_a_job_still_running(world):
    campaign = report_campaign(world)
    first = request(campaign, world.manager)  # not committed: still queued
    assert request(campaign, world.official).pk == first.pk


def test_it_keys_reports_read_from_the_indices_on_the_engine_version(world):
    from reports.engine import ENGINE_VERSION

    campaign = report_campaign(world)
    job = request(campaign, world.manager, exporter="summary")
    assert job.params == {"campaign": campaign.pk, "agency": None, "engine": ENGINE_VERSION}


def test_it_refuses_a_format_the_report_does_not_have(world):
    with pytest.raises(ValueError):
        request(report_campaign(world), world.manager, exporter="summary", fmt="csv")
