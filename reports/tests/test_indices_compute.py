"""The index engine on small hand-computed datasets."""

import datetime

import pytest

from reports import indices
from reports.indices import indices_compute
from reports.models import IndexResult
from surveys.models import Campaign, CampaignAgency, Response
from surveys.tests.factories import make_questionnaire


def _campaign(world, questionnaire, agencies):
    campaign = Campaign.objects.create(
        code="c-test", name="Đợt thử", year=2024, organiser=world.home_affairs,
        questionnaire=questionnaire, era="3tier", channels=["online", "paper"],
        opens_on=datetime.date(2024, 1, 1), closes_on=datetime.date(2024, 12, 31),
        status=Campaign.Status.OPEN,
    )  # fmt: skip
    for agency in agencies:
        CampaignAgency.objects.create(campaign=campaign, agency=agency)
    return campaign


def _answer(campaign, agency, scores, channel="online", status="valid"):
    unit = agency.unit
    return Response.objects.create(
        campaign=campaign, questionnaire=campaign.questionnaire, agency=agency,
        agency_kind=agency.kind, unit=unit, province=unit.province or unit,
        district=unit if unit.tier == 2 else unit.district,
        commune=unit if unit.tier == 3 else None, channel=channel, scores=scores, status=status,
    )  # fmt: skip


def figures(campaign, cut="campaign", key=""):
    return {r.code: r for r in IndexResult.objects.filter(campaign=campaign, cut=cut, cut_key=key)}


@pytest.fixture
def setup(world, settings):
    settings.INDEX_MIN_N = 3
    # 2 elements × 2 criteria ("1.1" pos 1, "1.2" pos 2, "2.1" pos 3, "2.2" pos 4), overall pos 5
    q = make_questionnaire(elements=2, items_per_element=2)
    campaign = _campaign(world, q, [world.phu_vang, world.huong_tra])
    return campaign


def test_it_computes_items_elements_and_overall_by_hand(world, setup):
    c = setup
    _answer(c, world.phu_vang, [5, 4, 3, None, 4])
    _answer(c, world.phu_vang, [4, 2, None, None, 5])
    _answer(c, world.huong_tra, [1, 5, 4, 4, 3])
    _answer(c, world.huong_tra, [5, 5, 5, 5, 5], status="rejected")
    indices_compute(campaign=c)
    f = figures(c)
    # 1.1: 5,4,1 → 2/3; 1.2: 4,2,5 → 2/3; 2.1: 3,4 → 1/2 (blank left out); 2.2: 4 → 1/1
    assert f["1.1"].value == pytest.approx(66.6667, abs=1e-3) and f["1.1"].n == 3
    assert f["2.1"].value == pytest.approx(50.0) and f["2.1"].n == 2
    assert f["2.2"].value == pytest.approx(100.0) and f["2.2"].n == 1
    assert f["2.2"].extra["rate"] == pytest.approx(33.3333, abs=1e-3)
    assert f["E:1"].value == pytest.approx(66.6667, abs=1e-3)
    assert f["E:2"].value == pytest.approx(75.0)
    assert f["OVERALL"].value == pytest.approx((66.6667 + 75.0) / 2, abs=1e-3)
    assert f["OVERALL"].n == 3  # the rejected answer left every figure
    assert f["2.2"].low_n is True and f["1.1"].low_n is False


def test_it_computes_each_agency_cut(world, setup):
    c = setup
    _answer(c, world.phu_vang, [5, 4, 3, None, 4])
    _answer(c, world.huong_tra, [1, 5, 4, 4, 3])
    indices_compute(campaign=c)
    pv = figures(c, "agency", str(world.phu_vang.pk))
    assert pv["1.1"].value == 100.0 and pv["2.1"].value == 0.0 and pv["2.2"].value is None
    district = figures(c, "district", str(world.huong_tra.unit_id))
    assert district["1.1"].value == 0.0


def test_it_shows_no_data_rather_than_zero_and_never_divides_by_zero(world, setup):
    indices_compute(campaign=setup)
    f = figures(setup)
    assert f["1.1"].value is None and f["1.1"].n == 0
    assert f["OVERALL"].value is None


def test_it_is_idempotent(world, setup):
    _answer(setup, world.phu_vang, [5, 4, 3, None, 4])
    indices_compute(campaign=setup)
    first = sorted(
        IndexResult.objects.filter(campaign=setup).values_list("cut", "cut_key", "code", "value")
    )
    run = indices_compute(campaign=setup)
    again = sorted(
        IndexResult.objects.filter(campaign=setup).values_list("cut", "cut_key", "code", "value")
    )
    assert first == again and run.rows == len(again)


def test_cuts_written_a_few_at_a_time_are_those_written_at_once(world, setup, monkeypatch):
    _answer(setup, world.phu_vang, [5, 4, 3, None, 4])
    _answer(setup, world.huong_tra, [1, 5, 4, 4, 3], channel="paper")
    run = indices_compute(campaign=setup)
    columns = ("cut", "cut_key", "code", "value", "n", "positive", "low", "high", "extra")
    whole = sorted(IndexResult.objects.filter(campaign=setup).values_list(*columns))
    monkeypatch.setattr(indices, "WRITE_CHUNK", 2)
    assert len({(cut, key) for cut, key, *_rest in whole}) > 2 * indices.WRITE_CHUNK

    again = indices_compute(campaign=setup)

    assert sorted(IndexResult.objects.filter(campaign=setup).values_list(*columns)) == whole
    assert again.rows == run.rows == len(whole)


def test_it_takes_the_general_item_when_the_version_says_so(world, settings):
    settings.INDEX_MIN_N = 1
    q = make_questionnaire(elements=2, items_per_element=2, with_general=True)
    q.element_rule = "general"
    q.save()
    # positions: 1.1=1 1.2=2 HL1=3, 2.1=4 2.2=5 HL2=6, HL=7
    c = _campaign(world, q, [world.phu_vang])
    _answer(c, world.phu_vang, [1, 1, 5, 1, 1, 2, 4])
    _answer(c, world.phu_vang, [1, 1, 4, 1, 1, 5, 4])
    indices_compute(campaign=c)
    f = figures(c)
    assert f["E:1"].value == 100.0  # the general item, not the mean of the criteria (0%)
    assert f["E:2"].value == 50.0
    assert f["OVERALL"].value == 75.0


def test_it_averages_aspects_for_a_two_aspect_version(world, settings):
    from surveys.models import Aspect, Element, Item

    settings.INDEX_MIN_N = 1
    q = make_questionnaire(elements=3, items_per_element=1, with_overall=False, with_comment=False)
    q.overall_rule = "aspects"
    q.save()
    policy = Aspect.objects.create(questionnaire=q, code="I", name="Chính sách", order=1)
    service = Aspect.objects.create(questionnaire=q, code="II", name="Dịch vụ", order=2)
    Element.objects.filter(questionnaire=q, code="1").update(aspect=policy)
    Element.objects.filter(questionnaire=q, code__in=["2", "3"]).update(aspect=service)
    assert Item.objects.filter(questionnaire=q).count() == 3
    c = _campaign(world, q, [world.phu_vang])
    _answer(c, world.phu_vang, [5, 5, 1])
    _answer(c, world.phu_vang, [4, 5, 2])
    indices_compute(campaign=c)
    f = figures(c)
    # policy: element 1 = 100; service: element 2 = 100 and element 3 = 0, so 50
    assert f["A:I"].value == 100.0 and f["A:II"].value == 50.0
    # the mean of the aspects (75), not of the three elements (66.67)
    assert f["OVERALL"].value == 75.0
