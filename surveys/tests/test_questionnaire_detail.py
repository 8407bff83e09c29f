"""The questionnaire page: structure with codes, scales, locks and slots; what may be done."""

import pytest
from django.urls import reverse

from surveys.services.questionnaires import (
    element_create,
    item_create,
    questionnaire_clone,
    questionnaire_publish,
    questionnaires_load_national,
)
from surveys.tests.factories import make_questionnaire


@pytest.fixture
def sipas2017(db):
    return questionnaires_load_national()[0]


@pytest.fixture
def local(world, sipas2017):
    """A draft clone owned by UBND huyện Phú Vang, with a local module of one question."""
    clone = questionnaire_clone(source=sipas2017, owner=world.phu_vang, title="Phiếu Phú Vang")
    module = element_create(questionnaire=clone, code="DP", name="Câu hỏi của huyện")
    item_create(element=module, code="DP.1", text="Cán bộ đeo thẻ công chức", scale="sat5")
    return clone


def url(questionnaire) -> str:
    return reverse("questionnaires:detail", args=[questionnaire.pk])


def test_it_sends_an_anonymous_visitor_to_the_login_page(client, local):
    response = client.get(url(local))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("user", ["outsider", "sibling", "nobody"])
def test_it_answers_404_for_a_local_questionnaire_out_of_scope(world, as_user, local, user):
    assert as_user(getattr(world, user)).get(url(local)).status_code == 404


def test_it_answers_404_for_a_missing_questionnaire(world, as_user):
    response = as_user(world.admin).get(reverse("questionnaires:detail", args=[10**9]))
    assert response.status_code == 404


def test_it_shows_a_national_template_to_anyone_with_a_role_but_nobody_else(
    world, as_user, sipas2017
):
    assert as_user(world.outsider).get(url(sipas2017)).status_code == 200
    assert as_user(world.nobody).get(url(sipas2017)).status_code == 404


def test_it_shows_the_structure_with_codes_scales_roles_and_positions(world, as_user, local):
    response = as_user(world.viewer).get(url(local))
    assert response.status_code == 200
    text = response.text
    assert "<code>1.1</code>" in text and "<code>5.4</code>" in text
    assert "Nơi ngồi chờ tại Bộ phận Tiếp nhận và Trả kết quả có đủ chỗ ngồi" in text
    assert "Mức độ hài lòng (5 mức)" in text and "Chọn nhiều" in text and "(tối đa 3)" in text
    assert "Hài lòng chung của yếu tố" in text and "Tích cực: 4, 5" in text
    assert "38 câu hỏi, 37 vị trí lưu" in text
    structure = response.context["structure"]
    assert [s.element.code for s in structure.sections][-1] == "DP"
    assert structure.sections[-1].items[0].position == 37
    # Every national section and question carries the lock; the local ones do not.
    assert text.count("(thuộc lõi quốc gia)") == 10 + 37


def test_it_gives_the_viewer_no_editing_buttons(world, as_user, local):
    response = as_user(world.viewer).get(url(local))
    assert not response.context["can_edit"]
    assert reverse("questionnaires:edit", args=[local.pk]) not in response.text
    assert reverse("questionnaires:publish", args=[local.pk]) not in response.text
    assert reverse("questionnaires:preview", args=[local.pk]) in response.text


def test_it_gives_the_manager_the_draft_actions_but_none_on_locked_core(world, as_user, local):
    response = as_user(world.manager).get(url(local))
    text = response.text
    assert response.context["can_edit"]
    assert reverse("questionnaires:publish", args=[local.pk]) in text
    assert reverse("questionnaires:element_create", args=[local.pk]) in text
    local_item = local.items.get(code="DP.1")
    core_item = local.items.get(code="1.1")
    assert reverse("questionnaires:item_edit", args=[local_item.pk]) in text
    assert reverse("questionnaires:item_edit", args=[core_item.pk]) not in text
    core_element = local.elements.get(code="1")
    assert reverse("questionnaires:item_create", args=[core_element.pk]) not in text
    assert reverse("questionnaires:item_create", args=[local_item.element_id]) in text
    assert "Lõi quốc gia" in text


def test_it_offers_the_manager_a_new_version_of_a_published_local_one(world, as_user, local):
    questionnaire_publish(questionnaire=local, user=world.manager)
    response = as_user(world.manager).get(url(local))
    assert not response.context["can_edit"]
    assert response.context["can_new_version"]
    assert reverse("questionnaires:new_version", args=[local.pk]) in response.text
    assert reverse("questionnaires:item_edit", args=[local.items.get(code="DP.1").pk]) not in (
        response.text
    )
    assert "Đã ban hành" in response.text


def test_it_offers_a_clone_but_no_edit_of_a_national_template(world, as_user, sipas2017):
    response = as_user(world.manager).get(url(sipas2017))
    assert response.context["can_clone"] and not response.context["can_new_version"]
    assert not response.context["can_edit"]
    assert reverse("questionnaires:clone", args=[sipas2017.pk]) in response.text
    assert "Mẫu quốc gia (Bộ Nội vụ)" in response.text
    response = as_user(world.official).get(url(sipas2017))
    assert reverse("questionnaires:clone", args=[sipas2017.pk]) not in response.text


def test_it_lists_what_blocks_publishing(world, as_user, local):
    element_create(questionnaire=local, code="TRONG", name="Phần chưa có câu hỏi")
    response = as_user(world.manager).get(url(local))
    assert "Phần TRONG chưa có câu hỏi nào: thêm câu hỏi hoặc xóa phần này." in response.text


def test_it_links_the_versions_of_the_family(world, as_user, local):
    from surveys.services.questionnaires import questionnaire_new_version

    questionnaire_publish(questionnaire=local, user=world.manager)
    draft = questionnaire_new_version(source=local)
    response = as_user(world.official).get(url(draft))
    assert [v.version for v in response.context["versions"]] == [2, 1]
    assert f'href="{url(local)}"' in response.text


def test_it_shows_aspects_of_sipas_2023(world, as_user):
    sipas2023 = questionnaires_load_national()[1]
    response = as_user(world.viewer).get(url(sipas2023))
    assert "Khía cạnh I. Xây dựng, tổ chức thực hiện chính sách" in response.text
    assert "<code>C9.39</code>" in response.text


def test_it_shows_in_a_fixed_number_of_queries(
    world, as_user, local, django_assert_max_num_queries
):
    make_questionnaire(owner=world.phu_vang, family=local.family + "-x")
    client = as_user(world.manager)
    # Session, user, memberships, questionnaire, versions, 3 for the structure, problems' none.
    with django_assert_max_num_queries(9):
        response = client.get(url(local))
    assert response.status_code == 200
