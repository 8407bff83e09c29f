"""The campaign list: the campaigns in the user's scope, filterable and searchable."""

import datetime

import pytest
from django.urls import reverse

from agencies.tests.factories import make_agency
from surveys.tests.factories import make_campaign

URL = reverse("campaigns:list")


@pytest.fixture
def campaigns(world):
    """Huế's 2024 round over both districts, a 2025 one over Tứ Hạ only, and Đà Nẵng's."""
    da_nang_office = make_agency("Sở Nội vụ Đà Nẵng", unit_code="48", parent=world.da_nang)
    return [
        make_campaign(
            organiser=world.home_affairs,
            code="sipas-hue-2024",
            name="SIPAS thành phố Huế năm 2024",
            year=2024,
            scope=[world.phu_vang, world.huong_tra],
            status="open",
            opens_on=datetime.date(2024, 8, 1),
            closes_on=datetime.date(2024, 9, 30),
        ),
        make_campaign(
            organiser=world.home_affairs,
            code="tu-ha-2025",
            name="Điều tra một cửa phường Tứ Hạ",
            year=2025,
            scope=[world.tu_ha],
        ),
        make_campaign(organiser=da_nang_office, code="da-nang-2025", year=2025),
    ]


def listed(response) -> set[str]:
    return {c.code for c in response.context["page"].object_list}


def test_it_sends_an_anonymous_visitor_to_the_login_page(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={URL}"


def test_it_refuses_a_user_without_membership(world, as_user):
    assert as_user(world.nobody).get(URL).status_code == 403


def test_it_shows_the_manager_the_province_campaigns_and_the_create_button(
    world, campaigns, as_user
):
    response = as_user(world.manager).get(URL)
    assert response.status_code == 200
    assert listed(response) == {"sipas-hue-2024", "tu-ha-2025"}
    assert reverse("campaigns:create") in response.text
    assert "01/08/2024 – 30/09/2024" in response.text
    assert "Đang khảo sát" in response.text


def test_it_shows_the_supervisor_the_whole_province_without_the_create_button(
    world, campaigns, as_user
):
    response = as_user(world.supervisor).get(URL)
    assert listed(response) == {"sipas-hue-2024", "tu-ha-2025"}
    assert reverse("campaigns:create") not in response.text


@pytest.mark.parametrize("user", ["official", "viewer", "enumerator"])
def test_it_shows_a_district_only_the_campaigns_covering_it(world, campaigns, as_user, user):
    response = as_user(getattr(world, user)).get(URL)
    assert listed(response) == {"sipas-hue-2024"}
    assert reverse("campaigns:create") not in response.text


def test_it_shows_the_sibling_the_campaigns_covering_its_subtree(world, campaigns, as_user):
    assert listed(as_user(world.sibling).get(URL)) == {"sipas-hue-2024", "tu-ha-2025"}


def test_it_keeps_the_outsider_in_its_own_province(world, campaigns, as_user):
    assert listed(as_user(world.outsider).get(URL)) == {"da-nang-2025"}


def test_it_shows_the_admin_every_campaign(world, campaigns, as_user):
    assert listed(as_user(world.admin).get(URL)) == {"sipas-hue-2024", "tu-ha-2025", "da-nang-2025"}


def test_it_filters_by_year_status_and_organiser(world, campaigns, as_user):
    client = as_user(world.manager)
    assert listed(client.get(URL, {"year": "2025"})) == {"tu-ha-2025"}
    assert listed(client.get(URL, {"status": "open"})) == {"sipas-hue-2024"}
    assert listed(client.get(URL, {"status": "draft", "year": "2024"})) == set()
    organiser = str(world.home_affairs.pk)
    assert listed(client.get(URL, {"organiser": organiser})) == {"sipas-hue-2024", "tu-ha-2025"}


def test_it_offers_only_the_years_and_organisers_the_user_sees(world, campaigns, as_user):
    form = as_user(world.official).get(URL).context["form"]
    assert [value for value, _label in form.fields["year"].choices] == ["", 2024]
    assert [label for _value, label in form.fields["organiser"].choices] == ["Tất cả", "Sở Nội vụ"]


def test_it_searches_by_name_and_code(world, campaigns, as_user):
    client = as_user(world.manager)
    assert listed(client.get(URL, {"q": "tứ hạ"})) == {"tu-ha-2025"}
    assert listed(client.get(URL, {"q": "SIPAS-HUE"})) == {"sipas-hue-2024"}
    response = client.get(URL, {"q": "không có"})
    assert "Không có đợt khảo sát nào khớp điều kiện lọc." in response.text


def test_it_ignores_a_filter_value_it_does_not_know(world, campaigns, as_user):
    response = as_user(world.manager).get(URL, {"year": "abc"})
    assert response.status_code == 200
    assert listed(response) == {"sipas-hue-2024", "tu-ha-2025"}


def test_it_shows_a_national_campaign_to_the_agencies_it_covers(world, campaigns, as_user):
    make_campaign(organiser=None, code="sipas-quoc-gia", scope=[world.phu_thuan])
    response = as_user(world.official).get(URL)
    assert listed(response) == {"sipas-hue-2024", "sipas-quoc-gia"}
    assert "Toàn quốc (Bộ Nội vụ)" in response.text
    assert listed(as_user(world.official).get(URL, {"organiser": "national"})) == {"sipas-quoc-gia"}
