"""Campaign writes: creation, edits under optimistic locking, the scope, and the status workflow.

The workflow is draft → open → closed → published → archived, with a reopening (closed → open)
and an archiving of a closed campaign that is never published. Every transition is checked by
`campaign_transition_blockers`, which the detail page also uses to say in advance what is missing.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Model
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from agencies.models import Agency
from reports import selectors as report_selectors
from surveys.models import Campaign, CampaignAgency, CampaignTransition, Channel, Questionnaire

Status = Campaign.Status

TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.DRAFT: (Status.OPEN,),
    Status.OPEN: (Status.CLOSED,),
    Status.CLOSED: (Status.OPEN, Status.PUBLISHED, Status.ARCHIVED),
    Status.PUBLISHED: (Status.ARCHIVED,),
    Status.ARCHIVED: (),
}

EDITABLE_FIELDS = frozenset(
    {
        "code",
        "name",
        "year",
        "organiser",
        "questionnaire",
        "era",
        "channels",
        "opens_on",
        "closes_on",
        "default_target",
    }
)
# Once answers may exist, these define what the answers mean: the public link (code), who owns
# the results (organiser), the questions (questionnaire) and the unit list (era).
FROZEN_ONCE_OPEN = ("code", "organiser", "questionnaire", "era")
MAX_TARGET = 100_000
NAMES_SHOWN = 5


def _date(value: datetime.date) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def _names(agencies: list[Agency]) -> str:
    names = ", ".join(a.name for a in agencies[:NAMES_SHOWN])
    return names + (", …" if len(agencies) > NAMES_SHOWN else "")


def conflict_message() -> str:
    return _(
        "Đợt khảo sát vừa được người khác thay đổi sau khi bạn mở trang này, nên thay đổi của bạn "
        "chưa được lưu. Hãy tải lại trang để xem bản mới nhất rồi sửa lại."
    )


def duplicate_code_message() -> str:
    return _("Mã đợt này đã được dùng cho một đợt khảo sát khác; hãy chọn mã khác.")


# --- Checks ---------------------------------------------------------------------------------------


def _check_fields(values: Mapping[str, Any]) -> None:
    """The rules on the basic fields, raised together, each next to its field."""
    errors: dict[str, str] = {}
    opens_on, closes_on = values.get("opens_on"), values.get("closes_on")
    if opens_on and closes_on and closes_on < opens_on:
        errors["closes_on"] = _("Ngày kết thúc phải cùng ngày hoặc sau ngày bắt đầu.")
    target = values.get("default_target")
    if target is not None and not 1 <= target <= MAX_TARGET:
        errors["default_target"] = _("Số phiếu cần thu phải từ 1 đến %(max)s.") % {
            "max": formats.number_format(MAX_TARGET, force_grouping=True)
        }
    unknown = set(values.get("channels") or []) - set(Channel.values)
    if unknown:
        errors["channels"] = _("Kênh thu thập không hợp lệ: %(names)s.") % {
            "names": ", ".join(sorted(unknown))
        }
    questionnaire: Questionnaire | None = values.get("questionnaire")
    organiser: Agency | None = values.get("organiser")
    if (
        questionnaire is not None
        and questionnaire.owner_id is not None
        and (organiser is None or questionnaire.owner.province_id != organiser.province_id)
    ):
        errors["questionnaire"] = _(
            "Phiếu này thuộc một tỉnh khác; chọn mẫu quốc gia hoặc phiếu của tỉnh tổ chức."
        )
    if errors:
        raise ValidationError(errors)


def _check_code_free(code: str, exclude_pk: int | None = None) -> None:
    taken = Campaign.objects.filter(code=code)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError({"code": duplicate_code_message()})


def campaign_transition_blockers(
    *, campaign: Campaign, to_status: str, today: datetime.date | None = None
) -> list[str]:
    """Why `campaign` may not move to `to_status` now; an empty list means it may."""
    if to_status not in Status.values:
        return [_("Trạng thái “%(status)s” không tồn tại.") % {"status": to_status}]
    if to_status not in TRANSITIONS[campaign.status]:
        return [
            _("Không thể chuyển đợt khảo sát từ “%(from)s” sang “%(to)s”.")
            % {"from": Status(campaign.status).label, "to": Status(to_status).label}
        ]
    reasons: list[str] = []
    today = today or timezone.localdate()
    if to_status == Status.OPEN:
        if campaign.status == Status.DRAFT:
            reasons += _opening_blockers(campaign)
        # Reopening after the planned end would silently stretch the fieldwork: the closing
        # date has to be moved first, which is an edit that leaves a trace.
        if campaign.closes_on < today:
            reasons.append(
                _(
                    "Ngày kết thúc (%(date)s) đã qua; hãy sửa ngày kết thúc trước khi mở đợt "
                    "khảo sát."
                )
                % {"date": _date(campaign.closes_on)}
            )
    if to_status == Status.PUBLISHED and not report_selectors.campaign_indices_ready(campaign):
        reasons.append(
            _(
                "Chưa tính chỉ số hài lòng cho đợt khảo sát này; chỉ công bố được sau khi đã "
                "tính chỉ số."
            )
        )
    return reasons


def _opening_blockers(campaign: Campaign) -> list[str]:
    reasons: list[str] = []
    questionnaire = campaign.questionnaire
    if not questionnaire.is_published:
        reasons.append(
            _("Phiếu khảo sát “%(title)s” chưa được ban hành; chỉ mở được với phiếu đã ban hành.")
            % {"title": str(questionnaire)}
        )
    if not campaign.channels:
        reasons.append(_("Chưa chọn kênh thu thập nào (trực tuyến, kiosk, phiếu giấy…)."))
    scope = list(
        Agency.objects.filter(campaign_scopes__campaign=campaign)
        .select_related("unit")
        .order_by("path")
    )
    if not scope:
        reasons.append(_("Chưa chọn cơ quan nào trong phạm vi khảo sát."))
        return reasons
    other_era = [a for a in scope if a.unit.era != campaign.era]
    if other_era:
        reasons.append(
            _(
                "%(count)d cơ quan trong phạm vi không thuộc danh mục đơn vị hành chính của đợt "
                "(%(era)s): %(names)s."
            )
            % {
                "count": len(other_era),
                "era": campaign.get_era_display(),
                "names": _names(other_era),
            }
        )
    if campaign.organiser_id is not None:
        elsewhere = [a for a in scope if a.province_id != campaign.organiser.province_id]
        if elsewhere:
            reasons.append(
                _(
                    "%(count)d cơ quan trong phạm vi không thuộc tỉnh của cơ quan tổ chức: "
                    "%(names)s."
                )
                % {"count": len(elsewhere), "names": _names(elsewhere)}
            )
    inactive = [a for a in scope if not a.is_active]
    if inactive:
        reasons.append(
            _("%(count)d cơ quan trong phạm vi đã ngừng hoạt động: %(names)s.")
            % {"count": len(inactive), "names": _names(inactive)}
        )
    return reasons


# --- Writes ---------------------------------------------------------------------------------------


@transaction.atomic
def campaign_create(
    *,
    code: str,
    name: str,
    year: int,
    organiser: Agency | None,
    questionnaire: Questionnaire,
    era: str,
    channels: list[str],
    opens_on: datetime.date,
    closes_on: datetime.date,
    default_target: int,
    by: Any,
) -> Campaign:
    """A new draft campaign; its scope is chosen next, with `campaign_set_scope`."""
    values = {
        "code": code,
        "name": name,
        "year": year,
        "organiser": organiser,
        "questionnaire": questionnaire,
        "era": era,
        "channels": list(channels),
        "opens_on": opens_on,
        "closes_on": closes_on,
        "default_target": default_target,
    }
    _check_fields(values)
    _check_code_free(code)
    campaign = Campaign(**values, created_by=by if getattr(by, "pk", None) else None)
    try:
        with transaction.atomic():
            campaign.save()
    except IntegrityError:
        # Another official took the same code between the check and the insert.
        raise ValidationError({"code": duplicate_code_message()}) from None
    return campaign


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, Model) or isinstance(b, Model):
        return getattr(a, "pk", None) == getattr(b, "pk", None)
    return a == b


@transaction.atomic
def campaign_update(*, campaign: Campaign, lock_version: int, **fields: Any) -> Campaign:
    """Change the basic fields, unless someone else changed the campaign since `lock_version`.

    A campaign that is open or later keeps its code, organiser, questionnaire and era; a published
    or archived one is not edited at all.
    """
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"campaign_update() does not edit {sorted(unknown)}")
    if campaign.status in (Status.PUBLISHED, Status.ARCHIVED):
        raise ValidationError(
            _("Đợt khảo sát đã ở trạng thái “%(status)s”, không sửa được nữa.")
            % {"status": campaign.get_status_display()}
        )
    if campaign.status != Status.DRAFT:
        frozen = {
            name: _("Không đổi được khi đợt khảo sát đã mở.")
            for name in FROZEN_ONCE_OPEN
            if name in fields and not _same(fields[name], getattr(campaign, name))
        }
        if frozen:
            raise ValidationError(frozen)
    merged = {name: fields.get(name, getattr(campaign, name)) for name in EDITABLE_FIELDS}
    _check_fields(merged)
    if "code" in fields:
        _check_code_free(fields["code"], exclude_pk=campaign.pk)
    if "channels" in fields:
        fields["channels"] = list(fields["channels"])
    now = timezone.now()
    try:
        with transaction.atomic():
            updated = Campaign.objects.filter(pk=campaign.pk, lock_version=lock_version).update(
                **fields, lock_version=F("lock_version") + 1, updated_at=now
            )
    except IntegrityError:
        raise ValidationError({"code": duplicate_code_message()}) from None
    if not updated:
        raise ValidationError(conflict_message(), code="conflict")
    campaign.refresh_from_db()
    return campaign


@transaction.atomic
def campaign_set_scope(
    *,
    campaign: Campaign,
    targets: Mapping[Agency, int | None],
    lock_version: int | None = None,
    within: Agency | None = None,
) -> Campaign:
    """Make the scope exactly `targets` (agency → target; None means the default target).

    With `within`, only the scope inside that agency's subtree is replaced (large provinces edit
    their scope branch by branch). Refused once the campaign is no longer a draft: answers are
    being counted against it.
    """
    _lock_draft(campaign, lock_version)
    errors = _scope_errors(campaign, targets, within)
    if errors:
        raise ValidationError(errors)
    rows = CampaignAgency.objects.filter(campaign=campaign)
    if within is not None:
        rows = rows.filter(agency__path__startswith=within.path)
    wanted = {agency.pk: target for agency, target in targets.items()}
    rows.exclude(agency_id__in=wanted).delete()
    existing = {row.agency_id: row for row in rows.filter(agency_id__in=wanted)}
    changed = []
    for agency_id, target in wanted.items():
        row = existing.get(agency_id)
        if row is not None and row.target != target:
            row.target = target
            changed.append(row)
    CampaignAgency.objects.bulk_update(changed, ["target"])
    CampaignAgency.objects.bulk_create(
        CampaignAgency(campaign=campaign, agency_id=agency_id, target=target)
        for agency_id, target in wanted.items()
        if agency_id not in existing
    )
    campaign.refresh_from_db()
    return campaign


def _lock_draft(campaign: Campaign, lock_version: int | None) -> None:
    """Bump the lock version of a draft; the UPDATE also holds the row until the commit."""
    rows = Campaign.objects.filter(pk=campaign.pk, status=Status.DRAFT)
    if lock_version is not None:
        rows = rows.filter(lock_version=lock_version)
    if rows.update(lock_version=F("lock_version") + 1, updated_at=timezone.now()):
        return
    status = Campaign.objects.filter(pk=campaign.pk).values_list("status", flat=True).first()
    if status != Status.DRAFT:
        raise ValidationError(scope_frozen_message(status or campaign.status))
    raise ValidationError(conflict_message(), code="conflict")


def scope_frozen_message(status: str) -> str:
    return _(
        "Không thể thay đổi phạm vi khảo sát khi đợt khảo sát đang ở trạng thái “%(status)s”; "
        "chỉ sửa được phạm vi của đợt còn là bản nháp."
    ) % {"status": Status(status).label}


def _scope_errors(
    campaign: Campaign, targets: Mapping[Agency, int | None], within: Agency | None
) -> list[str]:
    errors: list[str] = []
    organiser = campaign.organiser
    for agency, target in targets.items():
        if within is not None and not agency.is_within(within):
            errors.append(
                _("“%(name)s” không thuộc nhánh “%(within)s” đang sửa.")
                % {"name": agency.name, "within": within.name}
            )
        if agency.unit.era != campaign.era:
            errors.append(
                _("“%(name)s” không thuộc danh mục đơn vị hành chính của đợt (%(era)s).")
                % {"name": agency.name, "era": campaign.get_era_display()}
            )
        if organiser is not None and agency.province_id != organiser.province_id:
            errors.append(
                _("“%(name)s” không thuộc tỉnh của cơ quan tổ chức.") % {"name": agency.name}
            )
        if target is not None and not 1 <= target <= MAX_TARGET:
            errors.append(
                _("Số phiếu cần thu của “%(name)s” phải từ 1 đến %(max)s.")
                % {
                    "name": agency.name,
                    "max": formats.number_format(MAX_TARGET, force_grouping=True),
                }
            )
    return errors


@transaction.atomic
def campaign_transition(*, campaign: Campaign, to_status: str, by: Any, note: str = "") -> Campaign:
    """Move the campaign to `to_status` and record who did it; refused with the reasons, or done.

    The campaign row is locked first, so two officials pressing "open" at once record one
    transition, and the second one is told that the campaign is already open.
    """
    locked = (
        Campaign.objects.select_for_update(of=("self",))
        .select_related("questionnaire", "organiser")
        .get(pk=campaign.pk)
    )
    reasons = campaign_transition_blockers(campaign=locked, to_status=to_status)
    if reasons:
        raise ValidationError(reasons)
    now = timezone.now()
    # Bumping the lock version makes an edit form opened before the transition refuse to save.
    Campaign.objects.filter(pk=locked.pk).update(
        status=to_status, lock_version=F("lock_version") + 1, updated_at=now
    )
    CampaignTransition.objects.create(
        campaign=locked,
        from_status=locked.status,
        to_status=to_status,
        by=by if getattr(by, "pk", None) else None,
        at=now,
        note=note[:300],
    )
    campaign.refresh_from_db()
    return campaign
