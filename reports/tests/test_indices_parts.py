"""A large campaign's answers are scanned in parts at once, on connections of their own that share
the recompute's snapshot; the figures are those of one scan."""

import random

import pytest
from django.db import transaction

from reports import indices
from reports.models import IndexResult
from reports.tests.conftest import (
    make_results_campaign,
    random_answers,
    stored_figures,
    untally,
)
from surveys.services.questionnaires import questionnaires_load_national
from surveys.tests.factories import make_response

# The parts read committed answers only, hence a transactional test.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def campaign(world):
    questionnaire = questionnaires_load_national()[0]
    agencies = [world.phu_vang, world.phu_thuan, world.huong_tra]
    campaign = make_results_campaign(
        world.home_affairs, questionnaire=questionnaire, scope=agencies
    )
    rng = random.Random(5)
    random_answers(campaign, agencies, rng, 60)
    return campaign


@pytest.fixture
def spy(monkeypatch):
    calls = []
    original = indices._scan_in_parts

    def counted(*args, **kwargs):
        calls.append(args[4])  # the number of parts
        return original(*args, **kwargs)

    monkeypatch.setattr(indices, "_scan_in_parts", counted)
    return calls


@pytest.mark.parametrize("parts", [2, 3])
def test_parts_give_the_figures_of_one_scan(campaign, settings, spy, parts):
    settings.INDEX_SCAN_PARTS = 1
    indices.indices_compute(campaign=campaign)
    whole = stored_figures(campaign)
    settings.INDEX_SCAN_PARTS, settings.INDEX_SCAN_PARTS_MIN = parts, 0

    indices.indices_compute(campaign=campaign)

    assert spy == [parts]
    assert whole and stored_figures(campaign) == whole


def test_a_small_campaign_is_scanned_once(campaign, settings, spy):
    settings.INDEX_SCAN_PARTS, settings.INDEX_SCAN_PARTS_MIN = 2, 1_000
    indices.indices_compute(campaign=campaign)
    assert spy == []


def test_inside_a_larger_transaction_it_scans_once(campaign, settings, spy):
    # The other connections would not see what that transaction wrote.
    settings.INDEX_SCAN_PARTS, settings.INDEX_SCAN_PARTS_MIN = 2, 0
    with transaction.atomic():
        make_response(campaign, campaign.scope.first().agency, [5] * 40)
        indices.indices_compute(campaign=campaign)
        n = IndexResult.objects.get(campaign=campaign, cut="campaign", code="OVERALL").n
    assert spy == []
    assert n == campaign.responses.filter(status="valid").count()


def test_parts_meeting_answers_without_tallies_count_them_all_the_same(campaign, settings, spy):
    settings.INDEX_SCAN_PARTS = 1
    indices.indices_compute(campaign=campaign)
    whole = stored_figures(campaign)
    untally(campaign, 3, newest=True)
    settings.INDEX_SCAN_PARTS, settings.INDEX_SCAN_PARTS_MIN = 2, 0

    indices.indices_compute(campaign=campaign)

    assert spy == [2, 2]  # once over the tallies, once more without
    assert stored_figures(campaign) == whole
