"""The transition buttons: only managers of the organiser move a campaign, with a trace."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from surveys.models import Campaign, CampaignTransition
from surveys.tests.factories import make_campaign

Status = Campaign.Status


@pytest.fixture
def hue(world):
    return make_campaign(
        organiser=world.home_affairs,
        code="sipas-hue-2024",
        scope=[world.phu_vang, world.huong_tra],
    )


def url(campaign) -> str:
    return reverse("campaigns:transition", args=[campaign.pk])


def detail(campaign) -> str:
    return reverse("campaigns:detail", args=[campaign.pk])


def status_of(campaign) -> str:
    return Campaign.objects.get(pk=campaign.pk).status


def texts(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_it_sends_an_anonymous_visitor_to_the_login_page(hue, client):
    response = client.post(url(hue), {"to": "open"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert status_of(hue) == Status.DRAFT


def test_it_accepts_only_post(world, hue, as_user):
    assert as_user(world.manager).get(url(hue)).status_code == 405


def test_it_hides_the_campaign_from_the_outsider(world, hue, as_user):
    assert as_user(world.outsider).post(url(hue), {"to": "open"}).status_code == 404
    assert status_of(hue) == Status.DRAFT


def test_it_hides_a_campaign_not_covering_the_sibling(world, as_user):
    campaign = make_campaign(organiser=world.home_affairs, scope=[world.phu_vang])
    assert as_user(world.sibling).post(url(campaign), {"to": "open"}).status_code == 404


@pytest.mark.parametrize("user", ["official", "viewer", "enumerator", "supervisor", "sibling"])
def test_it_refuses_roles_that_do_not_manage_campaigns(world, hue, as_user, user):
    response = as_user(getattr(world, user)).post(url(hue), {"to": "open"})
    assert response.status_code == 403
    assert status_of(hue) == Status.DRAFT
    assert not CampaignTransition.objects.exists()


def test_it_lets_the_manager_open_the_campaign(world, hue, as_user):
    response = as_user(world.manager).post(url(hue), {"to": "open"}, follow=True)
    assert response.redirect_chain == [(detail(hue), 302)]
    assert texts(response) == ["Đợt khảo sát đã chuyển sang trạng thái “Đang khảo sát”."]
    assert status_of(hue) == Status.OPEN
    row = CampaignTransition.objects.get(campaign=hue)
    assert (row.from_status, row.to_status, row.by) == ("draft", "open", world.manager)
    assert response.context["transitions"][0]["label"] == "Kết thúc thu phiếu"


def test_it_explains_a_refused_opening_and_changes_nothing(world, as_user):
    campaign = make_campaign(organiser=world.home_affairs, channels=())
    response = as_user(world.manager).post(url(campaign), {"to": "open"}, follow=True)
    assert texts(response) == [
        "Không chuyển được trạng thái đợt khảo sát:",
        "Chưa chọn kênh thu thập nào (trực tuyến, kiosk, phiếu giấy…).",
        "Chưa chọn cơ quan nào trong phạm vi khảo sát.",
    ]
    assert 'class="alert alert-danger"' in response.text
    assert status_of(campaign) == Status.DRAFT
    assert not CampaignTransition.objects.exists()


def test_it_refuses_to_publish_before_the_indices_are_computed(world, as_user):
    campaign = make_campaign(organiser=world.home_affairs, scope=[world.phu_vang], status="closed")
    response = as_user(world.manager).post(url(campaign), {"to": "published"}, follow=True)
    assert texts(response)[1].startswith("Chưa tính chỉ số hài lòng")
    assert status_of(campaign) == Status.CLOSED


def test_it_closes_reopens_and_archives(world, hue, as_user):
    client = as_user(world.manager)
    for to_status in ("open", "closed", "open", "closed", "archived"):
        client.post(url(hue), {"to": to_status})
        assert status_of(hue) == to_status
    moves = CampaignTransition.objects.filter(campaign=hue).order_by("at", "pk")
    assert [(m.from_status, m.to_status) for m in moves] == [
        ("draft", "open"),
        ("open", "closed"),
        ("closed", "open"),
        ("open", "closed"),
        ("closed", "archived"),
    ]


def test_it_refuses_to_reopen_after_the_closing_date(world, as_user):
    today = timezone.localdate()
    campaign = make_campaign(
        organiser=world.home_affairs,
        scope=[world.phu_vang],
        status="closed",
        opens_on=today - datetime.timedelta(days=30),
        closes_on=today - datetime.timedelta(days=1),
    )
    response = as_user(world.manager).post(url(campaign), {"to": "open"}, follow=True)
    assert "đã qua; hãy sửa ngày kết thúc trước khi mở đợt khảo sát." in texts(response)[1]
    assert status_of(campaign) == Status.CLOSED


def test_it_refuses_a_move_the_workflow_does_not_have(world, hue, as_user):
    response = as_user(world.manager).post(url(hue), {"to": "archived"}, follow=True)
    assert texts(response)[1] == "Không thể chuyển đợt khảo sát từ “Nháp” sang “Lưu trữ”."
    response = as_user(world.manager).post(url(hue), {"to": "xoa"}, follow=True)
    assert texts(response)[1] == "Trạng thái “xoa” không tồn tại."
    assert status_of(hue) == Status.DRAFT


def test_it_leaves_national_campaigns_to_administrators(world, as_user):
    national = make_campaign(organiser=None, scope=[world.phu_vang])
    assert as_user(world.manager).post(url(national), {"to": "open"}).status_code == 403
    as_user(world.admin).post(url(national), {"to": "open"})
    assert status_of(national) == Status.OPEN
