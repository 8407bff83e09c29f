"""The two national templates load with their exact structure, codes and positions, once."""

from io import StringIO

import pytest
from django.core.management import call_command

from surveys.models import Aspect, Element, Item, Questionnaire, Scale
from surveys.services.questionnaires import questionnaires_load_national

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded() -> dict[str, Questionnaire]:
    return {q.family: q for q in questionnaires_load_national()}


def codes(questionnaire: Questionnaire, **filters) -> list[str]:
    qs = Item.objects.filter(questionnaire=questionnaire, **filters)
    return list(qs.order_by("element__order", "order").values_list("code", flat=True))


CRITERIA_2017 = [
    *(f"1.{i}" for i in range(1, 5)),
    *(f"2.{i}" for i in range(1, 6)),
    *(f"3.{i}" for i in range(1, 7)),
    *(f"4.{i}" for i in range(1, 4)),
    *(f"5.{i}" for i in range(1, 5)),
]


def test_it_loads_both_templates_published_national_and_without_owner(loaded):
    assert set(loaded) == {"sipas-2017", "sipas-2023"}
    for q in loaded.values():
        assert (q.version, q.status, q.is_national, q.owner) == (1, "published", True, None)
        assert q.published_at is not None
    assert loaded["sipas-2017"].element_rule == Questionnaire.ElementRule.MEAN_OF_ITEMS
    assert loaded["sipas-2017"].overall_rule == Questionnaire.OverallRule.MEAN_OF_ELEMENTS
    assert loaded["sipas-2023"].element_rule == Questionnaire.ElementRule.MEAN_OF_ITEMS
    assert loaded["sipas-2023"].overall_rule == Questionnaire.OverallRule.MEAN_OF_ASPECTS


def test_it_gives_sipas_2017_the_22_criteria_in_5_elements(loaded):
    q = loaded["sipas-2017"]
    assert codes(q, role=Item.Role.CRITERION) == CRITERIA_2017
    index = Element.objects.filter(questionnaire=q, kind=Element.Kind.INDEX).order_by("order")
    assert [(e.code, e.items.count()) for e in index] == [
        ("1", 5),
        ("2", 6),
        ("3", 7),
        ("4", 4),
        ("5", 5),
    ]
    assert not Aspect.objects.filter(questionnaire=q).exists()


def test_it_words_the_2017_criteria_as_the_method_does(loaded):
    q = loaded["sipas-2017"]
    item = Item.objects.get(questionnaire=q, code="1.1")
    assert item.text == "Nơi ngồi chờ tại Bộ phận Tiếp nhận và Trả kết quả có đủ chỗ ngồi"
    assert item.text_en
    assert Item.objects.get(questionnaire=q, code="3.6").text == (
        "Công chức tuân thủ đúng quy định trong giải quyết công việc"
    )
    assert Item.objects.get(questionnaire=q, code="5.4").scale == Scale.SAT5


def test_it_gives_sipas_2017_one_question_per_element_one_overall_and_the_rest(loaded):
    q = loaded["sipas-2017"]
    assert codes(q, role=Item.Role.GENERAL) == ["HL1", "HL2", "HL3", "HL4", "HL5"]
    assert codes(q, role=Item.Role.OVERALL) == ["HL"]
    assert codes(q, role=Item.Role.PROFILE) == ["DT", "GT", "TUOI", "DANTOC", "HOCVAN", "NGHE"]
    assert codes(q, role=Item.Role.PROCEDURE) == ["LV"]
    assert codes(q, role=Item.Role.COMMENT) == ["YK"]
    expectation = Item.objects.get(questionnaire=q, role=Item.Role.EXPECTATION)
    assert (expectation.code, expectation.scale, expectation.max_choices) == ("MD", "multi", 3)
    assert Item.objects.filter(questionnaire=q).count() == 22 + 5 + 1 + 1 + 6 + 1 + 1


def test_it_lists_the_16_service_fields_of_2019_and_who_answers(loaded):
    q = loaded["sipas-2017"]
    field = Item.objects.get(questionnaire=q, code="LV")
    assert field.scale == Scale.SINGLE
    assert [o["value"] for o in field.options] == list(range(1, 17))
    assert all(o["label"] and o["label_en"] for o in field.options)
    respondent = Item.objects.get(questionnaire=q, code="DT")
    assert [o["label"] for o in respondent.options] == ["Cá nhân", "Đại diện tổ chức"]


def test_it_gives_sipas_2023_nine_elements_in_two_aspects(loaded):
    q = loaded["sipas-2023"]
    aspects = list(Aspect.objects.filter(questionnaire=q).order_by("order"))
    assert [(a.code, a.name) for a in aspects] == [
        ("I", "Xây dựng, tổ chức thực hiện chính sách"),
        ("II", "Cung ứng dịch vụ hành chính công"),
    ]
    index = Element.objects.filter(questionnaire=q, kind=Element.Kind.INDEX).order_by("order")
    assert [(e.aspect.code, e.code) for e in index] == [
        ("I", "I.A"),
        ("I", "I.B"),
        ("I", "I.C"),
        ("I", "I.D"),
        ("II", "II.A"),
        ("II", "II.B"),
        ("II", "II.C"),
        ("II", "II.D"),
        ("II", "II.E"),
    ]


def test_it_gives_sipas_2023_the_39_satisfaction_items_and_12_general_ones(loaded):
    q = loaded["sipas-2023"]
    assert codes(q, role=Item.Role.CRITERION) == [f"C9.{i}" for i in range(1, 40)]
    per_element = {
        e.code: e.items.filter(role=Item.Role.CRITERION).count()
        for e in Element.objects.filter(questionnaire=q, kind=Element.Kind.INDEX)
    }
    assert per_element == {
        "I.A": 2,
        "I.B": 2,
        "I.C": 9,
        "I.D": 10,
        "II.A": 3,
        "II.B": 4,
        "II.C": 3,
        "II.D": 3,
        "II.E": 3,
    }
    assert codes(q, role=Item.Role.GENERAL) == [
        f"HL.{e}" for e in ("I.A", "I.B", "I.C", "I.D", "II.A", "II.B", "II.C", "II.D", "II.E")
    ]
    assert codes(q, role=Item.Role.OVERALL) == ["HL.I", "HL.II", "HL"]
    # 39 + 12 = 51, the official number of satisfaction sub-indices.
    assert Item.objects.filter(questionnaire=q, scale=Scale.SAT5).count() == 51
    overall = Item.objects.select_related("element__aspect").get(questionnaire=q, code="HL.II")
    assert overall.element.aspect.code == "II" and overall.element.kind == Element.Kind.OTHER


def test_it_gives_sipas_2023_the_perception_expectation_and_profile_items(loaded):
    q = loaded["sipas-2023"]
    assert codes(q, role=Item.Role.PERCEPTION) == [
        *(f"C1.{i}" for i in range(1, 10)),
        "C2",
        *(f"C3.{i}" for i in range(1, 8)),
        "C4",
        "C5",
        "C6",
        *(f"C7.{i}" for i in range(1, 4)),
        *(f"C8.{i}" for i in range(1, 8)),
    ]
    expectations = Item.objects.filter(questionnaire=q, role=Item.Role.EXPECTATION)
    assert codes(q, role=Item.Role.EXPECTATION) == [f"C10.{i}" for i in range(1, 11)]
    assert {i.scale for i in expectations} == {Scale.DESIRE4}
    assert {tuple(i.positive_levels) for i in expectations} == {(3, 4)}
    assert codes(q, role=Item.Role.PROFILE) == ["GT", "DANTOC", "TUOI", "HOCVAN", "NGHE"]
    assert codes(q, role=Item.Role.COMMENT) == ["YK"]
    assert Item.objects.get(questionnaire=q, code="C1.1").scale == Scale.INTEREST4
    assert Item.objects.get(questionnaire=q, code="C3.7").scale == Scale.SUIT4
    assert Item.objects.get(questionnaire=q, code="C8.7").scale == Scale.YESNO
    assert len(Item.objects.get(questionnaire=q, code="C2").options) == 7
    assert Item.objects.filter(questionnaire=q).count() == 5 + 30 + 51 + 10 + 1


def test_it_numbers_positions_one_to_n_and_leaves_text_without_one(loaded):
    for q in loaded.values():
        items = list(Item.objects.filter(questionnaire=q).order_by("element__order", "order"))
        stored = [i.position for i in items if i.scale != Scale.TEXT]
        assert stored == list(range(1, len(stored) + 1))
        assert [i.position for i in items if i.scale == Scale.TEXT] == [None]


def test_it_marks_everything_core_with_texts_in_both_languages(loaded):
    for q in loaded.values():
        assert not Element.objects.filter(questionnaire=q, is_core=False).exists()
        assert not Aspect.objects.filter(questionnaire=q, is_core=False).exists()
        assert not Item.objects.filter(questionnaire=q, is_core=False).exists()
        assert not Item.objects.filter(questionnaire=q, text_en="").exists()
        assert not Element.objects.filter(questionnaire=q, name_en="").exists()
        assert q.title_en and q.intro and q.intro_en


def test_it_uses_the_default_positive_levels_of_each_scale(loaded):
    q = loaded["sipas-2023"]
    assert Item.objects.get(questionnaire=q, code="C9.1").positive_levels == [4, 5]
    assert Item.objects.get(questionnaire=q, code="C1.1").positive_levels == [3, 4]
    assert Item.objects.get(questionnaire=q, code="C8.1").positive_levels == [1]
    assert Item.objects.get(questionnaire=q, code="C5").positive_levels == [1]
    assert Item.objects.get(questionnaire=q, code="GT").positive_levels == []


def test_it_keeps_a_short_kiosk_variant(loaded):
    assert codes(loaded["sipas-2017"], in_short_variant=True) == [
        "DT",
        "LV",
        "HL1",
        "HL2",
        "HL3",
        "HL4",
        "HL5",
        "HL",
        "YK",
    ]
    assert len(codes(loaded["sipas-2023"], in_short_variant=True)) == 13


def test_it_creates_and_changes_nothing_on_a_second_run(loaded):
    before = {
        model: list(model.objects.order_by("pk").values())
        for model in (Questionnaire, Aspect, Element, Item)
    }
    again = questionnaires_load_national()
    assert [q.pk for q in again] == [loaded["sipas-2017"].pk, loaded["sipas-2023"].pk]
    for model, rows in before.items():
        assert list(model.objects.order_by("pk").values()) == rows


def test_it_prints_the_counts_from_the_command():
    out = StringIO()
    call_command("load_questionnaires", stdout=out)
    text = out.getvalue()
    assert "sipas-2017 v1: 10 phần, 37 câu hỏi (36 vị trí lưu) – mới nạp." in text
    assert "sipas-2023 v1: 23 phần, 97 câu hỏi (96 vị trí lưu) – mới nạp." in text
    out = StringIO()
    call_command("load_questionnaires", stdout=out)
    assert "đã có, giữ nguyên" in out.getvalue()
    assert "0 phiếu mới nạp" in out.getvalue()
    assert Questionnaire.objects.count() == 2
