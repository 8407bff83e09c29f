"""Storing one response: dimensions copied, every answer checked, exactly once, rate-limited."""

import datetime
import uuid

import pytest
from django.test import override_settings
from django.utils import timezone

from agencies.models import AdminUnit
from surveys.models import Campaign, Channel, Invitation, Item, Kiosk, Response, ResponseText
from surveys.services.responses import (
    AgencyNotInScope,
    AlreadyAnswered,
    CampaignNotOpen,
    InvalidAnswer,
    RateLimited,
    SubmissionRefused,
    client_hash,
    response_submit,
)


def submit(campaign, agency, scores, **kwargs):
    kwargs.setdefault("channel", Channel.ONLINE)
    kwargs.setdefault("texts", {})
    return response_submit(campaign=campaign, agency=agency, scores=scores, **kwargs)


def item(campaign, code: str) -> Item:
    return Item.objects.get(questionnaire=campaign.questionnaire, code=code)


def test_it_stores_a_response_with_the_commune_and_its_ancestors(world, campaign, full_answers):
    response, created = submit(campaign, world.phu_thuan, full_answers(campaign, TUOI=40))
    assert created
    response.refresh_from_db()
    assert response.questionnaire_id == campaign.questionnaire_id
    assert response.agency == world.phu_thuan
    assert response.agency_kind == world.phu_thuan.kind
    assert response.unit.code == "19903"
    assert response.commune.code == "19903"
    assert response.district.code == "478"
    assert response.province.code == "46"
    assert response.channel == Channel.ONLINE
    assert response.status == Response.Status.VALID
    assert response.scores == [4, 4, 4, 4, 4, 4, 4, 40, None, None]


def test_it_copies_a_district_agency_without_a_commune(world, campaign, full_answers):
    response, _ = submit(campaign, world.phu_vang, full_answers(campaign))
    assert (response.unit.code, response.district.code) == ("478", "478")
    assert response.province.code == "46"
    assert response.commune is None


def test_it_copies_a_province_agency_as_its_own_province(world, campaign_maker, full_answers):
    campaign = campaign_maker(scope=[world.root])
    response, _ = submit(campaign, world.root, full_answers(campaign))
    assert response.unit == response.province == AdminUnit.objects.get(era="3tier", code="46")
    assert response.district is None and response.commune is None


def test_it_refuses_a_value_outside_the_scale(world, campaign, full_answers):
    with pytest.raises(InvalidAnswer) as caught:
        submit(campaign, world.phu_vang, full_answers(campaign, **{"1.2": 6}))
    assert caught.value.errors == {"1.2": ["ngoài thang đo 1–5"]}
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    ("code", "value", "message"),
    [
        ("TUOI", 14, "ngoài khoảng cho phép 15–100"),
        ("TUOI", 101, "ngoài khoảng cho phép 15–100"),
        ("GT", 3, "ngoài thang đo 1, 2"),
        ("KENH", 0b111, "chọn quá 2 phương án"),
        ("KENH", 1 << 6, "có phương án không thuộc câu hỏi (các phương án: 1–5)"),
        ("KENH", -1, "có phương án không thuộc câu hỏi (các phương án: 1–5)"),
        ("1.1", True, "không phải số nguyên"),
        ("1.1", 4.0, "không phải số nguyên"),
        ("1.1", "4", "không phải số nguyên"),
    ],
)
def test_it_refuses_what_the_item_does_not_accept(
    world, campaign, full_answers, code, value, message
):
    with pytest.raises(InvalidAnswer) as caught:
        submit(campaign, world.phu_vang, full_answers(campaign, **{code: value}))
    assert caught.value.errors == {code: [message]}


def test_it_accepts_a_multiple_choice_as_a_bit_mask(world, campaign, full_answers):
    response, _ = submit(campaign, world.phu_vang, full_answers(campaign, KENH=0b10100))
    assert response.scores[item(campaign, "KENH").position - 1] == 0b10100


def test_it_refuses_more_answers_than_the_questionnaire_has(world, campaign, full_answers):
    with pytest.raises(InvalidAnswer) as caught:
        submit(campaign, world.phu_vang, [*full_answers(campaign), 3])
    assert "__all__" in caught.value.errors


def test_it_pads_a_short_list_with_blanks(world, campaign):
    response, _ = submit(campaign, world.phu_vang, [5, 4])
    assert response.scores == [5, 4, None, None, None, None, None, None, None, None]


def test_it_refuses_a_blank_required_item(world, campaign, full_answers):
    Item.objects.filter(questionnaire=campaign.questionnaire, code__in=["HL", "YK"]).update(
        required=True
    )
    with pytest.raises(InvalidAnswer) as caught:
        submit(campaign, world.phu_vang, full_answers(campaign, HL=None))
    assert caught.value.errors == {
        "HL": ["câu hỏi bắt buộc chưa được trả lời"],
        "YK": ["câu hỏi bắt buộc chưa được trả lời"],
    }
    assert "Có câu trả lời không hợp lệ" in caught.value.message


def test_it_asks_the_kiosk_only_for_the_short_variant(world, campaign, full_answers):
    Item.objects.filter(questionnaire=campaign.questionnaire, code="HL").update(
        required=True, in_short_variant=False
    )
    kiosk = Kiosk.objects.create(key="quay-1", campaign=campaign, agency=world.phu_vang)
    response, _ = submit(
        campaign, world.phu_vang, full_answers(campaign, HL=None), channel="kiosk", kiosk=kiosk
    )
    assert response.kiosk == kiosk
    with pytest.raises(InvalidAnswer):
        submit(campaign, world.phu_vang, full_answers(campaign, HL=None))


def test_it_refuses_a_kiosk_of_another_agency_or_none(world, campaign, full_answers):
    kiosk = Kiosk.objects.create(key="quay-2", campaign=campaign, agency=world.huong_tra)
    with pytest.raises(SubmissionRefused):
        submit(campaign, world.phu_vang, full_answers(campaign), channel="kiosk", kiosk=kiosk)
    with pytest.raises(SubmissionRefused):
        submit(campaign, world.phu_vang, full_answers(campaign), channel="kiosk")


@pytest.mark.parametrize(
    ("status", "opens", "closes", "reason"),
    [
        (Campaign.Status.DRAFT, -1, 30, CampaignNotOpen.NOT_YET),
        (Campaign.Status.OPEN, 2, 30, CampaignNotOpen.NOT_YET),
        (Campaign.Status.OPEN, -30, -1, CampaignNotOpen.CLOSED),
        (Campaign.Status.CLOSED, -30, 30, CampaignNotOpen.CLOSED),
        (Campaign.Status.PUBLISHED, -30, -1, CampaignNotOpen.CLOSED),
    ],
)
@pytest.mark.parametrize("channel", [Channel.ONLINE, Channel.KIOSK])
def test_it_refuses_online_answers_outside_the_open_dates(
    world, campaign_maker, full_answers, status, opens, closes, reason, channel
):
    today = timezone.localdate()
    campaign = campaign_maker(
        status=status,
        opens_on=today + datetime.timedelta(days=opens),
        closes_on=today + datetime.timedelta(days=closes),
    )
    kiosk = Kiosk.objects.create(key=f"k-{campaign.pk}", campaign=campaign, agency=world.phu_vang)
    with pytest.raises(CampaignNotOpen) as caught:
        submit(
            campaign,
            world.phu_vang,
            full_answers(campaign),
            channel=channel,
            kiosk=kiosk if channel == Channel.KIOSK else None,
        )
    assert caught.value.reason == reason
    assert not Response.objects.exists()


def test_it_names_the_opening_day_of_a_campaign_not_yet_open(world, campaign_maker, full_answers):
    opens = timezone.localdate() + datetime.timedelta(days=3)
    campaign = campaign_maker(opens_on=opens)
    with pytest.raises(CampaignNotOpen) as caught:
        submit(campaign, world.phu_vang, full_answers(campaign))
    assert opens.strftime("%d/%m/%Y") in caught.value.message


@pytest.mark.parametrize("channel", [Channel.PAPER, Channel.PHONE])
def test_it_takes_paper_and_phone_entry_after_fieldwork(
    world, campaign_maker, full_answers, channel
):
    today = timezone.localdate()
    campaign = campaign_maker(
        status=Campaign.Status.CLOSED,
        opens_on=today - datetime.timedelta(days=60),
        closes_on=today - datetime.timedelta(days=30),
    )
    response, created = submit(
        campaign,
        world.phu_vang,
        full_answers(campaign),
        channel=channel,
        entered_by=world.enumerator,
        respondent_code="PV-001",
    )
    assert created and response.entered_by == world.enumerator
    assert response.respondent_code == "PV-001"


@pytest.mark.parametrize(
    "status", [Campaign.Status.DRAFT, Campaign.Status.PUBLISHED, Campaign.Status.ARCHIVED]
)
def test_it_refuses_paper_entry_before_opening_or_after_publication(
    world, campaign_maker, full_answers, status
):
    campaign = campaign_maker(status=status)
    with pytest.raises(CampaignNotOpen):
        submit(campaign, world.phu_vang, full_answers(campaign), channel=Channel.PAPER)


def test_it_refuses_a_channel_the_campaign_does_not_offer(world, campaign_maker, full_answers):
    campaign = campaign_maker(channels=[Channel.ONLINE])
    with pytest.raises(CampaignNotOpen) as caught:
        submit(campaign, world.phu_vang, full_answers(campaign), channel=Channel.PHONE)
    assert caught.value.reason == CampaignNotOpen.CHANNEL


@pytest.mark.parametrize("agency", ["home_affairs", "da_nang", "root"])
def test_it_refuses_an_agency_outside_the_campaign(world, campaign, full_answers, agency):
    with pytest.raises(AgencyNotInScope):
        submit(campaign, getattr(world, agency), full_answers(campaign))


def test_it_refuses_an_agency_that_stopped_operating(world, campaign, full_answers):
    world.tu_ha.is_active = False
    world.tu_ha.save()
    with pytest.raises(AgencyNotInScope) as caught:
        submit(campaign, world.tu_ha, full_answers(campaign))
    assert "ngừng hoạt động" in caught.value.message


def test_it_stores_the_same_rendered_form_once(world, campaign, full_answers):
    key = uuid.uuid4()
    first, created = submit(campaign, world.phu_vang, full_answers(campaign), submission_key=key)
    again, created_again = submit(
        campaign, world.phu_vang, full_answers(campaign), submission_key=key
    )
    assert created and not created_again
    assert again.pk == first.pk
    assert Response.objects.count() == 1


def test_it_refuses_a_key_of_another_campaign(world, campaign_maker, full_answers):
    key = uuid.uuid4()
    one, other = campaign_maker(), campaign_maker()
    submit(one, world.phu_vang, full_answers(one), submission_key=key)
    with pytest.raises(SubmissionRefused):
        submit(other, world.phu_vang, full_answers(other), submission_key=key)


def test_it_refuses_a_second_answer_to_one_invitation(world, campaign, full_answers):
    invitation = Invitation.objects.create(campaign=campaign, agency=world.phu_vang, token="t1")
    response, _ = submit(campaign, world.phu_vang, full_answers(campaign), invitation=invitation)
    assert response.invitation == invitation
    with pytest.raises(AlreadyAnswered):
        submit(campaign, world.phu_vang, full_answers(campaign), invitation=invitation)
    assert Response.objects.count() == 1


def test_it_refuses_an_invitation_for_another_agency(world, campaign, full_answers):
    invitation = Invitation.objects.create(campaign=campaign, agency=world.huong_tra, token="t2")
    with pytest.raises(SubmissionRefused):
        submit(campaign, world.phu_vang, full_answers(campaign), invitation=invitation)


def test_it_refuses_a_respondent_code_entered_twice(world, campaign, full_answers):
    submit(campaign, world.phu_vang, full_answers(campaign), channel="paper", respondent_code="A1")
    with pytest.raises(InvalidAnswer) as caught:
        submit(
            campaign, world.phu_vang, full_answers(campaign), channel="phone", respondent_code="A1"
        )
    assert list(caught.value.errors) == ["respondent_code"]


@override_settings(SURVEY_RATE_LIMIT_PER_HOUR=3)
def test_it_rate_limits_the_open_link_per_address_and_campaign(world, campaign_maker, full_answers):
    campaign, other = campaign_maker(), campaign_maker()
    for _ in range(3):
        submit(campaign, world.phu_vang, full_answers(campaign), client_ip="203.0.113.9")
    with pytest.raises(RateLimited) as caught:
        submit(campaign, world.phu_vang, full_answers(campaign), client_ip="203.0.113.9")
    assert "quá nhiều phiếu" in caught.value.message
    # Another address, another campaign, a personal invitation, a kiosk: not limited.
    submit(campaign, world.phu_vang, full_answers(campaign), client_ip="203.0.113.10")
    submit(other, world.phu_vang, full_answers(other), client_ip="203.0.113.9")
    invitation = Invitation.objects.create(campaign=campaign, agency=world.phu_vang, token="t3")
    submit(
        campaign,
        world.phu_vang,
        full_answers(campaign),
        client_ip="203.0.113.9",
        invitation=invitation,
    )
    assert Response.objects.filter(campaign=campaign).count() == 5


@override_settings(SURVEY_RATE_LIMIT_PER_HOUR=2)
def test_it_counts_only_the_last_hour(world, campaign, full_answers):
    for _ in range(2):
        submit(campaign, world.phu_vang, full_answers(campaign), client_ip="198.51.100.1")
    Response.objects.update(submitted_at=timezone.now() - datetime.timedelta(minutes=61))
    submit(campaign, world.phu_vang, full_answers(campaign), client_ip="198.51.100.1")


@override_settings(SURVEY_RATE_LIMIT_PER_HOUR=1)
def test_it_still_recognises_a_repeated_post_at_the_limit(world, campaign, full_answers):
    key = uuid.uuid4()
    first, _ = submit(
        campaign, world.phu_vang, full_answers(campaign), client_ip="::1", submission_key=key
    )
    again, created = submit(
        campaign, world.phu_vang, full_answers(campaign), client_ip="::1", submission_key=key
    )
    assert (again.pk, created) == (first.pk, False)


@override_settings(SURVEY_RATE_LIMIT_PER_HOUR=0)
def test_it_can_turn_the_rate_limit_off(world, campaign, full_answers):
    for _ in range(25):
        submit(campaign, world.phu_vang, full_answers(campaign), client_ip="192.0.2.1")
    assert Response.objects.count() == 25


def test_it_keeps_a_keyed_hash_never_the_address(world, campaign, full_answers):
    response, _ = submit(campaign, world.phu_vang, full_answers(campaign), client_ip="192.0.2.7")
    assert response.client_hash == client_hash(campaign, "192.0.2.7")
    assert len(response.client_hash) == 64 and "192.0.2.7" not in response.client_hash
    stored = Response.objects.filter(pk=response.pk).values().get()
    assert not any("192.0.2.7" in str(value) for value in stored.values())


def test_it_stores_free_text_as_given_apart_from_scores(world, campaign, full_answers):
    text = '<script>alert("xss")</script> Thủ tục nhanh & gọn'
    response, _ = submit(
        campaign, world.phu_vang, full_answers(campaign), texts={item(campaign, "YK").pk: text}
    )
    assert ResponseText.objects.get(response=response).text == text
    assert response.scores == full_answers(campaign)


def test_it_takes_items_as_keys_of_texts_and_skips_blank_ones(world, campaign, full_answers):
    response, _ = submit(
        campaign, world.phu_vang, full_answers(campaign), texts={item(campaign, "YK"): "   "}
    )
    assert not ResponseText.objects.filter(response=response).exists()


@override_settings(SURVEY_TEXT_MAX_CHARS=10)
def test_it_refuses_text_over_the_limit(world, campaign, full_answers):
    with pytest.raises(InvalidAnswer) as caught:
        submit(
            campaign,
            world.phu_vang,
            full_answers(campaign),
            texts={item(campaign, "YK").pk: "x" * 11},
        )
    assert caught.value.errors == {"YK": ["dài quá 10 ký tự"]}


def test_it_refuses_text_for_an_item_of_another_questionnaire(world, campaign, full_answers):
    with pytest.raises(InvalidAnswer):
        submit(campaign, world.phu_vang, full_answers(campaign), texts={10**9: "lạ"})


def test_it_refuses_a_nul_character(world, campaign, full_answers):
    with pytest.raises(InvalidAnswer):
        submit(
            campaign, world.phu_vang, full_answers(campaign), texts={item(campaign, "YK").pk: "a\0"}
        )


def test_it_records_the_time_taken(world, campaign, full_answers):
    started = timezone.now() - datetime.timedelta(minutes=7, seconds=5)
    response, _ = submit(campaign, world.phu_vang, full_answers(campaign), started_at=started)
    assert 425 <= response.duration_seconds <= 430
    assert response.started_at == started


def test_it_uses_few_queries(world, campaign, full_answers, django_assert_max_num_queries):
    yk = item(campaign, "YK").pk
    with django_assert_max_num_queries(8):
        submit(campaign, world.phu_vang, full_answers(campaign), texts={yk: "tốt"}, client_ip="::1")
