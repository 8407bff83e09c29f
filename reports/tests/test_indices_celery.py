"""Answers arrive, and a real Celery worker brings the campaign's indices up to date by itself."""

import uuid

import pytest

from reports.models import IndexResult, IndexRun
from reports.tasks import indices_refresh
from satisfaction.testing import celery_worker, wait_for
from surveys.services.responses import response_submit
from surveys.tests.factories import make_campaign, make_questionnaire

# The worker sees only committed rows, hence a transactional test (conftest's `world` reloads
# the unit lists for the tests after it).
pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]


def overall_n(campaign):
    row = IndexResult.objects.filter(campaign=campaign, cut="campaign", code="OVERALL").first()
    return row.n if row else 0


def test_it_updates_the_results_when_answers_arrive(world, settings, monkeypatch):
    settings.INDEX_DEBOUNCE_SECONDS = 0
    q = make_questionnaire(elements=2, items_per_element=2)
    campaign = make_campaign(
        organiser=world.home_affairs, scope=[world.phu_vang], questionnaire=q, status="open"
    )
    queue = f"test-{uuid.uuid4().hex[:12]}"
    with celery_worker(queue) as worker:
        # The service queues the refresh itself; the test only routes it to this worker's queue.
        original = indices_refresh.apply_async

        def to_worker(args, countdown=0, **options):
            with monkeypatch.context() as m:
                m.setattr(indices_refresh, "apply_async", original)
                return worker.apply_async(indices_refresh, args, countdown=countdown)

        monkeypatch.setattr(indices_refresh, "apply_async", to_worker)
        response_submit(
            campaign=campaign,
            agency=world.phu_vang,
            channel="online",
            scores=[5, 4, 3, 2, 5],
            texts={},
        )
        try:
            wait_for(lambda: overall_n(campaign) == 1, timeout=60)
            response_submit(
                campaign=campaign,
                agency=world.phu_vang,
                channel="paper",
                scores=[1, 1, 1, 1, 1],
                texts={},
            )
            wait_for(lambda: overall_n(campaign) == 2, timeout=60)
        except TimeoutError:
            pytest.fail(f"the results were not updated; the worker said:\n{worker.log()}")
    run = IndexRun.objects.get(campaign=campaign)
    assert run.status == IndexRun.Status.DONE
    item = IndexResult.objects.get(campaign=campaign, cut="campaign", code="1.1")
    assert item.n == 2 and item.value == 50.0
