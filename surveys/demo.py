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
PREVIOUS_CODE = "sipas-hue-2023"
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
    return _make_round(CAMPAIGN_CODE, 2024)


def _make_round(code: str, year: int) -> Campaign | None:
    """An open round over the demo province, its dates around today so that it takes answers."""
    questionnaire = national_sipas_2017()
    if questionnaire is None:
        return None
    organiser = Agency.objects.select_related("unit").get(code=ORGANISER_CODE)
    manager = get_user_model().objects.get(username=MANAGER_USERNAME)
    today = timezone.localdate()
    campaign = campaign_create(
        code=code,
        name=f"Đo lường sự hài lòng (SIPAS) thành phố Huế năm {year}",
        year=year,
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


@transaction.atomic
def load_previous_round() -> Campaign | None:
    """Huế's 2023 round, answered, closed and published: the year-on-year comparison of the
    2024 round and the public results page (with its summary workbook) show it."""
    from reports.indices import indices_compute

    found = Campaign.objects.filter(code=PREVIOUS_CODE).first()
    if found is not None:
        return found
    campaign = _make_round(PREVIOUS_CODE, 2023)
    if campaign is None:
        return None
    _answer(campaign, seed=2023, better=-0.06)
    manager = get_user_model().objects.get(username=MANAGER_USERNAME)
    campaign_transition(
        campaign=campaign, to_status=Campaign.Status.CLOSED, by=manager, note="Kết thúc thu phiếu."
    )
    indices_compute(campaign=campaign)
    campaign_transition(
        campaign=campaign,
        to_status=Campaign.Status.PUBLISHED,
        by=manager,
        note="Công bố kết quả năm 2023.",
    )
    # It was answered in 2023: its dates say so (set after the answers the open round took).
    Campaign.objects.filter(pk=campaign.pk).update(
        opens_on=datetime.date(2023, 3, 1), closes_on=datetime.date(2023, 10, 31)
    )
    campaign.refresh_from_db()
    return campaign


COMMENTS = [
    "Cán bộ hướng dẫn tận tình, dễ hiểu.",
    "Nên bố trí thêm ghế ngồi chờ vào buổi sáng.",
    "Thời gian trả kết quả còn chậm so với giấy hẹn.",
    "Mong có thêm hướng dẫn nộp hồ sơ trực tuyến.",
    "Phí, lệ phí được niêm yết rõ ràng.",
    "Máy lấy số thứ tự hay bị hỏng.",
]


def _level(rng, quality: float) -> int:
    """A 5-level answer: `quality` is this agency's chance of a positive (4 or 5) answer."""
    roll = rng.random()
    if roll < quality:
        return 5 if rng.random() < 0.4 else 4
    return rng.choice([1, 2, 3, 3, 3])


@transaction.atomic
def load_answers(campaign: Campaign) -> int:
    """Realistic answers for the demo campaign (once): varied quality, channels, profiles."""
    if campaign.responses.exists():
        return campaign.responses.count()
    return _answer(campaign, seed=2024, better=0.0)


def _answer(campaign: Campaign, *, seed: int, better: float) -> int:
    """Answers through the submission service; `better` shifts every agency's quality."""
    import random

    from surveys.models import Item, Scale
    from surveys.services.responses import response_submit

    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    items = list(campaign.questionnaire.items.exclude(position=None).order_by("position"))
    texts = list(campaign.questionnaire.items.filter(scale=Scale.TEXT))
    width = max(i.position for i in items)
    channels = [Channel.PAPER] * 6 + [Channel.ONLINE] * 4
    count = 0
    for row in campaign.scope.select_related("agency__unit").order_by("agency__path"):
        quality = rng.uniform(0.62, 0.95) + better
        target = row.target or campaign.default_target
        for _ in range(int(target * rng.uniform(0.15, 0.55))):
            scores: list[int | None] = [None] * width
            for item in items:
                if rng.random() < 0.04 and item.role != Item.Role.PROFILE:
                    continue  # a blank, as on real forms
                if item.scale == Scale.SAT5:
                    scores[item.position - 1] = _level(rng, quality)
                elif item.scale == Scale.MULTI:
                    chosen = rng.sample([v for v, _vi, _en in item.levels()], k=rng.randint(1, 3))
                    scores[item.position - 1] = sum(1 << (v - 1) for v in chosen)
                elif item.levels():
                    scores[item.position - 1] = rng.choice([v for v, _vi, _en in item.levels()])
            comment = {texts[0].pk: rng.choice(COMMENTS)} if texts and rng.random() < 0.15 else {}
            response_submit(
                campaign=campaign,
                agency=row.agency,
                channel=rng.choice(channels),
                scores=scores,
                texts=comment,
            )
            count += 1
    return count
