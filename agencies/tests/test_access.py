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
