"""The agency page: its place in the tree, its children, and the buttons the role allows."""

import pytest
from django.urls import reverse

from agencies.tests.factories import make_agency


def url(agency) -> str:
    return reverse("agencies:detail", args=[agency.pk])


def test_it_sends_an_anonymous_visitor_to_the_login_page(world, client):
    response = client.get(url(world.phu_vang))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_shows_the_official_its_agency(world, as_user):
    response = as_user(world.official).get(url(world.phu_vang))
    assert response.status_code == 200
    assert "<h1" in response.text and "UBND huyện Phú Vang" in response.text
    assert world.phu_vang.code in response.text
    assert "Huyện Phú Vang" in response.text  # the unit
    assert "3 cấp (tỉnh – huyện – xã, đến 30/6/2025)" in response.text


def test_it_shows_the_ancestors_as_a_breadcrumb(world, as_user):
    response = as_user(world.official).get(url(world.phu_thuan))
    assert [a.name for a in response.context["ancestors"]] == [
        "UBND thành phố Huế",
        "UBND huyện Phú Vang",
    ]


def test_it_lists_the_children_in_scope(world, as_user):
    make_agency("Bộ phận Một cửa xã Phú Thuận", unit_code="19903", parent=world.phu_thuan)
    response = as_user(world.manager).get(url(world.root))
    names = {c.name for c in response.context["children"]}
    assert names == {"Sở Nội vụ", "Ủy ban MTTQ", "UBND huyện Phú Vang", "UBND thị xã Hương Trà"}
    response = as_user(world.manager).get(url(world.phu_vang))
    (child,) = response.context["children"]
    assert child.name == "UBND xã Phú Thuận" and child.n_children == 1
    assert "1 cấp dưới" in response.text


def test_it_says_when_there_are_no_children(world, as_user):
    response = as_user(world.official).get(url(world.phu_thuan))
    assert "Không có cơ quan cấp dưới." in response.text


@pytest.mark.parametrize("user", ["official", "viewer", "enumerator"])
def test_it_lets_every_member_see_its_subtree(world, as_user, user):
    assert as_user(getattr(world, user)).get(url(world.phu_thuan)).status_code == 200


def test_it_lets_the_supervisor_see_the_whole_province(world, as_user):
    assert as_user(world.supervisor).get(url(world.tu_ha)).status_code == 200


@pytest.mark.parametrize("user", ["sibling", "outsider", "nobody"])
def test_it_answers_404_for_another_agency(world, as_user, user):
    response = as_user(getattr(world, user)).get(url(world.phu_vang))
    assert response.status_code == 404


def test_it_answers_404_to_the_official_for_its_parent(world, as_user):
    assert as_user(world.official).get(url(world.root)).status_code == 404


def test_it_answers_404_for_a_missing_agency(world, as_user):
    assert as_user(world.admin).get(reverse("agencies:detail", args=[10**9])).status_code == 404


def test_it_answers_404_to_the_manager_for_another_province(world, as_user):
    assert as_user(world.manager).get(url(world.da_nang)).status_code == 404


def test_it_shows_the_manager_the_edit_and_deactivate_buttons(world, as_user):
    response = as_user(world.manager).get(url(world.phu_vang))
    assert response.context["can_manage"]
    assert reverse("agencies:edit", args=[world.phu_vang.pk]) in response.text
    assert reverse("agencies:set_active", args=[world.phu_vang.pk]) in response.text
    assert "Ngừng hoạt động" in response.text


def test_it_offers_the_manager_to_reactivate_an_inactive_agency(world, as_user):
    world.phu_vang.is_active = False
    world.phu_vang.save()
    response = as_user(world.manager).get(url(world.phu_vang))
    assert response.status_code == 200
    assert "Cho hoạt động trở lại" in response.text


@pytest.mark.parametrize("user", ["official", "viewer", "enumerator", "supervisor"])
def test_it_hides_the_buttons_from_read_only_roles(world, as_user, user):
    response = as_user(getattr(world, user)).get(url(world.phu_vang))
    assert not response.context["can_manage"]
    assert reverse("agencies:edit", args=[world.phu_vang.pk]) not in response.text
    assert reverse("agencies:set_active", args=[world.phu_vang.pk]) not in response.text


def test_it_shows_the_page_in_a_fixed_number_of_queries(
    world, as_user, django_assert_max_num_queries
):
    for i in range(10):
        make_agency(f"Bộ phận {i}", unit_code="478", parent=world.phu_vang)
    client = as_user(world.manager)
    # Session, user, memberships, the agency, its ancestors, its children (+ the parent's name).
    with django_assert_max_num_queries(7):
        response = client.get(url(world.phu_vang))
    assert len(response.context["children"]) == 11


def test_it_links_to_the_parent_only_when_it_is_in_scope(world, as_user):
    parent_page = reverse("agencies:detail", args=[world.root.pk])
    response = as_user(world.manager).get(url(world.phu_vang))
    assert f'href="{parent_page}"' in response.text
    response = as_user(world.official).get(url(world.phu_vang))
    assert "UBND thành phố Huế" in response.text
    assert f'href="{parent_page}"' not in response.text
