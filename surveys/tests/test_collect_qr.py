"""QR codes (SVG) of the open link and of kiosks, and the printable counter poster."""

import pytest
from django.conf import settings
from django.urls import reverse

from surveys.services.collect import kiosk_register
from surveys.tests.factories import make_campaign
from surveys.views.collect import qr_svg


@pytest.fixture
def hue(world):
    return make_campaign(
        organiser=world.home_affairs,
        code="sipas-hue-2026",
        name="SIPAS thành phố Huế năm 2026",
        scope=[world.phu_vang, world.phu_thuan, world.huong_tra],
        channels=("online", "kiosk"),
        status="open",
    )


OPEN_URL = f"{settings.SITE_URL}/s/sipas-hue-2026/"


def qr(campaign) -> str:
    return reverse("collect:open_qr", args=[campaign.code])


def poster(campaign) -> str:
    return reverse("collect:poster", args=[campaign.code])


def index(campaign) -> str:
    return reverse("collect:index", args=[campaign.code])


def test_it_sends_an_anonymous_visitor_to_the_login_page(hue, client):
    for path in (qr(hue), poster(hue), index(hue)):
        response = client.get(path)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_it_hides_the_campaign_from_the_outsider(world, hue, as_user):
    for path in (qr(hue), poster(hue), index(hue)):
        assert as_user(world.outsider).get(path).status_code == 404


def test_it_draws_the_open_link_as_an_svg_qr_code(world, hue, as_user):
    # Public information: anyone who sees the campaign may print it, a viewer too.
    for user in (world.manager, world.viewer, world.supervisor):
        response = as_user(user).get(qr(hue))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/svg+xml"
        assert response.content == qr_svg(OPEN_URL)
        assert response.content.lstrip().startswith(b"<?xml") and b"<svg" in response.content


def test_it_draws_an_agency_s_qr_code_that_opens_its_questionnaire(world, hue, as_user):
    response = as_user(world.official).get(qr(hue), {"agency": world.phu_thuan.pk})
    assert response.status_code == 200
    assert response.content == qr_svg(f"{OPEN_URL}?agency={world.phu_thuan.pk}")
    # Another district's agency, an agency outside the campaign, garbage: not found.
    assert as_user(world.official).get(qr(hue), {"agency": world.huong_tra.pk}).status_code == 404
    assert as_user(world.manager).get(qr(hue), {"agency": world.tu_ha.pk}).status_code == 404
    assert as_user(world.manager).get(qr(hue), {"agency": "x"}).status_code == 404


def test_it_draws_a_kiosk_s_qr_code(world, hue, as_user):
    kiosk = kiosk_register(campaign=hue, agency=world.phu_thuan)
    path = reverse("collect:kiosk_qr", args=[hue.code, kiosk.pk])
    response = as_user(world.official).get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content == qr_svg(f"{settings.SITE_URL}/k/{kiosk.key}/")
    assert as_user(world.viewer).get(path).status_code == 403
    assert as_user(world.sibling).get(path).status_code == 404


def test_it_prints_a_counter_poster(world, hue, as_user):
    response = as_user(world.manager).get(poster(hue), {"agency": world.phu_thuan.pk})
    assert response.status_code == 200
    text = response.text
    assert "SIPAS thành phố Huế năm 2026" in text
    assert "UBND xã Phú Thuận" in text
    assert "Quét mã để đánh giá sự hài lòng của ông/bà" in text
    assert f'<p class="link">{OPEN_URL}</p>' in text
    assert "<svg" in text and "@page { size: A4 portrait" in text
    assert "navbar" not in text


def test_it_prints_the_campaign_s_poster_without_an_agency(world, hue, as_user):
    text = as_user(world.viewer).get(poster(hue)).text
    assert OPEN_URL in text and 'class="agency"' not in text


def test_it_links_each_channel_for_those_who_may_use_it(world, hue, as_user):
    manager = as_user(world.manager).get(index(hue)).text
    assert OPEN_URL in manager
    assert reverse("collect:kiosks", args=[hue.code]) in manager
    assert reverse("collect:invitations", args=[hue.code]) in manager
    official = as_user(world.official).get(index(hue)).text
    assert reverse("collect:kiosks", args=[hue.code]) in official
    assert reverse("collect:invitations", args=[hue.code]) not in official
    viewer = as_user(world.viewer).get(index(hue))
    assert viewer.status_code == 200
    assert reverse("collect:kiosks", args=[hue.code]) not in viewer.text
    assert f"{reverse('collect:poster', args=[hue.code])}?agency={world.phu_vang.pk}" in viewer.text
    assert f"?agency={world.huong_tra.pk}" not in viewer.text  # outside the viewer's scope
