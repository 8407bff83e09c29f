"""Year on year: the previous campaign of the same line, same agencies, units across the reform."""

import pytest

from agencies.access import Access
from agencies.models import AdminUnit, AgencyKind, Era, UnitSuccession
from agencies.tests.factories import make_agency
from reports.selectors import previous_campaign, result_scope, year_on_year
from reports.tests.conftest import compute, make_results_campaign, share, small_questionnaire
from surveys.models import Questionnaire


@pytest.fixture
def family(world):
    return small_questionnaire(family="sipas-thu")


@pytest.fixture
def rounds(world, min_n, family):
    """2023 and 2024 rounds of Huế on one questionnaire family, both computed."""
    scope = [world.phu_vang, world.huong_tra]
    before = make_results_campaign(world.home_affairs, questionnaire=family, year=2023, scope=scope)
    share(before, world.phu_vang, 2, 2)  # 50 %
    share(before, world.huong_tra, 3, 1)  # 75 %
    compute(before)
    version2 = small_questionnaire(family="sipas-thu-2")
    # A later version of the same family.
    Questionnaire.objects.filter(pk=version2.pk).update(family="sipas-thu", version=2)
    version2.refresh_from_db()
    now = make_results_campaign(world.home_affairs, questionnaire=version2, year=2024, scope=scope)
    share(now, world.phu_vang, 3, 1)  # 75 %
    share(now, world.huong_tra, 3, 1)  # 75 %
    compute(now)
    return before, now


def test_it_compares_the_same_agency_with_last_year(world, rounds):
    before, now = rounds
    changes = year_on_year(now)
    assert changes.previous == before
    pv = changes.get("agency", str(world.phu_vang.pk))
    assert (pv.previous, pv.current, pv.delta, pv.approximate) == (50.0, 75.0, 25.0, False)
    assert changes.get("agency", str(world.huong_tra.pk)).delta == 0.0
    assert changes.get("campaign", "").previous == pytest.approx(62.5)
    assert changes.get("district", str(world.phu_vang.unit_id)).delta == 25.0


def test_it_compares_elements_when_asked(world, rounds):
    _before, now = rounds
    changes = year_on_year(now, codes=["OVERALL", "E:1"])
    assert changes.get("agency", str(world.phu_vang.pk), "E:1").delta == 25.0


def test_it_picks_the_latest_earlier_round_of_the_line_that_has_results(world, rounds, family):
    before, now = rounds
    older = make_results_campaign(world.home_affairs, questionnaire=family, year=2021)
    share(older, world.phu_vang, 1, 0)
    compute(older)
    # Nearer in time but not comparable: no results, another family, another province.
    make_results_campaign(world.home_affairs, questionnaire=family, year=2023)
    other = make_results_campaign(world.home_affairs, year=2023)
    share(other, world.phu_vang, 1, 0)
    compute(other)
    da_nang = make_results_campaign(world.da_nang, questionnaire=family, year=2023)
    share(da_nang, world.da_nang, 1, 0)
    compute(da_nang)
    assert previous_campaign(now) == before
    assert previous_campaign(before) == older
    assert previous_campaign(older) is None


def test_it_follows_a_clone_back_to_the_template_it_was_made_from(world, rounds, family):
    _before, now = rounds
    clone = small_questionnaire(family="hue-sipas-thu")
    Questionnaire.objects.filter(pk=clone.pk).update(based_on=family)
    clone.refresh_from_db()
    after = make_results_campaign(world.home_affairs, questionnaire=clone, year=2025)
    assert previous_campaign(after) == now
    share(after, world.phu_vang, 1, 0)
    compute(after)
    # And the other way round: a later round back on the template finds the clone's.
    later = make_results_campaign(world.home_affairs, questionnaire=family, year=2026)
    assert previous_campaign(later) == after


def test_it_has_no_comparison_for_a_first_round(world, rounds):
    before, _now = rounds
    changes = year_on_year(before)
    assert changes.previous is None and changes.changes == {}


def test_it_keeps_to_the_readers_scope(world, rounds):
    _before, now = rounds
    scope = result_scope(campaign=now, access=Access(world.official))
    changes = year_on_year(now, scope=scope)
    assert changes.get("agency", str(world.phu_vang.pk)) is not None
    assert changes.get("agency", str(world.huong_tra.pk)) is None
    assert changes.get("campaign", "") is None


# --- Across the 2025 reform -----------------------------------------------------------------------


def unit(era, code):
    return AdminUnit.objects.get(era=era, code=code)


@pytest.fixture
def reform(world, min_n, family):
    """A 3-tier round in 2024 and a 2-tier round in 2025 of the same family in Huế.

    Old communes Phú Thuận (19903, 100 %, n 3) and Thuận An (19900, 50 %, n 6) both became the new
    Phường Thuận An (19900); old province 46 became new province 46.
    """
    thuan_an_old = make_agency(
        "UBND phường Thuận An (cũ)", unit_code="19900", parent=world.root,
        kind=AgencyKind.PEOPLES_COMMITTEE_COMMUNE,
    )  # fmt: skip
    before = make_results_campaign(
        world.home_affairs, questionnaire=family, year=2024,
        scope=[world.phu_thuan, thuan_an_old],
    )  # fmt: skip
    share(before, world.phu_thuan, 3, 0)
    share(before, thuan_an_old, 3, 3)
    compute(before)
    home_affairs_new = make_agency(
        "Sở Nội vụ thành phố Huế", unit_code="46", era=Era.TWO_TIER, kind=AgencyKind.HOME_AFFAIRS
    )
    thuan_an_new = make_agency(
        "UBND phường Thuận An", unit_code="19900", era=Era.TWO_TIER, parent=home_affairs_new,
        kind=AgencyKind.PEOPLES_COMMITTEE_COMMUNE,
    )  # fmt: skip
    after = make_results_campaign(
        home_affairs_new, questionnaire=family, year=2025, era=Era.TWO_TIER, scope=[thuan_an_new]
    )
    share(after, thuan_an_new, 4, 0)
    compute(after)
    return before, after, thuan_an_new


def test_it_carries_predecessors_into_the_new_unit_weighted_by_n(world, reform):
    before, after, thuan_an = reform
    changes = year_on_year(after)
    assert changes.previous == before
    change = changes.get("commune", str(thuan_an.unit_id))
    assert change.previous == pytest.approx((100 * 3 + 50 * 6) / 9, abs=1e-3)
    assert change.previous_n == 9
    assert change.current == 100.0
    assert change.approximate is True  # several predecessors


def test_it_is_exact_for_a_unit_with_one_whole_predecessor(world, reform):
    _before, after, _thuan_an = reform
    province = unit(Era.TWO_TIER, "46")
    change = year_on_year(after).get("province", str(province.pk))
    assert change.previous == pytest.approx((100 * 3 + 50 * 6) / 9, abs=1e-3)
    assert change.approximate is False


def test_it_is_approximate_when_a_predecessor_was_split(world, reform):
    _before, after, _thuan_an = reform
    province = unit(Era.TWO_TIER, "46")
    UnitSuccession.objects.filter(old=unit(Era.THREE_TIER, "46"), new=province).update(
        is_partial=True
    )
    assert year_on_year(after).get("province", str(province.pk)).approximate is True


def test_it_does_not_compare_different_agencies_across_the_reform(world, reform):
    _before, after, thuan_an = reform
    assert year_on_year(after).get("agency", str(thuan_an.pk)) is None
