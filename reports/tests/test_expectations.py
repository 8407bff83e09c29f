"""What respondents want improved: 4-level desire items and a multiple-choice question."""

import pytest

from agencies.access import Access
from reports.selectors import expectations, result_scope
from reports.tests.conftest import answer, compute, make_results_campaign, small_questionnaire
from surveys.models import DEFAULT_POSITIVE, Element, Item, Scale


@pytest.fixture
def wishes(world, min_n):
    q = small_questionnaire()
    section = Element.objects.create(
        questionnaire=q, code="MD", name="Mong đợi", kind=Element.Kind.EXPECTATION, order=95
    )
    common = {"questionnaire": q, "element": section, "role": Item.Role.EXPECTATION}
    Item.objects.create(
        **common, code="MD.1", text="Rút ngắn thời gian giải quyết", scale=Scale.DESIRE4,
        positive_levels=DEFAULT_POSITIVE[Scale.DESIRE4], position=q.next_position(),
    )  # fmt: skip
    Item.objects.create(
        **common, code="MD.2", text="Chọn tối đa hai điều", scale=Scale.MULTI, max_choices=2,
        options=[{"value": 1, "label": "Giảm phí"}, {"value": 2, "label": "Thái độ cán bộ"}],
        position=q.next_position(),
    )  # fmt: skip
    campaign = make_results_campaign(world.home_affairs, questionnaire=q, scope=[world.phu_vang])
    # Positions 6 (MD.1) and 7 (MD.2, a bit mask: 1 = fee, 2 = attitude, 3 = both).
    answer(campaign, world.phu_vang, [4, 4, 4, 4, 4, 4, 3])
    answer(campaign, world.phu_vang, [4, 4, 4, 4, 4, 1, 2])
    answer(campaign, world.phu_vang, [4, 4, 4, 4, 4, 2, 2])
    answer(campaign, world.phu_vang, [4, 4, 4, 4, 4, 3, None])
    compute(campaign)
    return campaign


def test_it_lists_the_most_wanted_first(world, wishes):
    rows = [(e.label, e.value) for e in expectations(wishes, world.phu_vang)]
    assert rows == [
        ("Thái độ cán bộ", 100.0),
        ("Rút ngắn thời gian giải quyết", 50.0),
        ("Giảm phí", pytest.approx(100 / 3, abs=1e-3)),
    ]


def test_it_keeps_to_the_readers_scope(world, wishes):
    official = result_scope(campaign=wishes, access=Access(world.official))
    assert len(expectations(wishes, world.phu_vang, scope=official)) == 3
    assert expectations(wishes, scope=official) == []  # the campaign as a whole is not theirs
    manager = result_scope(campaign=wishes, access=Access(world.manager))
    assert len(expectations(wishes, scope=manager)) == 3


def test_it_is_empty_for_a_questionnaire_without_expectations(world, hue):
    answer(hue, world.phu_vang, [4, 4, 4, 4, 4])
    compute(hue)
    assert expectations(hue, world.phu_vang) == []
