"""The one place that decides what a user may see and do.

A membership's scope is its agency and everything under it in the agency tree; a Home Affairs
manager's scope, and a supervisor's (Fatherland Front, Veterans' Association: they watch the whole
province's survey), is the whole province of its agency; a system administrator sees everything.
Views fetch objects through these helpers: an object outside the scope is a 404 (the same answer
as "does not exist", so nothing leaks), an object inside it with too low a role is a 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from agencies.models import Agency, Membership, Role

if TYPE_CHECKING:
    from django.http import HttpRequest


class Perm(StrEnum):
    VIEW = "view"
    MANAGE_AGENCIES = "manage_agencies"
    MANAGE_CAMPAIGNS = "manage_campaigns"
    ENTER_RESPONSES = "enter_responses"
    REVIEW_RESPONSES = "review_responses"
    EXPORT = "export"
    SUPERVISE = "supervise"
    ADMINISTER = "administer"


ROLE_PERMS: dict[str, frozenset[Perm]] = {
    Role.ADMIN: frozenset(Perm),
    Role.MANAGER: frozenset(
        {
            Perm.VIEW,
            Perm.MANAGE_AGENCIES,
            Perm.MANAGE_CAMPAIGNS,
            Perm.ENTER_RESPONSES,
            Perm.REVIEW_RESPONSES,
            Perm.EXPORT,
        }
    ),
    Role.OFFICIAL: frozenset({Perm.VIEW, Perm.ENTER_RESPONSES, Perm.EXPORT}),
    Role.ENUMERATOR: frozenset({Perm.VIEW, Perm.ENTER_RESPONSES}),
    Role.SUPERVISOR: frozenset({Perm.VIEW, Perm.EXPORT, Perm.SUPERVISE}),
    Role.VIEWER: frozenset({Perm.VIEW}),
}


PROVINCE_WIDE = frozenset({Role.MANAGER, Role.SUPERVISOR})


@dataclass(frozen=True)
class Grant:
    """One membership, reduced to what scope checks need."""

    role: str
    agency_id: int
    path: str
    province_id: int | None

    @property
    def perms(self) -> frozenset[Perm]:
        return ROLE_PERMS[self.role]

    def covers(self, agency: Agency) -> bool:
        if self.role == Role.ADMIN:
            return True
        if self.role in PROVINCE_WIDE and agency.province_id == self.province_id:
            return True
        return agency.path.startswith(self.path)

    def q(self, prefix: str) -> Q:
        if self.role == Role.ADMIN:
            return Q()
        q = Q(**{f"{prefix}path__startswith": self.path})
        if self.role in PROVINCE_WIDE and self.province_id is not None:
            q |= Q(**{f"{prefix}province_id": self.province_id})
        return q


class Access:
    """What one user may reach; built once per request."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self.grants: list[Grant] = []
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return
        if user.is_superuser:
            self.grants.append(Grant(Role.ADMIN, 0, "/", None))
        rows = Membership.objects.filter(user=user, agency__is_active=True).values_list(
            "role", "agency_id", "agency__path", "agency__province_id"
        )
        self.grants += [Grant(*row) for row in rows]

    @property
    def is_admin(self) -> bool:
        return any(g.role == Role.ADMIN for g in self.grants)

    @property
    def roles(self) -> set[str]:
        return {g.role for g in self.grants}

    def has(self, perm: Perm) -> bool:
        """True when some membership grants `perm` somewhere (to show a menu entry)."""
        return any(perm in g.perms for g in self.grants)

    def perms_for(self, agency: Agency) -> set[Perm]:
        perms: set[Perm] = set()
        for grant in self.grants:
            if grant.covers(agency):
                perms |= grant.perms
        return perms

    def can(self, perm: Perm, agency: Agency) -> bool:
        return perm in self.perms_for(agency)

    def agency_q(self, prefix: str = "", perm: Perm = Perm.VIEW) -> Q:
        """A filter for rows whose agency (reached through `prefix`) is in scope for `perm`."""
        if prefix and not prefix.endswith("__"):
            prefix += "__"
        grants = [g for g in self.grants if perm in g.perms]
        if not grants:
            return Q(pk__in=[])
        q = Q(pk__in=[])
        for grant in grants:
            if grant.role == Role.ADMIN:
                return Q()
            q |= grant.q(prefix)
        return q

    def agencies(self, perm: Perm = Perm.VIEW) -> QuerySet[Agency]:
        return Agency.objects.filter(self.agency_q("", perm))

    def province_ids(self) -> set[int] | None:
        """Provinces the user's scope touches; None means every province (an administrator)."""
        if self.is_admin:
            return None
        ids = {g.province_id for g in self.grants if g.province_id is not None}
        return ids


def get_access(request: HttpRequest) -> Access:
    access = getattr(request, "_access", None)
    if access is None or access.user is not request.user:
        access = Access(request.user)
        request._access = access  # type: ignore[attr-defined]
    return access


def require(request: HttpRequest, perm: Perm) -> Access:
    """403 unless the user holds `perm` somewhere: for pages that create something new."""
    access = get_access(request)
    if not access.has(perm):
        raise PermissionDenied
    return access


def get_object_for_user[M: Model](
    request: HttpRequest,
    queryset: QuerySet[M],
    *,
    agency_field: str,
    perm: Perm = Perm.VIEW,
    **lookup: Any,
) -> M:
    """Fetch one object inside the user's scope: 404 outside it, 403 when the role is too low.

    `agency_field` is the path from the object to the agency that owns it ("" for an Agency).
    """
    access = get_access(request)
    prefix = f"{agency_field}__" if agency_field else ""
    obj = queryset.filter(access.agency_q(prefix, Perm.VIEW), **lookup).first()
    if obj is None:
        raise Http404
    agency = obj
    for part in filter(None, agency_field.split("__")):
        agency = getattr(agency, part)
    if not access.can(perm, agency):  # type: ignore[arg-type]
        raise PermissionDenied
    return obj


def get_agency_for_user(request: HttpRequest, pk: int, perm: Perm = Perm.VIEW) -> Agency:
    return get_object_for_user(
        request, Agency.objects.select_related("unit", "parent"), agency_field="", perm=perm, pk=pk
    )
