"""The open link /s/<code>/: introduction, agency picker, the questionnaire, exactly once."""

import datetime
import re
import uuid

import pytest
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from agencies.models import AgencyKind
from agencies.tests.factories import make_agency
from surveys.models import Campaign, Channel, Item, Response, ResponseText
from surveys.views.public import client_ip

HIDDEN = re.compile(r'<input type="hidden" name="(submission_key|started|agency)" value="([^"]*)"')


def url(campaign, **query) -> str:
    base = reverse("public:open", args=[campaign.code])
    if query:
        base += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return base


def done(campaign) -> str:
    return reverse("public:open_done", args=[campaign.code])


def comment_item(campaign) -> Item:
    return Item.objects.get(questionnaire=campaign.questionnaire, code="YK")


def rendered(client, campaign, agency) -> dict[str, str]:
    """The hidden fields of the questionnaire as the page renders it for `agency`."""
    page = client.get(url(campaign, agency=agency.pk))
    assert page.status_code == 200
    return dict(HIDDEN.findall(page.text))


def answers(campaign, *, comment: str = "", **fields) -> dict[str, object]:
    """Every 5-level item answered 4 (q_1..q_7), TUOI 40, KENH 1 and 3, GT Có."""
    data: dict[str, object] = {f"q_{p}": 4 for p in range(1, 8)}
    data.update({"q_8": 40, "q_9": ["1", "3"], "q_10": 1})
    if comment:
        data[f"t_{comment_item(campaign).pk}"] = comment
    data.update(fields)
    return data


def post(client, campaign, agency, **kwargs):
    data = {**rendered(client, campaign, agency), **answers(campaign, **kwargs)}
    return client.post(url(campaign, agency=agency.pk), data), data


def test_it_introduces_the_survey_and_lists_the_agencies(world, campaign, client):
    response = client.get(url(campaign))
    assert response.status_code == 200
    text = response.text
    assert campaign.name in text
    assert "Ẩn danh:" in text and "không cần ghi tên" in text
    assert "khoảng 10 phút." in text
    start = campaign.opens_on.strftime("%d/%m/%Y")
    end = campaign.closes_on.strftime("%d/%m/%Y")
    assert f"nhận phiếu từ {start} đến {end}." in text
    for agency in (world.phu_vang, world.phu_thuan, world.huong_tra, world.tu_ha):
        assert f'name="agency" value="{agency.pk}"' in text
    assert f'value="{world.da_nang.pk}"' not in text
    assert "navbar" not in text  # the citizens' light page
    assert 'action="/i18n/setlang/"' in text


def test_it_finds_agencies_by_name_or_unit_without_accents(world, campaign_maker, client):
    desk = make_agency(
        "Bộ phận Một cửa", unit_code="19996", parent=world.tu_ha, kind=AgencyKind.ONE_STOP_DESK
    )
    campaign = campaign_maker(scope=[world.phu_vang, world.phu_thuan, world.tu_ha, desk])

    def found(query: str) -> set[int]:
        text = client.get(url(campaign), {"q": query}).text
        return {int(pk) for pk in re.findall(r'name="agency" value="(\d+)"', text)}

    assert found("phu thuan") == {world.phu_thuan.pk}
    assert found("PHÚ THUẬN") == {world.phu_thuan.pk}
    # "Bộ phận Một cửa" has no place name: it is found by its unit, Phường Tứ Hạ.
    assert found("tu ha") == {world.tu_ha.pk, desk.pk}
    assert found("mot cua") == {desk.pk}
    assert found("không có") == set()
    assert "Không tìm thấy cơ quan nào" in client.get(url(campaign), {"q": "xyz"}).text


def test_it_shows_the_questionnaire_for_the_chosen_agency(world, campaign, client):
    response = client.get(url(campaign, agency=world.phu_thuan.pk))
    assert response.status_code == 200
    text = response.text
    assert "UBND xã Phú Thuận" in text
    assert f'<input type="hidden" name="agency" value="{world.phu_thuan.pk}">' in text
    assert "Phần 1/3" in text and "Phần 3/3" in text and "<progress" in text
    assert '<fieldset id="id_q_1"' in text and '<legend class="sv-legend">' in text
    hidden = dict(HIDDEN.findall(text))
    uuid.UUID(hidden["submission_key"])
    # The honeypot: hidden from people, from the keyboard and from screen readers.
    assert '<div class="visually-hidden" aria-hidden="true">' in text
    assert 'name="website" id="id_website" value="" autocomplete="off" tabindex="-1"' in text
    assert "Để trống ô này" in text


def test_it_renders_a_new_submission_key_each_time(world, campaign, client):
    first = rendered(client, campaign, world.phu_thuan)["submission_key"]
    assert rendered(client, campaign, world.phu_thuan)["submission_key"] != first


def test_it_asks_again_for_an_agency_outside_the_scope(world, campaign, client):
    response = client.get(url(campaign, agency=world.da_nang.pk))
    assert response.status_code == 200
    assert 'role="alert"' in response.text
    assert "Vui lòng chọn cơ quan" in response.text
    assert 'name="submission_key"' not in response.text
    data = {**rendered(client, campaign, world.phu_thuan), **answers(campaign)}
    response = client.post(url(campaign), {**data, "agency": world.da_nang.pk})
    assert response.status_code == 400
    assert not Response.objects.exists()


def test_it_stores_a_response_with_channel_online_and_dimensions(world, campaign, client):
    response, data = post(client, campaign, world.phu_thuan, comment="Cán bộ nhiệt tình")
    assert response.status_code == 302
    assert response.url == done(campaign)
    row = Response.objects.get()
    assert str(row.submission_key) == data["submission_key"]
    assert row.channel == Channel.ONLINE
    assert row.agency == world.phu_thuan
    assert (row.commune.code, row.district.code, row.province.code) == ("19903", "478", "46")
    assert row.scores == [4, 4, 4, 4, 4, 4, 4, 40, 0b101, 1]
    assert row.kiosk is None and row.invitation is None
    assert row.language == "vi"
    assert row.client_hash  # for the rate limit, never the address itself
    assert row.started_at is not None and row.duration_seconds is not None
    assert ResponseText.objects.get().text == "Cán bộ nhiệt tình"
    thanks = client.get(response.url)
    assert thanks.status_code == 200
    assert "Cảm ơn ông/bà đã trả lời!" in thanks.text


def test_it_stores_one_response_for_a_form_posted_twice(world, campaign, client):
    first, data = post(client, campaign, world.phu_thuan)
    # A refresh, the back button or a double click: the same rendered form, posted again.
    again = client.post(url(campaign, agency=world.phu_thuan.pk), data)
    assert first.status_code == again.status_code == 302
    assert again.url == done(campaign)
    assert Response.objects.count() == 1
    post(client, campaign, world.phu_thuan)  # a new rendering is a new answer
    assert Response.objects.count() == 2


def test_it_thanks_a_robot_that_fills_the_honeypot_and_keeps_nothing(world, campaign, client):
    response, _ = post(client, campaign, world.phu_thuan, website="http://spam.example")
    assert response.status_code == 302
    assert response.url == done(campaign)
    assert not Response.objects.exists()


def test_it_says_the_campaign_has_not_started_and_accepts_nothing(world, campaign_maker, client):
    today = timezone.localdate()
    campaign = campaign_maker(opens_on=today + datetime.timedelta(days=3))
    response = client.get(url(campaign))
    assert response.status_code == 200
    assert "Đợt khảo sát chưa bắt đầu" in response.text
    assert (today + datetime.timedelta(days=3)).strftime("%d/%m/%Y") in response.text
    assert 'name="agency"' not in response.text
    data = {"agency": world.phu_thuan.pk, "submission_key": str(uuid.uuid4())}
    response = client.post(url(campaign), {**data, **answers(campaign)})
    assert response.status_code == 200
    assert "chưa bắt đầu" in response.text
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"status": Campaign.Status.CLOSED},
        {"closes_on": timezone.localdate() - datetime.timedelta(days=1)},
    ],
)
def test_it_says_the_campaign_has_ended_and_accepts_nothing(world, campaign_maker, client, fields):
    today = timezone.localdate()
    if "closes_on" in fields:
        fields = {**fields, "opens_on": today - datetime.timedelta(days=10)}
    campaign = campaign_maker(**fields)
    response = client.get(url(campaign))
    assert response.status_code == 410
    assert "Đợt khảo sát đã kết thúc" in response.text
    data = {"agency": world.phu_thuan.pk, "submission_key": str(uuid.uuid4())}
    response = client.post(url(campaign), {**data, **answers(campaign)})
    assert response.status_code == 410
    assert not Response.objects.exists()


def test_it_says_when_the_campaign_takes_no_online_answers(world, campaign_maker, client):
    campaign = campaign_maker(channels=[Channel.PAPER])
    response = client.get(url(campaign))
    assert response.status_code == 404
    assert "không nhận phiếu qua kênh" in response.text


def test_it_answers_404_for_an_unknown_campaign(world, client):
    response = client.get(reverse("public:open", args=["khong-co-dot-nay"]))
    assert response.status_code == 404
    assert "Không tìm thấy phiếu khảo sát" in response.text
    assert client.get(reverse("public:open_done", args=["khong-co"])).status_code == 404


@override_settings(SURVEY_RATE_LIMIT_PER_HOUR=2)
def test_it_limits_answers_per_address_and_campaign(world, campaign, campaign_maker, client):
    post(client, campaign, world.phu_thuan)
    _, second = post(client, campaign, world.phu_vang)
    response, _ = post(client, campaign, world.tu_ha)
    assert response.status_code == 429
    assert "quá nhiều phiếu" in response.text
    assert Response.objects.count() == 2
    # The second form posted again is still that form: its thank-you, not a refusal.
    again = client.post(url(campaign), second)
    assert again.status_code == 302
    # Another address, and another campaign, have their own count.
    other = Client(REMOTE_ADDR="10.1.2.3")
    assert post(other, campaign, world.tu_ha)[0].status_code == 302
    assert post(client, campaign_maker(), world.tu_ha)[0].status_code == 302
    assert Response.objects.count() == 4


def test_it_reads_the_client_address_behind_the_proxies():
    factory = RequestFactory()
    request = factory.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 1.2.3.4", REMOTE_ADDR="10.0.0.1")
    with override_settings(AXES_IPWARE_PROXY_COUNT=0):
        assert client_ip(request) == "10.0.0.1"
    with override_settings(AXES_IPWARE_PROXY_COUNT=1):
        assert client_ip(request) == "1.2.3.4"  # "6.6.6.6" is the client's own claim
    with override_settings(AXES_IPWARE_PROXY_COUNT=2):
        assert client_ip(request) == "6.6.6.6"
    with override_settings(AXES_IPWARE_PROXY_COUNT=3):
        assert client_ip(request) == "10.0.0.1"


def test_it_refuses_a_value_outside_the_scale_and_keeps_the_answers(world, campaign, client):
    response, _ = post(client, campaign, world.phu_thuan, q_1=9, comment="Chờ lâu")
    assert response.status_code == 400
    text = response.text
    assert 'class="sv-error-summary" role="alert"' in text
    assert '<a href="#id_q_1_0">' in text
    assert "Lựa chọn không hợp lệ." in text
    assert text.startswith("<!doctype html>") and "<title>Lỗi:" in text
    assert re.search(r'name="q_2" value="4"[^>]*checked', text)  # the answers are kept
    assert "Chờ lâu</textarea>" in text
    assert not Response.objects.exists()


def test_it_refuses_a_number_outside_its_range(world, campaign, client):
    response, _ = post(client, campaign, world.phu_thuan, q_8=500)
    assert response.status_code == 400
    assert "Nhập một số từ 15 đến 100." in response.text
    assert not Response.objects.exists()


@override_settings(SURVEY_TEXT_MAX_CHARS=50)
def test_it_refuses_a_comment_longer_than_the_limit(world, campaign, client):
    response, _ = post(client, campaign, world.phu_thuan, comment="x" * 51)
    assert response.status_code == 400
    assert "Tối đa 50 ký tự" in response.text  # the form says it before anything is sent on
    field = f"t_{comment_item(campaign).pk}"
    assert f'<a href="#id_{field}">' in response.text
    assert re.search(rf'name="{field}"[^>]*aria-invalid="true"', response.text)
    assert not Response.objects.exists()


def test_it_stores_script_as_given_and_shows_it_escaped(world, campaign, client):
    script = "<script>alert(1)</script>"
    response, data = post(client, campaign, world.phu_thuan, q_1=9, comment=script)
    assert response.status_code == 400
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    assert script not in response.text
    response = client.post(url(campaign), {**data, "q_1": 4})
    assert response.status_code == 302
    assert ResponseText.objects.get().text == script
    assert script not in client.get(response.url).text


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=4096)
def test_it_answers_413_for_an_oversized_request(world, campaign, client):
    response, _ = post(client, campaign, world.phu_thuan, comment="x" * 5000)
    assert response.status_code == 413
    assert "Nội dung gửi lên quá lớn" in response.text
    assert not Response.objects.exists()


@override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=5)
def test_it_answers_400_for_too_many_fields(world, campaign, client):
    response, _ = post(client, campaign, world.phu_thuan)
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.text
    assert not Response.objects.exists()


def test_it_answers_400_without_a_submission_key(world, campaign, client):
    data = {"agency": world.phu_thuan.pk, **answers(campaign)}
    response = client.post(url(campaign), data)
    assert response.status_code == 400
    assert not Response.objects.exists()


def test_it_explains_a_missing_csrf_cookie_in_vietnamese(world, campaign):
    client = Client(enforce_csrf_checks=True)
    data = {"agency": world.phu_thuan.pk, "submission_key": str(uuid.uuid4())}
    response = client.post(url(campaign), {**data, **answers(campaign)})
    assert response.status_code == 403
    assert "Phiên trả lời đã hết hạn" in response.text
    assert not Response.objects.exists()
    # With the cookie and the token of the rendered page, it goes through.
    page = client.get(url(campaign, agency=world.phu_thuan.pk)).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    hidden = dict(HIDDEN.findall(page))
    data = {**hidden, **answers(campaign), "csrfmiddlewaretoken": token}
    assert client.post(url(campaign), data).status_code == 302


def test_it_switches_to_english(world, campaign, client):
    form_url = url(campaign, agency=world.phu_thuan.pk)
    response = client.post(reverse("set_language"), {"language": "en", "next": form_url})
    assert response.status_code == 302
    text = client.get(form_url).text
    assert '<html lang="en">' in text
    assert "Test form" in text and "Criterion 1.1" in text and "Very satisfied" in text
    assert "Tiêu chí 1.1" not in text and "Rất hài lòng" not in text
    assert 'value="vi"' in text  # the way back to Vietnamese
    post(client, campaign, world.phu_thuan)
    assert Response.objects.get().language == "en"
