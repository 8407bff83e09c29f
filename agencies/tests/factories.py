"""Factories for agencies, users and memberships; units come from the real official list."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from agencies import services
from agencies.models import AdminUnit, Agency, AgencyKind, Era, Membership, Role


def unit(code: str, era: str = Era.THREE_TIER) -> AdminUnit:
    return AdminUnit.objects.get(era=era, code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("password")


_counter = iter(range(1, 10**9))


def make_agency(
    name: str,
    *,
    unit_code: str,
    parent: Agency | None = None,
    kind: str = AgencyKind.DEPARTMENT,
    era: str = Era.THREE_TIER,
    code: str | None = None,
) -> Agency:
    return services.agency_create(
        code=code or f"ag-{next(_counter)}",
        name=name,
        kind=kind,
        unit=unit(unit_code, era),
        parent=parent,
    )


def member(username: str, agency: Agency, role: str = Role.OFFICIAL, **user_fields):
    user = UserFactory(username=username, **user_fields)
    Membership.objects.create(user=user, agency=agency, role=role)
    return user
