"""Cloning a published questionnaire into a local draft owned by an agency the user manages."""

import pytest
from django.urls import reverse

from surveys.models import Questionnaire
from surveys.services.questionnaires import questionnaire_clone, questionnaires_load_national


@pytest.fixture
def sipas2017(db):
    return questionnaires_load_national()[0]


@pytest.fixture
def local(world, sipas2017):
    return questionnaire_clone(source=sipas2017, owner=world.phu_vang, title="Phiếu Phú Vang")


def url(questionnaire) -> str:
    return reverse("questionnaires:clone", args=[questionnaire.pk])


def test_it_sends_an_anonymous_visitor_to_the_login_page(client, sipas2017):
    for response in (client.get(url(sipas2017)), client.post(url(sipas2017), {})):
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    assert Questionnaire.objects.count() == 2


@pytest.mark.parametrize("user", ["viewer", "official", "supervisor", "enumerator", "outsider"])
def test_it_refuses_a_role_that_cannot_manage_campaigns(world, as_user, sipas2017, user):
    client = as_user(getattr(world, user))
    assert client.get(url(sipas2017)).status_code == 403
    response = client.post(url(sipas2017), {"owner": world.phu_vang.pk, "title": "Của tôi"})
    assert response.status_code == 403
    assert Questionnaire.objects.count() == 2


def test_it_answers_404_for_a_local_questionnaire_out_of_scope(world, as_user, local):
    from surveys.services.questionnaires import questionnaire_publish

    questionnaire_publish(questionnaire=local, user=world.manager)
    assert as_user(world.outsider).get(url(local)).status_code == 404
    assert as_user(world.outsider).post(url(local), {}).status_code == 404


def test_it_offers_the_agencies_the_manager_manages_starting_with_its_own(
    world, as_user, sipas2017
):
    response = as_user(world.manager).get(url(sipas2017))
    assert response.status_code == 200
    form = response.context["form"]
    owners = set(form.fields["owner"].queryset.values_list("name", flat=True))
    assert "UBND thành phố Đà Nẵng" not in owners
    assert {"Sở Nội vụ", "UBND huyện Phú Vang", "UBND xã Phú Thuận"} <= owners
    assert form.initial["owner"] == world.home_affairs.pk
    assert form.initial["title"] == sipas2017.title
    assert "Sao chép thành phiếu địa phương" in response.text


def test_it_clones_and_opens_the_new_draft(world, as_user, sipas2017):
    response = as_user(world.manager).post(
        url(sipas2017), {"owner": world.phu_vang.pk, "title": "SIPAS Phú Vang 2025", "family": ""}
    )
    copy = Questionnaire.objects.get(title="SIPAS Phú Vang 2025")
    assert response.status_code == 302
    assert response.url == reverse("questionnaires:detail", args=[copy.pk])
    assert (copy.owner, copy.based_on, copy.status) == (world.phu_vang, sipas2017, "draft")
    assert copy.items.count() == 37
    followed = as_user(world.manager).get(response.url)
    assert "Đã tạo phiếu địa phương “SIPAS Phú Vang 2025” (bản nháp)" in followed.text


def test_it_lets_the_admin_clone_for_any_agency(world, as_user, sipas2017):
    response = as_user(world.admin).post(
        url(sipas2017), {"owner": world.da_nang.pk, "title": "Đà Nẵng", "family": "da-nang"}
    )
    assert response.status_code == 302
    assert Questionnaire.objects.get(family="da-nang").owner == world.da_nang


def test_it_refuses_an_agency_outside_the_scope(world, as_user, sipas2017):
    response = as_user(world.manager).post(
        url(sipas2017), {"owner": world.da_nang.pk, "title": "Của Đà Nẵng"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["owner"] == [
        "Hãy chọn một lựa chọn hợp lệ. Lựa chọn đó không phải là một trong các lựa chọn khả thi."
    ]
    assert Questionnaire.objects.count() == 2


def test_it_refuses_a_taken_family_and_a_missing_title(world, as_user, sipas2017, local):
    client = as_user(world.manager)
    response = client.post(
        url(sipas2017), {"owner": world.phu_vang.pk, "title": "X", "family": local.family}
    )
    assert response.context["form"].errors["family"] == [
        f"Họ phiếu “{local.family}” đã có, hãy chọn tên khác."
    ]
    response = client.post(url(sipas2017), {"owner": world.phu_vang.pk, "title": ""})
    assert response.context["form"].errors["title"] == ["Trường này là bắt buộc."]
    response = client.post(
        url(sipas2017), {"owner": world.phu_vang.pk, "title": "X", "family": "Họ phiếu"}
    )
    assert "family" in response.context["form"].errors
    assert Questionnaire.objects.count() == 3


def test_it_refuses_to_clone_a_draft(world, as_user, local):
    response = as_user(world.manager).post(url(local), {"owner": world.phu_vang.pk, "title": "X"})
    assert response.status_code == 302
    assert response.url == reverse("questionnaires:detail", args=[local.pk])
    followed = as_user(world.manager).get(response.url)
    assert "Chỉ sao chép được phiếu đã ban hành." in followed.text
    assert Questionnaire.objects.count() == 3
