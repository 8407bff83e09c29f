"""A personal invitation /s/t/<token>/: agency bound, single use, nothing to probe tokens with."""

import datetime
import re
import secrets

import pytest
from django.urls import reverse
from django.utils import timezone

from surveys.models import Campaign, Channel, Invitation, Response
from surveys.services.collect import invitations_create

HIDDEN = re.compile(r'<input type="hidden" name="(submission_key|started)" value="([^"]*)"')
ANSWERS = {**{f"q_{p}": 4 for p in range(1, 8)}, "q_8": 30}


@pytest.fixture
def invitation(world, campaign) -> Invitation:
    return invitations_create(campaign=campaign, agency=world.tu_ha, respondent_codes=["HS-0001"])[
        0
    ]


def url(token: str) -> str:
    return reverse("public:invitation", args=[token])


def submit(client, token: str):
    page = client.get(url(token))
    assert page.status_code == 200
    data = {**dict(HIDDEN.findall(page.text)), **ANSWERS}
    return client.post(url(token), data), data


def test_it_shows_the_questionnaire_with_the_agency_bound(world, invitation, client):
    response = client.get(url(invitation.token))
    assert response.status_code == 200
    text = response.text
    assert "UBND phường Tứ Hạ" in text
    assert 'name="agency"' not in text  # no picker, and nothing to change it with
    assert "Chọn cơ quan khác" not in text
    assert 'name="website"' not in text
    assert "Phần 1/3" in text


def test_it_stores_the_response_with_its_invitation(world, campaign, invitation, client):
    response, _ = submit(client, invitation.token)
    assert response.status_code == 302
    assert response.url == reverse("public:open_done", args=[campaign.code])
    row = Response.objects.get()
    assert row.invitation == invitation
    assert row.agency == world.tu_ha
    assert row.channel == Channel.ONLINE
    # The respondent's code stays on the invitation: it never meets the paper forms' codes.
    assert row.respondent_code == ""
    assert row.invitation.respondent_code == "HS-0001"


def test_it_is_single_use(world, invitation, client):
    submit(client, invitation.token)
    response = client.get(url(invitation.token))
    assert response.status_code == 200
    assert "Phiếu này đã được trả lời. Cảm ơn ông/bà." in response.text
    assert 'name="submission_key"' not in response.text
    # Another form of the same invitation, rendered before the first was sent, is refused.
    other = client.post(url(invitation.token), {**ANSWERS, "submission_key": "0" * 32})
    assert "Phiếu này đã được trả lời." in other.text
    assert Response.objects.count() == 1


def test_it_thanks_again_for_the_same_form_posted_twice(world, invitation, client):
    first, data = submit(client, invitation.token)
    again = client.post(url(invitation.token), data)
    assert first.status_code == again.status_code == 302
    assert Response.objects.count() == 1


def test_it_gives_malformed_and_unknown_tokens_the_same_not_found_page(world, invitation, client):
    unknown = secrets.token_urlsafe(32)
    pages = [
        client.get(url(token))
        for token in (
            unknown,
            "abc",
            "x" * 200,
            "<script>alert(1)",
            "'; DROP TABLE surveys_invitation; --",
            invitation.token[:-1] + "!",
            "%00%27--",
        )
    ]
    assert {page.status_code for page in pages} == {404}
    assert len({page.content for page in pages}) == 1
    assert "Không tìm thấy phiếu khảo sát" in pages[0].text
    # And the same page as an unknown campaign code.
    assert client.get(reverse("public:open", args=["khong-co"])).content == pages[0].content
    assert client.post(url(unknown), ANSWERS).status_code == 404


def test_it_refuses_answers_when_the_campaign_has_ended(world, campaign, invitation, client):
    Campaign.objects.filter(pk=campaign.pk).update(
        closes_on=timezone.localdate() - datetime.timedelta(days=1),
        opens_on=timezone.localdate() - datetime.timedelta(days=5),
    )
    response = client.get(url(invitation.token))
    assert response.status_code == 410
    assert "Đợt khảo sát đã kết thúc" in response.text
    response = client.post(url(invitation.token), {**ANSWERS, "submission_key": "0" * 32})
    assert response.status_code == 410
    assert not Response.objects.exists()


def test_it_is_not_rate_limited(world, campaign, client, settings):
    settings.SURVEY_RATE_LIMIT_PER_HOUR = 1
    made = invitations_create(campaign=campaign, agency=world.phu_vang, count=3)
    for invitation in made:
        assert submit(client, invitation.token)[0].status_code == 302
    assert Response.objects.count() == 3
