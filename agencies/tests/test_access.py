"""Scope and rights of each persona, decided by agencies.access."""

from agencies.access import Access, Perm


def ids(qs):
    return set(qs.values_list("pk", flat=True))


def test_it_gives_the_manager_the_whole_province(world):
    scope = ids(Access(world.manager).agencies())
    province = {world.root, world.home_affairs, world.front, world.phu_vang, world.phu_thuan}
    assert {a.pk for a in province} <= scope
    assert world.huong_tra.pk in scope and world.tu_ha.pk in scope
    assert world.da_nang.pk not in scope


def test_it_limits_a_district_official_to_its_subtree(world):
    scope = ids(Access(world.official).agencies())
    assert scope == {world.phu_vang.pk, world.phu_thuan.pk}


def test_it_keeps_a_sibling_official_out(world):
    scope = ids(Access(world.sibling).agencies())
    assert scope == {world.huong_tra.pk, world.tu_ha.pk}
    assert world.phu_vang.pk not in scope


def test_it_lets_the_viewer_only_view(world):
    access = Access(world.viewer)
    assert access.can(Perm.VIEW, world.phu_thuan)
    assert not access.can(Perm.MANAGE_AGENCIES, world.phu_vang)
    assert not access.can(Perm.ENTER_RESPONSES, world.phu_vang)


def test_it_gives_the_supervisor_the_province_read_only(world):
    access = Access(world.supervisor)
    assert world.tu_ha.pk in ids(access.agencies())
    assert access.can(Perm.SUPERVISE, world.phu_vang)
    assert not access.can(Perm.MANAGE_AGENCIES, world.phu_vang)
    assert not access.can(Perm.MANAGE_CAMPAIGNS, world.phu_vang)


def test_it_gives_the_admin_everything(world):
    access = Access(world.admin)
    assert world.da_nang.pk in ids(access.agencies())
    assert access.can(Perm.ADMINISTER, world.da_nang)


def test_it_gives_a_user_without_membership_nothing(world):
    assert ids(Access(world.nobody).agencies()) == set()


def request_as(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    return request


def test_it_fetches_an_agency_in_scope(world):
    from agencies.access import get_agency_for_user

    assert get_agency_for_user(request_as(world.official), world.phu_thuan.pk) == world.phu_thuan


def test_it_answers_404_outside_the_scope_and_403_for_a_too_low_role(world):
    import pytest
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from agencies.access import get_agency_for_user

    with pytest.raises(Http404):
        get_agency_for_user(request_as(world.sibling), world.phu_vang.pk)
    with pytest.raises(Http404):
        get_agency_for_user(request_as(world.sibling), 10**9)
    with pytest.raises(PermissionDenied):
        get_agency_for_user(request_as(world.viewer), world.phu_vang.pk, Perm.MANAGE_AGENCIES)


def test_it_ignores_memberships_of_inactive_agencies(world):
    world.phu_vang.is_active = False
    world.phu_vang.save()
    assert ids(Access(world.official).agencies()) == set()
    assert not Access(world.official).has(Perm.VIEW)


def test_it_filters_related_rows_through_a_prefix(world):
    from agencies.models import Membership

    rows = Membership.objects.filter(Access(world.official).agency_q("agency"))
    assert {m.user.username for m in rows} == {"an", "vy", "em"}


def test_it_builds_the_access_once_per_request(world, django_assert_num_queries):
    from agencies.access import get_access

    request = request_as(world.manager)
    with django_assert_num_queries(1):
        assert get_access(request) is get_access(request)
