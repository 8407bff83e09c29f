"""Rejecting and restoring an answer: managers only, a reason each time, a history row."""

import pytest
from django.urls import reverse

from surveys.models import Campaign, Response, ResponseStatusChange
from surveys.tests.factories import make_response

Status = Response.Status


@pytest.fixture
def answer(world, campaign, full_answers):
    return make_response(campaign, world.phu_vang, full_answers(campaign))


def reject(response) -> str:
    return reverse("answers:reject", args=[response.pk])


def restore(response) -> str:
    return reverse("answers:restore", args=[response.pk])


def test_it_lets_the_manager_reject_with_a_reason(world, answer, as_user):
    response = as_user(world.manager).post(reject(answer), {"reason": "Phiếu trùng lặp"})
    assert response.status_code == 302
    assert response.url == reverse("answers:detail", args=[answer.pk])
    answer.refresh_from_db()
    assert answer.status == Status.REJECTED
    change = ResponseStatusChange.objects.get(response=answer)
    assert (change.from_status, change.to_status) == (Status.VALID, Status.REJECTED)
    assert change.by == world.manager and change.reason == "Phiếu trùng lặp"


@pytest.mark.parametrize("reason", ["", "   "])
def test_it_requires_a_reason(world, answer, as_user, reason):
    response = as_user(world.manager).post(reject(answer), {"reason": reason})
    assert response.status_code == 400
    assert "Hãy ghi lý do." in response.content.decode()
    assert Response.objects.get(pk=answer.pk).status == Status.VALID
    assert not ResponseStatusChange.objects.exists()


def test_it_restores_a_rejected_answer(world, answer, as_user):
    client = as_user(world.manager)
    client.post(reject(answer), {"reason": "trùng"})
    response = client.post(restore(answer), {"reason": "Đã phúc tra, phiếu đúng"})
    assert response.status_code == 302
    assert Response.objects.get(pk=answer.pk).status == Status.VALID
    steps = list(
        ResponseStatusChange.objects.order_by("at", "pk").values_list(
            "from_status", "to_status", "reason"
        )
    )
    assert steps == [
        (Status.VALID, Status.REJECTED, "trùng"),
        (Status.REJECTED, Status.VALID, "Đã phúc tra, phiếu đúng"),
    ]


def test_it_refuses_to_restore_an_answer_already_valid(world, answer, as_user):
    response = as_user(world.manager).post(restore(answer), {"reason": "nhầm"})
    assert response.status_code == 400
    assert "Phiếu đã ở trạng thái" in response.content.decode()
    assert not ResponseStatusChange.objects.exists()


def test_it_refuses_once_results_are_published(world, answer, as_user):
    Campaign.objects.filter(pk=answer.campaign_id).update(status=Campaign.Status.PUBLISHED)
    response = as_user(world.manager).post(reject(answer), {"reason": "trùng"})
    assert response.status_code == 400
    assert Response.objects.get(pk=answer.pk).status == Status.VALID


@pytest.mark.parametrize("persona", ["viewer", "official", "supervisor", "enumerator"])
def test_it_is_a_403_without_the_review_right(world, answer, as_user, persona):
    client = as_user(getattr(world, persona))
    assert client.post(reject(answer), {"reason": "trùng"}).status_code == 403
    assert client.post(restore(answer), {"reason": "trùng"}).status_code == 403
    assert Response.objects.get(pk=answer.pk).status == Status.VALID


@pytest.mark.parametrize("persona", ["outsider", "sibling"])
def test_it_is_a_404_outside_the_scope(world, answer, as_user, persona):
    client = as_user(getattr(world, persona))
    assert client.post(reject(answer), {"reason": "trùng"}).status_code == 404
    assert Response.objects.get(pk=answer.pk).status == Status.VALID


def test_it_takes_only_posts(world, answer, as_user):
    assert as_user(world.manager).get(reject(answer)).status_code == 405


def test_it_sends_an_anonymous_visitor_to_the_login_page(client, answer):
    response = client.post(reject(answer), {"reason": "trùng"})
    assert response.status_code == 302
    assert Response.objects.get(pk=answer.pk).status == Status.VALID
