"""Reads of agencies and units, always inside the caller's scope."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from agencies.access import Access, Perm
from agencies.models import AdminUnit, Agency, Tier


def agency_list(
    *,
    access: Access,
    search: str = "",
    kind: str = "",
    tier: int | None = None,
    province: AdminUnit | None = None,
    active: bool | None = None,
) -> QuerySet[Agency]:
    qs = access.agencies(Perm.VIEW).select_related("unit", "unit__province", "parent")
    if search:
        qs = qs.filter(
            Q(name__icontains=search) | Q(code__icontains=search) | Q(unit__name__icontains=search)
        )
    if kind:
        qs = qs.filter(kind=kind)
    if tier:
        qs = qs.filter(unit__tier=tier)
    if province is not None:
        qs = qs.filter(province=province)
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs.order_by("path")


def agency_children(*, access: Access, agency: Agency) -> QuerySet[Agency]:
    return (
        access.agencies(Perm.VIEW)
        .filter(parent=agency)
        .select_related("unit")
        .annotate(n_children=Count("children"))
        .order_by("name")
    )


def provinces_in_scope(*, access: Access) -> QuerySet[AdminUnit]:
    qs = AdminUnit.objects.filter(tier=Tier.PROVINCE)
    ids = access.province_ids()
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.order_by("era", "name")


def units_for_picker(*, province: AdminUnit | None, access: Access) -> QuerySet[AdminUnit]:
    """Units an agency may be attached to: those of one province (or, without one, provinces)."""
    provinces = provinces_in_scope(access=access)
    if province is None:
        return provinces
    if not provinces.filter(pk=province.pk).exists():
        return AdminUnit.objects.none()
    return (
        AdminUnit.objects.filter(Q(pk=province.pk) | Q(province=province))
        .select_related("district")
        .order_by("tier", "district__name", "name")
    )
