"""The stratum weights page: managers of the organiser turn weighting on and set the weights."""

import pytest
from django.urls import reverse

from reports.tasks import indices_refresh
from surveys.models import Campaign, CampaignAgency


def url(campaign) -> str:
    return reverse("reports:weights", args=[campaign.pk])


def weight(campaign, agency):
    return CampaignAgency.objects.get(campaign=campaign, agency=agency).weight


@pytest.fixture
def queued(monkeypatch):
    calls = []
    monkeypatch.setattr(indices_refresh, "apply_async", lambda *a, **kw: calls.append(a))
    return calls


def test_it_sends_an_anonymous_visitor_to_the_login_page(world, hue, client):
    response = client.get(url(hue))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_it_answers_404_to_the_outsider(world, hue, as_user):
    assert as_user(world.outsider).get(url(hue)).status_code == 404


def test_it_forbids_the_viewer_the_official_and_the_supervisor(world, hue, as_user):
    for user in (world.viewer, world.official, world.supervisor):
        assert as_user(user).get(url(hue)).status_code == 403
        assert as_user(user).post(url(hue), {"weighted": "on"}).status_code == 403
    assert not Campaign.objects.get(pk=hue.pk).weighted


def test_it_lists_every_scope_agency_with_weighting_off(world, hue, as_user):
    response = as_user(world.manager).get(url(hue))
    assert response.status_code == 200
    text = response.text
    assert "UBND huyện Phú Vang" in text and "UBND phường Tứ Hạ" in text
    assert 'name="weighted"' in text and "checked" not in text


def test_it_saves_the_weights_with_a_decimal_comma_and_asks_for_a_recompute(
    world, hue, as_user, queued, django_capture_on_commit_callbacks
):
    data = {"weighted": "on", f"w_{world.phu_vang.pk}": "1,5", f"w_{world.huong_tra.pk}": "3"}
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(world.manager).post(url(hue), data)
    assert response.status_code == 302
    assert response.url == reverse("reports:campaign", args=[hue.pk])
    assert Campaign.objects.get(pk=hue.pk).weighted is True
    assert weight(hue, world.phu_vang) == 1.5 and weight(hue, world.huong_tra) == 3
    assert weight(hue, world.tu_ha) is None  # empty: counts as 1
    assert len(queued) == 1


@pytest.mark.parametrize(
    ("typed", "message"),
    [("-1", "Trọng số không được âm."), ("nhiều", "Nhập một số, ví dụ 1,5.")],
)
def test_bad_input_is_refused_with_a_message_and_changes_nothing(
    world, hue, as_user, queued, typed, message
):
    data = {"weighted": "on", f"w_{world.phu_vang.pk}": typed, f"w_{world.huong_tra.pk}": "2"}
    response = as_user(world.manager).post(url(hue), data)
    assert response.status_code == 400
    assert message in response.text and "Chưa lưu được" in response.text
    assert f'value="{typed}"' in response.text  # what was typed stays in the box
    assert Campaign.objects.get(pk=hue.pk).weighted is False
    assert weight(hue, world.huong_tra) is None
    assert queued == []


def test_the_overview_links_the_page_for_managers_only(world, results, as_user):
    overview = reverse("reports:campaign", args=[results.pk])
    assert url(results) in as_user(world.manager).get(overview).text
    assert url(results) not in as_user(world.viewer).get(overview).text


@pytest.mark.parametrize("status", ["published", "archived"])
def test_weights_of_published_results_cannot_change(world, hue, as_user, queued, status):
    Campaign.objects.filter(pk=hue.pk).update(status=status)
    client = as_user(world.manager)
    data = {"weighted": "on", f"w_{world.phu_vang.pk}": "2"}
    response = client.post(url(hue), data, follow=True)
    assert "Đợt khảo sát đã công bố kết quả, không đổi trọng số được nữa." in response.text
    assert Campaign.objects.get(pk=hue.pk).weighted is False
    assert weight(hue, world.phu_vang) is None and queued == []
    assert url(hue) not in response.text  # the overview no longer offers the page
