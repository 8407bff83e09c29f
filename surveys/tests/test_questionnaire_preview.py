"""The preview: the citizen's form itself, with a banner; a submission is checked, never saved."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from surveys.forms.response import field_name
from surveys.models import Response
from surveys.services.questionnaires import (
    element_create,
    item_create,
    questionnaire_clone,
    questionnaires_load_national,
)


@pytest.fixture
def sipas2017(db):
    return questionnaires_load_national()[0]


@pytest.fixture
def local(world, sipas2017):
    clone = questionnaire_clone(source=sipas2017, owner=world.phu_vang, title="Phiếu Phú Vang")
    module = element_create(questionnaire=clone, code="DP", name="Câu hỏi của huyện")
    item_create(
        element=module,
        code="DP.1",
        text="Cán bộ đeo thẻ công chức",
        text_en="Staff wear their badges",
        scale="sat5",
        required=True,
        in_short_variant=False,
    )
    return clone


def url(questionnaire, short: bool = False) -> str:
    return reverse("questionnaires:preview", args=[questionnaire.pk]) + (
        "?short=1" if short else ""
    )


def name(questionnaire, code: str) -> str:
    return field_name(questionnaire.items.get(code=code))


def test_it_sends_an_anonymous_visitor_to_the_login_page(client, local):
    response = client.get(url(local))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("user", ["outsider", "sibling"])
def test_it_answers_404_for_a_local_questionnaire_out_of_scope(world, as_user, local, user):
    assert as_user(getattr(world, user)).get(url(local)).status_code == 404
    assert as_user(getattr(world, user)).post(url(local), {}).status_code == 404


def test_it_shows_the_citizen_form_with_a_preview_banner(world, as_user, local):
    response = as_user(world.viewer).get(url(local))
    assert response.status_code == 200
    text = response.text
    assert "Xem trước – câu trả lời không được lưu" in text
    assert "<h1" in text and "Phiếu Phú Vang" in text
    assert "Phần 1/11" in text and "Phần 11/11" in text
    assert 'href="/static/css/survey.css"' in text
    # No officials' menu: the citizen's own header, with the language switch.
    assert reverse("questionnaires:list") not in text.split("sv-preview-banner")[0]
    assert 'name="language"' in text
    assert "<script" not in text.split("<main")[1].split("</main>")[0]


def test_it_renders_each_scale_as_a_radio_group_in_a_fieldset(world, as_user, local):
    text = as_user(world.viewer).get(url(local)).text
    field = name(local, "1.1")
    fieldset = re.search(rf'<fieldset id="id_{field}"[^>]*>(.*?)</fieldset>', text, re.S).group(1)
    assert '<legend class="sv-legend">' in fieldset
    assert "Nơi ngồi chờ tại Bộ phận Tiếp nhận và Trả kết quả có đủ chỗ ngồi" in fieldset
    assert fieldset.count('type="radio"') == 5
    assert f'<label class="sv-option" for="id_{field}_4">' in fieldset
    assert "Rất hài lòng" in fieldset
    md = name(local, "MD")
    assert 'type="checkbox"' in text and f'id="id_{md}_9"' in text
    assert "Chọn tối đa 3 phương án." in text
    assert f'<textarea name="{name(local, "YK")}"' in text
    assert "(bắt buộc)" in text


def test_it_lists_errors_at_the_top_with_links_to_the_questions(world, as_user, local):
    md = name(local, "MD")
    response = as_user(world.viewer).post(url(local), {md: ["1", "2", "3", "4"]})
    assert response.status_code == 200
    text = response.text
    summary = re.search(r'<div class="sv-error-summary" role="alert"(.*?)</div>', text, re.S)
    assert summary, "the error summary"
    assert "Có 2 câu trả lời cần xem lại" in summary.group(1)
    assert f'href="#id_{md}_0"' in summary.group(1)
    assert "Chỉ chọn tối đa 3 phương án." in summary.group(1)
    dp = name(local, "DP.1")
    assert f'href="#id_{dp}_0"' in summary.group(1)
    assert f'<p class="sv-error" id="{dp}-error">' in text
    assert f'aria-describedby="{dp}-error"' in text
    assert "<title>Lỗi:" in text
    assert Response.objects.count() == 0


def test_it_checks_a_valid_submission_and_saves_nothing(world, as_user, local):
    data = {name(local, "DP.1"): "4", name(local, "HL"): "5", name(local, "YK"): "Tốt"}
    response = as_user(world.supervisor).post(url(local), data)
    assert response.status_code == 200
    assert "Các câu trả lời hợp lệ (2 câu có trả lời)" in response.text
    assert "sv-error-summary" not in response.text
    assert Response.objects.count() == 0


def test_it_shows_the_short_kiosk_variant(world, as_user, local):
    response = as_user(world.viewer).get(url(local, short=True))
    form = response.context["form"]
    assert [item.code for item in form.items.values()] == [
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
    assert "Phần 8/8" in response.text
    assert "Xem phiếu đầy đủ" in response.text
    # The kiosk does not ask DP.1, so it is not required there.
    response = as_user(world.viewer).post(url(local, short=True), {})
    assert "Các câu trả lời hợp lệ (0 câu có trả lời)" in response.text


def test_it_shows_the_form_in_english(world, as_user, local):
    client = as_user(world.viewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = client.get(url(local)).text
    assert '<html lang="en">' in text
    assert "Staff wear their badges" in text
    assert "The waiting area at the one-stop reception and result desk has enough seats" in text
    assert "Very satisfied" in text and "Rất hài lòng" not in text


def test_it_previews_a_national_template_for_anyone_with_a_role(world, as_user):
    sipas2023 = questionnaires_load_national()[1]
    response = as_user(world.outsider).get(url(sipas2023))
    assert response.status_code == 200
    assert "Phần 23/23" in response.text
    assert "Xây dựng, tổ chức thực hiện chính sách" in response.text
