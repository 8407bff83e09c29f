"""The results pages' progress: valid answers against targets, read from the stored results."""

from agencies.access import Access
from reports.selectors import results_progress
from reports.tests.conftest import ALL_5, answer, compute
from surveys.models import CampaignAgency


def test_it_counts_the_valid_answers_the_results_hold(world, results):
    progress = results_progress(campaign=results, access=Access(world.manager))
    # 4 + 4 + 2 + 3 valid answers in the results fixture.
    assert progress.answers == 13
    assert progress.partial is False


def test_it_shows_the_official_only_their_subtree(world, results):
    CampaignAgency.objects.filter(campaign=results).update(target=10)
    progress = results_progress(campaign=results, access=Access(world.official))
    # Phú Vang (4) and Phú Thuận (2), the official's subtree, against their two targets.
    assert (progress.answers, progress.target, progress.partial) == (6, 20, True)
    assert progress.percent == 30


def test_answers_count_once_the_results_include_them(world, results):
    answer(results, world.huong_tra, ALL_5, 2)
    assert results_progress(campaign=results, access=Access(world.manager)).answers == 13
    compute(results)
    assert results_progress(campaign=results, access=Access(world.manager)).answers == 15


def test_an_outsider_sees_no_answers(world, results):
    progress = results_progress(campaign=results, access=Access(world.outsider))
    assert progress.answers == 0
