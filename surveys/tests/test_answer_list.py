"""The review list: a campaign's answers inside the user's scope, filtered and paged."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from surveys.models import Response
from surveys.tests.factories import make_response

URL = reverse("answers:list")


@pytest.fixture
def rows(world, campaign, full_answers):
    """Two answers of Phú Vang, one of Phú Thuận (under it), two of Hương Trà (a sibling)."""
    scores = full_answers(campaign)
    made = {
        "pv1": make_response(campaign, world.phu_vang, scores, channel="online"),
        "pv2": make_response(campaign, world.phu_vang, scores, channel="paper", status="rejected"),
        "pt": make_response(campaign, world.phu_thuan, scores, channel="kiosk"),
        "ht1": make_response(campaign, world.huong_tra, scores, channel="online"),
        "ht2": make_response(campaign, world.huong_tra, scores, channel="phone"),
    }
    return made


def listed(response) -> set[int]:
    return {r.pk for r in response.context["page"].object_list}


def ids(rows, *names) -> set[int]:
    return {rows[n].pk for n in names}


def test_it_sends_an_anonymous_visitor_to_the_login_page(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_shows_a_campaign_picker_without_a_campaign(world, campaign, as_user):
    response = as_user(world.official).get(URL)
    assert response.status_code == 200
    assert f"?campaign={campaign.pk}" in response.content.decode()


def test_it_lists_only_the_officials_subtree(world, campaign, rows, as_user):
    response = as_user(world.official).get(URL, {"campaign": campaign.pk})
    assert response.status_code == 200
    assert listed(response) == ids(rows, "pv1", "pv2", "pt")


def test_it_lists_the_whole_province_to_the_manager(world, campaign, rows, as_user):
    response = as_user(world.manager).get(URL, {"campaign": campaign.pk})
    assert listed(response) == ids(rows, "pv1", "pv2", "pt", "ht1", "ht2")


def test_it_lets_a_viewer_list_within_scope(world, campaign, rows, as_user):
    response = as_user(world.viewer).get(URL, {"campaign": campaign.pk})
    assert listed(response) == ids(rows, "pv1", "pv2", "pt")


def test_it_is_a_404_for_a_campaign_the_user_cannot_see(world, campaign, rows, as_user):
    assert as_user(world.outsider).get(URL, {"campaign": campaign.pk}).status_code == 404


def test_it_is_a_404_for_a_malformed_campaign(world, as_user):
    assert as_user(world.official).get(URL, {"campaign": "abc"}).status_code == 404


def test_it_filters_by_agency_with_its_subtree(world, campaign, rows, as_user):
    client = as_user(world.manager)
    response = client.get(URL, {"campaign": campaign.pk, "agency": world.phu_vang.pk})
    assert listed(response) == ids(rows, "pv1", "pv2", "pt")
    response = client.get(URL, {"campaign": campaign.pk, "agency": world.phu_thuan.pk})
    assert listed(response) == ids(rows, "pt")


def test_it_refuses_an_agency_filter_outside_the_scope(world, campaign, rows, as_user):
    response = as_user(world.official).get(
        URL, {"campaign": campaign.pk, "agency": world.huong_tra.pk}
    )
    assert response.context["form"].errors["agency"]
    assert listed(response) == ids(rows, "pv1", "pv2", "pt")


def test_it_filters_by_channel_and_status(world, campaign, rows, as_user):
    client = as_user(world.manager)
    response = client.get(URL, {"campaign": campaign.pk, "channel": "online"})
    assert listed(response) == ids(rows, "pv1", "ht1")
    response = client.get(URL, {"campaign": campaign.pk, "status": "rejected"})
    assert listed(response) == ids(rows, "pv2")


def test_it_filters_by_local_dates(world, campaign, rows, as_user):
    tz = timezone.get_current_timezone()
    # 23:30 on 1 March in Huế is still 1 March there, though 2 March has begun nowhere yet.
    Response.objects.filter(pk=rows["pv1"].pk).update(
        submitted_at=datetime.datetime(2025, 3, 1, 23, 30, tzinfo=tz)
    )
    Response.objects.filter(pk=rows["pt"].pk).update(
        submitted_at=datetime.datetime(2025, 3, 2, 0, 10, tzinfo=tz)
    )
    client = as_user(world.manager)
    response = client.get(
        URL, {"campaign": campaign.pk, "date_from": "01/03/2025", "date_to": "01/03/2025"}
    )
    assert listed(response) == ids(rows, "pv1")
    response = client.get(URL, {"campaign": campaign.pk, "date_from": "02/03/2025"})
    assert rows["pt"].pk in listed(response) and rows["pv1"].pk not in listed(response)


def test_it_shows_a_date_error_in_the_form(world, campaign, rows, as_user):
    client = as_user(world.manager)
    response = client.get(URL, {"campaign": campaign.pk, "date_from": "2025-13-45"})
    assert "dd/mm/yyyy" in response.context["form"].errors["date_from"][0]
    response = client.get(
        URL, {"campaign": campaign.pk, "date_from": "05/03/2025", "date_to": "01/03/2025"}
    )
    assert response.context["form"].errors["date_to"]


def test_it_pages_newest_first(world, campaign, full_answers, as_user):
    scores = full_answers(campaign)
    made = [make_response(campaign, world.phu_vang, scores) for _ in range(53)]
    start = timezone.now() - datetime.timedelta(days=1)
    for n, response in enumerate(made):
        Response.objects.filter(pk=response.pk).update(
            submitted_at=start + datetime.timedelta(minutes=n)
        )
    client = as_user(world.official)
    first = client.get(URL, {"campaign": campaign.pk})
    page = first.context["page"]
    assert page.paginator.count == 53 and len(page.object_list) == 50
    assert page.object_list[0].pk == made[-1].pk
    second = client.get(URL, {"campaign": campaign.pk, "page": 2})
    assert [r.pk for r in second.context["page"].object_list] == [r.pk for r in made[2::-1]]


def test_it_shows_the_columns(world, campaign, full_answers, as_user):
    response = make_response(campaign, world.phu_vang, full_answers(campaign), channel="paper")
    Response.objects.filter(pk=response.pk).update(
        entered_by=world.enumerator,
        duration_seconds=125,
        submitted_at=datetime.datetime(2025, 3, 1, 1, 5, tzinfo=datetime.UTC),
    )
    body = as_user(world.official).get(URL, {"campaign": campaign.pk}).content.decode()
    assert f"#{response.pk}" in body
    assert "01/03/2025 08:05" in body  # Asia/Ho_Chi_Minh
    assert "UBND huyện Phú Vang" in body and "Phiếu giấy" in body
    assert "em" in body and "2:05" in body
    assert 'data-status="valid"' in body


def test_it_runs_a_bounded_number_of_queries(
    world, campaign, full_answers, as_user, django_assert_max_num_queries
):
    scores = full_answers(campaign)
    for agency in (world.phu_vang, world.phu_thuan) * 20:
        response = make_response(campaign, agency, scores, channel="paper")
        Response.objects.filter(pk=response.pk).update(entered_by=world.enumerator)
    client = as_user(world.official)
    with django_assert_max_num_queries(9):
        response = client.get(URL, {"campaign": campaign.pk, "channel": "paper"})
    assert len(response.context["page"].object_list) == 40
