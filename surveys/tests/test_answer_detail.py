"""One answer, question by question: decoded labels, escaped free text, the status history."""

import pytest
from django.urls import reverse

from surveys.models import Item, ResponseText
from surveys.services.responses import response_set_status
from surveys.tests.factories import make_response


@pytest.fixture
def answer(world, campaign, full_answers):
    """Phú Vang's answer: 1.1 = 4, 2.3 left blank, age 42, channels 1 and 3, yes/no = Không."""
    scores = full_answers(campaign, **{"2.3": None, "TUOI": 42, "KENH": 0b101, "GT": 2})
    response = make_response(campaign, world.phu_vang, scores, channel="paper")
    comment = Item.objects.get(questionnaire=campaign.questionnaire, code="YK")
    ResponseText.objects.create(
        response=response, item=comment, text='<script>alert("x")</script> & <b>đậm</b>'
    )
    return response


def url(response) -> str:
    return reverse("answers:detail", args=[response.pk])


def cell(body: str, code: str) -> str:
    """The answer cell of the row of item `code`."""
    row = body.split(f'data-code="{code}"', 1)[1].split("</tr>", 1)[0]
    return row.split('class="answer"', 1)[1]


def test_it_sends_an_anonymous_visitor_to_the_login_page(client, answer):
    response = client.get(url(answer))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_shows_the_answers_decoded(world, answer, as_user):
    response = as_user(world.official).get(url(answer))
    assert response.status_code == 200
    body = response.content.decode()
    assert "4 – Hài lòng" in cell(body, "1.1")
    assert "(bỏ trống)" in cell(body, "2.3")
    assert "42" in cell(body, "TUOI")
    kenh = cell(body, "KENH")
    assert "1 – Kênh 1" in kenh and "3 – Kênh 3" in kenh and "Kênh 2" not in kenh
    assert "2 – Không" in cell(body, "GT")


def test_it_shows_free_text_escaped(world, answer, as_user):
    body = as_user(world.official).get(url(answer)).content.decode()
    text = cell(body, "YK")
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;đậm&lt;/b&gt;" in text
    assert "<script>alert" not in body and "<b>đậm" not in body


def test_it_shows_the_status_history(world, answer, as_user):
    response_set_status(
        response=answer, status="rejected", by=world.manager, reason="Phiếu <i>trùng</i>"
    )
    body = as_user(world.viewer).get(url(answer)).content.decode()
    assert "mai" in body and "Hợp lệ → Bị loại" in body
    assert "Phiếu &lt;i&gt;trùng&lt;/i&gt;" in body


def test_it_lets_a_viewer_see_without_the_review_forms(world, answer, as_user):
    response = as_user(world.viewer).get(url(answer))
    assert response.status_code == 200
    body = response.content.decode()
    assert reverse("answers:reject", args=[answer.pk]) not in body
    assert reverse("answers:restore", args=[answer.pk]) not in body


def test_it_shows_no_review_forms_to_an_official(world, answer, as_user):
    body = as_user(world.official).get(url(answer)).content.decode()
    assert reverse("answers:reject", args=[answer.pk]) not in body


def test_it_offers_the_manager_to_reject(world, answer, as_user):
    body = as_user(world.manager).get(url(answer)).content.decode()
    assert reverse("answers:reject", args=[answer.pk]) in body
    assert reverse("answers:restore", args=[answer.pk]) not in body


def test_it_offers_the_manager_to_restore_a_rejected_answer(world, answer, as_user):
    response_set_status(response=answer, status="rejected", by=world.manager, reason="trùng")
    body = as_user(world.manager).get(url(answer)).content.decode()
    assert reverse("answers:restore", args=[answer.pk]) in body
    assert reverse("answers:reject", args=[answer.pk]) not in body


def test_it_is_a_404_outside_the_scope(world, answer, as_user):
    assert as_user(world.outsider).get(url(answer)).status_code == 404
    assert as_user(world.sibling).get(url(answer)).status_code == 404


def test_it_is_a_404_for_a_missing_answer(world, as_user):
    assert as_user(world.manager).get(reverse("answers:detail", args=[999999])).status_code == 404
