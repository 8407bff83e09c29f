"""The citizen's form built from a questionnaire: fields, validation, and what it stores."""

import pytest
from django.utils import translation

from surveys.forms.response import ResponseForm, field_name, initial_from_response
from surveys.models import Item, Scale
from surveys.selectors.questionnaires import questionnaire_structure
from surveys.services.questionnaires import questionnaires_load_national
from surveys.tests.factories import make_questionnaire

pytestmark = pytest.mark.django_db


@pytest.fixture
def sipas2017():
    return questionnaires_load_national()[0]


@pytest.fixture
def small():
    """Two elements of three 5-level items (positions 1–6), HL (7) and a comment."""
    q = make_questionnaire(published=False)
    element = q.elements.get(code="2")
    Item.objects.create(
        questionnaire=q,
        element=element,
        code="2.N",
        text="Số lần phải đi lại",
        text_en="Number of visits",
        scale=Scale.NUMBER,
        min_value=1,
        max_value=10,
        order=10,
        position=8,
    )
    Item.objects.create(
        questionnaire=q,
        element=element,
        code="2.M",
        text="Kênh thông tin",
        scale=Scale.MULTI,
        options=[
            {"value": 1, "label": "Loa", "label_en": "Loudspeaker"},
            {"value": 2, "label": "Báo", "label_en": "Newspaper"},
            {"value": 3, "label": "Mạng", "label_en": ""},
        ],
        max_choices=2,
        required=True,
        in_short_variant=False,
        order=11,
        position=9,
    )
    return q


def item(q, code: str) -> Item:
    return q.items.get(code=code)


def name(q, code: str) -> str:
    return field_name(item(q, code))


def test_it_names_fields_by_position_and_text_items_by_id(small):
    form = ResponseForm(questionnaire=small)
    comment = item(small, "YK")
    assert list(form.fields) == [
        "q_1",
        "q_2",
        "q_3",
        "q_4",
        "q_5",
        "q_6",
        "q_8",
        "q_9",
        "q_7",
        f"t_{comment.pk}",
    ]


def test_it_stores_scores_at_their_positions_with_blanks_as_none(small):
    comment = item(small, "YK")
    data = {"q_1": "5", "q_3": "1", "q_8": "4", "q_9": ["1", "3"], f"t_{comment.pk}": " Tốt "}
    form = ResponseForm(data, questionnaire=small)
    assert form.is_valid(), form.errors
    # The multiple choice (1 and 3) is the bit mask 0b101.
    assert form.scores() == [5, None, 1, None, None, None, None, 4, 5]
    assert form.texts() == {comment: "Tốt"}


def test_it_makes_the_scores_as_long_as_the_highest_position(sipas2017):
    data = {name(sipas2017, "MD"): ["2", "10"], name(sipas2017, "HL"): "4"}
    form = ResponseForm(data, questionnaire=sipas2017)
    assert form.is_valid(), form.errors
    scores = form.scores()
    assert len(scores) == 36
    assert scores[item(sipas2017, "MD").position - 1] == 0b10_0000_0010
    assert scores[item(sipas2017, "HL").position - 1] == 4
    assert sum(v is not None for v in scores) == 2
    assert form.texts() == {}


def test_it_asks_for_a_required_answer(small):
    form = ResponseForm({"q_1": "3"}, questionnaire=small)
    assert not form.is_valid()
    assert form.errors == {"q_9": ["Vui lòng trả lời câu hỏi này."]}


def test_it_refuses_a_value_outside_the_scale(small):
    form = ResponseForm({"q_1": "6", "q_2": "0", "q_9": ["4"]}, questionnaire=small)
    assert not form.is_valid()
    assert form.errors == {
        "q_1": ["Lựa chọn không hợp lệ."],
        "q_2": ["Lựa chọn không hợp lệ."],
        "q_9": ["Lựa chọn không hợp lệ."],
    }


def test_it_refuses_more_choices_than_allowed(small, sipas2017):
    form = ResponseForm({"q_9": ["1", "2", "3"]}, questionnaire=small)
    assert not form.is_valid()
    assert form.errors == {"q_9": ["Chỉ chọn tối đa 2 phương án."]}
    md = name(sipas2017, "MD")
    form = ResponseForm({md: ["1", "2", "3", "4"]}, questionnaire=sipas2017)
    assert form.errors == {md: ["Chỉ chọn tối đa 3 phương án."]}


def test_it_checks_a_number_against_the_item_range(small):
    form = ResponseForm({"q_8": "11", "q_9": ["1"]}, questionnaire=small)
    assert form.errors == {"q_8": ["Nhập một số từ 1 đến 10."]}
    form = ResponseForm({"q_8": "ba", "q_9": ["1"]}, questionnaire=small)
    assert form.errors == {"q_8": ["Nhập một số nguyên."]}
    form = ResponseForm({"q_8": "10", "q_9": ["1"]}, questionnaire=small)
    assert form.is_valid() and form.scores()[7] == 10


def test_it_limits_free_text_to_the_configured_length(small, settings):
    settings.SURVEY_TEXT_MAX_CHARS = 300
    comment = item(small, "YK")
    form = ResponseForm({f"t_{comment.pk}": "x" * 301, "q_9": ["1"]}, questionnaire=small)
    assert form.errors == {f"t_{comment.pk}": ["Tối đa 300 ký tự."]}


def test_it_labels_in_vietnamese_by_default(small):
    form = ResponseForm(questionnaire=small)
    assert form.fields["q_1"].label == "Tiêu chí 1.1"
    assert [label for _v, label in form.fields["q_1"].choices][4] == "Rất hài lòng"
    assert form.title == "Phiếu thử"


def test_it_labels_in_english_when_the_language_is_english(small):
    with translation.override("en"):
        form = ResponseForm({"q_9": []}, questionnaire=small)
        assert form.fields["q_1"].label == "Criterion 1.1"
        assert [label for _v, label in form.fields["q_1"].choices] == [
            "Very dissatisfied",
            "Dissatisfied",
            "Neutral",
            "Satisfied",
            "Very satisfied",
        ]
        # An option without an English label keeps its Vietnamese one.
        assert [label for _v, label in form.fields["q_9"].choices] == [
            "Loudspeaker",
            "Newspaper",
            "Mạng",
        ]
        # No English text written: the Vietnamese one.
        assert form.fields["q_7"].label == "Nói chung, ông/bà hài lòng đến mức nào?"
        assert form.title == "Test form"
        assert form.sections()[0].name == "Element 1"
        assert not form.is_valid()
    assert form.errors["q_9"] == ["Please answer this question."]


def test_it_keeps_only_the_kiosk_items_in_the_short_variant(sipas2017):
    form = ResponseForm(questionnaire=sipas2017, short=True)
    assert [form.items[n].code for n in form.fields] == [
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
    # DT and LV share a section: eight sections of the ten have something to ask.
    assert [s.number for s in form.sections()] == list(range(1, 9))
    assert {s.total for s in form.sections()} == {8}
    data = {name(sipas2017, "HL"): "5", name(sipas2017, "1.1"): "1"}
    form = ResponseForm(data, questionnaire=sipas2017, short=True)
    assert form.is_valid()
    scores = form.scores()
    # Still one slot per position; an item the kiosk does not ask stays blank.
    assert len(scores) == 36 and scores[item(sipas2017, "1.1").position - 1] is None


def test_it_numbers_the_sections_and_carries_the_aspects(sipas2017):
    sipas2023 = questionnaires_load_national()[1]
    sections = ResponseForm(questionnaire=sipas2023).sections()
    assert len(sections) == 23
    assert (sections[1].number, sections[1].total, sections[1].name) == (
        2,
        23,
        "Câu 1. Mức độ quan tâm theo dõi các chính sách công ở địa phương",
    )
    first_policy = next(s for s in sections if s.section.element.code == "I.A")
    assert first_policy.starts_aspect
    assert first_policy.aspect_name == "Xây dựng, tổ chức thực hiện chính sách"


def test_it_lists_errors_in_order_with_anchors_to_the_first_input(small):
    form = ResponseForm({"q_8": "0"}, questionnaire=small)
    assert not form.is_valid()
    assert form.error_summary() == [
        ("id_q_8", "Số lần phải đi lại", "Nhập một số từ 1 đến 10."),
        ("id_q_9_0", "Kênh thông tin", "Vui lòng trả lời câu hỏi này."),
    ]
    assert form.fields["q_9"].widget.attrs["aria-invalid"] == "true"
    assert form.fields["q_8"].widget.attrs["aria-describedby"] == "q_8-hint q_8-error"


def test_it_fills_itself_again_from_stored_answers(small):
    comment = item(small, "YK")
    data = {"q_2": "4", "q_9": ["2", "3"], f"t_{comment.pk}": "Cảm ơn"}
    form = ResponseForm(data, questionnaire=small)
    assert form.is_valid()
    initial = initial_from_response(
        structure=questionnaire_structure(questionnaire=small),
        scores=form.scores(),
        texts={i.pk: t for i, t in form.texts().items()},
    )
    assert initial == {"q_2": 4, "q_9": [2, 3], f"t_{comment.pk}": "Cảm ơn"}


def test_it_builds_the_form_in_three_queries(sipas2017, django_assert_num_queries):
    with django_assert_num_queries(3):
        form = ResponseForm(questionnaire=sipas2017)
        form.sections()
    assert len(form.fields) == 37


def test_it_renders_the_citizen_page_with_its_own_header_and_submit(small, rf):
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string

    request = rf.get("/s/thu/")
    request.user = AnonymousUser()
    form = ResponseForm({"q_8": "99"}, questionnaire=small)
    form.is_valid()
    html = render_to_string("surveys/form/questionnaire.html", {"form": form}, request=request)
    assert '<button type="submit" class="btn btn-primary btn-lg sv-submit">Gửi phiếu</button>' in (
        html
    )
    assert "Xem trước" not in html and "Đăng xuất" not in html
    assert "Phần 1/3" in html and "Phần 3/3" in html
    assert '<label class="sv-legend" for="id_q_8">Số lần phải đi lại</label>' in html
    assert 'aria-describedby="q_8-hint q_8-error"' in html and 'aria-invalid="true"' in html
    assert '<p class="sv-hint" id="q_8-hint">Nhập một số từ 1 đến 10.</p>' in html
    assert '<a href="#id_q_8">Số lần phải đi lại – Nhập một số từ 1 đến 10.</a>' in html
    assert 'Kênh thông tin <span class="sv-required">(bắt buộc)</span>' in html
