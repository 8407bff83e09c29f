"""An agency's weakest criteria: lowest index first, blanks never counted as 0 %."""

from agencies.access import Access
from reports.selectors import result_scope, weakest_criteria
from reports.tests.conftest import answer, compute


def test_it_lists_the_lowest_criteria_first(world, hue):
    answer(hue, world.phu_vang, [5, 1, 2, 5, 4], 2)
    answer(hue, world.phu_vang, [5, 5, 1, 5, 4], 2)
    compute(hue)
    rows = weakest_criteria(hue, world.phu_vang, k=2)
    assert [(r.code, r.value) for r in rows] == [("2.1", 0.0), ("1.2", 50.0)]
    assert rows[0].text == "Tiêu chí 2.1"


def test_it_leaves_out_criteria_without_data(world, hue):
    answer(hue, world.phu_vang, [5, 4, None, 1, 4], 3)
    compute(hue)
    codes = [r.code for r in weakest_criteria(hue, world.phu_vang, k=4)]
    assert codes == ["2.2", "1.1", "1.2"]


def test_it_keeps_to_the_readers_scope(world, hue):
    answer(hue, world.phu_vang, [5, 4, 3, 1, 4], 3)
    compute(hue)
    scope = result_scope(campaign=hue, access=Access(world.sibling))
    assert weakest_criteria(hue, world.phu_vang, scope=scope) == []


def test_it_is_empty_before_any_answer(world, hue):
    compute(hue)
    assert weakest_criteria(hue, world.phu_vang) == []
