"""Collection channels set up by officials: kiosks at service counters and personal invitations.

The view checks the user's right on the agency (kiosks: ENTER_RESPONSES, invitations:
MANAGE_CAMPAIGNS); these check the campaign and the agency themselves, whatever a form sends.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from agencies.models import Agency
from surveys.models import Campaign, CampaignAgency, Channel, Invitation, Kiosk

# Kiosks and invitations of a campaign whose results are out would collect nothing.
FINISHED = frozenset({Campaign.Status.PUBLISHED, Campaign.Status.ARCHIVED})
IDLE_MIN, IDLE_MAX = 15, 3600
INVITATIONS_MAX = 2000
COUNTER_MAX = Kiosk._meta.get_field("counter").max_length
RESPONDENT_CODE_MAX = Invitation._meta.get_field("respondent_code").max_length


def new_kiosk_key() -> str:
    # The key alone lets a device post answers: as hard to guess as a password.
    return secrets.token_urlsafe(16)


def new_invitation_token() -> str:
    return secrets.token_urlsafe(32)  # 43 characters, the column's length


def _check_campaign(campaign: Campaign, channel: str) -> None:
    if campaign.status in FINISHED:
        raise ValidationError(_("Đợt khảo sát đã công bố kết quả, không thu thêm phiếu được nữa."))
    if channel not in campaign.channels:
        raise ValidationError(
            _("Đợt khảo sát này không thu phiếu qua kênh “%(channel)s”.")
            % {"channel": Channel(channel).label}
        )


def _check_agency(campaign: Campaign, agency: Agency) -> None:
    if not agency.is_active:
        raise ValidationError({"agency": _("Cơ quan này đã ngừng hoạt động.")})
    if not CampaignAgency.objects.filter(campaign=campaign, agency=agency).exists():
        raise ValidationError({"agency": _("Cơ quan này không thuộc đợt khảo sát.")})


def kiosk_register(
    *, campaign: Campaign, agency: Agency, counter: str = "", idle_seconds: int = 90
) -> Kiosk:
    """A new kiosk of `agency` for `campaign`, with a fresh key."""
    _check_campaign(campaign, Channel.KIOSK)
    _check_agency(campaign, agency)
    counter = (counter or "").strip()
    if len(counter) > COUNTER_MAX:
        raise ValidationError({"counter": _("Tối đa %(n)d ký tự.") % {"n": COUNTER_MAX}})
    if not IDLE_MIN <= idle_seconds <= IDLE_MAX:
        raise ValidationError(
            {
                "idle_seconds": _("Nhập một số giây từ %(low)d đến %(high)d.")
                % {"low": IDLE_MIN, "high": IDLE_MAX}
            }
        )
    return Kiosk.objects.create(
        key=new_kiosk_key(),
        campaign=campaign,
        agency=agency,
        counter=counter,
        idle_seconds=idle_seconds,
    )


def kiosk_deactivate(*, kiosk: Kiosk) -> None:
    """The device stops taking answers at once; its answers stay, and so does the row."""
    Kiosk.objects.filter(pk=kiosk.pk).update(is_active=False)
    kiosk.is_active = False


def clean_respondent_codes(codes: Sequence[str]) -> list[str]:
    """The codes without blanks, each checked for length and repetition."""
    kept: list[str] = []
    seen: set[str] = set()
    for raw in codes:
        code = raw.strip()
        if not code:
            continue
        if len(code) > RESPONDENT_CODE_MAX:
            raise ValidationError(
                {
                    "respondent_codes": _("Mã “%(code)s” dài quá %(n)d ký tự.")
                    % {"code": code[:50], "n": RESPONDENT_CODE_MAX}
                }
            )
        if code in seen:
            raise ValidationError(
                {"respondent_codes": _("Mã “%(code)s” bị lặp lại.") % {"code": code}}
            )
        seen.add(code)
        kept.append(code)
    return kept


def invitations_create(
    *,
    campaign: Campaign,
    agency: Agency,
    count: int = 0,
    respondent_codes: Sequence[str] = (),
) -> list[Invitation]:
    """`count` anonymous invitations, or one per respondent code, each with its own token.

    A respondent code is given to one invitation of the campaign only. It stays on the
    invitation (the response reaches it through the invitation), so it never collides with the
    codes of paper forms.
    """
    _check_campaign(campaign, Channel.ONLINE)
    _check_agency(campaign, agency)
    codes = clean_respondent_codes(respondent_codes)
    if codes and count:
        raise ValidationError(_("Hoặc nhập số lượng thư mời, hoặc danh sách mã, không cả hai."))
    wanted = len(codes) or count
    if wanted < 1:
        raise ValidationError(_("Nhập số lượng thư mời hoặc danh sách mã người trả lời."))
    if wanted > INVITATIONS_MAX:
        raise ValidationError(_("Mỗi lần tạo tối đa %(n)d thư mời.") % {"n": INVITATIONS_MAX})
    with transaction.atomic():
        # One batch at a time per campaign, so two managers cannot hand out one code twice.
        Campaign.objects.select_for_update().filter(pk=campaign.pk).exists()
        taken = set(
            Invitation.objects.filter(campaign=campaign, respondent_code__in=codes).values_list(
                "respondent_code", flat=True
            )
        )
        if taken:
            raise ValidationError(
                {
                    "respondent_codes": _("Đã có thư mời cho mã: %(codes)s.")
                    % {"codes": ", ".join(sorted(taken)[:20])}
                }
            )
        rows = [
            Invitation(
                campaign=campaign,
                agency=agency,
                token=new_invitation_token(),
                respondent_code=codes[i] if codes else "",
            )
            for i in range(wanted)
        ]
        return Invitation.objects.bulk_create(rows)
