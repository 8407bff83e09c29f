"""Exactly once under real concurrency: parallel posts on their own connections, committed rows.

The test database is flushed after a transactional test: `available_apps` limits that to the
surveys and reports tables, so the unit lists stay loaded; the two agencies made here are
deleted at the end.
"""

import datetime
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from agencies.models import AdminUnit, Agency, AgencyKind
from agencies.tests.factories import make_agency
from agencies.units import units_load
from surveys.models import (
    Campaign,
    CampaignAgency,
    Invitation,
    Questionnaire,
    Response,
    ResponseCount,
)
from surveys.services.responses import AlreadyAnswered, response_submit
from surveys.tests.factories import make_questionnaire

# "reports" too: answers queue an index refresh, whose run row points at the campaign.
pytestmark = pytest.mark.django_db(transaction=True, available_apps=["surveys", "reports"])

PARALLEL = 20


@pytest.fixture
def campaign_rows():
    # Another transactional test may have flushed every table, the unit lists too.
    if not AdminUnit.objects.exists():
        units_load()
    root = make_agency(
        "UBND thành phố Huế", unit_code="46", kind=AgencyKind.PEOPLES_COMMITTEE_PROVINCE
    )
    district = make_agency(
        "UBND huyện Phú Vang",
        unit_code="478",
        parent=root,
        kind=AgencyKind.PEOPLES_COMMITTEE_DISTRICT,
    )
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        code=f"song-song-{uuid.uuid4().hex[:8]}",
        name="Song song",
        year=today.year,
        organiser=root,
        questionnaire=make_questionnaire(),
        era="3tier",
        channels=["online", "kiosk", "paper", "phone"],
        opens_on=today - datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=1),
        status=Campaign.Status.OPEN,
    )
    CampaignAgency.objects.create(campaign=campaign, agency=district)
    yield campaign, district
    # Committed rows outlive the test: remove them, surveys rows first (they protect agencies).
    Response.objects.filter(campaign=campaign).delete()
    questionnaire_id = campaign.questionnaire_id
    campaign.delete()
    Questionnaire.objects.filter(pk=questionnaire_id).delete()
    Agency.objects.filter(pk=district.pk).delete()
    Agency.objects.filter(pk=root.pk).delete()


def in_parallel(job):
    """Run job(i) in PARALLEL threads released together; results or exceptions, in order."""
    barrier = threading.Barrier(PARALLEL)

    def run(i):
        try:
            barrier.wait(timeout=30)
            return job(i)
        except Exception as exc:
            return exc
        finally:
            connection.close()  # this thread's own connection

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        return list(pool.map(run, range(PARALLEL)))


def test_it_takes_one_answer_from_twenty_parallel_posts_of_one_invitation(
    campaign_rows, full_answers
):
    campaign, agency = campaign_rows
    invitation = Invitation.objects.create(campaign=campaign, agency=agency, token="moi-mot-lan")

    def post(_i):
        return response_submit(
            campaign=campaign,
            agency=agency,
            channel="online",
            scores=full_answers(campaign),
            texts={},
            invitation=invitation,
        )

    results = in_parallel(post)
    stored = [r for r in results if isinstance(r, tuple)]
    refused = [r for r in results if isinstance(r, AlreadyAnswered)]
    assert len(stored) == 1 and stored[0][1] is True
    assert len(refused) == PARALLEL - 1, results
    assert Response.objects.filter(campaign=campaign).count() == 1
    assert Response.objects.get(campaign=campaign).invitation_id == invitation.pk


def test_it_stores_twenty_parallel_distinct_posts(campaign_rows, full_answers):
    campaign, agency = campaign_rows

    def post(i):
        return response_submit(
            campaign=campaign,
            agency=agency,
            channel="online",
            scores=full_answers(campaign, HL=1 + i % 5),
            texts={},
            submission_key=uuid.uuid4(),
        )

    results = in_parallel(post)
    assert all(isinstance(r, tuple) and r[1] is True for r in results), results
    assert Response.objects.filter(campaign=campaign).count() == PARALLEL
    # The database's count of them (surveys.ResponseCount) misses none either.
    counted = ResponseCount.objects.filter(campaign=campaign).aggregate(n=Sum("n"))["n"]
    assert counted == PARALLEL


def test_it_stores_one_response_for_twenty_parallel_posts_of_one_form(campaign_rows, full_answers):
    campaign, agency = campaign_rows
    key = uuid.uuid4()

    def post(_i):
        return response_submit(
            campaign=campaign,
            agency=agency,
            channel="online",
            scores=full_answers(campaign),
            texts={},
            submission_key=key,
        )

    results = in_parallel(post)
    assert all(isinstance(r, tuple) for r in results), results
    assert sum(created for _response, created in results) == 1
    assert {response.pk for response, _created in results} == {
        Response.objects.get(campaign=campaign).pk
    }
