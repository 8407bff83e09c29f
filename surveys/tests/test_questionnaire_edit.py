"""Editing a draft in the browser: header, sections (local modules) and questions.

The national core of a clone is locked, a published questionnaire is frozen: both are refused
with a message and nothing changes.
"""

import pytest
from django.urls import reverse

from surveys.models import Element, Item, Questionnaire
from surveys.services.questionnaires import (
    element_create,
    item_create,
    questionnaire_clone,
    questionnaire_publish,
    questionnaires_load_national,
)


@pytest.fixture
def sipas2017(db):
    return questionnaires_load_national()[0]


@pytest.fixture
def local(world, sipas2017):
    """A draft clone owned by UBND huyện Phú Vang, with a local module DP of two questions."""
    clone = questionnaire_clone(source=sipas2017, owner=world.phu_vang, title="Phiếu Phú Vang")
    module = element_create(questionnaire=clone, code="DP", name="Câu hỏi của huyện")
    item_create(element=module, code="DP.1", text="Cán bộ đeo thẻ công chức", scale="sat5")
    item_create(element=module, code="DP.2", text="Ý kiến về Bộ phận một cửa", scale="text")
    return clone


def snapshot(questionnaire) -> list:
    items = Item.objects.filter(questionnaire=questionnaire).order_by("pk")
    elements = Element.objects.filter(questionnaire=questionnaire).order_by("pk")
    header = Questionnaire.objects.filter(pk=questionnaire.pk).values_list("title", "status")
    return [
        list(items.values_list("code", "text", "scale", "order", "position", "element_id")),
        list(elements.values_list("code", "name", "order", "kind")),
        list(header),
    ]


def u(name: str, obj) -> str:
    return reverse(f"questionnaires:{name}", args=[obj.pk])


def changing_urls(local) -> list[tuple[str, dict]]:
    module = local.elements.get(code="DP")
    item = local.items.get(code="DP.1")
    return [
        (u("edit", local), {"title": "Đổi tên", "estimated_minutes": 5}),
        (u("delete", local), {}),
        (u("element_create", local), {"code": "X", "name": "X", "kind": "index"}),
        (u("element_edit", module), {"code": "DP", "name": "Đổi", "kind": "index"}),
        (u("element_delete", module), {}),
        (u("element_move", module), {"direction": "up"}),
        (u("item_create", module), {"element": module.pk, "code": "X", "text": "X"}),
        (u("item_edit", item), {"element": module.pk, "code": "DP.1", "text": "Đổi"}),
        (u("item_delete", item), {}),
        (u("item_move", item), {"direction": "down"}),
    ]


def item_data(module, **fields) -> dict:
    data = {
        "element": module.pk,
        "code": "DP.3",
        "role": "criterion",
        "text": "Thời gian chờ đến lượt",
        "text_en": "Waiting time",
        "scale": "sat5",
        "options": "",
        "positive_levels": "",
        "in_short_variant": "on",
    }
    data.update(fields)
    return data


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- Who may -------------------------------------------------------------------------------------


def test_it_sends_an_anonymous_visitor_to_the_login_page(client, local):
    before = snapshot(local)
    for url, data in changing_urls(local):
        response = client.post(url, data)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url
    assert snapshot(local) == before


@pytest.mark.parametrize("user", ["outsider", "sibling"])
def test_it_answers_404_out_of_scope(world, as_user, local, user):
    client = as_user(getattr(world, user))
    before = snapshot(local)
    for url, data in changing_urls(local):
        assert client.post(url, data).status_code == 404, url
    assert snapshot(local) == before


@pytest.mark.parametrize("user", ["viewer", "official", "enumerator", "supervisor"])
def test_it_refuses_every_change_to_a_role_too_low(world, as_user, local, user):
    client = as_user(getattr(world, user))
    before = snapshot(local)
    for url, data in changing_urls(local):
        assert client.post(url, data).status_code == 403, url
        assert client.get(url).status_code in (403, 405), url
    assert snapshot(local) == before


def test_it_never_edits_a_national_template_in_the_browser(world, as_user, sipas2017):
    element = sipas2017.elements.get(code="1")
    item = sipas2017.items.get(code="1.1")
    for user in (world.manager, world.admin):
        client = as_user(user)
        assert client.get(u("edit", sipas2017)).status_code == 403
        assert client.post(u("element_create", sipas2017), {"code": "X"}).status_code == 403
        assert client.post(u("item_edit", item), {"text": "X"}).status_code == 403
        assert client.post(u("element_delete", element)).status_code == 403


# --- The header -----------------------------------------------------------------------------------


def test_it_edits_the_header(world, as_user, local):
    client = as_user(world.manager)
    response = client.get(u("edit", local))
    assert response.status_code == 200 and "Sửa thông tin phiếu" in response.text
    response = client.post(
        u("edit", local),
        {
            "title": "Phiếu Phú Vang 2025",
            "title_en": "Phu Vang 2025",
            "intro": "Xin chào",
            "intro_en": "",
            "estimated_minutes": "12",
            "element_rule": "mean",
            "overall_rule": "item",
        },
    )
    assert response.status_code == 302
    local.refresh_from_db()
    assert (local.title, local.estimated_minutes, local.overall_rule) == (
        "Phiếu Phú Vang 2025",
        12,
        "item",
    )


def test_it_shows_header_errors_in_vietnamese(world, as_user, local):
    before = snapshot(local)
    response = as_user(world.manager).post(
        u("edit", local), {"title": "", "estimated_minutes": "mười", "element_rule": "x"}
    )
    errors = response.context["form"].errors
    assert errors["title"] == ["Trường này là bắt buộc."]
    assert errors["estimated_minutes"] == ["Nhập một số tổng thể."]
    assert errors["element_rule"] == [
        "Hãy chọn một lựa chọn hợp lệ. x không phải là một trong các lựa chọn khả thi."
    ]
    assert snapshot(local) == before


def test_it_deletes_a_draft_after_confirmation(world, as_user, local):
    client = as_user(world.manager)
    response = client.get(u("delete", local))
    assert "Không thể hoàn tác." in response.text
    response = client.post(u("delete", local))
    assert response.url == reverse("questionnaires:list")
    assert not Questionnaire.objects.filter(pk=local.pk).exists()


# --- Sections -------------------------------------------------------------------------------------


def test_it_adds_a_local_module(world, as_user, local):
    response = as_user(world.manager).post(
        u("element_create", local),
        {"code": "DP2", "name": "Dịch vụ công trực tuyến", "name_en": "Online", "kind": "index"},
    )
    element = local.elements.get(code="DP2")
    assert response.url == f"{u('detail', local)}#el-{element.pk}"
    assert (element.is_core, element.order, element.name_en) == (False, 12, "Online")


def test_it_refuses_a_taken_or_malformed_section_code(world, as_user, local):
    client = as_user(world.manager)
    before = snapshot(local)
    response = client.post(u("element_create", local), {"code": "dp", "name": "X", "kind": "index"})
    assert response.context["form"].errors["code"] == ["Mã phần “dp” đã có trong phiếu này."]
    response = client.post(u("element_create", local), {"code": "Đ 1", "name": "", "kind": "y"})
    errors = response.context["form"].errors
    assert errors["code"][0].startswith("Mã chỉ gồm chữ cái không dấu")
    assert errors["name"] == ["Trường này là bắt buộc."]
    assert "kind" in errors
    assert snapshot(local) == before


def test_it_edits_moves_and_deletes_a_local_section(world, as_user, local):
    client = as_user(world.manager)
    module = local.elements.get(code="DP")
    response = client.get(u("element_edit", module))
    assert response.context["form"].initial["name"] == "Câu hỏi của huyện"
    client.post(u("element_edit", module), {"code": "DPV", "name": "Của huyện", "kind": "other"})
    module.refresh_from_db()
    assert (module.code, module.name, module.kind) == ("DPV", "Của huyện", "other")
    client.post(u("element_move", module), {"direction": "up"})
    module.refresh_from_db()
    assert module.order == 10
    response = client.post(u("element_move", module), {"direction": "sideways"}, follow=True)
    assert "Hướng di chuyển không hợp lệ." in messages_of(response)
    response = client.get(u("element_delete", module))
    assert "Xóa phần “Của huyện” cùng 2 câu hỏi của nó?" in response.text
    client.post(u("element_delete", module))
    assert not local.elements.filter(code="DPV").exists()
    assert not local.items.filter(code__startswith="DP.").exists()


def test_it_refuses_to_touch_a_core_section_with_a_message(world, as_user, local):
    client = as_user(world.manager)
    core = local.elements.get(code="3")
    before = snapshot(local)
    message = "Phần 3 thuộc lõi quốc gia nên không thể sửa, xóa hay di chuyển."
    for url, data in [
        (u("element_edit", core), {"code": "3", "name": "Đổi", "kind": "index"}),
        (u("element_delete", core), {}),
        (u("element_move", core), {"direction": "up"}),
    ]:
        response = client.post(url, data, follow=True)
        assert response.redirect_chain[-1][0] == u("detail", local)
        assert message in messages_of(response)
    response = client.get(u("element_edit", core), follow=True)
    assert message in messages_of(response)
    assert snapshot(local) == before


# --- Questions ------------------------------------------------------------------------------------


def test_it_adds_a_question_to_a_local_module(world, as_user, local):
    module = local.elements.get(code="DP")
    client = as_user(world.manager)
    response = client.get(u("item_create", module))
    assert response.status_code == 200
    choices = [e.code for e in response.context["form"].fields["element"].queryset]
    assert choices == ["DP"]  # core sections take no local questions
    response = client.post(
        u("item_create", module),
        item_data(
            module,
            code="DP.3",
            text="Ông/Bà biết đến Bộ phận một cửa qua đâu?",
            scale="multi",
            options="Loa phát thanh | Loudspeaker\n\nNgười quen\nMạng xã hội | Social media",
            max_choices="2",
            positive_levels="-",
            required="on",
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    item = local.items.get(code="DP.3")
    assert item.options == [
        {"value": 1, "label": "Loa phát thanh", "label_en": "Loudspeaker"},
        {"value": 2, "label": "Người quen", "label_en": ""},
        {"value": 3, "label": "Mạng xã hội", "label_en": "Social media"},
    ]
    assert (item.max_choices, item.positive_levels, item.required, item.position) == (
        2,
        [],
        True,
        38,
    )
    assert (item.order, item.is_core, item.in_short_variant) == (3, False, True)


def test_it_shows_question_errors_in_vietnamese_and_creates_nothing(world, as_user, local):
    module = local.elements.get(code="DP")
    client = as_user(world.manager)
    before = snapshot(local)
    sixteen = "\n".join(f"Phương án {i}" for i in range(1, 17))

    def errors(**fields):
        response = client.post(u("item_create", module), item_data(module, **fields))
        assert response.status_code == 200
        return response.context["form"].errors

    assert errors(scale="multi", options=sixteen)["options"] == [
        "Tối đa 15 phương án (bạn đã nhập 16)."
    ]
    assert errors(scale="single")["options"] == ["Nhập ít nhất một phương án trả lời."]
    assert errors(options="| Only English", scale="single")["options"] == [
        "Dòng 1 thiếu nhãn tiếng Việt (trước dấu “|”)."
    ]
    assert errors(positive_levels="4, năm")["positive_levels"] == [
        "“năm” không phải một số. Nhập các số cách nhau bởi dấu phẩy."
    ]
    assert errors(scale="suit4", positive_levels="5")["positive_levels"] == [
        "Mức tích cực phải là giá trị có trong thang đo: 1, 2, 3, 4."
    ]
    assert errors(code="DP.1")["code"] == ["Mã câu hỏi “DP.1” đã có trong phiếu này."]
    assert errors(scale="number", min_value="9", max_value="3")["max_value"] == [
        "Giá trị lớn nhất phải không nhỏ hơn giá trị nhỏ nhất."
    ]
    assert errors(text="")["text"] == ["Trường này là bắt buộc."]
    assert errors(role="general", scale="yesno")["scale"] == [
        "Câu hỏi hài lòng chung phải dùng thang đo mức độ hài lòng 5 mức."
    ]
    core = local.elements.get(code="1")
    assert "element" in errors(element=core.pk)
    assert snapshot(local) == before


def test_it_edits_a_local_question_keeping_its_slot(world, as_user, local):
    item = local.items.get(code="DP.1")
    client = as_user(world.manager)
    response = client.get(u("item_edit", item))
    form = response.context["form"]
    assert form.initial["text"] == "Cán bộ đeo thẻ công chức"
    assert form.initial["positive_levels"] == "4, 5"
    assert "Vị trí lưu câu trả lời: 37" in response.text
    response = client.post(
        u("item_edit", item),
        item_data(item.element, code="DP.1", text="Cán bộ đeo thẻ", positive_levels="5"),
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.text, item.positive_levels, item.position) == ("Cán bộ đeo thẻ", [5], 37)


def test_it_moves_and_deletes_a_local_question(world, as_user, local):
    first, second = local.items.get(code="DP.1"), local.items.get(code="DP.2")
    client = as_user(world.manager)
    response = client.post(u("item_move", first), {"direction": "down"})
    assert response.url == f"{u('detail', local)}#item-{first.pk}"
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.order, second.order) == (2, 1)
    response = client.get(u("item_delete", first))
    assert "Xóa câu hỏi “Cán bộ đeo thẻ công chức”?" in response.text
    client.post(u("item_delete", first))
    assert list(local.items.filter(code__startswith="DP.").values_list("code", "order")) == [
        ("DP.2", 1)
    ]


def test_it_refuses_to_touch_a_locked_core_question_with_a_message(world, as_user, local):
    item = local.items.get(code="1.1")
    client = as_user(world.manager)
    before = snapshot(local)
    message = "Câu hỏi 1.1 thuộc phần lõi quốc gia nên không thể sửa, xóa hay di chuyển."
    response = client.get(u("item_edit", item), follow=True)
    assert response.redirect_chain[-1][0] == u("detail", local)
    assert message in messages_of(response)
    for url, data in [
        (u("item_edit", item), item_data(item.element, code="1.1", text="Đổi")),
        (u("item_delete", item), {}),
        (u("item_move", item), {"direction": "down"}),
    ]:
        response = client.post(url, data, follow=True)
        assert message in messages_of(response), url
    assert snapshot(local) == before


def test_it_refuses_a_question_inside_a_core_section(world, as_user, local):
    core = local.elements.get(code="2")
    response = as_user(world.manager).post(
        u("item_create", core), item_data(core, code="2.6"), follow=True
    )
    assert any(
        "Không thể thêm câu hỏi vào phần 2 thuộc lõi quốc gia" in m for m in messages_of(response)
    )
    assert not local.items.filter(code="2.6").exists()


def test_it_refuses_any_edit_once_published(world, as_user, local):
    questionnaire_publish(questionnaire=local, user=world.manager)
    client = as_user(world.manager)
    before = snapshot(local)
    message = "Phiếu đã ban hành nên không thể sửa. Hãy tạo phiên bản mới để thay đổi."
    for url, data in changing_urls(local):
        response = client.post(url, data, follow=True)
        assert response.redirect_chain[-1][0] == u("detail", local), url
        assert message in messages_of(response), url
    assert snapshot(local) == before
