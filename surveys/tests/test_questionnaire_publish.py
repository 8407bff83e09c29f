"""Publishing a draft: a confirmation page, then the version is frozen."""

import pytest
from django.urls import reverse
from django.utils.timezone import localtime

from surveys.models import Questionnaire
from surveys.services.questionnaires import (
    element_create,
    questionnaire_clone,
    questionnaires_load_national,
)


@pytest.fixture
def sipas2017(db):
    return questionnaires_load_national()[0]


@pytest.fixture
def local(world, sipas2017):
    return questionnaire_clone(source=sipas2017, owner=world.phu_vang, title="Phiếu Phú Vang")


def url(questionnaire) -> str:
    return reverse("questionnaires:publish", args=[questionnaire.pk])


def status(questionnaire) -> str:
    return Questionnaire.objects.get(pk=questionnaire.pk).status


def test_it_sends_an_anonymous_visitor_to_the_login_page(client, local):
    response = client.post(url(local))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert status(local) == "draft"


@pytest.mark.parametrize("user", ["outsider", "sibling"])
def test_it_answers_404_out_of_scope(world, as_user, local, user):
    assert as_user(getattr(world, user)).post(url(local)).status_code == 404
    assert status(local) == "draft"


@pytest.mark.parametrize("user", ["viewer", "official", "supervisor"])
def test_it_refuses_a_role_too_low(world, as_user, local, user):
    assert as_user(getattr(world, user)).get(url(local)).status_code == 403
    assert as_user(getattr(world, user)).post(url(local)).status_code == 403
    assert status(local) == "draft"


def test_it_asks_for_confirmation_first(world, as_user, local):
    response = as_user(world.manager).get(url(local))
    assert response.status_code == 200
    assert "Sau khi ban hành, phiên bản này không thể sửa nữa." in response.text
    assert "Phiếu có 37 câu hỏi." in response.text
    assert status(local) == "draft"


def test_it_publishes_on_confirmation(world, as_user, local):
    response = as_user(world.manager).post(url(local))
    assert response.status_code == 302
    assert response.url == reverse("questionnaires:detail", args=[local.pk])
    local.refresh_from_db()
    assert (local.status, local.published_by) == ("published", world.manager)
    followed = as_user(world.manager).get(response.url)
    assert "Đã ban hành phiếu “Phiếu Phú Vang”, phiên bản 1." in followed.text
    published_on = f"{localtime(local.published_at):%d/%m/%Y}"
    assert f'text-body-secondary">{published_on}</span>' in followed.text


def test_it_shows_what_blocks_publishing_and_changes_nothing(world, as_user, local):
    element_create(questionnaire=local, code="DP", name="Chưa có câu hỏi")
    client = as_user(world.manager)
    response = client.get(url(local))
    assert "Chưa thể ban hành:" in response.text
    assert "Phần DP chưa có câu hỏi nào: thêm câu hỏi hoặc xóa phần này." in response.text
    response = client.post(url(local))
    assert response.status_code == 200
    assert "Phần DP chưa có câu hỏi nào" in response.text
    assert status(local) == "draft"


def test_it_refuses_a_national_template_and_an_already_published_one(world, as_user, sipas2017):
    assert as_user(world.manager).post(url(sipas2017)).status_code == 403
    local = questionnaire_clone(source=sipas2017, owner=world.home_affairs)
    client = as_user(world.manager)
    client.post(url(local))
    response = client.post(url(local), follow=True)
    assert "Phiếu này đã được ban hành." in response.text
