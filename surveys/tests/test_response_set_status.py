"""Rejecting, re-verifying and restoring a response: a reason each time, and a history row."""

import pytest
from django.core.exceptions import ValidationError

from surveys.models import Campaign, Response, ResponseStatusChange
from surveys.services.responses import response_set_status, response_submit

Status = Response.Status


@pytest.fixture
def response(world, campaign, full_answers) -> Response:
    stored, _ = response_submit(
        campaign=campaign,
        agency=world.phu_vang,
        channel="online",
        scores=full_answers(campaign),
        texts={},
    )
    return stored


def test_it_rejects_with_the_reason_recorded(world, response):
    change = response_set_status(
        response=response, status=Status.REJECTED, by=world.manager, reason=" Phiếu trùng lặp "
    )
    response.refresh_from_db()
    assert response.status == Status.REJECTED
    assert (change.from_status, change.to_status) == (Status.VALID, Status.REJECTED)
    assert change.by == world.manager and change.reason == "Phiếu trùng lặp"


def test_it_restores_a_rejected_response(world, response):
    response_set_status(response=response, status=Status.REJECTED, by=world.manager, reason="a")
    response_set_status(response=response, status=Status.VALID, by=world.manager, reason="nhầm")
    response.refresh_from_db()
    assert response.status == Status.VALID
    steps = list(ResponseStatusChange.objects.values_list("from_status", "to_status"))
    assert steps == [(Status.VALID, Status.REJECTED), (Status.REJECTED, Status.VALID)]


def test_it_sends_a_response_to_re_verification_and_back(world, response):
    response_set_status(response=response, status=Status.REVERIFY, by=world.manager, reason="gọi")
    response_set_status(response=response, status=Status.VALID, by=world.manager, reason="đúng")
    assert Response.objects.get(pk=response.pk).status == Status.VALID


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_it_requires_a_reason(world, response, reason):
    with pytest.raises(ValidationError) as caught:
        response_set_status(
            response=response, status=Status.REJECTED, by=world.manager, reason=reason
        )
    assert "reason" in caught.value.message_dict
    assert Response.objects.get(pk=response.pk).status == Status.VALID
    assert not ResponseStatusChange.objects.exists()


def test_it_refuses_a_reason_too_long(world, response):
    with pytest.raises(ValidationError):
        response_set_status(
            response=response, status=Status.REJECTED, by=world.manager, reason="x" * 501
        )


def test_it_refuses_the_status_it_already_has(world, response):
    with pytest.raises(ValidationError):
        response_set_status(response=response, status=Status.VALID, by=world.manager, reason="a")


def test_it_refuses_an_unknown_status(world, response):
    with pytest.raises(ValidationError):
        response_set_status(response=response, status="deleted", by=world.manager, reason="a")


def test_it_refuses_a_change_made_from_a_stale_status(world, response):
    stale = Response.objects.get(pk=response.pk)
    response_set_status(response=response, status=Status.REJECTED, by=world.manager, reason="a")
    with pytest.raises(ValidationError) as caught:
        response_set_status(response=stale, status=Status.REVERIFY, by=world.admin, reason="b")
    assert "vừa được người khác thay đổi" in caught.value.messages[0]
    assert Response.objects.get(pk=response.pk).status == Status.REJECTED
    assert ResponseStatusChange.objects.count() == 1


@pytest.mark.parametrize("status", [Campaign.Status.PUBLISHED, Campaign.Status.ARCHIVED])
def test_it_refuses_changes_once_results_are_published(world, campaign, response, status):
    Campaign.objects.filter(pk=campaign.pk).update(status=status)
    with pytest.raises(ValidationError):
        response_set_status(response=response, status=Status.REJECTED, by=world.manager, reason="a")
    assert Response.objects.get(pk=response.pk).status == Status.VALID
