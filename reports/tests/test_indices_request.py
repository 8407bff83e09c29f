"""The debounced request for a campaign's index refresh, queued after answers arrive."""

import pytest
from kombu.exceptions import OperationalError

from reports.models import IndexRun
from reports.services import indices_request
from reports.tasks import indices_refresh
from reports.tests.conftest import make_results_campaign


@pytest.fixture
def campaign(world):
    campaign = make_results_campaign(world.home_affairs, scope=[world.phu_vang])
    IndexRun.objects.create(campaign=campaign, status=IndexRun.Status.DONE)
    return campaign


@pytest.fixture
def queued(monkeypatch):
    calls = []
    monkeypatch.setattr(indices_refresh, "apply_async", lambda *a, **kw: calls.append((a, kw)))
    return calls


def test_the_first_request_queues_one_refresh(campaign, queued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert indices_request(campaign_id=campaign.pk) is True
    assert queued == [(((campaign.pk,),), {"countdown": 0})]
    assert IndexRun.objects.get(campaign=campaign).status == IndexRun.Status.QUEUED


def test_more_answers_while_queued_queue_nothing_more(
    campaign, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        indices_request(campaign_id=campaign.pk)
        assert indices_request(campaign_id=campaign.pk) is False
        assert indices_request(campaign_id=campaign.pk) is False
    assert len(queued) == 1


def test_a_broker_outage_loses_no_answer_and_the_next_one_queues_again(
    campaign, monkeypatch, django_capture_on_commit_callbacks
):
    def down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(indices_refresh, "apply_async", down)
    with django_capture_on_commit_callbacks(execute=True):
        indices_request(campaign_id=campaign.pk)  # does not raise
    assert IndexRun.objects.get(campaign=campaign).status == IndexRun.Status.DONE

    calls = []
    monkeypatch.setattr(indices_refresh, "apply_async", lambda *a, **kw: calls.append(a))
    with django_capture_on_commit_callbacks(execute=True):
        assert indices_request(campaign_id=campaign.pk) is True
    assert len(calls) == 1
