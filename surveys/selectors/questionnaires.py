"""Reads of questionnaires, always inside the caller's scope, and their structure for rendering."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from agencies.access import Access
from surveys.access import visible_q
from surveys.models import MAX_MULTI_OPTIONS, Aspect, Element, Item, Questionnaire, Scale

NATIONAL = "national"
LOCAL = "local"


def questionnaire_list(
    *,
    access: Access,
    search: str = "",
    status: str = "",
    family: str = "",
    origin: str = "",
) -> QuerySet[Questionnaire]:
    """National templates and the local questionnaires of agencies in scope, newest first."""
    qs = (
        Questionnaire.objects.filter(visible_q(access))
        .select_related("owner", "based_on")
        .annotate(n_items=Count("items"))
    )
    if search:
        qs = qs.filter(
            Q(title__icontains=search)
            | Q(family__icontains=search)
            | Q(owner__name__icontains=search)
        )
    if status:
        qs = qs.filter(status=status)
    if family:
        qs = qs.filter(family=family)
    if origin == NATIONAL:
        qs = qs.filter(owner__isnull=True)
    elif origin == LOCAL:
        qs = qs.filter(owner__isnull=False)
    return qs.order_by("-is_national", "family", "-version")


def questionnaire_families(*, access: Access) -> list[str]:
    return list(
        Questionnaire.objects.filter(visible_q(access))
        .order_by("family")
        .values_list("family", flat=True)
        .distinct()
    )


def questionnaire_versions(
    *, access: Access, questionnaire: Questionnaire
) -> QuerySet[Questionnaire]:
    """Every version of the questionnaire's family that the user may see."""
    return (
        Questionnaire.objects.filter(visible_q(access), family=questionnaire.family)
        .select_related("published_by")
        .order_by("-version")
    )


@dataclass
class Section:
    """An element with its items, as the form and the detail page show it."""

    element: Element
    items: list[Item]
    number: int = 0
    # True on the first section of an aspect: that is where its heading goes.
    starts_aspect: bool = False

    @property
    def aspect(self) -> Aspect | None:
        return self.element.aspect


@dataclass
class Structure:
    questionnaire: Questionnaire
    aspects: list[Aspect]
    sections: list[Section] = field(default_factory=list)

    @property
    def items(self) -> list[Item]:
        return [item for section in self.sections for item in section.items]

    @property
    def max_position(self) -> int:
        """The length of Response.scores for this questionnaire."""
        return max((i.position for i in self.items if i.position is not None), default=0)


def questionnaire_structure(*, questionnaire: Questionnaire) -> Structure:
    """Aspects, elements and items in display order, in three queries."""
    aspects = list(Aspect.objects.filter(questionnaire=questionnaire).order_by("order", "id"))
    by_aspect = {a.pk: a for a in aspects}
    elements = list(Element.objects.filter(questionnaire=questionnaire).order_by("order", "id"))
    sections: dict[int, Section] = {}
    for element in elements:
        # Attach what was already fetched, so templates reach them without a query each.
        element.questionnaire = questionnaire
        element.aspect = by_aspect.get(element.aspect_id) if element.aspect_id else None
        sections[element.pk] = Section(element=element, items=[])
    for item in Item.objects.filter(questionnaire=questionnaire).order_by("order", "id"):
        section = sections[item.element_id]
        item.questionnaire = questionnaire
        item.element = section.element
        section.items.append(item)
    ordered = list(sections.values())
    previous = None
    for number, section in enumerate(ordered, start=1):
        section.number = number
        aspect_id = section.element.aspect_id
        section.starts_aspect = aspect_id is not None and aspect_id != previous
        previous = aspect_id
    return Structure(questionnaire=questionnaire, aspects=aspects, sections=ordered)


# Published versions never change again: each process builds their structure once. Keyed by the
# publication time too, so that a version published again (a test database reused) is rebuilt.
_PUBLISHED: dict[tuple[str, int, object], object] = {}
_PUBLISHED_MAX = 64


def published_once(kind: str, questionnaire: Questionnaire, build):
    """build() once per process for a published version (its `kind` of derived structure), or
    every time for a draft."""
    if not questionnaire.is_published:
        return build()
    key = (kind, questionnaire.pk, questionnaire.published_at)
    found = _PUBLISHED.get(key)
    if found is None:
        if len(_PUBLISHED) >= _PUBLISHED_MAX:
            _PUBLISHED.clear()
        found = _PUBLISHED[key] = build()
    return found


def published_structure(*, questionnaire: Questionnaire) -> Structure:
    """questionnaire_structure, built once per process for a published version (the public form
    renders and validates it on every answer: three queries and most of the request's time)."""
    return published_once(
        "structure", questionnaire, lambda: questionnaire_structure(questionnaire=questionnaire)
    )


def published_items(*, questionnaire: Questionnaire) -> list[Item]:
    """The items in questionnaire order, kept like published_structure for a published version."""
    from surveys.selectors.responses import questionnaire_items

    return published_once(
        "items", questionnaire, lambda: questionnaire_items(questionnaire_id=questionnaire.pk)
    )


def questionnaire_problems(
    *, questionnaire: Questionnaire, structure: Structure | None = None
) -> list[str]:
    """What stops a draft from being published (empty list: nothing)."""
    structure = structure or questionnaire_structure(questionnaire=questionnaire)
    problems: list[str] = []
    if not structure.items:
        problems.append(_("Phiếu chưa có câu hỏi nào."))
    for section in structure.sections:
        if not section.items:
            problems.append(
                _("Phần %(code)s chưa có câu hỏi nào: thêm câu hỏi hoặc xóa phần này.")
                % {"code": section.element.code}
            )
        for item in section.items:
            if item.scale in (Scale.SINGLE, Scale.MULTI) and not item.options:
                problems.append(
                    _("Câu hỏi %(code)s chưa có phương án trả lời.") % {"code": item.code}
                )
            elif item.scale == Scale.MULTI and len(item.options) > MAX_MULTI_OPTIONS:
                problems.append(
                    _("Câu hỏi %(code)s có quá %(n)d phương án.")
                    % {"code": item.code, "n": MAX_MULTI_OPTIONS}
                )
    return problems
