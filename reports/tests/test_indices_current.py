"""Whether stored results still stand for a campaign's answers, as the results pages say it."""

from reports.selectors import index_run, indices_current
from reports.tests.conftest import ALL_5, answer, compute
from surveys.models import Response
from surveys.services.responses import response_set_status


def test_fresh_results_are_current(world, results):
    assert indices_current(results, index_run(results)) is True


def test_a_new_answer_makes_them_stale(world, results):
    answer(results, world.phu_vang, ALL_5)
    assert indices_current(results, index_run(results)) is False
    compute(results)
    assert indices_current(results, index_run(results)) is True


def test_a_rejection_makes_them_stale(world, results):
    target = Response.objects.filter(campaign=results).first()
    response_set_status(
        response=target, status=Response.Status.REJECTED, by=world.manager, reason="Trùng lặp"
    )
    assert indices_current(results, index_run(results)) is False


def test_a_campaign_never_computed_is_not_current(world, hue):
    assert indices_current(hue, index_run(hue)) is False
