"""Optional stratum weights (each agency of the scope a stratum), off by default."""

import random

import pytest

from reports.indices import indices_compute, indices_update
from reports.models import IndexResult
from reports.selectors import index_run, indices_current
from reports.tests.conftest import make_results_campaign, random_scores, share
from surveys.models import CampaignAgency
from surveys.services.questionnaires import questionnaires_load_national
from surveys.tests.factories import make_response


def fig(campaign, code="1.1", cut="campaign", key=""):
    return IndexResult.objects.get(campaign=campaign, cut=cut, cut_key=key, code=code)


@pytest.fixture
def weighted(world, min_n):
    """Phú Vang 3 of 4 satisfied (75 %), Hương Trà 2 of 4 (50 %); Hương Trà weighs 3."""
    campaign = make_results_campaign(world.home_affairs, scope=[world.phu_vang, world.huong_tra])
    share(campaign, world.phu_vang, 3, 1)
    share(campaign, world.huong_tra, 2, 2)
    CampaignAgency.objects.filter(campaign=campaign, agency=world.huong_tra).update(weight=3)
    return campaign


def test_weights_are_off_by_default(world, weighted):
    indices_compute(campaign=weighted)
    item = fig(weighted)
    assert item.value == pytest.approx(62.5)  # 5 of 8, the weight is ignored
    assert "weighted" not in item.extra


def test_a_weighted_campaign_weighs_each_agency(world, weighted):
    weighted.weighted = True
    weighted.save()
    indices_compute(campaign=weighted)
    item = fig(weighted)
    # (1 × 3 + 3 × 2) / (1 × 4 + 3 × 4) = 9 / 16
    assert item.value == pytest.approx(56.25)
    assert item.n == 8 and item.positive == 5  # n stays the number of answers
    # Kish's effective n: (Σw)² / Σw² = 16² / 40
    assert item.extra["weighted"] is True and item.extra["n_eff"] == pytest.approx(6.4)
    assert item.low < 56.25 < item.high
    assert fig(weighted, "OVERALL").value == pytest.approx(56.25)
    # Within one agency a weight changes nothing.
    assert fig(weighted, cut="agency", key=str(world.phu_vang.pk)).value == pytest.approx(75)


def test_new_weights_make_the_results_stale(world, weighted):
    weighted.weighted = True
    weighted.save()
    indices_update(campaign=weighted)
    assert indices_current(weighted, index_run(weighted)) is True
    CampaignAgency.objects.filter(campaign=weighted, agency=world.huong_tra).update(weight=1)
    assert indices_current(weighted, index_run(weighted)) is False
    indices_update(campaign=weighted)
    assert fig(weighted).value == pytest.approx(62.5)


def test_profile_groups_are_weighted_too(world, min_n):
    questionnaire = questionnaires_load_national()[0]
    agencies = [world.phu_vang, world.huong_tra]
    campaign = make_results_campaign(
        world.home_affairs, questionnaire=questionnaire, scope=agencies
    )
    rng = random.Random(5)
    for i in range(40):
        make_response(campaign, agencies[i % 2], random_scores(questionnaire, rng))
    indices_compute(campaign=campaign)
    plain = {(r.cut_key, r.code): r.value for r in IndexResult.objects.filter(cut="profile")}
    campaign.weighted = True
    campaign.save()
    CampaignAgency.objects.filter(campaign=campaign, agency=world.huong_tra).update(weight=5)
    indices_compute(campaign=campaign)
    weighted = IndexResult.objects.filter(campaign=campaign, cut="profile", kind="item")
    assert weighted.exists()
    assert all(r.extra.get("weighted") for r in weighted)
    assert any(r.value != plain[(r.cut_key, r.code)] for r in weighted)
