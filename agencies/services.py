"""Writes that carry the agency rules: tree paths, province copies, deactivation."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Func, Value
from django.utils.translation import gettext as _

from agencies.models import AdminUnit, Agency, Tier


def _province_of(unit: AdminUnit) -> AdminUnit:
    return unit if unit.tier == Tier.PROVINCE else unit.province  # type: ignore[return-value]


def _check_parent(agency: Agency, parent: Agency | None) -> None:
    if parent is None:
        return
    if agency.pk and parent.path.startswith(agency.path):
        raise ValidationError(
            {"parent": _("Cơ quan cấp trên không thể là chính nó hoặc cơ quan cấp dưới của nó.")}
        )
    if parent.unit.era != agency.unit.era:
        raise ValidationError(
            {"parent": _("Cơ quan cấp trên thuộc thời kỳ đơn vị hành chính khác.")}
        )


@transaction.atomic
def agency_create(
    *,
    code: str,
    name: str,
    kind: str,
    unit: AdminUnit,
    parent: Agency | None,
    is_active: bool = True,
) -> Agency:
    agency = Agency(code=code, name=name, kind=kind, unit=unit, parent=parent, is_active=is_active)
    _check_parent(agency, parent)
    agency.province = _province_of(unit)
    agency.save()
    # The id is known only now: the path ends with it.
    agency.path = f"{parent.path if parent else '/'}{agency.pk}/"
    agency.save(update_fields=["path"])
    return agency


@transaction.atomic
def agency_update(*, agency: Agency, **fields: object) -> Agency:
    """Change fields; a new parent moves the whole subtree, in one UPDATE."""
    old_path = agency.path
    for name, value in fields.items():
        setattr(agency, name, value)
    _check_parent(agency, agency.parent)
    agency.province = _province_of(agency.unit)
    new_path = f"{agency.parent.path if agency.parent else '/'}{agency.pk}/"
    agency.path = new_path
    agency.save()
    if new_path != old_path:
        Agency.objects.filter(path__startswith=old_path).exclude(pk=agency.pk).update(
            path=Func(F("path"), Value(old_path), Value(new_path), function="replace")
        )
    return agency


@transaction.atomic
def agency_set_active(*, agency: Agency, active: bool) -> int:
    """(De)activate an agency; deactivating also deactivates everything under it."""
    qs = (
        Agency.objects.filter(path__startswith=agency.path)
        if not active
        else Agency.objects.filter(pk=agency.pk)
    )
    return qs.update(is_active=active)
