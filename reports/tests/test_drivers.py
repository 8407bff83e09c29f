"""Drivers: each criterion's correlation with overall satisfaction, and what to fix first."""

from statistics import correlation

import pytest

from agencies.access import Access
from reports.selectors import Quadrant, drivers, fix_first, result_scope
from reports.tests.conftest import answer, compute, make_results_campaign, small_questionnaire

# Positions: 1.1, 1.2, 2.1, 2.2, HL (overall).
SIGNS = [
    [5, 1, 4, 3, 5],
    [4, 2, 4, 5, 4],
    [2, 4, 4, 4, 2],
    [1, 5, 4, 3, 1],
]
OVERALL = [5, 5, 4, 2, 1, 1]
PRIORITY = {
    "1.1": OVERALL,  # r = 1, 50 % satisfied
    "1.2": [5, 5, 5, 4, 4, 3],  # r ≈ 0.90, 83 % satisfied
    "2.1": [4, 4, 2, 2, 2, 2],  # r ≈ 0.82, 33 % satisfied
    "2.2": [1, 2, 3, 4, 5, 5],  # r < 0
}


def by_code(rows):
    return {d.code: d for d in rows}


def priority_answers():
    codes = ["1.1", "1.2", "2.1", "2.2"]
    return [[PRIORITY[c][i] for c in codes] + [OVERALL[i]] for i in range(len(OVERALL))]


@pytest.fixture
def signs(world, hue):
    for scores in SIGNS:
        answer(hue, world.phu_vang, scores)
    compute(hue)
    return hue


@pytest.fixture
def priorities(world, hue):
    for scores in priority_answers():
        answer(hue, world.huong_tra, scores)
    compute(hue)
    return hue


def test_it_finds_positive_negative_and_undefined_correlations(world, signs):
    rows = by_code(drivers(signs, world.phu_vang))
    assert rows["1.1"].correlation == pytest.approx(1.0)
    assert rows["1.2"].correlation == pytest.approx(-1.0)
    assert rows["2.1"].correlation is None  # everyone answered 4: no variation
    assert rows["2.2"].correlation == pytest.approx(
        correlation([3, 5, 4, 3], [5, 4, 2, 1]), abs=1e-4
    )
    assert rows["1.1"].pairs == 4 and rows["1.1"].value == 50.0


def test_it_lists_criteria_in_form_order_with_their_texts(world, signs):
    rows = drivers(signs, world.phu_vang)
    assert [d.code for d in rows] == ["1.1", "1.2", "2.1", "2.2"]
    assert rows[0].text == "Tiêu chí 1.1" and rows[0].element_name == "Yếu tố 1"


def test_it_puts_important_criteria_with_low_satisfaction_first(world, priorities):
    rows = drivers(priorities, world.huong_tra)
    assert [d.code for d in fix_first(rows)] == ["2.1", "1.1", "1.2"]  # 2.2 goes against HL
    assert fix_first(rows, k=1)[0].priority == pytest.approx(
        correlation(PRIORITY["2.1"], OVERALL) * (100 - 100 / 3), abs=1e-2
    )


def test_it_places_each_criterion_in_the_importance_satisfaction_grid(world, priorities):
    rows = by_code(drivers(priorities, world.huong_tra))
    assert rows["1.1"].quadrant == Quadrant.FIX
    assert rows["2.1"].quadrant == Quadrant.FIX
    assert rows["1.2"].quadrant == Quadrant.KEEP
    assert rows["2.2"].quadrant == Quadrant.WATCH


def test_it_uses_only_the_agencys_answers(world, signs):
    for scores in SIGNS:  # Hương Trà answers the other way round
        answer(signs, world.huong_tra, [6 - v for v in scores[:4]] + [scores[4]])
    compute(signs)
    assert by_code(drivers(signs, world.phu_vang))["1.2"].correlation == pytest.approx(-1.0)
    assert by_code(drivers(signs, world.huong_tra))["1.2"].correlation == pytest.approx(1.0)
    assert by_code(drivers(signs))["1.1"].pairs == 8


def test_it_keeps_to_the_readers_scope(world, signs):
    scope = result_scope(campaign=signs, access=Access(world.sibling))
    assert drivers(signs, world.phu_vang, scope=scope) == []
    assert drivers(signs, scope=scope) == []  # the whole campaign is not theirs either
    official = result_scope(campaign=signs, access=Access(world.official))
    assert len(drivers(signs, world.phu_vang, scope=official)) == 4


def test_it_needs_an_overall_question(world, min_n):
    campaign = make_results_campaign(
        world.home_affairs, questionnaire=small_questionnaire(with_overall=False)
    )
    answer(campaign, world.phu_vang, [5, 4, 3, 2])
    compute(campaign)
    assert drivers(campaign, world.phu_vang) == []


def test_it_has_no_correlation_without_answers(world, hue):
    compute(hue)
    rows = drivers(hue, world.phu_vang)
    assert all(d.correlation is None and d.value is None for d in rows)
    assert fix_first(rows) == []
