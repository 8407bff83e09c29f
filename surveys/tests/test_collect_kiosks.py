"""Officials register counter kiosks, list them and take them out of service."""

import pytest
from django.urls import reverse

from surveys.models import Kiosk
from surveys.services.collect import kiosk_register
from surveys.tests.factories import make_campaign


@pytest.fixture
def hue(world):
    return make_campaign(
        organiser=world.home_affairs,
        code="sipas-hue-2026",
        scope=[world.phu_vang, world.phu_thuan, world.huong_tra, world.tu_ha],
        channels=("online", "kiosk", "paper"),
        status="open",
    )


@pytest.fixture
def kiosk(world, hue) -> Kiosk:
    return kiosk_register(campaign=hue, agency=world.phu_thuan, counter="Quầy 1")


def url(campaign) -> str:
    return reverse("collect:kiosks", args=[campaign.code])


def deactivate(kiosk) -> str:
    return reverse("collect:kiosk_deactivate", args=[kiosk.campaign.code, kiosk.pk])


def form(agency, **fields) -> dict:
    return {"agency": agency.pk, "counter": "Quầy số 3", "idle_seconds": 120, **fields}


def test_it_sends_an_anonymous_visitor_to_the_login_page(hue, kiosk, client):
    for response in (client.get(url(hue)), client.post(deactivate(kiosk))):
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_it_hides_the_campaign_from_the_outsider(world, hue, kiosk, as_user):
    for user in (world.outsider, world.nobody):
        client = as_user(user)
        assert client.get(url(hue)).status_code == 404
        assert client.post(url(hue), form(world.phu_thuan)).status_code == 404
        assert client.post(deactivate(kiosk)).status_code == 404
    assert Kiosk.objects.filter(is_active=True).count() == 1


def test_it_forbids_viewers_and_supervisors(world, hue, kiosk, as_user):
    for user in (world.viewer, world.supervisor):
        client = as_user(user)
        assert client.get(url(hue)).status_code == 403
        assert client.post(url(hue), form(world.phu_thuan)).status_code == 403
        assert client.post(deactivate(kiosk)).status_code == 403
    assert Kiosk.objects.filter(is_active=True).count() == 1


def test_it_registers_a_kiosk_for_the_manager(world, hue, as_user):
    client = as_user(world.manager)
    response = client.post(url(hue), form(world.tu_ha))
    assert response.status_code == 302
    kiosk = Kiosk.objects.get()
    assert (kiosk.campaign, kiosk.agency, kiosk.counter, kiosk.idle_seconds) == (
        hue,
        world.tu_ha,
        "Quầy số 3",
        120,
    )
    assert kiosk.is_active and len(kiosk.key) >= 20
    page = client.get(url(hue))
    assert page.status_code == 200
    assert f"/k/{kiosk.key}/" in page.text
    assert "Đã đăng ký kiosk cho UBND phường Tứ Hạ." in page.text
    assert reverse("collect:kiosk_qr", args=[hue.code, kiosk.pk]) in page.text


def test_it_lets_an_official_register_only_in_their_own_scope(world, hue, as_user):
    client = as_user(world.official)
    page = client.get(url(hue))
    assert page.status_code == 200
    choices = page.context["form"].fields["agency"].queryset
    assert list(choices) == [world.phu_vang, world.phu_thuan]
    response = client.post(url(hue), form(world.huong_tra))
    assert response.status_code == 400
    assert "Chọn một cơ quan trong danh sách." in response.text
    assert client.post(url(hue), form(world.phu_thuan)).status_code == 302
    assert Kiosk.objects.get().agency == world.phu_thuan


def test_it_lists_only_the_kiosks_the_user_may_run(world, hue, kiosk, as_user):
    other = kiosk_register(campaign=hue, agency=world.tu_ha, counter="Quầy Tứ Hạ")
    text = as_user(world.sibling).get(url(hue)).text
    assert other.key in text and kiosk.key not in text
    text = as_user(world.manager).get(url(hue)).text
    assert other.key in text and kiosk.key in text


def test_it_refuses_an_idle_time_out_of_range(world, hue, as_user):
    response = as_user(world.manager).post(url(hue), form(world.tu_ha, idle_seconds=5))
    assert response.status_code == 400
    assert "Tối thiểu 15 giây." in response.text
    assert not Kiosk.objects.exists()


def test_it_refuses_a_campaign_without_the_kiosk_channel(world, as_user):
    campaign = make_campaign(
        organiser=world.home_affairs, scope=[world.tu_ha], channels=("online",), status="open"
    )
    response = as_user(world.manager).post(url(campaign), form(world.tu_ha))
    assert response.status_code == 400
    assert "không thu phiếu qua kênh “Kiosk tại quầy”" in response.text
    assert not Kiosk.objects.exists()


def test_it_takes_a_kiosk_out_of_service(world, hue, kiosk, as_user, client):
    assert client.get(reverse("public:kiosk", args=[kiosk.key])).status_code == 200
    # An official of the sibling district cannot reach Phú Thuận's kiosk at all.
    assert as_user(world.sibling).post(deactivate(kiosk)).status_code == 404
    response = as_user(world.official).post(deactivate(kiosk))
    assert response.status_code == 302
    kiosk.refresh_from_db()
    assert not kiosk.is_active
    client.logout()
    assert client.get(reverse("public:kiosk", args=[kiosk.key])).status_code == 404


def test_it_deactivates_by_post_only(world, hue, kiosk, as_user):
    assert as_user(world.manager).get(deactivate(kiosk)).status_code == 405
