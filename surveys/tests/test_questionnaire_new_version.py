"""A new version: a draft copy of the latest published version, in the same family."""

import pytest
from django.urls import reverse

from surveys.models import Questionnaire
from surveys.services.questionnaires import (
    questionnaire_clone,
    questionnaire_publish,
    questionnaires_load_national,
)


@pytest.fixture
def sipas2017(db):
    return questionnaires_load_national()[0]


@pytest.fixture
def published(world, sipas2017):
    local = questionnaire_clone(source=sipas2017, owner=world.phu_vang, title="Phiếu Phú Vang")
    return questionnaire_publish(questionnaire=local, user=world.manager)


def url(questionnaire) -> str:
    return reverse("questionnaires:new_version", args=[questionnaire.pk])


def versions(questionnaire) -> list[int]:
    return list(
        Questionnaire.objects.filter(family=questionnaire.family)
        .order_by("version")
        .values_list("version", flat=True)
    )


def test_it_sends_an_anonymous_visitor_to_the_login_page(client, published):
    response = client.post(url(published))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert versions(published) == [1]


def test_it_answers_404_out_of_scope(world, as_user, published):
    assert as_user(world.outsider).post(url(published)).status_code == 404
    assert versions(published) == [1]


@pytest.mark.parametrize("user", ["viewer", "official", "supervisor"])
def test_it_refuses_a_role_too_low(world, as_user, published, user):
    assert as_user(getattr(world, user)).post(url(published)).status_code == 403
    assert versions(published) == [1]


def test_it_only_accepts_post(world, as_user, published):
    assert as_user(world.manager).get(url(published)).status_code == 405


def test_it_creates_the_next_version_as_a_draft(world, as_user, published):
    response = as_user(world.manager).post(url(published))
    draft = Questionnaire.objects.get(family=published.family, version=2)
    assert response.url == reverse("questionnaires:detail", args=[draft.pk])
    assert (draft.status, draft.based_on, draft.owner) == ("draft", published, world.phu_vang)
    followed = as_user(world.manager).get(response.url)
    assert "Đã tạo bản nháp phiên bản 2. Phiên bản 1 vẫn giữ nguyên." in followed.text


def test_it_refuses_a_second_draft_with_a_message(world, as_user, published):
    client = as_user(world.manager)
    client.post(url(published))
    response = client.post(url(published), follow=True)
    assert "Đã có bản nháp phiên bản 2 của phiếu này: hãy sửa bản nháp đó." in response.text
    assert versions(published) == [1, 2]


def test_it_refuses_a_national_template(world, as_user, sipas2017):
    assert as_user(world.manager).post(url(sipas2017)).status_code == 403
    assert as_user(world.admin).post(url(sipas2017)).status_code == 403
    assert versions(sipas2017) == [1]
