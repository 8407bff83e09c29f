"""The campaign page: basics, the scope tree with progress, the history, and allowed transitions."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from surveys.models import Campaign
from surveys.services.campaigns import campaign_transition
from surveys.tests.factories import make_campaign, make_response

Status = Campaign.Status
SCORES = [4, 4, 5, 3, 4, 5, 4]


@pytest.fixture
def hue(world):
    return make_campaign(
        organiser=world.home_affairs,
        code="sipas-hue-2024",
        name="SIPAS thành phố Huế năm 2024",
        scope=[(world.phu_vang, 10), world.phu_thuan, (world.huong_tra, 4)],
        default_target=8,
        opens_on=datetime.date(2026, 11, 1),
        closes_on=datetime.date(2026, 12, 31),
        channels=("online", "kiosk", "paper"),
    )


def url(campaign) -> str:
    return reverse("campaigns:detail", args=[campaign.pk])


def rows(response) -> dict[str, tuple[int, int]]:
    return {r.agency.name: (r.answers, r.target) for r in response.context["progress"].rows}


def buttons(response) -> list[str]:
    return [t["label"] for t in response.context["transitions"]]


def test_it_sends_an_anonymous_visitor_to_the_login_page(hue, client):
    response = client.get(url(hue))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_hides_the_campaign_from_the_outsider(world, hue, as_user):
    assert as_user(world.outsider).get(url(hue)).status_code == 404
    assert as_user(world.nobody).get(url(hue)).status_code == 404


def test_it_answers_404_for_a_campaign_that_does_not_exist(world, as_user):
    assert as_user(world.manager).get(reverse("campaigns:detail", args=[999999])).status_code == 404


def test_it_shows_the_manager_everything(world, hue, as_user):
    for _ in range(3):
        make_response(hue, world.phu_vang, SCORES)
    make_response(hue, world.huong_tra, SCORES, channel="paper")
    response = as_user(world.manager).get(url(hue))
    assert response.status_code == 200
    text = response.text
    assert "SIPAS thành phố Huế năm 2024" in text and "Nháp" in text
    assert "từ 01/11/2026 đến 31/12/2026" in text
    assert "Trực tuyến (đường dẫn, mã QR), Kiosk tại quầy, Phiếu giấy" in text
    assert "3 cấp (tỉnh – huyện – xã, đến 30/6/2025)" in text
    assert rows(response) == {
        "UBND huyện Phú Vang": (3, 10),
        "UBND xã Phú Thuận": (0, 8),
        "UBND thị xã Hương Trà": (1, 4),
    }
    assert "Đã thu 4/22 phiếu hợp lệ (18%)." in text
    assert 'aria-valuenow="30"' in text  # Phú Vang: 3 of 10
    assert reverse("campaigns:edit", args=[hue.pk]) in text
    assert reverse("campaigns:scope", args=[hue.pk]) in text


def test_it_links_to_the_questionnaire_preview(world, hue, as_user):
    response = as_user(world.manager).get(url(hue))
    assert reverse("questionnaires:preview", args=[hue.questionnaire_id]) in response.text


def test_it_shows_an_official_only_its_own_part_of_the_scope(world, hue, as_user):
    make_response(hue, world.huong_tra, SCORES)
    response = as_user(world.official).get(url(hue))
    assert response.status_code == 200
    assert rows(response) == {"UBND huyện Phú Vang": (0, 10), "UBND xã Phú Thuận": (0, 8)}
    assert "UBND thị xã Hương Trà" not in response.text
    assert "Bạn chỉ thấy các cơ quan trong phạm vi khảo sát thuộc quyền của mình." in response.text
    assert response.context["transitions"] == []
    assert reverse("campaigns:edit", args=[hue.pk]) not in response.text


def test_it_shows_the_sibling_its_part_and_hides_campaigns_not_covering_it(world, hue, as_user):
    response = as_user(world.sibling).get(url(hue))
    assert rows(response) == {"UBND thị xã Hương Trà": (0, 4)}
    elsewhere = make_campaign(organiser=world.home_affairs, scope=[world.phu_thuan])
    assert as_user(world.sibling).get(url(elsewhere)).status_code == 404


@pytest.mark.parametrize("user", ["supervisor", "viewer"])
def test_it_shows_read_only_roles_no_button(world, hue, as_user, user):
    response = as_user(getattr(world, user)).get(url(hue))
    assert response.status_code == 200
    assert response.context["transitions"] == []
    assert reverse("campaigns:transition", args=[hue.pk]) not in response.text


def test_it_shows_the_supervisor_the_whole_scope(world, hue, as_user):
    assert len(rows(as_user(world.supervisor).get(url(hue)))) == 3


@pytest.mark.parametrize(
    ("status", "labels"),
    [
        (Status.DRAFT, ["Mở đợt khảo sát"]),
        (Status.OPEN, ["Kết thúc thu phiếu"]),
        (Status.CLOSED, ["Mở lại đợt khảo sát", "Công bố kết quả", "Lưu trữ"]),
        (Status.PUBLISHED, ["Lưu trữ"]),
        (Status.ARCHIVED, []),
    ],
)
def test_it_offers_the_manager_only_the_allowed_transitions(world, as_user, status, labels):
    campaign = make_campaign(organiser=world.home_affairs, scope=[world.phu_vang], status=status)
    response = as_user(world.manager).get(url(campaign))
    assert buttons(response) == labels


def test_it_says_what_is_missing_before_the_campaign_can_open(world, as_user):
    campaign = make_campaign(organiser=world.home_affairs)
    response = as_user(world.manager).get(url(campaign))
    assert "Chưa chọn cơ quan nào trong phạm vi khảo sát." in response.text
    assert "3. Kiểm tra và mở đợt khảo sát" in response.text


def test_it_says_publishing_waits_for_the_indices(world, as_user):
    campaign = make_campaign(organiser=world.home_affairs, scope=[world.phu_vang], status="closed")
    response = as_user(world.manager).get(url(campaign))
    assert "Chưa tính chỉ số hài lòng cho đợt khảo sát này" in response.text


def test_it_shows_the_transition_history(world, hue, as_user):
    world.manager.first_name, world.manager.last_name = "Mai", "Nguyễn Thị"
    world.manager.save()
    campaign_transition(campaign=hue, to_status=Status.OPEN, by=world.manager)
    response = as_user(world.official).get(url(hue))
    (row,) = response.context["history"]
    assert row.by == world.manager
    assert "Nháp → <strong>Đang khảo sát</strong>" in response.text
    assert timezone.localtime(row.at).strftime("%d/%m/%Y %H:%M") in response.text
    assert "Mai Nguyễn Thị" in response.text


def test_it_reads_progress_in_a_fixed_number_of_queries(
    world, hue, as_user, django_assert_max_num_queries
):
    client = as_user(world.manager)
    client.get(url(hue))  # warm the session and the content types
    for agency in (world.phu_vang, world.phu_thuan, world.huong_tra):
        for _ in range(2):
            make_response(hue, agency, SCORES)
    with django_assert_max_num_queries(12):
        client.get(url(hue))
