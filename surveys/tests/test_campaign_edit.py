"""Editing a campaign's basics: rights, frozen fields once open, and optimistic locking."""

import datetime

import pytest
from django.urls import reverse

from surveys.models import Campaign
from surveys.services.campaigns import campaign_transition
from surveys.tests.factories import make_campaign, make_questionnaire

CONFLICT = (
    "Đợt khảo sát vừa được người khác thay đổi sau khi bạn mở trang này, nên thay đổi của bạn "
    "chưa được lưu. Hãy tải lại trang để xem bản mới nhất rồi sửa lại."
)


@pytest.fixture
def hue(world):
    return make_campaign(
        organiser=world.home_affairs,
        code="sipas-hue-2024",
        name="SIPAS Huế 2024",
        scope=[world.phu_vang, world.huong_tra],
        opens_on=datetime.date(2026, 11, 1),
        closes_on=datetime.date(2026, 12, 31),
    )


def url(campaign) -> str:
    return reverse("campaigns:edit", args=[campaign.pk])


def form_data(response) -> dict:
    """What the browser would post back: the form's initial values, as strings."""
    form = response.context["form"]
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        if isinstance(value, list):
            data[name] = value
        elif hasattr(value, "strftime"):
            data[name] = value.strftime("%d/%m/%Y")
        else:
            data[name] = "" if value is None else str(getattr(value, "pk", value))
    return data


def test_it_sends_an_anonymous_visitor_to_the_login_page(hue, client):
    response = client.get(url(hue))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_hides_the_campaign_from_the_outsider(world, hue, as_user):
    client = as_user(world.outsider)
    assert client.get(url(hue)).status_code == 404
    assert client.post(url(hue), {"name": "X"}).status_code == 404


def test_it_hides_a_campaign_not_covering_the_sibling(world, as_user):
    elsewhere = make_campaign(organiser=world.home_affairs, scope=[world.phu_vang])
    assert as_user(world.sibling).get(url(elsewhere)).status_code == 404


@pytest.mark.parametrize("user", ["official", "viewer", "enumerator", "supervisor", "sibling"])
def test_it_refuses_roles_that_do_not_manage_campaigns(world, hue, as_user, user):
    client = as_user(getattr(world, user))
    assert client.get(url(hue)).status_code == 403
    assert client.post(url(hue), {"name": "Đổi tên"}).status_code == 403
    assert Campaign.objects.get(pk=hue.pk).name == "SIPAS Huế 2024"


def test_it_saves_the_managers_changes(world, hue, as_user):
    client = as_user(world.manager)
    page = client.get(url(hue))
    assert page.status_code == 200
    assert f'name="lock_version" value="{hue.lock_version}"' in page.text
    assert 'value="01/11/2026"' in page.text
    data = form_data(page) | {"name": "SIPAS thành phố Huế 2024", "closes_on": "15/01/2027"}
    response = client.post(url(hue), data)
    assert response.status_code == 302
    assert response.url == reverse("campaigns:detail", args=[hue.pk])
    hue.refresh_from_db()
    assert (hue.name, hue.closes_on) == ("SIPAS thành phố Huế 2024", datetime.date(2027, 1, 15))


def test_it_tells_the_second_of_two_officials_that_the_campaign_changed(world, hue, as_user):
    """Both loaded the form at the same lock_version; the second save keeps its input."""
    first = as_user(world.manager)
    data = form_data(first.get(url(hue)))
    first.post(url(hue), data | {"name": "Tên của chị Mai"})
    response = first.post(url(hue), data | {"name": "Tên của anh Tuấn", "default_target": "90"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [CONFLICT]
    assert CONFLICT in response.text
    assert 'value="Tên của anh Tuấn"' in response.text  # the user's input is still there
    assert "Tải bản mới nhất của đợt khảo sát" in response.text
    hue.refresh_from_db()
    assert (hue.name, hue.default_target) == ("Tên của chị Mai", 100)


def test_it_refuses_a_closing_date_before_the_opening_date(world, hue, as_user):
    client = as_user(world.manager)
    data = form_data(client.get(url(hue))) | {"closes_on": "01/10/2026"}
    response = client.post(url(hue), data)
    assert response.context["form"].errors["closes_on"] == [
        "Ngày kết thúc phải cùng ngày hoặc sau ngày bắt đầu."
    ]
    assert Campaign.objects.get(pk=hue.pk).closes_on == datetime.date(2026, 12, 31)


@pytest.mark.parametrize("value", ["-1", "abc"])
def test_it_refuses_a_bad_default_target(world, hue, as_user, value):
    client = as_user(world.manager)
    data = form_data(client.get(url(hue))) | {"default_target": value}
    response = client.post(url(hue), data)
    assert response.context["form"].errors["default_target"]
    assert Campaign.objects.get(pk=hue.pk).default_target == 100


def test_it_refuses_the_code_of_another_campaign(world, hue, as_user):
    make_campaign(organiser=world.home_affairs, code="da-co")
    client = as_user(world.manager)
    data = form_data(client.get(url(hue))) | {"code": "da-co"}
    response = client.post(url(hue), data)
    assert response.context["form"].errors["code"] == [
        "Mã đợt này đã được dùng cho một đợt khảo sát khác; hãy chọn mã khác."
    ]


def test_it_keeps_code_questionnaire_organiser_and_era_once_open(world, hue, as_user):
    campaign_transition(campaign=hue, to_status="open", by=world.manager)
    client = as_user(world.manager)
    page = client.get(url(hue))
    form = page.context["form"]
    assert all(form.fields[f].disabled for f in ("code", "organiser", "questionnaire", "era"))
    other = make_questionnaire()
    data = form_data(page) | {
        "code": "ma-moi",
        "questionnaire": str(other.pk),
        "era": "2tier",
        "closes_on": "20/01/2027",
    }
    assert client.post(url(hue), data).status_code == 302
    hue.refresh_from_db()
    assert (hue.code, hue.questionnaire_id, hue.era) == (
        "sipas-hue-2024",
        hue.questionnaire_id,
        "3tier",
    )
    assert hue.closes_on == datetime.date(2027, 1, 20)


def test_it_refuses_an_edit_started_before_the_campaign_opened(world, hue, as_user):
    client = as_user(world.manager)
    data = form_data(client.get(url(hue)))
    campaign_transition(campaign=hue, to_status="open", by=world.admin)
    response = client.post(url(hue), data | {"name": "Muộn"})
    assert CONFLICT in response.text
    assert Campaign.objects.get(pk=hue.pk).name == "SIPAS Huế 2024"


@pytest.mark.parametrize("status", ["published", "archived"])
def test_it_sends_back_from_a_published_or_archived_campaign(world, as_user, status):
    campaign = make_campaign(organiser=world.home_affairs, scope=[world.phu_vang], status=status)
    response = as_user(world.manager).get(url(campaign), follow=True)
    assert response.redirect_chain[-1][0] == reverse("campaigns:detail", args=[campaign.pk])
    assert "không sửa được nữa" in response.text
