"""Demo campaign: Thành phố Huế's SIPAS round on the national SIPAS 2017 template, open.

It runs after the demo agencies, logins and national templates (agencies/demo.py and
`questionnaires_load_national`), and is idempotent: a campaign with the demo code is left as it is.
The dates are set around the day the demo is first loaded, so that the campaign accepts answers
when someone tries the portal (the 3-tier era matches the demo's agency tree).
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from agencies.demo import PROVINCE_CODE
from agencies.models import Agency, Era
from surveys.models import Campaign, Channel, Questionnaire
from surveys.services.campaigns import campaign_create, campaign_set_scope, campaign_transition

CAMPAIGN_CODE = "sipas-hue-2024"
ORGANISER_CODE = "so-noi-vu"
MANAGER_USERNAME = "sonoivu"
# Targets per kind of demo agency, by code prefix (see agencies/demo.py); None: the default.
TARGETS = {"ubnd-h-": None, "motcua-h-": 150, "ubnd-x-": 60}
DEFAULT_TARGET = 100


def national_sipas_2017() -> Questionnaire | None:
    return (
        Questionnaire.objects.filter(family="sipas-2017", is_national=True)
        .order_by("-version")
        .first()
    )


@transaction.atomic
def load_campaigns() -> Campaign | None:
    """The demo campaign, made if missing; None when the SIPAS 2017 template is not loaded."""
    found = Campaign.objects.filter(code=CAMPAIGN_CODE).first()
    if found is not None:
        return found
    questionnaire = national_sipas_2017()
    if questionnaire is None:
        return None
    organiser = Agency.objects.select_related("unit").get(code=ORGANISER_CODE)
    manager = get_user_model().objects.get(username=MANAGER_USERNAME)
    today = timezone.localdate()
    campaign = campaign_create(
        code=CAMPAIGN_CODE,
        name="Đo lường sự hài lòng (SIPAS) thành phố Huế năm 2024",
        year=2024,
        organiser=organiser,
        questionnaire=questionnaire,
        era=Era.THREE_TIER,
        channels=[Channel.ONLINE, Channel.KIOSK, Channel.PAPER],
        opens_on=today - datetime.timedelta(days=14),
        closes_on=today + datetime.timedelta(days=45),
        default_target=DEFAULT_TARGET,
        by=manager,
    )
    agencies = Agency.objects.filter(
        province__era=Era.THREE_TIER, province__code=PROVINCE_CODE, is_active=True
    ).select_related("unit")
    targets = {
        agency: target
        for agency in agencies.order_by("path")
        for prefix, target in TARGETS.items()
        if agency.code.startswith(prefix)
    }
    campaign_set_scope(campaign=campaign, targets=targets)
    campaign_transition(
        campaign=campaign,
        to_status=Campaign.Status.OPEN,
        by=manager,
        note="Mở đợt khảo sát trình diễn.",
    )
    return campaign
