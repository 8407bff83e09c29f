"""Who may see and change questionnaires, built on agencies.access.

- A national template (no owner) is visible to every user who holds a role somewhere (VIEW or
  MANAGE_CAMPAIGNS), and is never changed in the browser: asking for more than VIEW is a 403.
- A local questionnaire is visible when its owner agency is in the user's scope, and editable with
  MANAGE_CAMPAIGNS on that agency. Out of scope is a 404 (as if it did not exist); in scope with
  too low a role is a 403.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from agencies.access import Access, Perm, get_access
from surveys.models import Element, Item, Questionnaire

if TYPE_CHECKING:
    from django.http import HttpRequest


def visible_q(access: Access, prefix: str = "") -> Q:
    """Questionnaires (reached through `prefix`) that `access` may see."""
    if access.is_admin:
        # Not Q() | ...: an empty Q disappears from an OR and would hide the local ones.
        return Q()
    q = access.agency_q(f"{prefix}owner", Perm.VIEW)
    if access.has(Perm.VIEW) or access.has(Perm.MANAGE_CAMPAIGNS):
        q |= Q(**{f"{prefix}owner__isnull": True})
    return q


def can_edit(access: Access, questionnaire: Questionnaire) -> bool:
    """Whether the role allows changing it (its status is the services' business)."""
    owner = questionnaire.owner
    return owner is not None and access.can(Perm.MANAGE_CAMPAIGNS, owner)


def _check(access: Access, questionnaire: Questionnaire, perm: Perm) -> None:
    if perm == Perm.VIEW:
        return
    owner = questionnaire.owner
    if owner is None or not access.can(perm, owner):
        raise PermissionDenied


def get_questionnaire_for_user(
    request: HttpRequest, pk: int, perm: Perm = Perm.VIEW
) -> Questionnaire:
    access = get_access(request)
    questionnaire = (
        Questionnaire.objects.select_related("owner", "based_on", "published_by")
        .filter(visible_q(access), pk=pk)
        .first()
    )
    if questionnaire is None:
        raise Http404
    _check(access, questionnaire, perm)
    return questionnaire


def get_element_for_user(request: HttpRequest, pk: int, perm: Perm = Perm.VIEW) -> Element:
    access = get_access(request)
    element = (
        Element.objects.select_related("questionnaire__owner", "aspect")
        .filter(visible_q(access, "questionnaire__"), pk=pk)
        .first()
    )
    if element is None:
        raise Http404
    _check(access, element.questionnaire, perm)
    return element


def get_item_for_user(request: HttpRequest, pk: int, perm: Perm = Perm.VIEW) -> Item:
    access = get_access(request)
    item = (
        Item.objects.select_related("questionnaire__owner", "element")
        .filter(visible_q(access, "questionnaire__"), pk=pk)
        .first()
    )
    if item is None:
        raise Http404
    _check(access, item.questionnaire, perm)
    return item
