"""Step 1 of a new campaign: the basics, for the managers of a Home Affairs department."""

import pytest
from django.urls import reverse

from surveys.models import Campaign
from surveys.tests.factories import make_campaign, make_questionnaire

URL = reverse("campaigns:create")


@pytest.fixture
def sipas(world):
    questionnaire = make_questionnaire(family="sipas-2017", title="Phiếu SIPAS 2017")
    questionnaire.is_national = True
    questionnaire.save()
    return questionnaire


def post_data(world, sipas, **overrides) -> dict:
    data = {
        "code": "sipas-hue-2025",
        "name": "SIPAS thành phố Huế năm 2025",
        "year": "2025",
        "organiser": str(world.home_affairs.pk),
        "questionnaire": str(sipas.pk),
        "era": "3tier",
        "channels": ["online", "paper"],
        "opens_on": "01/12/2026",
        "closes_on": "31/12/2026",
        "default_target": "150",
    }
    data.update(overrides)
    return data


def test_it_sends_an_anonymous_visitor_to_the_login_page(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    "user", ["official", "viewer", "enumerator", "supervisor", "sibling", "outsider", "nobody"]
)
def test_it_refuses_users_who_do_not_manage_campaigns(world, sipas, as_user, user):
    client = as_user(getattr(world, user))
    assert client.get(URL).status_code == 403
    assert client.post(URL, post_data(world, sipas)).status_code == 403
    assert not Campaign.objects.exists()


def test_it_shows_the_manager_the_form_with_sensible_defaults(world, sipas, as_user):
    response = as_user(world.manager).get(URL)
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.fields["organiser"].queryset) == [world.home_affairs]
    assert form.initial["organiser"] == world.home_affairs
    assert form.initial["era"] == "3tier"  # the organiser's unit list
    assert list(form.fields["questionnaire"].queryset) == [sipas]
    assert "Phiếu SIPAS 2017 (phiên bản 1) – mẫu quốc gia" in response.text
    assert 'placeholder="dd/mm/yyyy"' in response.text
    assert "1. Thông tin chung" in response.text


def test_it_creates_the_campaign_and_moves_on_to_the_scope(world, sipas, as_user):
    response = as_user(world.manager).post(URL, post_data(world, sipas))
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("campaigns:scope", args=[campaign.pk])
    assert (campaign.code, campaign.status, campaign.era) == ("sipas-hue-2025", "draft", "3tier")
    assert campaign.channels == ["online", "paper"]
    assert (campaign.opens_on.isoformat(), campaign.closes_on.isoformat()) == (
        "2026-12-01",
        "2026-12-31",
    )
    assert (campaign.organiser, campaign.created_by) == (world.home_affairs, world.manager)


def field_errors(response, field) -> list[str]:
    return response.context["form"].errors.get(field, [])


def assert_refused(response, field, message) -> None:
    """Nothing saved, the message in Vietnamese, rendered under the field's input."""
    assert response.status_code == 200
    assert field_errors(response, field) == [message]
    assert f'id="error_1_id_{field}"' in response.text
    assert message in response.text
    assert not Campaign.objects.filter(code="sipas-hue-2025").exists()


def test_it_refuses_a_duplicate_code(world, sipas, as_user):
    make_campaign(organiser=world.home_affairs, code="sipas-hue-2025")
    response = as_user(world.manager).post(URL, post_data(world, sipas))
    assert response.status_code == 200
    assert field_errors(response, "code") == [
        "Mã đợt này đã được dùng cho một đợt khảo sát khác; hãy chọn mã khác."
    ]
    assert Campaign.objects.count() == 1


def test_it_refuses_a_closing_date_before_the_opening_date(world, sipas, as_user):
    response = as_user(world.manager).post(URL, post_data(world, sipas, closes_on="30/11/2026"))
    assert_refused(response, "closes_on", "Ngày kết thúc phải cùng ngày hoặc sau ngày bắt đầu.")


def test_it_refuses_a_date_not_written_dd_mm_yyyy(world, sipas, as_user):
    response = as_user(world.manager).post(URL, post_data(world, sipas, opens_on="12/31/2026"))
    assert_refused(response, "opens_on", "Nhập ngày theo dạng dd/mm/yyyy, ví dụ 15/08/2025.")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-10", "Số phiếu cần thu phải là số nguyên dương (từ 1 trở lên)."),
        ("0", "Số phiếu cần thu phải là số nguyên dương (từ 1 trở lên)."),
        ("một trăm", "Nhập một số nguyên, ví dụ 100."),
        ("", "Trường này là bắt buộc."),
    ],
)
def test_it_refuses_a_target_that_is_not_a_positive_number(world, sipas, as_user, value, message):
    response = as_user(world.manager).post(URL, post_data(world, sipas, default_target=value))
    assert_refused(response, "default_target", message)


def test_it_refuses_a_code_that_cannot_go_in_a_link(world, sipas, as_user):
    response = as_user(world.manager).post(URL, post_data(world, sipas, code="SIPAS Huế"))
    assert field_errors(response, "code") == [
        "Mã đợt chỉ gồm chữ thường không dấu, số và gạch nối, ví dụ sipas-hue-2025."
    ]


def test_it_asks_for_at_least_one_channel(world, sipas, as_user):
    response = as_user(world.manager).post(URL, post_data(world, sipas, channels=[]))
    assert_refused(response, "channels", "Chọn ít nhất một kênh thu thập.")


def test_it_refuses_an_organiser_outside_the_managers_rights(world, sipas, as_user):
    data = post_data(world, sipas, organiser=str(world.phu_vang.pk))
    response = as_user(world.manager).post(URL, data)
    assert_refused(response, "organiser", "Chọn một cơ quan tổ chức trong danh sách.")


def test_it_refuses_a_questionnaire_that_is_not_published(world, sipas, as_user):
    draft = make_questionnaire(owner=world.home_affairs, published=False)
    data = post_data(world, sipas, questionnaire=str(draft.pk))
    response = as_user(world.manager).post(URL, data)
    assert_refused(
        response, "questionnaire", "Chọn một phiếu khảo sát đã ban hành trong danh sách."
    )


def test_it_requires_an_organiser_from_a_manager(world, sipas, as_user):
    response = as_user(world.manager).post(URL, post_data(world, sipas, organiser=""))
    assert_refused(response, "organiser", "Trường này là bắt buộc.")


def test_it_lets_an_admin_create_a_national_campaign(world, sipas, as_user):
    response = as_user(world.admin).post(URL, post_data(world, sipas, organiser=""))
    assert response.status_code == 302
    assert Campaign.objects.get().organiser is None
