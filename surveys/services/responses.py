"""Storing answers, for every channel: validated against the questionnaire, exactly once.

Exactly once rests on the database, never on a check before the insert: the insert runs in a
savepoint, and a unique violation on `submission_key` (the same rendered form posted twice: a
refresh, the back button, a double click) hands back the response already stored, while one on
`invitation` (a personal link used twice) is refused. Every refusal is a `SubmissionRefused`
carrying a message for the person who sent the answers; nothing is stored then.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from surveys.models import (
    SMALLINT_MAX,
    Campaign,
    Channel,
    Item,
    Response,
    ResponseStatusChange,
    ResponseText,
    Scale,
)
from surveys.selectors.questionnaires import published_items
from surveys.selectors.responses import AgencyDims, scope_agency_dims

# Channels an official types in from paper or a call: accepted after fieldwork ends, until the
# results are published.
ENTRY_CHANNELS = frozenset({Channel.PAPER, Channel.PHONE})
ENTRY_STATUSES = frozenset({Campaign.Status.OPEN, Campaign.Status.CLOSED})
RATE_WINDOW = datetime.timedelta(hours=1)
RESPONDENT_CODE_MAX = Response._meta.get_field("respondent_code").max_length
REASON_MAX = ResponseStatusChange._meta.get_field("reason").max_length


# --- Refusals -------------------------------------------------------------------------------------


class SubmissionRefused(Exception):
    """Nothing was stored; `message` says why, in words for the respondent or the official."""

    default_message = gettext_lazy("Không thể nhận phiếu trả lời này.")

    def __init__(self, message: str | None = None) -> None:
        self.message = str(message or self.default_message)
        super().__init__(self.message)


class CampaignNotOpen(SubmissionRefused):
    """The campaign takes no answers now (or not by this channel); `reason` says which case."""

    NOT_YET = "not_yet"
    CLOSED = "closed"
    CHANNEL = "channel"

    default_message = gettext_lazy("Đợt khảo sát hiện không nhận phiếu trả lời.")

    def __init__(self, message: str | None = None, *, reason: str = CLOSED) -> None:
        self.reason = reason
        super().__init__(message)


class AgencyNotInScope(SubmissionRefused):
    default_message = gettext_lazy("Cơ quan này không thuộc đợt khảo sát.")


class InvalidAnswer(SubmissionRefused):
    """Answers that break the questionnaire's rules; `errors` maps item codes to messages."""

    default_message = gettext_lazy("Có câu trả lời không hợp lệ, vui lòng kiểm tra lại.")

    def __init__(self, errors: Mapping[str, list[str]], message: str | None = None) -> None:
        self.errors = dict(errors)
        super().__init__(message)


class AlreadyAnswered(SubmissionRefused):
    default_message = gettext_lazy(
        "Đường dẫn mời này đã được dùng để trả lời. Mỗi lời mời chỉ trả lời được một lần."
    )


class RateLimited(SubmissionRefused):
    default_message = gettext_lazy(
        "Đã có quá nhiều phiếu gửi từ địa chỉ mạng này trong một giờ qua. Vui lòng thử lại sau."
    )


# --- Rules shared with the paper import -----------------------------------------------------------


def number_bounds(item: Item) -> tuple[int, int]:
    low = item.min_value if item.min_value is not None else 0
    high = item.max_value if item.max_value is not None else SMALLINT_MAX
    return low, high


def allowed_values_text(item: Item) -> str:
    """The allowed values, short: "1–5", or "1, 2, 4" when they are not a run."""
    if item.scale == Scale.NUMBER:
        low, high = number_bounds(item)
        return f"{low}–{high}"
    values = sorted(v for v, _vi, _en in item.levels())
    if not values:
        return ""
    if len(values) > 2 and values == list(range(values[0], values[-1] + 1)):
        return f"{values[0]}–{values[-1]}"
    return ", ".join(str(v) for v in values)


def out_of_scale_message(item: Item) -> str:
    if item.scale == Scale.NUMBER:
        return _("ngoài khoảng cho phép %(range)s") % {"range": allowed_values_text(item)}
    if item.scale == Scale.MULTI:
        return _("có phương án không thuộc câu hỏi (các phương án: %(values)s)") % {
            "values": allowed_values_text(item)
        }
    return _("ngoài thang đo %(range)s") % {"range": allowed_values_text(item)}


def too_many_choices_message(item: Item) -> str:
    return _("chọn quá %(n)d phương án") % {"n": item.max_choices or 0}


def text_too_long_message(limit: int) -> str:
    return _("dài quá %(n)d ký tự") % {"n": limit}


def bad_characters_message() -> str:
    return _("chứa ký tự không hợp lệ")


def required_message() -> str:
    return _("câu hỏi bắt buộc chưa được trả lời")


def text_max_chars() -> int:
    return settings.SURVEY_TEXT_MAX_CHARS


def campaign_entry_error(campaign: Campaign, channel: str) -> CampaignNotOpen | None:
    """Why `campaign` takes no answers by `channel` today, or None when it does."""
    if channel not in campaign.channels:
        return CampaignNotOpen(
            _("Đợt khảo sát này không nhận phiếu qua kênh “%(channel)s”.")
            % {"channel": Channel(channel).label},
            reason=CampaignNotOpen.CHANNEL,
        )
    if channel in ENTRY_CHANNELS:
        if campaign.status in ENTRY_STATUSES:
            return None
        if campaign.status == Campaign.Status.DRAFT:
            return CampaignNotOpen(
                _("Đợt khảo sát chưa bắt đầu, chưa nhập được phiếu."),
                reason=CampaignNotOpen.NOT_YET,
            )
        return CampaignNotOpen(
            _("Đợt khảo sát đã công bố kết quả, không nhập thêm phiếu được nữa."),
            reason=CampaignNotOpen.CLOSED,
        )
    today = timezone.localdate()
    if campaign.accepts_answers(today):
        return None
    if campaign.status == Campaign.Status.DRAFT or (
        campaign.status == Campaign.Status.OPEN and today < campaign.opens_on
    ):
        return CampaignNotOpen(
            _("Đợt khảo sát chưa bắt đầu. Phiếu được nhận từ ngày %(date)s.")
            % {"date": formats.date_format(campaign.opens_on, "d/m/Y")},
            reason=CampaignNotOpen.NOT_YET,
        )
    return CampaignNotOpen(
        _("Đợt khảo sát đã kết thúc, không nhận thêm phiếu trả lời."),
        reason=CampaignNotOpen.CLOSED,
    )


def client_hash(campaign: Campaign, client_ip: str | None) -> str:
    """A keyed hash of the address, per campaign: enough to rate-limit, useless to trace anyone."""
    if not client_ip:
        return ""
    message = f"{campaign.pk}:{client_ip}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


# --- Submitting -----------------------------------------------------------------------------------


def _check_agency(campaign: Campaign, agency: Any) -> AgencyDims:
    dims = scope_agency_dims(campaign=campaign, agency_id=agency.pk)
    if dims is None:
        raise AgencyNotInScope
    if not dims.is_active:
        raise AgencyNotInScope(_("Cơ quan này đã ngừng hoạt động, không nhận phiếu trả lời."))
    return dims


def _check_source(
    campaign: Campaign, agency: Any, channel: str, invitation: Any, kiosk: Any
) -> None:
    """The invitation and the kiosk, when given, must belong to this campaign and agency."""
    if invitation is not None and (
        invitation.campaign_id != campaign.pk or invitation.agency_id != agency.pk
    ):
        raise SubmissionRefused(_("Đường dẫn mời không thuộc đợt khảo sát này."))
    if channel == Channel.KIOSK:
        if kiosk is None or kiosk.campaign_id != campaign.pk or kiosk.agency_id != agency.pk:
            raise SubmissionRefused(_("Kiosk không thuộc đợt khảo sát hoặc cơ quan này."))
        if not kiosk.is_active:
            raise SubmissionRefused(_("Kiosk này đã ngừng hoạt động."))
    elif kiosk is not None:
        raise SubmissionRefused(_("Chỉ phiếu qua kiosk mới gắn với một kiosk."))


def _score_error(item: Item, value: Any) -> str | None:
    if value.__class__ is not int:
        return _("không phải số nguyên")
    if item.accepts(value):
        return None
    if item.scale == Scale.MULTI and item.max_choices and value > 0:
        allowed = {v for v, _vi, _en in item.levels()}
        chosen = [v for v in range(1, 16) if value & (1 << (v - 1))]
        if set(chosen) <= allowed and len(chosen) > item.max_choices:
            return too_many_choices_message(item)
    return out_of_scale_message(item)


def _validate(
    *,
    items: list[Item],
    scores: Sequence[int | None],
    texts: Mapping[Any, str],
    short: bool,
) -> tuple[list[int | None], dict[int, str]]:
    """The scores padded to the questionnaire's length, and the non-blank texts by item id."""
    errors: dict[str, list[str]] = {}
    by_position = {item.position: item for item in items if item.position is not None}
    length = max(by_position, default=0)
    stored: list[int | None] = list(scores)
    if len(stored) > length:
        errors["__all__"] = [
            _("Có %(n)d câu trả lời, nhiều hơn số câu hỏi của phiếu (%(m)d).")
            % {"n": len(stored), "m": length}
        ]
        raise InvalidAnswer(errors)
    stored += [None] * (length - len(stored))
    for position, value in enumerate(stored, start=1):
        item = by_position.get(position)
        if value is None:
            continue
        if item is None:
            errors.setdefault(f"#{position}", []).append(_("không có câu hỏi ở vị trí này"))
            continue
        if (message := _score_error(item, value)) is not None:
            errors.setdefault(item.code, []).append(message)

    text_items = {item.pk: item for item in items if item.stores_text}
    limit = text_max_chars()
    kept: dict[int, str] = {}
    for key, text in texts.items():
        item = text_items.get(getattr(key, "pk", key))
        if item is None:
            errors.setdefault("__all__", []).append(_("Có câu trả lời không thuộc phiếu này."))
            continue
        if not isinstance(text, str):
            errors.setdefault(item.code, []).append(_("không phải văn bản"))
            continue
        if not text.strip():
            continue
        if len(text) > limit:
            errors.setdefault(item.code, []).append(text_too_long_message(limit))
        elif "\x00" in text:
            errors.setdefault(item.code, []).append(bad_characters_message())
        else:
            kept[item.pk] = text  # as given: escaped wherever it is shown

    for item in items:
        if not item.required or (short and not item.in_short_variant):
            continue
        blank = (
            item.pk not in kept
            if item.stores_text
            else item.position is None or stored[item.position - 1] is None
        )
        if blank and item.code not in errors:
            errors[item.code] = [required_message()]
    if errors:
        raise InvalidAnswer(errors)
    return stored, kept


def _over_rate_limit(campaign: Campaign, hashed: str, now: datetime.datetime) -> bool:
    limit = settings.SURVEY_RATE_LIMIT_PER_HOUR
    if not limit or not hashed:
        return False
    # An approximate count is enough here: parallel posts may slip a few over the limit.
    recent = Response.objects.filter(
        campaign=campaign, client_hash=hashed, submitted_at__gte=now - RATE_WINDOW
    )
    return recent.count() >= limit


def _existing(campaign: Campaign, submission_key: uuid.UUID | None) -> Response | None:
    if submission_key is None:
        return None
    existing = Response.objects.filter(submission_key=submission_key).first()
    if existing is not None and existing.campaign_id != campaign.pk:
        raise SubmissionRefused
    return existing


def response_submit(
    *,
    campaign: Campaign,
    agency: Any,
    channel: str,
    scores: Sequence[int | None],
    texts: Mapping[Any, str],
    submission_key: uuid.UUID | None = None,
    invitation: Any = None,
    kiosk: Any = None,
    entered_by: Any = None,
    respondent_code: str = "",
    client_ip: str | None = None,
    started_at: datetime.datetime | None = None,
    language: str = "vi",
) -> tuple[Response, bool]:
    """Store one response; (response, False) when this very form was already stored.

    `texts` maps item ids (or items) to free text. Raises a `SubmissionRefused` subclass.
    """
    if channel not in Channel.values:
        raise SubmissionRefused(_("Kênh thu thập không hợp lệ."))
    if (error := campaign_entry_error(campaign, channel)) is not None:
        raise error
    _check_source(campaign, agency, channel, invitation, kiosk)
    dims = _check_agency(campaign, agency)
    respondent_code = (respondent_code or "").strip()
    if len(respondent_code) > RESPONDENT_CODE_MAX:
        raise InvalidAnswer(
            {"respondent_code": [_("Mã phiếu dài quá %(n)d ký tự.") % {"n": RESPONDENT_CODE_MAX}]}
        )
    stored, kept = _validate(
        items=published_items(questionnaire=campaign.questionnaire),
        scores=scores,
        texts=texts,
        short=channel == Channel.KIOSK,
    )
    now = timezone.now()
    hashed = client_hash(campaign, client_ip)
    if channel == Channel.ONLINE and invitation is None and _over_rate_limit(campaign, hashed, now):
        # A repeated post of a form stored before the limit was reached is still that form.
        if (existing := _existing(campaign, submission_key)) is not None:
            return existing, False
        raise RateLimited
    duration = None
    if started_at is not None and started_at <= now:
        duration = min(int((now - started_at).total_seconds()), 2**31 - 1)
    response = Response(
        campaign=campaign,
        questionnaire_id=campaign.questionnaire_id,
        agency_id=dims.id,
        agency_kind=dims.kind,
        unit_id=dims.unit_id,
        province_id=dims.province_id,
        district_id=dims.district_id,
        commune_id=dims.commune_id,
        channel=channel,
        kiosk=kiosk,
        entered_by=entered_by if channel in ENTRY_CHANNELS else None,
        invitation=invitation,
        respondent_code=respondent_code,
        client_hash=hashed,
        scores=stored,
        language=language if language in dict(settings.LANGUAGES) else "vi",
        started_at=started_at,
        submitted_at=now,
        duration_seconds=duration,
    )
    if submission_key is not None:
        response.submission_key = submission_key
    try:
        with transaction.atomic():
            response.save(force_insert=True)
            ResponseText.objects.bulk_create(
                ResponseText(response=response, item_id=item_id, text=text)
                for item_id, text in kept.items()
            )
    except IntegrityError:
        # Another transaction stored the same form, invitation or code first; it has committed
        # (a unique index waits for that), so the reads below see its row.
        if (existing := _existing(campaign, submission_key)) is not None:
            return existing, False
        if invitation is not None and Response.objects.filter(invitation=invitation).exists():
            raise AlreadyAnswered from None
        if (
            respondent_code
            and Response.objects.filter(campaign=campaign, respondent_code=respondent_code).exists()
        ):
            raise InvalidAnswer(
                {
                    "respondent_code": [
                        _("Mã phiếu “%(code)s” đã được nhập cho đợt khảo sát này.")
                        % {"code": respondent_code}
                    ]
                }
            ) from None
        raise
    _indices_stale(campaign.pk)
    return response, True


def _indices_stale(campaign_id: int) -> None:
    """New or changed answers: bring the campaign's indices up to date (debounced), after commit."""
    from reports.services import indices_request

    transaction.on_commit(lambda: indices_request(campaign_id=campaign_id))


# --- Review ---------------------------------------------------------------------------------------


def response_set_status(
    *, response: Response, status: str, by: Any, reason: str
) -> ResponseStatusChange:
    """Reject, send to re-verification or restore a response, with the reason recorded.

    The view checks REVIEW_RESPONSES on the response's agency; this checks the change itself.
    """
    if status not in Response.Status.values:
        raise ValidationError(_("Trạng thái không hợp lệ."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Hãy ghi lý do.")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("Lý do dài quá %(n)d ký tự.") % {"n": REASON_MAX}})
    from_status = response.status
    if status == from_status:
        raise ValidationError(
            _("Phiếu đã ở trạng thái “%(status)s”.") % {"status": Response.Status(status).label}
        )
    campaign_status = (
        Campaign.objects.filter(pk=response.campaign_id).values_list("status", flat=True).get()
    )
    if campaign_status in (Campaign.Status.PUBLISHED, Campaign.Status.ARCHIVED):
        raise ValidationError(
            _("Đợt khảo sát đã công bố kết quả, không thay đổi trạng thái phiếu được nữa.")
        )
    with transaction.atomic():
        # Only from the status the reviewer saw: a change made meanwhile by someone else wins.
        changed = Response.objects.filter(pk=response.pk, status=from_status).update(status=status)
        if not changed:
            raise ValidationError(
                _("Trạng thái của phiếu vừa được người khác thay đổi. Hãy tải lại trang.")
            )
        change = ResponseStatusChange.objects.create(
            response=response, from_status=from_status, to_status=status, by=by, reason=reason
        )
    response.status = status
    _indices_stale(response.campaign_id)
    return change
