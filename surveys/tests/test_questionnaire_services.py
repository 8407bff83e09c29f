"""Questionnaire services: clone, new version, publish, editing, and the rules that guard them."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from surveys.models import Campaign, Element, Item, Questionnaire, Scale
from surveys.services.questionnaires import (
    element_create,
    element_delete,
    element_move,
    element_update,
    item_create,
    item_delete,
    item_move,
    item_update,
    questionnaire_clone,
    questionnaire_delete,
    questionnaire_new_version,
    questionnaire_publish,
    questionnaire_update,
    questionnaires_load_national,
)
from surveys.tests.factories import make_questionnaire

SAT5 = Scale.SAT5


@pytest.fixture
def sipas2017(db) -> Questionnaire:
    return questionnaires_load_national()[0]


@pytest.fixture
def clone(world, sipas2017) -> Questionnaire:
    return questionnaire_clone(source=sipas2017, owner=world.home_affairs)


def messages(exc) -> list[str]:
    return exc.value.messages


def snapshot(questionnaire: Questionnaire) -> list[tuple]:
    return list(
        Item.objects.filter(questionnaire=questionnaire)
        .order_by("pk")
        .values_list("code", "text", "scale", "order", "position", "element_id", "options")
    ) + list(
        Element.objects.filter(questionnaire=questionnaire)
        .order_by("pk")
        .values_list("code", "name", "order")
    )


def local_module(clone: Questionnaire) -> Element:
    return element_create(questionnaire=clone, code="DP", name="Câu hỏi của tỉnh")


def add_item(element: Element, code: str = "DP.1", **fields) -> Item:
    fields.setdefault("text", "Cán bộ một cửa đeo thẻ công chức")
    fields.setdefault("scale", SAT5)
    return item_create(element=element, code=code, **fields)


# --- Clone ----------------------------------------------------------------------------------------


def test_it_clones_a_national_template_into_a_local_draft(world, sipas2017, clone):
    assert clone.family == f"{world.home_affairs.code}-sipas-2017"
    assert (clone.version, clone.status, clone.is_national) == (1, "draft", False)
    assert clone.owner == world.home_affairs and clone.based_on == sipas2017
    assert clone.title == sipas2017.title and clone.intro == sipas2017.intro
    assert clone.overall_rule == sipas2017.overall_rule


def test_it_copies_codes_positions_and_core_flags_as_they_are(sipas2017, clone):
    fields = ("code", "position", "is_core", "scale", "role", "text", "options", "order")
    original = list(sipas2017.items.order_by("position", "code").values_list(*fields))
    assert list(clone.items.order_by("position", "code").values_list(*fields)) == original
    assert clone.elements.count() == sipas2017.elements.count() == 10
    assert not clone.items.filter(is_core=False).exists()
    # The copies belong to the clone's own elements.
    assert not clone.items.exclude(element__questionnaire=clone).exists()


def test_it_copies_aspects_and_attaches_elements_to_the_copies(world):
    sipas2023 = questionnaires_load_national()[1]
    clone = questionnaire_clone(source=sipas2023, owner=world.phu_vang, title="SIPAS Phú Vang")
    assert clone.title == "SIPAS Phú Vang"
    assert list(clone.aspects.values_list("code", "is_core")) == [("I", True), ("II", True)]
    assert not clone.elements.filter(aspect__isnull=False).exclude(aspect__questionnaire=clone)
    assert clone.elements.filter(aspect__code="II", kind=Element.Kind.INDEX).count() == 5


def test_it_gives_each_clone_a_family_of_its_own(world, sipas2017, clone):
    second = questionnaire_clone(source=sipas2017, owner=world.home_affairs)
    assert second.family == f"{clone.family}-2"


def test_it_refuses_a_family_that_exists(world, sipas2017, clone):
    with pytest.raises(ValidationError) as exc:
        questionnaire_clone(source=sipas2017, owner=world.phu_vang, family=clone.family)
    assert exc.value.message_dict == {
        "family": [f"Họ phiếu “{clone.family}” đã có, hãy chọn tên khác."]
    }


def test_it_refuses_to_clone_a_draft(world, clone):
    with pytest.raises(ValidationError) as exc:
        questionnaire_clone(source=clone, owner=world.phu_vang)
    assert messages(exc) == ["Chỉ sao chép được phiếu đã ban hành."]
    assert Questionnaire.objects.count() == 3


# --- Lock rules in a clone ------------------------------------------------------------------------


def test_it_refuses_to_edit_a_core_item_of_a_clone(clone):
    item = clone.items.get(code="1.1")
    before = snapshot(clone)
    with pytest.raises(ValidationError) as exc:
        item_update(item=item, element=item.element, code="1.1", text="Sửa", scale=SAT5)
    assert messages(exc) == [
        "Câu hỏi 1.1 thuộc phần lõi quốc gia nên không thể sửa, xóa hay di chuyển."
    ]
    assert snapshot(clone) == before


def test_it_refuses_to_delete_or_move_a_core_item_of_a_clone(clone):
    item = clone.items.get(code="3.2")
    before = snapshot(clone)
    with pytest.raises(ValidationError):
        item_delete(item=item)
    with pytest.raises(ValidationError):
        item_move(item=item, direction="up")
    assert snapshot(clone) == before


def test_it_refuses_to_edit_delete_or_move_a_core_element_of_a_clone(clone):
    element = clone.elements.get(code="2")
    before = snapshot(clone)
    with pytest.raises(ValidationError) as exc:
        element_update(element=element, code="2", name="Khác")
    assert messages(exc) == ["Phần 2 thuộc lõi quốc gia nên không thể sửa, xóa hay di chuyển."]
    with pytest.raises(ValidationError):
        element_delete(element=element)
    with pytest.raises(ValidationError):
        element_move(element=element, direction="down")
    assert snapshot(clone) == before


def test_it_refuses_a_local_item_inside_a_core_element(clone):
    with pytest.raises(ValidationError) as exc:
        add_item(clone.elements.get(code="3"), code="3.7")
    assert "Hãy thêm một phần (mô-đun) địa phương" in messages(exc)[0]
    assert not clone.items.filter(code="3.7").exists()


def test_it_adds_a_local_module_and_its_items_after_the_national_slots(clone):
    module = local_module(clone)
    assert (module.is_core, module.order, module.kind) == (False, 11, Element.Kind.INDEX)
    first = add_item(module)
    second = add_item(module, code="DP.2", text="Ý kiến về Bộ phận một cửa", scale=Scale.TEXT)
    third = add_item(module, code="DP.3", text="Số lần đi lại", scale=Scale.NUMBER, max_value=20)
    assert (first.position, first.order, first.is_core) == (37, 1, False)
    assert (second.position, second.order) == (None, 2)
    assert (third.position, third.order) == (38, 3)
    assert first.positive_levels == [4, 5]


def test_it_edits_deletes_and_moves_local_items(clone):
    module = local_module(clone)
    first, second = add_item(module), add_item(module, code="DP.2", text="Thứ hai")
    item_update(
        item=first,
        element=module,
        code="DP.1a",
        text="Cán bộ đeo thẻ",
        text_en="Staff wear badges",
        scale=SAT5,
        required=True,
    )
    first.refresh_from_db()
    assert (first.code, first.text_en, first.required, first.position) == (
        "DP.1a",
        "Staff wear badges",
        True,
        37,
    )
    item_move(item=second, direction="up")
    assert list(module.items.order_by("order").values_list("code", flat=True)) == ["DP.2", "DP.1a"]
    item_move(item=second, direction="up")  # already first: nothing happens
    item_delete(item=first)
    assert list(module.items.values_list("code", "order")) == [("DP.2", 1)]


def test_it_moves_a_local_module_between_core_sections_but_keeps_their_order(clone):
    module = local_module(clone)
    element_move(element=module, direction="up")
    element_move(element=module, direction="up")
    codes = list(clone.elements.order_by("order").values_list("code", flat=True))
    assert codes == ["TT", "1", "2", "3", "4", "5", "HLC", "MD", "DP", "NTL", "YK"]
    assert list(clone.elements.order_by("order").values_list("order", flat=True)) == list(
        range(1, 12)
    )


def test_it_deletes_a_local_module_with_its_items(clone):
    module = local_module(clone)
    add_item(module)
    element_delete(element=module)
    assert not clone.elements.filter(code="DP").exists()
    assert not clone.items.filter(code="DP.1").exists()


def test_it_keeps_a_local_module_out_of_a_core_aspect(world):
    clone = questionnaire_clone(source=questionnaires_load_national()[1], owner=world.phu_vang)
    with pytest.raises(ValidationError) as exc:
        element_create(
            questionnaire=clone, code="DP", name="Địa phương", aspect=clone.aspects.get(code="I")
        )
    assert "aspect" in exc.value.message_dict
    assert not clone.elements.filter(code="DP").exists()


def test_it_lets_a_national_version_edit_its_own_core(sipas2017):
    draft = questionnaire_new_version(source=sipas2017)
    item = draft.items.get(code="1.1")
    item_update(item=item, element=item.element, code="1.1", text="Nơi chờ đủ chỗ", scale=SAT5)
    item.refresh_from_db()
    assert item.text == "Nơi chờ đủ chỗ" and item.is_core


# --- Published is frozen --------------------------------------------------------------------------


def test_it_refuses_every_change_to_a_published_questionnaire(sipas2017):
    before = snapshot(sipas2017)
    element = sipas2017.elements.get(code="1")
    item = sipas2017.items.get(code="1.1")
    message = (
        f"Phiếu “{sipas2017.title}” (phiên bản 1) đã ban hành nên không thể thay đổi. "
        "Hãy tạo phiên bản mới để sửa."
    )
    attempts = [
        lambda: element_create(questionnaire=sipas2017, code="X", name="X"),
        lambda: element_update(element=element, code="1", name="X"),
        lambda: element_delete(element=element),
        lambda: element_move(element=element, direction="down"),
        lambda: add_item(element, code="1.9"),
        lambda: item_update(item=item, element=element, code="1.1", text="X", scale=SAT5),
        lambda: item_delete(item=item),
        lambda: item_move(item=item, direction="down"),
        lambda: questionnaire_update(questionnaire=sipas2017, title="Khác"),
        lambda: questionnaire_publish(questionnaire=sipas2017, user=None),
        lambda: questionnaire_delete(questionnaire=sipas2017),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as exc:
            attempt()
        assert messages(exc) == [message]
    assert snapshot(sipas2017) == before
    sipas2017.refresh_from_db()
    assert sipas2017.title.startswith("Phiếu khảo sát")


def test_it_refuses_a_change_to_a_draft_published_meanwhile(world, clone):
    stale = Questionnaire.objects.get(pk=clone.pk)
    questionnaire_publish(questionnaire=clone, user=world.manager)
    with pytest.raises(ValidationError):
        element_create(questionnaire=stale, code="DP", name="Địa phương")
    assert not clone.elements.filter(code="DP").exists()


# --- Publish and new versions ---------------------------------------------------------------------


def test_it_publishes_a_draft(world, clone):
    published = questionnaire_publish(questionnaire=clone, user=world.manager)
    clone.refresh_from_db()
    assert clone.status == "published" and clone.published_by == world.manager
    assert clone.published_at is not None and published.pk == clone.pk


def test_it_refuses_to_publish_an_empty_questionnaire(world):
    empty = Questionnaire.objects.create(family="trong", title="Phiếu trống", owner=world.phu_vang)
    with pytest.raises(ValidationError) as exc:
        questionnaire_publish(questionnaire=empty, user=world.manager)
    assert messages(exc) == ["Phiếu chưa có câu hỏi nào."]
    empty.refresh_from_db()
    assert empty.status == "draft" and empty.published_at is None


def test_it_refuses_to_publish_a_multiple_choice_without_options_or_an_empty_section(world, clone):
    module = local_module(clone)
    element = clone.elements.get(code="MD")
    # Written past the services (as admin could): publishing still catches it.
    Item.objects.filter(questionnaire=clone, code="MD").update(options=[])
    with pytest.raises(ValidationError) as exc:
        questionnaire_publish(questionnaire=clone, user=world.manager)
    assert messages(exc) == [
        "Câu hỏi MD chưa có phương án trả lời.",
        f"Phần {module.code} chưa có câu hỏi nào: thêm câu hỏi hoặc xóa phần này.",
    ]
    assert element.questionnaire.status == "draft"


def test_it_makes_a_new_version_as_a_draft_in_the_same_family(world, clone):
    add_item(local_module(clone))
    questionnaire_publish(questionnaire=clone, user=world.manager)
    draft = questionnaire_new_version(source=clone)
    assert (draft.family, draft.version, draft.status) == (clone.family, 2, "draft")
    assert (draft.owner, draft.based_on, draft.is_national) == (clone.owner, clone, False)
    assert sorted(draft.items.values_list("code", "position", "is_core")) == sorted(
        clone.items.values_list("code", "position", "is_core")
    )


def test_it_refuses_a_second_draft_version_or_one_from_an_old_version(world, clone):
    questionnaire_publish(questionnaire=clone, user=world.manager)
    draft = questionnaire_new_version(source=clone)
    with pytest.raises(ValidationError) as exc:
        questionnaire_new_version(source=clone)
    assert messages(exc) == ["Đã có bản nháp phiên bản 2 của phiếu này: hãy sửa bản nháp đó."]
    questionnaire_publish(questionnaire=draft, user=world.manager)
    with pytest.raises(ValidationError) as exc:
        questionnaire_new_version(source=clone)
    assert messages(exc) == ["Chỉ tạo phiên bản mới từ phiên bản mới nhất (phiên bản 2)."]
    with pytest.raises(ValidationError):
        questionnaire_new_version(source=questionnaire_new_version(source=draft))
    assert Questionnaire.objects.filter(family=clone.family).count() == 3


def test_it_never_reuses_a_slot_of_an_earlier_version(world, clone):
    module = local_module(clone)
    add_item(module)  # position 37
    questionnaire_publish(questionnaire=clone, user=world.manager)
    draft = questionnaire_new_version(source=clone)
    item_delete(item=draft.items.get(code="DP.1"))
    again = add_item(draft.elements.get(code="DP"), code="DP.9")
    assert again.position == 38


def test_it_gives_a_copied_item_a_new_slot_when_its_scale_changes(world, clone):
    module = local_module(clone)
    add_item(module)
    questionnaire_publish(questionnaire=clone, user=world.manager)
    draft = questionnaire_new_version(source=clone)
    item = draft.items.get(code="DP.1")
    item_update(item=item, element=item.element, code="DP.1", text="Có đeo thẻ?", scale="yesno")
    item.refresh_from_db()
    assert (item.position, item.positive_levels) == (38, [1])
    item_update(item=item, element=item.element, code="DP.1", text="Nhận xét", scale="text")
    item.refresh_from_db()
    assert item.position is None and item.positive_levels == []


def test_it_keeps_the_slot_when_only_the_text_changes(clone):
    item = add_item(local_module(clone))
    item_update(item=item, element=item.element, code="DP.1", text="Khác", scale="sat5")
    item.refresh_from_db()
    assert item.position == 37


# --- Header and deletion --------------------------------------------------------------------------


def test_it_updates_the_header_of_a_draft(clone):
    questionnaire_update(questionnaire=clone, title="Phiếu Huế 2025", estimated_minutes=12)
    clone.refresh_from_db()
    assert (clone.title, clone.estimated_minutes) == ("Phiếu Huế 2025", 12)


def test_it_deletes_a_draft_no_campaign_uses(clone):
    questionnaire_delete(questionnaire=clone)
    assert not Questionnaire.objects.filter(pk=clone.pk).exists()


def test_it_refuses_to_delete_a_draft_a_campaign_uses(world, clone):
    Campaign.objects.create(
        code="thu",
        name="Thử",
        year=2025,
        organiser=world.home_affairs,
        questionnaire=clone,
        opens_on=datetime.date(2025, 1, 1),
        closes_on=datetime.date(2025, 2, 1),
    )
    with pytest.raises(ValidationError) as exc:
        questionnaire_delete(questionnaire=clone)
    assert messages(exc) == ["Phiếu đang được một đợt khảo sát sử dụng nên không thể xóa."]


# --- Validation -----------------------------------------------------------------------------------


@pytest.fixture
def module(clone) -> Element:
    return local_module(clone)


def field_errors(exc) -> dict[str, list[str]]:
    return exc.value.message_dict


def test_it_refuses_a_code_already_used_whatever_its_case(module):
    add_item(module)
    with pytest.raises(ValidationError) as exc:
        add_item(module, code="dp.1")
    assert field_errors(exc) == {"code": ["Mã câu hỏi “dp.1” đã có trong phiếu này."]}
    with pytest.raises(ValidationError) as exc:
        add_item(module, code="HL")  # a core code
    assert "code" in field_errors(exc)
    with pytest.raises(ValidationError) as exc:
        element_create(questionnaire=module.questionnaire, code="dp", name="Trùng")
    assert field_errors(exc) == {"code": ["Mã phần “dp” đã có trong phiếu này."]}


def test_it_refuses_a_malformed_code(module):
    with pytest.raises(ValidationError) as exc:
        add_item(module, code="câu 1")
    assert field_errors(exc)["code"][0].startswith("Mã chỉ gồm chữ cái không dấu")


def options(n: int) -> list[dict]:
    return [{"value": i, "label": f"Phương án {i}", "label_en": ""} for i in range(1, n + 1)]


def test_it_refuses_more_than_15_options_in_a_multiple_choice(module):
    with pytest.raises(ValidationError) as exc:
        add_item(module, scale=Scale.MULTI, options=options(16))
    assert field_errors(exc) == {"options": ["Tối đa 15 phương án (bạn đã nhập 16)."]}
    assert add_item(module, scale=Scale.MULTI, options=options(15)).options == options(15)


def test_it_refuses_a_choice_without_options_and_options_on_a_fixed_scale(module):
    with pytest.raises(ValidationError) as exc:
        add_item(module, scale=Scale.SINGLE)
    assert field_errors(exc) == {"options": ["Nhập ít nhất một phương án trả lời."]}
    with pytest.raises(ValidationError) as exc:
        add_item(module, scale=SAT5, options=options(2))
    assert list(field_errors(exc)) == ["options"]


def test_it_refuses_option_values_that_are_not_1_to_n(module):
    bad = [{"value": 1, "label": "Một"}, {"value": 3, "label": "Ba"}]
    with pytest.raises(ValidationError) as exc:
        add_item(module, scale=Scale.SINGLE, options=bad)
    assert field_errors(exc) == {"options": ["Giá trị các phương án phải lần lượt là 1, 2, … 2."]}


def test_it_refuses_positive_levels_outside_the_scale(module):
    with pytest.raises(ValidationError) as exc:
        add_item(module, scale=Scale.SUIT4, positive_levels=[4, 5])
    assert field_errors(exc) == {
        "positive_levels": ["Mức tích cực phải là giá trị có trong thang đo: 1, 2, 3, 4."]
    }
    item = add_item(module, scale=Scale.SINGLE, options=options(3), positive_levels=[3, 1])
    assert item.positive_levels == [1, 3]


def test_it_refuses_max_choices_beyond_the_options_or_off_a_multiple_choice(module):
    with pytest.raises(ValidationError) as exc:
        add_item(module, scale=Scale.MULTI, options=options(3), max_choices=4)
    assert field_errors(exc) == {"max_choices": ["Số lựa chọn tối đa phải từ 1 đến 3."]}
    with pytest.raises(ValidationError) as exc:
        add_item(module, scale=SAT5, max_choices=2)
    assert list(field_errors(exc)) == ["max_choices"]


def test_it_refuses_a_number_range_upside_down(module):
    with pytest.raises(ValidationError) as exc:
        add_item(module, scale=Scale.NUMBER, min_value=10, max_value=2)
    assert field_errors(exc) == {
        "max_value": ["Giá trị lớn nhất phải không nhỏ hơn giá trị nhỏ nhất."]
    }


def test_it_allows_one_general_question_per_element_on_the_satisfaction_scale(module):
    add_item(module, code="DP.HL", role=Item.Role.GENERAL)
    with pytest.raises(ValidationError) as exc:
        add_item(module, code="DP.HL2", role=Item.Role.GENERAL)
    assert field_errors(exc) == {"role": ["Phần này đã có câu hỏi hài lòng chung của yếu tố."]}
    with pytest.raises(ValidationError) as exc:
        add_item(module, code="DP.X", role=Item.Role.OVERALL, scale=Scale.YESNO)
    assert list(field_errors(exc)) == ["scale"]
    with pytest.raises(ValidationError) as exc:
        add_item(module, code="DP.Y", role=Item.Role.OVERALL)  # the clone has HL already
    assert field_errors(exc) == {"role": ["Phiếu đã có câu hỏi hài lòng chung."]}


def test_it_changes_nothing_when_validation_fails(module):
    before = snapshot(module.questionnaire)
    with pytest.raises(ValidationError):
        add_item(module, scale=Scale.MULTI, options=options(16))
    assert snapshot(module.questionnaire) == before


def test_it_works_on_a_hand_made_local_questionnaire(world):
    local = make_questionnaire(published=False, owner=world.phu_vang)
    element = local.elements.get(code="1")
    item = item_create(element=element, code="1.4", text="Mới", scale=SAT5)
    assert (item.position, item.is_core, item.order) == (8, False, 4)
