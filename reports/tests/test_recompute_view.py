"""The recompute button: managers of the organiser queue a run; the page shows its state."""

from django.urls import reverse

from reports.models import IndexResult, IndexRun
from reports.tests.conftest import answer


def url(campaign) -> str:
    return reverse("reports:recompute", args=[campaign.pk])


def test_it_sends_an_anonymous_visitor_to_the_login_page(world, hue, client):
    response = client.post(url(hue))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_answers_404_to_the_outsider(world, hue, as_user):
    assert as_user(world.outsider).post(url(hue)).status_code == 404


def test_it_forbids_the_viewer_and_the_official(world, hue, as_user):
    assert as_user(world.viewer).post(url(hue)).status_code == 403
    assert as_user(world.official).post(url(hue)).status_code == 403
    assert not IndexRun.objects.filter(campaign=hue).exists()


def test_it_only_accepts_post(world, hue, as_user):
    assert as_user(world.manager).get(url(hue)).status_code == 405


def test_it_queues_a_run_that_computes_the_indices(
    world, hue, as_user, django_capture_on_commit_callbacks
):
    answer(hue, world.phu_vang, [5, 4, 4, 2, 5], 3)
    client = as_user(world.manager)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(url(hue), follow=True)
    assert len(callbacks) == 1
    assert response.redirect_chain[-1][0] == reverse("reports:campaign", args=[hue.pk])
    assert "Đã yêu cầu tính lại chỉ số" in response.text
    run = IndexRun.objects.get(campaign=hue)
    assert run.status == IndexRun.Status.DONE and run.finished_at is not None
    overall = IndexResult.objects.get(campaign=hue, cut="campaign", code="OVERALL")
    assert overall.value == 75.0 and overall.n == 3
    page = client.get(reverse("reports:campaign", args=[hue.pk])).text
    assert "Số liệu đã cập nhật" in page and "75,00 %" in page


def test_it_does_not_queue_twice(world, hue, as_user, django_capture_on_commit_callbacks):
    client = as_user(world.manager)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(url(hue))
        response = client.post(url(hue), follow=True)
    assert len(callbacks) == 1
    assert "đang chờ thực hiện" in response.text
    assert "Đang chờ tính lại" in response.text
