"""The demo campaign: made once, open, on the national SIPAS 2017 template."""

from io import StringIO

import pytest
from django.core.management import call_command

from agencies import demo as agencies_demo
from surveys.demo import CAMPAIGN_CODE, load_campaigns
from surveys.models import Campaign, CampaignTransition
from surveys.tests.factories import make_questionnaire


@pytest.fixture
def demo_agencies(db):
    agencies_demo.load_agencies()
    agencies_demo.load_logins()


@pytest.fixture
def sipas_2017(db):
    questionnaire = make_questionnaire(family="sipas-2017", title="SIPAS 2017")
    questionnaire.is_national = True
    questionnaire.save()
    return questionnaire


def test_it_skips_the_campaign_without_the_national_template(demo_agencies):
    assert load_campaigns() is None
    assert not Campaign.objects.exists()


def test_it_opens_the_demo_campaign_over_districts_desks_and_communes(demo_agencies, sipas_2017):
    campaign = load_campaigns()
    assert (campaign.code, campaign.status, campaign.era) == (CAMPAIGN_CODE, "open", "3tier")
    assert campaign.questionnaire == sipas_2017
    assert campaign.organiser.code == "so-noi-vu"
    assert campaign.accepts_answers()
    kinds = set(campaign.scope.values_list("agency__kind", flat=True))
    assert kinds == {"ubnd_huyen", "mot_cua", "ubnd_xa"}
    assert campaign.scope.filter(agency__code__startswith="motcua-h-", target=150).count() == 9
    row = CampaignTransition.objects.get(campaign=campaign)
    assert (row.from_status, row.to_status, row.by.username) == ("draft", "open", "sonoivu")


def test_it_changes_nothing_the_second_time(demo_agencies, sipas_2017):
    first = load_campaigns()
    assert load_campaigns() == first
    assert Campaign.objects.count() == 1
    assert CampaignTransition.objects.count() == 1


def test_it_is_part_of_load_demo(demo_agencies, sipas_2017):
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert f"Đợt khảo sát: {CAMPAIGN_CODE} – Đang khảo sát" in out.getvalue()


def test_the_previous_round_is_answered_closed_and_published(demo_agencies, sipas_2017, client):
    from datetime import date

    from django.urls import reverse

    from surveys.demo import PREVIOUS_CODE, load_previous_round

    previous = load_previous_round()
    assert (previous.code, previous.year, previous.status) == (PREVIOUS_CODE, 2023, "published")
    assert (previous.opens_on, previous.closes_on) == (date(2023, 3, 1), date(2023, 10, 31))
    assert previous.responses.count() > 0 and previous.index_results.exists()
    assert list(
        CampaignTransition.objects.filter(campaign=previous).values_list("to_status", flat=True)
    ) == ["open", "closed", "published"]
    assert load_previous_round() == previous  # once only
    assert client.get(reverse("reports:public", args=[PREVIOUS_CODE])).status_code == 200
    assert client.get(reverse("reports:public_summary", args=[PREVIOUS_CODE])).status_code == 200
