"""The synthetic world of the benchmark: Thành phố Huế (3-tier era), ~300 agencies, one campaign."""

from __future__ import annotations

import datetime
import io
import uuid
from collections.abc import Callable

import numpy as np
from django.db import connection, transaction

from agencies import services as agency_services
from agencies.models import AdminUnit, Agency, AgencyKind, Era, Tier
from agencies.units import units_load
from reports.indices import tallies_prepare
from surveys.models import Campaign, CampaignAgency, Item, Questionnaire, Response, Scale
from surveys.services.questionnaires import questionnaires_load_national

CODE = "bench"
PROVINCE = "46"
CHANNELS = ["online", "kiosk", "paper", "phone"]
CHANNEL_P = [0.35, 0.15, 0.45, 0.05]
# Level shares of a 5-level item: 4 and 5 make 84% of the answers.
SAT5_P = [0.02, 0.04, 0.10, 0.50, 0.34]
BLANK_SHARE = 0.05


def build(
    *,
    size: int,
    keep: bool,
    code: str = CODE,
    seed: int = 20241,
    make_agencies: Callable[[], list[Agency]] | None = None,
    name: str = "Đợt đo hiệu năng",
    national: bool = False,
) -> Campaign:
    """The campaign `code` with `size` answers (built once) over the agencies `make_agencies`
    returns (Huế's by default); a national campaign has no organiser."""
    if not AdminUnit.objects.exists():
        units_load()
    questionnaires_load_national()
    questionnaire = Questionnaire.objects.get(family="sipas-2017", version=1)
    # As in a live round, where the first index update after the first answers sets them: the
    # answers carry their tallies as they are written (a world kept from before gets them now).
    tallies_prepare(questionnaire=questionnaire)
    campaign = Campaign.objects.filter(code=code).first()
    if campaign is not None and keep and campaign.responses.count() == size:
        return campaign
    with transaction.atomic():
        if campaign is not None:
            _drop(campaign)
        agencies = (make_agencies or _agencies)()
        campaign = Campaign.objects.create(
            code=code, name=name, year=2024, questionnaire=questionnaire,
            organiser=None if national else agencies[0], era=Era.THREE_TIER,
            channels=["online", "kiosk", "paper"],
            opens_on=datetime.date(2024, 1, 1), closes_on=datetime.date(2024, 12, 31),
            status=Campaign.Status.OPEN,
        )  # fmt: skip
        CampaignAgency.objects.bulk_create(
            [
                CampaignAgency(campaign=campaign, agency=a, target=size // len(agencies))
                for a in agencies
            ],
            batch_size=5000,
        )
    answers_copy(campaign, agencies, size, seed=seed)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE surveys_response")
    return campaign


def _drop(campaign: Campaign) -> None:
    clear_answers(campaign)
    campaign.delete()


def clear_answers(campaign: Campaign) -> None:
    """Remove the campaign's answers, their texts and its index results, keeping the campaign."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM reports_indexcut WHERE campaign_id = %s", [campaign.pk])
        cursor.execute("DELETE FROM reports_indexrun WHERE campaign_id = %s", [campaign.pk])
        cursor.execute(
            "DELETE FROM surveys_responsetext WHERE response_id IN "
            "(SELECT id FROM surveys_response WHERE campaign_id = %s)",
            [campaign.pk],
        )
        cursor.execute("DELETE FROM surveys_response WHERE campaign_id = %s", [campaign.pk])


def _agencies() -> list[Agency]:
    """UBND, ~20 departments, each district's UBND and desk, each commune's UBND and desk."""
    existing = list(Agency.objects.filter(code__startswith="b-").order_by("path"))
    if existing:
        return existing
    province = AdminUnit.objects.get(era=Era.THREE_TIER, code=PROVINCE)

    def make(code, name, kind, unit, parent):
        return agency_services.agency_create(
            code=code, name=name, kind=kind, unit=unit, parent=parent
        )

    root = make(
        "b-ubnd", "UBND thành phố Huế", AgencyKind.PEOPLES_COMMITTEE_PROVINCE, province, None
    )
    out = [root]
    for i in range(1, 21):
        out.append(make(f"b-so-{i}", f"Sở {i}", AgencyKind.DEPARTMENT, province, root))
    for district in AdminUnit.objects.filter(
        era=Era.THREE_TIER, tier=Tier.DISTRICT, province=province
    ):
        ubnd = make(
            f"b-h-{district.code}",
            f"UBND {district.name}",
            AgencyKind.PEOPLES_COMMITTEE_DISTRICT,
            district,
            root,
        )
        out += [
            ubnd,
            make(
                f"b-mc-{district.code}",
                f"Một cửa {district.name}",
                AgencyKind.ONE_STOP_DESK,
                district,
                ubnd,
            ),
        ]
        for commune in district.children.all():
            x = make(
                f"b-x-{commune.code}",
                f"UBND {commune.name}",
                AgencyKind.PEOPLES_COMMITTEE_COMMUNE,
                commune,
                ubnd,
            )
            out.append(x)
    return out


def _scores(questionnaire: Questionnaire, n: int, rng: np.random.Generator) -> np.ndarray:
    """An n × positions matrix of stored values (-1 = blank) with realistic shares."""
    items = list(questionnaire.items.exclude(position=None))
    width = max(i.position for i in items)
    out = np.full((n, width), -1, dtype=np.int16)
    for item in items:
        col = item.position - 1
        if item.scale == Scale.SAT5:
            out[:, col] = rng.choice([1, 2, 3, 4, 5], size=n, p=SAT5_P)
        elif item.scale == Scale.MULTI:
            masks = np.zeros(n, dtype=np.int16)
            for _ in range(min(item.max_choices or 3, 3)):
                masks |= (1 << rng.integers(0, len(item.options), size=n)).astype(np.int16)
            out[:, col] = masks
        else:
            values = [v for v, _vi, _en in item.levels()]
            out[:, col] = rng.choice(values, size=n)
        if item.role not in (Item.Role.PROFILE,):
            out[rng.random(n) < BLANK_SHARE, col] = -1
    return out


def answers_copy(campaign: Campaign, agencies: list[Agency], n: int, *, seed: int) -> None:
    """Write n answers with COPY, dimensions copied from each agency's unit as the service does."""
    rng = np.random.default_rng(seed)
    scores = _scores(campaign.questionnaire, n, rng)
    units = {u.pk: u for u in AdminUnit.objects.filter(pk__in={a.unit_id for a in agencies})}
    weights = np.array([3.0 if a.unit.tier == Tier.PROVINCE else 1.0 for a in agencies])
    chosen = rng.choice(len(agencies), size=n, p=weights / weights.sum())
    channels = rng.choice(CHANNELS, size=n, p=CHANNEL_P)
    start = datetime.datetime(2024, 3, 1, tzinfo=datetime.UTC)
    offsets = np.sort(rng.integers(0, 200 * 86400, size=n))
    durations = rng.integers(180, 1500, size=n)
    columns = (
        "campaign_id, questionnaire_id, agency_id, agency_kind, unit_id, province_id, district_id, "
        "commune_id, channel, respondent_code, submission_key, client_hash, status, scores, "
        "language, submitted_at, duration_seconds"
    )
    dims = {}
    for index, agency in enumerate(agencies):
        unit = units[agency.unit_id]
        dims[index] = (
            agency.pk, agency.kind, unit.pk, unit.province_id or unit.pk,
            unit.pk if unit.tier == Tier.DISTRICT else unit.district_id,
            unit.pk if unit.tier == Tier.COMMUNE else None,
        )  # fmt: skip
    batch = 50_000
    with connection.cursor() as cursor:
        for lo in range(0, n, batch):
            buf = io.StringIO()
            for i in range(lo, min(n, lo + batch)):
                agency_id, kind, unit_id, province_id, district_id, commune_id = dims[
                    int(chosen[i])
                ]
                array = "{" + ",".join("NULL" if v < 0 else str(v) for v in scores[i]) + "}"
                submitted = start + datetime.timedelta(seconds=int(offsets[i]))
                buf.write(
                    f"{campaign.pk}\t{campaign.questionnaire_id}\t{agency_id}\t{kind}\t{unit_id}\t"
                    f"{province_id}\t{district_id if district_id else '\\N'}\t"
                    f"{commune_id if commune_id else '\\N'}\t{channels[i]}\t\t"
                    f"{_uuid(rng)}\t\t{Response.Status.VALID}\t{array}\tvi\t"
                    f"{submitted.isoformat()}\t{int(durations[i])}\n"
                )
            buf.seek(0)
            with cursor.cursor.copy(f"COPY surveys_response ({columns}) FROM STDIN") as copy:
                copy.write(buf.read())


def _uuid(rng: np.random.Generator) -> str:
    return str(uuid.UUID(bytes=rng.bytes(16)))


def agencies_of(campaign: Campaign) -> list[Agency]:
    """The agencies in the campaign's scope, in the order build() gave them to answers_copy."""
    return list(
        Agency.objects.filter(campaign_scopes__campaign=campaign)
        .select_related("unit")
        .order_by("path")
    )
