"""Shared fixtures: the official unit list (loaded once per test database) and named personas.

The world, in Thành phố Huế (3-tier era), plus one agency in Đà Nẵng:

    UBND thành phố Huế (root)
    ├── Sở Nội vụ ........................ manager "mai" (Home Affairs, whole province)
    ├── Ủy ban MTTQ ...................... supervisor "son" (read-only, whole province)
    ├── UBND huyện Phú Vang .............. official "an", viewer "vy", enumerator "em"
    │   └── UBND xã Phú Thuận
    └── UBND thị xã Hương Trà ............ official "binh" (sibling of Phú Vang)
        └── UBND phường Tứ Hạ
    UBND thành phố Đà Nẵng ............... official "dung" (another province: an outsider)
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from agencies.models import AdminUnit, Agency, AgencyKind, Role

pytest_plugins = ["satisfaction.browser"]


def _ensure_units() -> None:
    # A transactional test (live server, real worker) empties every table when it ends: the
    # next test that needs the units loads them again.
    if not AdminUnit.objects.exists():
        from agencies.units import units_load

        units_load()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the real unit list once into the (reused) test database."""
    with django_db_blocker.unblock():
        _ensure_units()


@dataclass
class World:
    root: Agency
    home_affairs: Agency
    front: Agency
    phu_vang: Agency
    phu_thuan: Agency
    huong_tra: Agency
    tu_ha: Agency
    da_nang: Agency
    admin: object
    manager: object
    supervisor: object
    official: object
    viewer: object
    enumerator: object
    sibling: object
    outsider: object
    nobody: object


@pytest.fixture
def world(db) -> World:
    from agencies.tests.factories import UserFactory, make_agency, member

    _ensure_units()

    root = make_agency(
        "UBND thành phố Huế", unit_code="46", kind=AgencyKind.PEOPLES_COMMITTEE_PROVINCE
    )
    home_affairs = make_agency(
        "Sở Nội vụ", unit_code="46", parent=root, kind=AgencyKind.HOME_AFFAIRS
    )
    front = make_agency("Ủy ban MTTQ", unit_code="46", parent=root, kind=AgencyKind.OVERSIGHT)
    phu_vang = make_agency(
        "UBND huyện Phú Vang",
        unit_code="478",
        parent=root,
        kind=AgencyKind.PEOPLES_COMMITTEE_DISTRICT,
    )
    phu_thuan = make_agency(
        "UBND xã Phú Thuận",
        unit_code="19903",
        parent=phu_vang,
        kind=AgencyKind.PEOPLES_COMMITTEE_COMMUNE,
    )
    huong_tra = make_agency(
        "UBND thị xã Hương Trà",
        unit_code="480",
        parent=root,
        kind=AgencyKind.PEOPLES_COMMITTEE_DISTRICT,
    )
    tu_ha = make_agency(
        "UBND phường Tứ Hạ",
        unit_code="19996",
        parent=huong_tra,
        kind=AgencyKind.PEOPLES_COMMITTEE_COMMUNE,
    )
    da_nang = make_agency(
        "UBND thành phố Đà Nẵng", unit_code="48", kind=AgencyKind.PEOPLES_COMMITTEE_PROVINCE
    )
    admin = member("alice", root, Role.ADMIN, is_staff=True, is_superuser=True)
    return World(
        root=root,
        home_affairs=home_affairs,
        front=front,
        phu_vang=phu_vang,
        phu_thuan=phu_thuan,
        huong_tra=huong_tra,
        tu_ha=tu_ha,
        da_nang=da_nang,
        admin=admin,
        manager=member("mai", home_affairs, Role.MANAGER),
        supervisor=member("son", front, Role.SUPERVISOR),
        official=member("an", phu_vang, Role.OFFICIAL),
        viewer=member("vy", phu_vang, Role.VIEWER),
        enumerator=member("em", phu_vang, Role.ENUMERATOR),
        sibling=member("binh", huong_tra, Role.OFFICIAL),
        outsider=member("dung", da_nang, Role.OFFICIAL),
        nobody=UserFactory(username="khach"),
    )


@pytest.fixture
def as_user(client):
    """Log the test client in as a persona: `as_user(world.manager)`."""

    def login(user):
        client.force_login(user)
        return client

    return login
