"""Factories for questionnaires (small, hand-made) used across the surveys and reports tests."""

from __future__ import annotations

from itertools import count

from django.utils import timezone

from surveys.models import DEFAULT_POSITIVE, Element, Item, Questionnaire, Scale

_family = count(1)


def make_questionnaire(
    *,
    published: bool = True,
    elements: int = 2,
    items_per_element: int = 3,
    with_general: bool = False,
    with_overall: bool = True,
    with_comment: bool = True,
    family: str | None = None,
    owner=None,
    title: str = "Phiếu thử",
) -> Questionnaire:
    """A questionnaire with `elements` index elements of 5-level items coded "1.1", "1.2", ..."""
    q = Questionnaire.objects.create(
        family=family or f"test-{next(_family)}",
        title=title,
        title_en="Test form",
        intro="Phiếu khảo sát thử nghiệm.",
        owner=owner,
        status=Questionnaire.Status.PUBLISHED if published else Questionnaire.Status.DRAFT,
        published_at=timezone.now() if published else None,
    )
    position = count(1)
    for e in range(1, elements + 1):
        element = Element.objects.create(
            questionnaire=q, code=str(e), name=f"Yếu tố {e}", name_en=f"Element {e}", order=e
        )
        for i in range(1, items_per_element + 1):
            Item.objects.create(
                questionnaire=q,
                element=element,
                code=f"{e}.{i}",
                text=f"Tiêu chí {e}.{i}",
                text_en=f"Criterion {e}.{i}",
                scale=Scale.SAT5,
                positive_levels=DEFAULT_POSITIVE[Scale.SAT5],
                order=i,
                position=next(position),
            )
        if with_general:
            Item.objects.create(
                questionnaire=q,
                element=element,
                code=f"HL{e}",
                role=Item.Role.GENERAL,
                text=f"Hài lòng chung về yếu tố {e}",
                scale=Scale.SAT5,
                positive_levels=DEFAULT_POSITIVE[Scale.SAT5],
                order=99,
                position=next(position),
            )
    if with_overall or with_comment:
        other = Element.objects.create(
            questionnaire=q, code="C", name="Đánh giá chung", kind=Element.Kind.OTHER, order=90
        )
        if with_overall:
            Item.objects.create(
                questionnaire=q,
                element=other,
                code="HL",
                role=Item.Role.OVERALL,
                text="Nói chung, ông/bà hài lòng đến mức nào?",
                scale=Scale.SAT5,
                positive_levels=DEFAULT_POSITIVE[Scale.SAT5],
                order=1,
                position=next(position),
            )
        if with_comment:
            Item.objects.create(
                questionnaire=q,
                element=other,
                code="YK",
                role=Item.Role.COMMENT,
                text="Ý kiến khác",
                scale=Scale.TEXT,
                order=2,
            )
    return q
