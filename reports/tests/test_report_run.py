"""report_run: the worker's side of a job, with its progress, its file, or its error."""

import io

import pytest

from reports.exporters.raw import RawAnswersExporter
from reports.models import ReportJob
from reports.services import report_request, report_retry, report_run
from reports.tests.exports import answer, media, report_campaign, workbook  # noqa: F401

# Generated files go to a directory of each test.
pytestmark = pytest.mark.usefixtures("media")


@pytest.fixture
def job(world):
    campaign = report_campaign(world)
    for i in range(120):
        answer(campaign, world.phu_vang, **{"1.1": 1 + i % 5})
    return report_request(campaign=campaign, exporter="raw", fmt="xlsx", user=world.manager)


def test_it_writes_the_file_and_the_job_row(world, job):
    report_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE and job.progress == 100 and job.rows == 120
    assert job.started_at <= job.finished_at < job.expires_at
    assert job.filename.startswith(f"du-lieu-tho_{job.campaign.code}_") and job.filename.endswith(
        ".xlsx"
    )
    with job.file.open("rb") as fh:
        data = fh.read()
    assert len(data) == job.size
    assert workbook(data)["Dữ liệu"].max_row == 121


def test_it_writes_progress_to_the_row_as_it_goes(world, job, monkeypatch):
    seen = []
    original = RawAnswersExporter.render

    def spy(self, fmt, ctx, out, *, progress=None):
        def wrapped(percent):
            progress(percent)
            seen.append(ReportJob.objects.values_list("progress", flat=True).get(pk=job.pk))

        return original(self, fmt, ctx, out, progress=wrapped)

    monkeypatch.setattr(RawAnswersExporter, "render", spy)
    report_run(job_id=job.pk)
    assert any(0 < p < 100 for p in seen), seen
    assert seen == sorted(seen) and max(seen) <= 99  # 100 only once the file is stored
    job.refresh_from_db()
    assert job.progress == 100


def test_it_runs_a_job_once(world, job):
    report_run(job_id=job.pk)
    first = ReportJob.objects.get(pk=job.pk)
    assert report_run(job_id=job.pk) is None  # a second delivery of the task does nothing
    assert ReportJob.objects.get(pk=job.pk).finished_at == first.finished_at


def test_it_keeps_a_failure_with_its_message_and_can_retry(world, job, monkeypatch):
    def boom(self, ctx, out, tracker):
        raise RuntimeError("ổ đĩa đầy")

    monkeypatch.setattr(RawAnswersExporter, "write_xlsx", boom)
    report_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.FAILED and not job.file
    assert (
        job.error.startswith("Không tạo được báo cáo.") and "RuntimeError: ổ đĩa đầy" in job.error
    )
    assert job.expires_at is not None
    monkeypatch.undo()
    report_retry(job=job)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.QUEUED and job.error == "" and job.progress == 0
    report_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE and job.attempts == 2 and job.rows == 120


def test_it_drops_the_file_of_an_attempt_given_up_on(world, job, monkeypatch):
    original = RawAnswersExporter.render

    def slow(self, fmt, ctx, out, *, progress=None):
        rendered = original(self, fmt, ctx, out, progress=progress)
        # Meanwhile the housekeeping gave the job up and someone retried it.
        ReportJob.objects.filter(pk=job.pk).update(status="queued", attempts=5)
        return rendered

    monkeypatch.setattr(RawAnswersExporter, "render", slow)
    report_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.QUEUED and not job.file


def test_it_refuses_to_retry_a_job_that_did_not_fail(world, job):
    with pytest.raises(ValueError):
        report_retry(job=job)


def test_it_renders_csv_too(world, job):
    job.fmt = "csv"
    job.save()
    report_run(job_id=job.pk)
    job.refresh_from_db()
    with job.file.open("rb") as fh:
        lines = io.BytesIO(fh.read()).read().decode("utf-8-sig").splitlines()
    assert len(lines) == 121 and job.filename.endswith(".csv")
