"""The agency list: only what lies in the user's scope, searchable and filterable."""

import pytest
from django.urls import reverse

from agencies.models import AgencyKind, Tier
from agencies.tests.factories import make_agency

URL = reverse("agencies:list")


def listed(response) -> set[str]:
    return {a.name for a in response.context["page"].object_list}


def province(world) -> set[str]:
    agencies = [world.root, world.home_affairs, world.front, world.phu_vang, world.phu_thuan]
    return {a.name for a in [*agencies, world.huong_tra, world.tu_ha]}


def test_it_sends_an_anonymous_visitor_to_the_login_page(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={URL}"


def test_it_refuses_a_user_without_membership(world, as_user):
    assert as_user(world.nobody).get(URL).status_code == 403


def test_it_shows_the_manager_the_whole_province(world, as_user):
    response = as_user(world.manager).get(URL)
    assert response.status_code == 200
    assert listed(response) == province(world)
    assert "Thêm cơ quan" in response.text


def test_it_shows_the_supervisor_the_whole_province_without_the_add_button(world, as_user):
    response = as_user(world.supervisor).get(URL)
    assert listed(response) == province(world)
    assert reverse("agencies:create") not in response.text


def test_it_shows_the_official_only_the_subtree(world, as_user):
    response = as_user(world.official).get(URL)
    assert listed(response) == {"UBND huyện Phú Vang", "UBND xã Phú Thuận"}
    assert "UBND thị xã Hương Trà" not in response.text
    assert "Thêm cơ quan" not in response.text


def test_it_shows_the_viewer_and_the_enumerator_their_agency_subtree(world, as_user, client):
    for user in (world.viewer, world.enumerator):
        response = as_user(user).get(URL)
        assert listed(response) == {"UBND huyện Phú Vang", "UBND xã Phú Thuận"}


def test_it_keeps_the_sibling_in_its_own_subtree(world, as_user):
    response = as_user(world.sibling).get(URL)
    assert listed(response) == {"UBND thị xã Hương Trà", "UBND phường Tứ Hạ"}


def test_it_keeps_the_outsider_in_its_own_province(world, as_user):
    response = as_user(world.outsider).get(URL)
    assert listed(response) == {"UBND thành phố Đà Nẵng"}


def test_it_shows_the_admin_every_province(world, as_user):
    response = as_user(world.admin).get(URL)
    assert listed(response) == province(world) | {"UBND thành phố Đà Nẵng"}


def test_it_searches_by_name(world, as_user):
    response = as_user(world.manager).get(URL, {"q": "phú"})
    assert listed(response) == {"UBND huyện Phú Vang", "UBND xã Phú Thuận"}


def test_it_searches_by_code(world, as_user):
    response = as_user(world.manager).get(URL, {"q": world.tu_ha.code})
    assert listed(response) == {"UBND phường Tứ Hạ"}


def test_it_searches_by_unit_name(world, as_user):
    # "Thị xã Hương Trà" is the unit of Hương Trà; the commune's unit is "Phường Tứ Hạ".
    response = as_user(world.manager).get(URL, {"q": "Thị xã Hương"})
    assert listed(response) == {"UBND thị xã Hương Trà"}


def test_it_never_searches_outside_the_scope(world, as_user):
    response = as_user(world.official).get(URL, {"q": "Hương Trà"})
    assert listed(response) == set()
    assert "Không có cơ quan nào khớp điều kiện lọc." in response.text


def test_it_filters_by_kind(world, as_user):
    response = as_user(world.manager).get(URL, {"kind": AgencyKind.PEOPLES_COMMITTEE_DISTRICT})
    assert listed(response) == {"UBND huyện Phú Vang", "UBND thị xã Hương Trà"}


def test_it_filters_by_tier_of_the_unit(world, as_user):
    response = as_user(world.manager).get(URL, {"tier": Tier.COMMUNE})
    assert listed(response) == {"UBND xã Phú Thuận", "UBND phường Tứ Hạ"}
    response = as_user(world.manager).get(URL, {"tier": Tier.PROVINCE})
    assert listed(response) == {"UBND thành phố Huế", "Sở Nội vụ", "Ủy ban MTTQ"}


def test_it_filters_by_state(world, as_user):
    world.huong_tra.is_active = world.tu_ha.is_active = False
    world.huong_tra.save()
    world.tu_ha.save()
    client = as_user(world.manager)
    assert listed(client.get(URL, {"active": "0"})) == {
        "UBND thị xã Hương Trà",
        "UBND phường Tứ Hạ",
    }
    assert "UBND phường Tứ Hạ" not in listed(client.get(URL, {"active": "1"}))
    assert len(listed(client.get(URL, {"active": ""}))) == 7


def test_it_combines_filters(world, as_user):
    response = as_user(world.manager).get(
        URL, {"q": "UBND", "kind": AgencyKind.PEOPLES_COMMITTEE_COMMUNE, "active": "1"}
    )
    assert listed(response) == {"UBND xã Phú Thuận", "UBND phường Tứ Hạ"}


def test_it_ignores_a_malformed_filter_and_lists_everything(world, as_user):
    response = as_user(world.manager).get(URL, {"tier": "9", "kind": "bogus"})
    assert response.status_code == 200
    assert listed(response) == province(world)


def test_it_pages_fifty_agencies_at_a_time_keeping_the_filters(world, as_user):
    for i in range(55):
        make_agency(f"Bộ phận Một cửa {i:02}", unit_code="478", parent=world.phu_vang)
    response = as_user(world.official).get(URL, {"q": "một cửa"})
    assert response.context["page"].paginator.count == 55
    assert len(listed(response)) == 50
    assert 'href="?q=m%E1%BB%99t+c%E1%BB%ADa&amp;page=2"' in response.text
    second = as_user(world.official).get(URL, {"q": "một cửa", "page": 2})
    assert len(listed(second)) == 5


def test_it_lists_in_a_fixed_number_of_queries(world, as_user, django_assert_max_num_queries):
    for i in range(30):
        make_agency(f"Bộ phận Một cửa {i:02}", unit_code="19903", parent=world.phu_thuan)
    client = as_user(world.manager)
    # Session, user, memberships, count, one page of agencies with unit, province and parent.
    with django_assert_max_num_queries(5):
        response = client.get(URL)
    assert len(listed(response)) == 37


@pytest.mark.parametrize("user", ["viewer", "supervisor", "official"])
def test_it_shows_the_agencies_link_in_the_navigation(world, as_user, user):
    response = as_user(getattr(world, user)).get(URL)
    assert f'href="{URL}"' in response.text
