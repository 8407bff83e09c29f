"""Deactivating an agency takes its subtree with it; reactivating brings back only the agency."""

import pytest
from django.urls import reverse

from agencies.models import Agency


def url(agency) -> str:
    return reverse("agencies:set_active", args=[agency.pk])


def active(*agencies) -> list[bool]:
    by_pk = Agency.objects.in_bulk([a.pk for a in agencies])
    return [by_pk[a.pk].is_active for a in agencies]


def test_it_sends_an_anonymous_visitor_to_the_login_page(world, client):
    response = client.post(url(world.phu_vang), {"active": "0"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert active(world.phu_vang) == [True]


def test_it_accepts_only_post(world, as_user):
    assert as_user(world.manager).get(url(world.phu_vang)).status_code == 405
    assert active(world.phu_vang) == [True]


@pytest.mark.parametrize("user", ["sibling", "outsider", "nobody"])
def test_it_answers_404_for_another_agency(world, as_user, user):
    response = as_user(getattr(world, user)).post(url(world.phu_vang), {"active": "0"})
    assert response.status_code == 404
    assert active(world.phu_vang, world.phu_thuan) == [True, True]


def test_it_answers_404_to_the_manager_for_another_province(world, as_user):
    response = as_user(world.manager).post(url(world.da_nang), {"active": "0"})
    assert response.status_code == 404
    assert active(world.da_nang) == [True]


@pytest.mark.parametrize("user", ["viewer", "supervisor", "enumerator", "official"])
def test_it_refuses_roles_that_cannot_manage_agencies(world, as_user, user):
    response = as_user(getattr(world, user)).post(url(world.phu_thuan), {"active": "0"})
    assert response.status_code == 403
    assert active(world.phu_thuan) == [True]


def test_it_lets_the_manager_deactivate_an_agency_and_its_subtree(world, as_user):
    response = as_user(world.manager).post(url(world.phu_vang), {"active": "0"}, follow=True)
    assert response.redirect_chain == [(reverse("agencies:detail", args=[world.phu_vang.pk]), 302)]
    assert "Đã ngừng hoạt động 2 cơ quan (gồm các cơ quan cấp dưới)." in response.text
    assert active(world.phu_vang, world.phu_thuan) == [False, False]
    assert active(world.root, world.huong_tra, world.tu_ha) == [True, True, True]


def test_it_locks_the_members_of_a_deactivated_agency_out(world, as_user):
    as_user(world.manager).post(url(world.phu_vang), {"active": "0"})
    client = as_user(world.official)
    assert client.get(reverse("agencies:list")).status_code == 403
    assert client.get(reverse("agencies:detail", args=[world.phu_thuan.pk])).status_code == 404


def test_it_reactivates_only_the_agency_itself(world, as_user):
    client = as_user(world.manager)
    client.post(url(world.phu_vang), {"active": "0"})
    response = client.post(url(world.phu_vang), {"active": "1"}, follow=True)
    assert "Đã cho cơ quan hoạt động trở lại." in response.text
    assert active(world.phu_vang, world.phu_thuan) == [True, False]


@pytest.mark.parametrize("target", ["home_affairs", "root"])
def test_it_refuses_to_deactivate_the_managers_own_agency_or_an_ancestor(world, as_user, target):
    agency = getattr(world, target)
    response = as_user(world.manager).post(url(agency), {"active": "0"})
    assert response.status_code == 403
    assert "Không thể ngừng hoạt động cơ quan của chính bạn" in response.text
    assert not Agency.objects.filter(is_active=False).exists()


def test_it_lets_the_admin_deactivate_another_province(world, as_user):
    response = as_user(world.admin).post(url(world.da_nang), {"active": "0"})
    assert response.status_code == 302
    assert active(world.da_nang) == [False]
    # The outsider's only agency is gone, and with it the outsider's access.
    assert as_user(world.outsider).get(reverse("agencies:list")).status_code == 403


def test_it_refuses_the_admin_to_deactivate_the_root_of_its_own_membership(world, as_user):
    response = as_user(world.admin).post(url(world.root), {"active": "0"})
    assert response.status_code == 403
    assert active(world.root) == [True]
