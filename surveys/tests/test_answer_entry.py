"""The enumerator's entry screen: digits, Tab and Enter; each form saved once, who keyed it."""

import uuid

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from satisfaction.browser import login
from surveys.forms.response import field_name
from surveys.models import Campaign, Item, Response, ResponseText


@pytest.fixture
def names(campaign) -> dict[str, str]:
    """Item code → input name."""
    items = Item.objects.filter(questionnaire=campaign.questionnaire)
    return {item.code: field_name(item) for item in items}


def url(campaign) -> str:
    return reverse("answers:entry", args=[campaign.pk])


def post_data(world, names, *, key=None, agency=None, channel="paper", code="", **by_code):
    """A filled-in form: every 5-level item 4 unless given, the rest blank unless given."""
    data = {
        "submission_key": str(key or uuid.uuid4()),
        "respondent_code": code,
        "agency": (agency or world.phu_vang).pk,
        "channel": channel,
    }
    for item_code, name in names.items():
        default = "4" if item_code[0].isdigit() or item_code == "HL" else ""
        data[name] = by_code.get(item_code, default)
    return data


def test_it_sends_an_anonymous_visitor_to_the_login_page(client, campaign):
    response = client.get(url(campaign))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_renders_a_keyboard_form(world, campaign, names, as_user):
    response = as_user(world.enumerator).get(url(campaign))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="respondent_code"' in body and "autofocus" in body.split('name="agency"')[0]
    q11 = body.split(f'name="{names["1.1"]}"', 1)[1].split(">", 1)[0]
    assert 'inputmode="numeric"' in q11 and 'pattern="1|2|3|4|5"' in q11
    assert 'maxlength="1"' in q11 and 'data-allowed="1 2 3 4 5"' in q11
    kenh = body.split(f'name="{names["KENH"]}"', 1)[1].split(">", 1)[0]
    assert 'data-kind="multi"' in kenh and 'data-max-choices="2"' in kenh
    assert 'name="submission_key"' in body and "js/entry.js" in body
    # Only the agencies the enumerator may enter for: Phú Vang and Phú Thuận.
    options = set(response.context["form"].fields["agency"].queryset)
    assert options == {world.phu_vang, world.phu_thuan}


def test_it_saves_a_paper_form_with_who_entered_it(world, campaign, names, as_user):
    client = as_user(world.enumerator)
    data = post_data(
        world,
        names,
        code="HUE-00001",
        **{"1.1": "5", "2.3": "", "TUOI": "42", "KENH": "13", "GT": "2", "YK": "<b>Tốt</b>"},
    )
    response = client.post(url(campaign), data)
    assert response.status_code == 302 and response.url == url(campaign)
    stored = Response.objects.get()
    assert stored.entered_by == world.enumerator and stored.channel == "paper"
    assert stored.agency == world.phu_vang and stored.respondent_code == "HUE-00001"
    items = {i.code: i for i in Item.objects.filter(questionnaire=campaign.questionnaire)}
    scores = stored.scores
    assert scores[items["1.1"].position - 1] == 5
    assert scores[items["1.2"].position - 1] == 4
    assert scores[items["2.3"].position - 1] is None
    assert scores[items["TUOI"].position - 1] == 42
    assert scores[items["KENH"].position - 1] == 0b101
    assert scores[items["GT"].position - 1] == 2
    assert ResponseText.objects.get(response=stored).text == "<b>Tốt</b>"
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert shown == [f"Đã lưu phiếu #{stored.pk} (mã HUE-00001)."]


def test_it_accepts_multiple_choices_with_spaces(world, campaign, names, as_user):
    as_user(world.enumerator).post(url(campaign), post_data(world, names, KENH="2 4"))
    item = Item.objects.get(questionnaire=campaign.questionnaire, code="KENH")
    assert Response.objects.get().scores[item.position - 1] == 0b1010


def test_it_keeps_the_agency_and_channel_for_the_next_form(world, campaign, names, as_user):
    client = as_user(world.enumerator)
    client.post(url(campaign), post_data(world, names, agency=world.phu_thuan, channel="phone"))
    response = client.get(url(campaign))
    form = response.context["form"]
    assert form["agency"].value() == world.phu_thuan.pk
    assert form["channel"].value() == "phone"
    assert form[names["1.1"]].value() in (None, "")
    assert Response.objects.get().channel == "phone"


@pytest.mark.parametrize(
    ("code", "value", "message"),
    [
        ("1.1", "7", "Chỉ nhận 1–5."),
        ("1.1", "a", "Chỉ nhập chữ số."),
        ("TUOI", "7", "Nhập một số từ 15 đến 100."),
        ("KENH", "135", "Chọn tối đa 2 phương án."),
        ("KENH", "16", "Chỉ nhận các phương án 1–5."),
        ("GT", "3", "Chỉ nhận 1, 2."),
    ],
)
def test_it_shows_an_invalid_value_next_to_its_input(
    world, campaign, names, as_user, code, value, message
):
    response = as_user(world.enumerator).post(
        url(campaign), post_data(world, names, **{code: value})
    )
    assert response.status_code == 400
    body = response.content.decode()
    error = body.split(f'id="{names[code]}-error"', 1)[1].split("</div>", 1)[0]
    assert message in error
    field = body.split(f'name="{names[code]}"', 1)[1].split(">", 1)[0]
    assert 'aria-invalid="true"' in field and "autofocus" in field
    assert not Response.objects.exists()


def test_it_refuses_a_very_long_value(world, campaign, names, as_user):
    response = as_user(world.enumerator).post(
        url(campaign), post_data(world, names, TUOI="9" * 5000)
    )
    assert response.status_code == 400
    assert not Response.objects.exists()


def test_it_refuses_an_empty_form(world, campaign, names, as_user):
    data = post_data(world, names, **dict.fromkeys(names, ""))
    response = as_user(world.enumerator).post(url(campaign), data)
    assert response.status_code == 400
    assert "Phiếu chưa có câu trả lời nào." in response.content.decode()
    assert not Response.objects.exists()


def test_it_saves_a_double_post_once(world, campaign, names, as_user):
    client = as_user(world.enumerator)
    data = post_data(world, names, key=uuid.uuid4(), code="HUE-00002")
    first = client.post(url(campaign), data)
    second = client.post(url(campaign), data)
    assert first.status_code == second.status_code == 302
    assert Response.objects.count() == 1
    shown = [str(m) for m in get_messages(second.wsgi_request)]
    assert "đã được lưu trước đó" in shown[-1]


def test_it_refuses_a_respondent_code_already_entered(world, campaign, names, as_user):
    client = as_user(world.enumerator)
    client.post(url(campaign), post_data(world, names, code="HUE-00003"))
    response = client.post(url(campaign), post_data(world, names, code="HUE-00003"))
    assert response.status_code == 400
    assert "đã được nhập cho đợt khảo sát này" in response.content.decode()
    assert Response.objects.count() == 1


def test_it_refuses_an_agency_outside_the_users_scope(world, campaign, names, as_user):
    data = post_data(world, names, agency=world.huong_tra)
    response = as_user(world.enumerator).post(url(campaign), data)
    assert response.status_code == 400
    assert response.context["form"].errors["agency"]
    assert not Response.objects.exists()


def test_it_is_a_403_for_a_viewer(world, campaign, names, as_user):
    client = as_user(world.viewer)
    assert client.get(url(campaign)).status_code == 403
    assert client.post(url(campaign), post_data(world, names)).status_code == 403
    assert not Response.objects.exists()


def test_it_is_a_404_for_an_outsider(world, campaign, names, as_user):
    client = as_user(world.outsider)
    assert client.get(url(campaign)).status_code == 404
    assert client.post(url(campaign), post_data(world, names)).status_code == 404


def test_it_still_accepts_paper_once_fieldwork_is_closed(world, campaign_maker, as_user):
    campaign = campaign_maker(status=Campaign.Status.CLOSED)
    items = Item.objects.filter(questionnaire=campaign.questionnaire)
    names = {item.code: field_name(item) for item in items}
    response = as_user(world.official).post(url(campaign), post_data(world, names))
    assert response.status_code == 302
    assert Response.objects.get().entered_by == world.official


def test_it_refuses_a_published_campaign_with_a_message(world, campaign_maker, as_user):
    campaign = campaign_maker(status=Campaign.Status.PUBLISHED)
    items = Item.objects.filter(questionnaire=campaign.questionnaire)
    names = {item.code: field_name(item) for item in items}
    client = as_user(world.enumerator)
    page = client.get(url(campaign)).content.decode()
    assert "đã công bố kết quả" in page and 'name="submission_key"' not in page
    response = client.post(url(campaign), post_data(world, names))
    assert response.status_code == 400
    assert "đã công bố kết quả" in response.content.decode()
    assert not Response.objects.exists()


def test_it_says_so_when_the_campaign_takes_no_paper_or_phone(world, campaign_maker, as_user):
    campaign = campaign_maker(channels=("online", "kiosk"))
    body = as_user(world.enumerator).get(url(campaign)).content.decode()
    assert "không thu phiếu giấy hay qua điện thoại" in body


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_takes_form_after_form_from_the_keyboard_alone(
    world, campaign_maker, browser_page, live_server
):
    campaign = campaign_maker(scope=[world.phu_vang])
    items = Item.objects.filter(questionnaire=campaign.questionnaire)
    names = {item.code: field_name(item) for item in items}
    page = browser_page
    login(page, live_server, world.enumerator.username, "password")
    page.goto(url(campaign))

    def focused() -> str:
        return page.evaluate("document.activeElement.name")

    assert focused() == "respondent_code"
    page.keyboard.type("HUE-00001")
    page.keyboard.press("Enter")  # what a QR scanner sends after the code: move on, not save
    assert focused() == names["1.1"]
    page.keyboard.type("7")
    first = page.locator(f'[name="{names["1.1"]}"]')
    assert first.get_attribute("aria-invalid") == "true"
    assert page.locator(f"#{names['1.1']}-error").inner_text() == "Chỉ nhận 1–5."
    page.keyboard.press("Backspace")
    page.keyboard.type("5")
    assert first.get_attribute("aria-invalid") is None
    for value in ["4", "4", "3", "3", "2", "4", "42", "13", "1", "<i>Tốt</i>"]:
        page.keyboard.press("Tab")
        page.keyboard.type(value)
    page.keyboard.press("Enter")
    page.get_by_text("Đã lưu phiếu #").wait_for()

    stored = Response.objects.get()
    assert stored.entered_by == world.enumerator and stored.respondent_code == "HUE-00001"
    assert stored.scores[:6] == [5, 4, 4, 3, 3, 2]
    assert ResponseText.objects.get(response=stored).text == "<i>Tốt</i>"
    # Ready for the next form: empty, the focus back on the ma phiếu.
    assert focused() == "respondent_code"
    assert page.locator('[name="respondent_code"]').input_value() == ""
    assert page.locator(f'[name="{names["1.1"]}"]').input_value() == ""
