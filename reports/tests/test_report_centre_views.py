"""The report centre: list, request form, job page, status, download and retry, for each persona."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.models import ReportJob
from reports.services import report_request
from reports.tests.exports import answer, media, report_campaign, texts_of, workbook  # noqa: F401

# Generated files go to a directory of each test.
pytestmark = pytest.mark.usefixtures("media")


@pytest.fixture
def campaign(world):
    c = report_campaign(world)
    answer(c, world.phu_vang, **{"1.1": 4, "HL": 5})
    answer(c, world.huong_tra, **{"1.1": 2, "HL": 3})
    return c


def make_job(campaign, user, exporter="raw", agency=None, fmt="xlsx"):
    from reports.services import report_run

    job = report_request(campaign=campaign, exporter=exporter, fmt=fmt, user=user, agency=agency)
    report_run(job_id=job.pk)
    job.refresh_from_db()
    return job


def post_new(client, campaign, exporter, agency=None, fmt="xlsx"):
    data = {"campaign": campaign.pk, "exporter": exporter, "fmt": fmt}
    if agency is not None:
        data["agency"] = agency.pk
    return client.post(reverse("report_centre:new"), data)


def test_it_sends_anonymous_users_to_the_login_page(client, world, campaign):
    job = make_job(campaign, world.manager)
    for name, args in [("list", []), ("new", []), ("job", [job.pk]), ("download", [job.pk])]:
        response = client.get(reverse(f"report_centre:{name}", args=args))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_lets_a_manager_request_and_download_a_summary(
    as_user, world, campaign, django_capture_on_commit_callbacks
):
    client = as_user(world.manager)
    assert client.get(reverse("report_centre:new")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = post_new(client, campaign, "summary")
    job = ReportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "report_centre:job", args=[job.pk]
    )
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE and job.requested_by == world.manager
    page = client.get(reverse("report_centre:job", args=[job.pk]))
    assert page.status_code == 200
    assert reverse("report_centre:download", args=[job.pk]).encode() in page.content
    status = client.get(reverse("report_centre:status", args=[job.pk])).json()
    assert status["status"] == "done" and status["progress"] == 100 and status["download_url"]
    download = client.get(status["download_url"])
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert job.filename in download["Content-Disposition"]
    book = workbook(b"".join(download.streaming_content))
    assert "Chỉ số chung" in book.sheetnames and book["Chỉ số chung"]._charts
    listing = client.get(reverse("report_centre:list"))
    assert job.report_name.encode() in listing.content


def test_it_shows_a_running_job_with_a_progress_bar_that_refreshes(as_user, world, campaign):
    job = report_request(campaign=campaign, exporter="raw", fmt="xlsx", user=world.manager)
    ReportJob.objects.filter(pk=job.pk).update(status="running", progress=42)
    page = as_user(world.manager).get(reverse("report_centre:job", args=[job.pk]))
    html = page.content.decode()
    assert '<progress id="report-progress"' in html and 'value="42"' in html
    assert 'http-equiv="refresh" content="3"' in html and "js/report_progress.js" in html
    status = as_user(world.manager).get(reverse("report_centre:status", args=[job.pk])).json()
    assert status == {**status, "status": "running", "progress": 42, "download_url": ""}


def test_it_gives_outsiders_a_404_on_someone_elses_report(as_user, world, campaign):
    whole = make_job(campaign, world.manager)
    own = make_job(campaign, world.official, agency=world.phu_vang)
    for user in (world.outsider, world.sibling):
        client = as_user(user)
        for job in (whole, own):
            for name in ("job", "status", "download"):
                url = reverse(f"report_centre:{name}", args=[job.pk])
                assert client.get(url).status_code == 404, (user, name)
            assert client.post(reverse("report_centre:retry", args=[job.pk])).status_code == 404
        assert b"du-lieu-tho" not in client.get(reverse("report_centre:list")).content
    # An official of Phú Vang sees Phú Vang's report, not the whole campaign's.
    client = as_user(world.official)
    assert client.get(reverse("report_centre:download", args=[own.pk])).status_code == 200
    assert client.get(reverse("report_centre:download", args=[whole.pk])).status_code == 404
    listing = client.get(reverse("report_centre:list")).content.decode()
    assert reverse("report_centre:job", args=[own.pk]) in listing
    assert reverse("report_centre:job", args=[whole.pk]) not in listing


def test_it_gives_a_viewer_a_403(as_user, world, campaign):
    job = make_job(campaign, world.official, agency=world.phu_vang)
    client = as_user(world.viewer)
    assert client.get(reverse("report_centre:new")).status_code == 403
    assert post_new(client, campaign, "raw", world.phu_vang).status_code == 403
    assert client.get(reverse("report_centre:download", args=[job.pk])).status_code == 403
    assert client.get(reverse("report_centre:job", args=[job.pk])).status_code == 403
    assert not ReportJob.objects.exclude(pk=job.pk).exists()


def test_it_keeps_an_official_to_their_own_agencies(as_user, world, campaign):
    client = as_user(world.official)
    response = post_new(client, campaign, "raw")
    assert response.status_code == 200 and "hãy chọn" in response.content.decode()
    response = post_new(client, campaign, "agency", world.huong_tra)
    assert response.status_code == 200 and not ReportJob.objects.exists()
    response = post_new(client, campaign, "summary")
    assert response.status_code == 200 and not ReportJob.objects.exists()
    response = post_new(client, campaign, "agency", world.phu_vang)
    assert response.status_code == 302
    job = ReportJob.objects.get()
    assert job.agency == world.phu_vang and job.exporter == "agency"


def test_it_refuses_a_format_the_report_does_not_have(as_user, world, campaign):
    response = post_new(as_user(world.manager), campaign, "summary", fmt="csv")
    assert response.status_code == 200 and "chỉ có định dạng Excel" in response.content.decode()


def test_it_retries_a_failed_report(as_user, world, campaign, django_capture_on_commit_callbacks):
    job = report_request(campaign=campaign, exporter="raw", fmt="csv", user=world.manager)
    ReportJob.objects.filter(pk=job.pk).update(status="failed", error="Quá thời gian xử lý")
    client = as_user(world.manager)
    page = client.get(reverse("report_centre:job", args=[job.pk])).content.decode()
    assert "Quá thời gian xử lý" in page and reverse("report_centre:retry", args=[job.pk]) in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("report_centre:retry", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE and job.error == ""
    assert client.get(reverse("report_centre:download", args=[job.pk])).status_code == 200


def test_it_no_longer_serves_an_expired_file(as_user, world, campaign):
    job = make_job(campaign, world.manager)
    ReportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - datetime.timedelta(1))
    client = as_user(world.manager)
    assert client.get(reverse("report_centre:download", args=[job.pk])).status_code == 404
    assert "đã hết hạn" in client.get(reverse("report_centre:job", args=[job.pk])).content.decode()


def test_it_gives_a_valid_workbook_saying_there_is_no_data_for_an_empty_campaign(
    as_user, world, django_capture_on_commit_callbacks
):
    empty = report_campaign(world)
    client = as_user(world.manager)
    with django_capture_on_commit_callbacks(execute=True):
        post_new(client, empty, "summary")
    job = ReportJob.objects.get()
    download = client.get(reverse("report_centre:download", args=[job.pk]))
    book = workbook(b"".join(download.streaming_content))
    assert any(t.startswith("Chưa có dữ liệu") for t in texts_of(book["Thông tin"]))
