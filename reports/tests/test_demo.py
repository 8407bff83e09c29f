"""Demo indices: computed for every campaign that has answers, and only for those."""

from reports.demo import load_indices
from reports.models import IndexRun
from reports.tests.conftest import answer, make_results_campaign


def test_it_computes_the_campaigns_that_have_answers(world, hue):
    answer(hue, world.phu_vang, [5, 4, 4, 2, 5])
    silent = make_results_campaign(world.home_affairs, year=2025)
    assert load_indices() == 1
    assert IndexRun.objects.get(campaign=hue).status == IndexRun.Status.DONE
    assert not IndexRun.objects.filter(campaign=silent).exists()
    assert load_indices() == 1  # idempotent
