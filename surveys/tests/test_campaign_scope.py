"""Step 2: the agencies a campaign covers, picked from the province's tree, with targets."""

import pytest
from django.urls import reverse

from agencies.tests.factories import make_agency
from surveys.models import Campaign
from surveys.tests.factories import make_campaign
from surveys.views import campaigns as views

CONFLICT = "Đợt khảo sát vừa được người khác thay đổi sau khi bạn mở trang này"


@pytest.fixture
def hue(world):
    return make_campaign(organiser=world.home_affairs, code="sipas-hue-2024", default_target=80)


def url(campaign) -> str:
    return reverse("campaigns:scope", args=[campaign.pk])


def scope_of(campaign) -> dict[str, int | None]:
    return {row.agency.name: row.target for row in campaign.scope.select_related("agency")}


def post(client, campaign, agencies, targets=None, follow=False, **extra):
    data = {
        "lock_version": str(Campaign.objects.get(pk=campaign.pk).lock_version),
        "agencies": [str(a.pk) for a in agencies],
        **{f"target_{a.pk}": str(v) for a, v in (targets or {}).items()},
        **extra,
    }
    return client.post(url(campaign), data, follow=follow)


def test_it_sends_an_anonymous_visitor_to_the_login_page(hue, client):
    response = client.get(url(hue))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_hides_the_campaign_from_the_outsider(world, hue, as_user):
    assert as_user(world.outsider).get(url(hue)).status_code == 404
    assert post(as_user(world.outsider), hue, [world.da_nang]).status_code == 404


def test_it_hides_a_campaign_not_covering_the_sibling(world, as_user):
    campaign = make_campaign(organiser=world.home_affairs, scope=[world.phu_vang])
    assert as_user(world.sibling).get(url(campaign)).status_code == 404


@pytest.mark.parametrize("user", ["official", "viewer", "supervisor", "enumerator"])
def test_it_refuses_roles_that_do_not_manage_campaigns(world, as_user, user):
    campaign = make_campaign(organiser=world.home_affairs, scope=[world.phu_vang])
    client = as_user(getattr(world, user))
    assert client.get(url(campaign)).status_code == 403
    assert post(client, campaign, [world.phu_vang, world.huong_tra]).status_code == 403
    assert scope_of(campaign) == {"UBND huyện Phú Vang": None}


def test_it_shows_the_province_tree_with_the_current_scope_ticked(world, as_user):
    campaign = make_campaign(organiser=world.home_affairs, scope=[(world.phu_vang, 40)])
    response = as_user(world.manager).get(url(campaign))
    assert response.status_code == 200
    rows = [(r.agency.name, r.depth, r.checked) for r in response.context["form"].rows()]
    assert rows == [
        ("UBND thành phố Huế", 0, False),
        ("Sở Nội vụ", 1, False),
        ("UBND huyện Phú Vang", 1, True),
        ("UBND xã Phú Thuận", 2, False),
        ("UBND thị xã Hương Trà", 1, False),
        ("UBND phường Tứ Hạ", 2, False),
    ]
    assert f'name="target_{world.phu_vang.pk}" value="40"' in response.text
    assert "2. Phạm vi khảo sát" in response.text
    assert "Đà Nẵng" not in response.text


def test_it_saves_the_scope_with_targets_and_moves_on_to_the_review(world, hue, as_user):
    response = post(
        as_user(world.manager),
        hue,
        [world.phu_vang, world.phu_thuan, world.tu_ha],
        {world.phu_vang: 120, world.huong_tra: 99},  # Hương Trà is not ticked: ignored
    )
    assert response.status_code == 302
    assert response.url == reverse("campaigns:detail", args=[hue.pk])
    assert scope_of(hue) == {
        "UBND huyện Phú Vang": 120,
        "UBND xã Phú Thuận": None,
        "UBND phường Tứ Hạ": None,
    }


def test_it_removes_unticked_agencies(world, as_user):
    campaign = make_campaign(organiser=world.home_affairs, scope=[world.phu_vang, world.tu_ha])
    post(as_user(world.manager), campaign, [world.tu_ha])
    assert scope_of(campaign) == {"UBND phường Tứ Hạ": None}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-5", "Số phiếu cần thu phải là số nguyên dương (từ 1 trở lên)."),
        ("abc", "Nhập một số nguyên, ví dụ 100."),
    ],
)
def test_it_refuses_a_bad_target_next_to_its_agency(world, hue, as_user, value, message):
    client = as_user(world.manager)
    response = client.post(
        url(hue),
        {
            "lock_version": str(hue.lock_version),
            "agencies": [str(world.phu_vang.pk), str(world.huong_tra.pk)],
            f"target_{world.huong_tra.pk}": value,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors[f"target_{world.huong_tra.pk}"] == [message]
    assert f'id="id_target_{world.huong_tra.pk}-error">{message}' in response.text
    assert scope_of(hue) == {}


def test_it_ticks_a_whole_subtree_without_javascript(world, hue, as_user):
    response = post(
        as_user(world.manager),
        hue,
        [world.tu_ha],
        {world.tu_ha: 30},
        subtree=f"select:{world.phu_vang.pk}",
    )
    assert response.status_code == 200
    form = response.context["form"]
    ticked = {r.agency.name for r in form.rows() if r.checked}
    assert ticked == {"UBND huyện Phú Vang", "UBND xã Phú Thuận", "UBND phường Tứ Hạ"}
    assert f'name="target_{world.tu_ha.pk}" value="30"' in response.text
    assert scope_of(hue) == {}  # nothing saved until "Lưu phạm vi"


def test_it_unticks_a_whole_subtree(world, hue, as_user):
    response = post(
        as_user(world.manager),
        hue,
        [world.root, world.phu_vang, world.phu_thuan],
        subtree=f"clear:{world.phu_vang.pk}",
    )
    assert {r.agency.name for r in response.context["form"].rows() if r.checked} == {
        "UBND thành phố Huế"
    }


def test_it_edits_one_branch_at_a_time(world, as_user):
    campaign = make_campaign(organiser=world.home_affairs, scope=[world.phu_vang, world.tu_ha])
    client = as_user(world.manager)
    page = client.get(url(campaign), {"under": world.phu_vang.pk})
    assert [r.agency.name for r in page.context["form"].rows()] == [
        "UBND huyện Phú Vang",
        "UBND xã Phú Thuận",
    ]
    post(client, campaign, [world.phu_thuan], under=str(world.phu_vang.pk))
    assert scope_of(campaign) == {"UBND xã Phú Thuận": None, "UBND phường Tứ Hạ": None}


def test_it_asks_for_a_branch_when_the_province_is_large(world, hue, as_user, monkeypatch):
    monkeypatch.setattr(views, "SCOPE_PAGE_LIMIT", 3)
    response = as_user(world.manager).get(url(hue))
    assert response.context["too_many"] and list(response.context["form"].rows()) == []
    assert "hãy chọn một nhánh ở trên" in response.text
    assert post(as_user(world.manager), hue, [world.phu_vang]).status_code == 200
    assert scope_of(hue) == {}


def test_it_refuses_an_agency_of_another_province(world, hue, as_user):
    hai_chau = make_agency("UBND quận Hải Châu", unit_code="492", parent=world.da_nang)
    response = post(as_user(world.manager), hue, [hai_chau])
    assert response.status_code == 200
    assert response.context["form"].errors["agencies"] == [
        "Cơ quan không thuộc danh sách được chọn."
    ]
    assert scope_of(hue) == {}


def test_it_refuses_a_save_started_from_an_older_version(world, hue, as_user):
    client = as_user(world.manager)
    stale = str(hue.lock_version)
    post(client, hue, [world.phu_vang])
    response = client.post(url(hue), {"lock_version": stale, "agencies": [str(world.huong_tra.pk)]})
    assert CONFLICT in response.text
    assert scope_of(hue) == {"UBND huyện Phú Vang": None}


@pytest.mark.parametrize("status", ["open", "closed", "published", "archived"])
def test_it_refuses_a_scope_change_once_open(world, as_user, status):
    campaign = make_campaign(organiser=world.home_affairs, scope=[world.phu_vang], status=status)
    client = as_user(world.manager)
    response = post(client, campaign, [world.huong_tra], follow=True)
    assert response.redirect_chain[-1][0] == reverse("campaigns:detail", args=[campaign.pk])
    assert "Không thể thay đổi phạm vi khảo sát khi đợt khảo sát đang ở trạng thái" in response.text
    assert scope_of(campaign) == {"UBND huyện Phú Vang": None}
    assert client.get(url(campaign)).status_code == 302
