"""The citizen's side, without login: the open link, personal invitations and counter kiosks.

Every page works without JavaScript and on a phone. Exactly once: each rendered form carries a
submission key (a refresh, the back button or a double click posts the same key, and
`response_submit` stores one response for it); an invitation is single-use by a unique index.
A refusal is a page that says why, and nothing is stored.

Kiosk pages ignore the language cookie: the language is a parameter of the page, so the next
citizen always starts in Vietnamese, and nothing on them leads anywhere but the kiosk itself.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from agencies.models import Agency
from surveys.forms.response import ResponseForm
from surveys.models import Campaign, Channel, Invitation, Kiosk
from surveys.selectors import collect as selectors
from surveys.services.responses import (
    AgencyNotInScope,
    AlreadyAnswered,
    CampaignNotOpen,
    InvalidAnswer,
    RateLimited,
    SubmissionRefused,
    campaign_entry_error,
    response_submit,
)

BASE = "surveys/public/base.html"
KIOSK_BASE = "surveys/public/kiosk_base.html"
HONEYPOT = "website"
QUERY_MAX = 100
# The picker lists this many agencies; the search box narrows a longer scope.
PICKER_LIMIT = 100
STARTED_SALT = "surveys.public.started"
# A form kept open longer than this still counts, without its time taken.
STARTED_MAX_AGE = datetime.timedelta(days=2)
# The kiosk's thank-you screen goes back to the start after this many seconds.
KIOSK_THANKS_SECONDS = 5
# A kiosk that takes no answers (not yet open, closed) looks again this often.
KIOSK_CLOSED_REFRESH_SECONDS = 300
LANGUAGES = ("vi", "en")


# --- Shared pieces --------------------------------------------------------------------------------


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or the X-Forwarded-For entry our own proxies added."""
    proxies = settings.AXES_IPWARE_PROXY_COUNT  # PROXY_COUNT in the environment
    if proxies:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        # Each proxy appends the address it was reached from; entries further left are the
        # client's own claims and cannot be trusted.
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR") or None


_csrf = CsrfViewMiddleware(lambda request: HttpResponse())


def public_post[**P](view: Callable[P, HttpResponse]) -> Callable[P, HttpResponse]:
    """Read a posted body within Django's limits, then check CSRF: each refusal a citizen's page.

    The CSRF middleware would read the body first and turn an oversized one into a bare 400, and
    an expired cookie into Django's technical 403; so the view is exempt from the middleware and
    the same check runs here, after the body was read.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST":
            # On a kiosk, each of these pages goes back to the kiosk's start by itself.
            back = reverse("public:kiosk", args=[kwargs["key"]]) if "key" in kwargs else None
            length = request.META.get("CONTENT_LENGTH") or "0"
            if not length.isdigit() or int(length) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
                return _too_large(request, back)
            try:
                request.POST  # noqa: B018 (parse it now, inside the limits)
            except RequestDataTooBig:
                return _too_large(request, back)
            except (SuspiciousOperation, MultiPartParserError, UnreadablePostError):
                return _bad_request(request, back=back)
            if _csrf.process_view(request, view, args, kwargs) is not None:
                return _message(
                    request,
                    title=_("Phiên trả lời đã hết hạn"),
                    message=_(
                        "Trang này đã mở quá lâu hoặc trình duyệt không lưu cookie. "
                        "Vui lòng tải lại trang rồi gửi lại."
                    ),
                    status=403,
                    back=back,
                )
        return view(request, *args, **kwargs)

    return csrf_exempt(wrapped)  # type: ignore[return-value]


def _base(kiosk: Kiosk | None) -> str:
    return KIOSK_BASE if kiosk is not None else BASE


def _message(
    request: HttpRequest,
    *,
    title: str,
    message: str,
    status: int,
    kiosk: Kiosk | None = None,
    back: str | None = None,
    refresh: int = KIOSK_THANKS_SECONDS * 2,
) -> HttpResponse:
    """A page that says why nothing is taken here; with `back`, it goes there after `refresh` s."""
    if kiosk is not None and back is None:
        back = reverse("public:kiosk", args=[kiosk.key])
    context = {
        "base": _base(kiosk),
        "title": title,
        "message": message,
        "kiosk": kiosk,
        "back": back,
        "refresh": refresh,
    }
    return render(request, "surveys/public/message.html", context, status=status)


def _not_found(request: HttpRequest) -> HttpResponse:
    """One page for every unknown or malformed address: nothing to tell them apart."""
    return render(request, "surveys/public/not_found.html", {"base": BASE}, status=404)


def _too_large(request: HttpRequest, back: str | None = None) -> HttpResponse:
    return _message(
        request,
        title=_("Nội dung gửi lên quá lớn"),
        message=_(
            "Phiếu gửi lên vượt quá dung lượng cho phép. Vui lòng rút ngắn các ý kiến bằng "
            "văn bản rồi gửi lại."
        ),
        status=413,
        back=back,
    )


def _bad_request(
    request: HttpRequest, kiosk: Kiosk | None = None, back: str | None = None
) -> HttpResponse:
    return _message(
        request,
        title=_("Yêu cầu không hợp lệ"),
        message=_("Phiếu gửi lên không hợp lệ. Vui lòng tải lại trang rồi trả lời lại."),
        status=400,
        kiosk=kiosk,
        back=back,
    )


def _closed(
    request: HttpRequest, refusal: CampaignNotOpen, kiosk: Kiosk | None = None
) -> HttpResponse:
    """Not yet open, already closed, or not by this channel: each its own words."""
    if refusal.reason == CampaignNotOpen.NOT_YET:
        title, status = _("Đợt khảo sát chưa bắt đầu"), 200
    elif refusal.reason == CampaignNotOpen.CLOSED:
        title, status = _("Đợt khảo sát đã kết thúc"), 410
    else:
        title, status = _("Không nhận phiếu qua kênh này"), 404
    return _message(
        request,
        title=title,
        message=refusal.message,
        status=status,
        kiosk=kiosk,
        refresh=KIOSK_CLOSED_REFRESH_SECONDS,
    )


def _already_answered(request: HttpRequest) -> HttpResponse:
    return _message(
        request,
        title=_("Phiếu đã được trả lời"),
        message=_("Phiếu này đã được trả lời. Cảm ơn ông/bà."),
        status=200,
    )


def _pick(vi: str, en: str) -> str:
    return en if en and (get_language() or "vi").startswith("en") else vi


def _posted_key(request: HttpRequest) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.POST.get("submission_key", ""))
    except ValueError:
        return None


def _started_token() -> str:
    return signing.dumps(int(timezone.now().timestamp()), salt=STARTED_SALT)


def _started_at(value: str) -> datetime.datetime | None:
    """When the form was rendered, from its signed hidden field; None if altered or too old."""
    try:
        stamp = signing.loads(value, salt=STARTED_SALT, max_age=STARTED_MAX_AGE.total_seconds())
        return datetime.datetime.fromtimestamp(int(stamp), tz=datetime.UTC)
    except (signing.BadSignature, TypeError, ValueError, OverflowError):
        return None


def _form_page(
    request: HttpRequest,
    *,
    campaign: Campaign,
    agency: Agency,
    form: ResponseForm,
    key: uuid.UUID | None = None,
    kiosk: Kiosk | None = None,
    open_link: bool = False,
    status: int = 200,
) -> HttpResponse:
    """The questionnaire: one page, a heading and progress per section, hidden bookkeeping."""
    started = request.POST.get("started", "") if key is not None else ""
    if not _started_at(started):
        started = _started_token()
    context = {
        "base": _base(kiosk),
        "campaign": campaign,
        "questionnaire": campaign.questionnaire,
        "agency": agency,
        "form": form,
        "submission_key": key or uuid.uuid4(),
        "started": started,
        "honeypot": HONEYPOT if open_link else "",
        "open_link": open_link,
        "kiosk": kiosk,
        "lang": get_language(),
    }
    return render(request, "surveys/public/form.html", context, status=status)


def _add_errors(form: ResponseForm, refusal: InvalidAnswer) -> None:
    """The service's refusals, on the questions they concern (the summary links to them)."""
    by_code = {item.code: name for name, item in form.items.items()}
    for code, messages in refusal.errors.items():
        name = by_code.get(code)
        for message in messages:
            form.add_error(name, message[:1].upper() + message[1:])
        if name is not None:
            # As ResponseForm.full_clean marks the fields it refuses itself.
            attrs = form.fields[name].widget.attrs
            attrs["aria-invalid"] = "true"
            if "aria-describedby" in attrs or form.items[name].stores_text:
                described = f"{attrs.get('aria-describedby', '')} {form[name].html_name}-error"
                attrs["aria-describedby"] = described.strip()
    if not refusal.errors:
        form.add_error(None, refusal.message)


def _submit(
    request: HttpRequest,
    *,
    campaign: Campaign,
    agency: Agency,
    form: ResponseForm,
    channel: str,
    done_url: str,
    invitation: Invitation | None = None,
    kiosk: Kiosk | None = None,
) -> HttpResponse:
    """Validate, store once, and go to the thank-you page; or say why not."""
    key = _posted_key(request)
    if key is None:
        return _bad_request(request, kiosk)

    def again() -> HttpResponse:
        # The answers refused, with the error summary on top and every answer kept.
        return _form_page(
            request,
            campaign=campaign,
            agency=agency,
            form=form,
            key=key,
            kiosk=kiosk,
            open_link=channel == Channel.ONLINE and invitation is None,
            status=400,
        )

    if not form.is_valid():
        return again()
    try:
        response_submit(
            campaign=campaign,
            agency=agency,
            channel=channel,
            scores=form.scores(),
            texts=form.texts(),
            submission_key=key,
            invitation=invitation,
            kiosk=kiosk,
            client_ip=client_ip(request) if kiosk is None else None,
            started_at=_started_at(request.POST.get("started", "")),
            language=get_language() or "vi",
        )
    except InvalidAnswer as refusal:
        _add_errors(form, refusal)
        return again()
    except CampaignNotOpen as refusal:
        return _closed(request, refusal, kiosk)
    except RateLimited as refusal:
        return _message(
            request, title=_("Tạm thời chưa nhận phiếu"), message=refusal.message, status=429
        )
    except AlreadyAnswered:
        return _already_answered(request)
    except (AgencyNotInScope, SubmissionRefused) as refusal:
        return _message(
            request,
            title=_("Không thể nhận phiếu"),
            message=refusal.message,
            status=400,
            kiosk=kiosk,
        )
    return redirect(done_url)


# --- The open link --------------------------------------------------------------------------------


def _start_page(
    request: HttpRequest, campaign: Campaign, *, error: str = "", status: int = 200
) -> HttpResponse:
    """The introduction and the agency picker (search by name or unit, accents optional)."""
    query = request.GET.get("q", "")[:QUERY_MAX].strip()
    agencies = selectors.picker_agencies(campaign=campaign, query=query)
    questionnaire = campaign.questionnaire
    context = {
        "base": BASE,
        "campaign": campaign,
        "questionnaire": questionnaire,
        "title": _pick(questionnaire.title, questionnaire.title_en),
        "intro": _pick(questionnaire.intro, questionnaire.intro_en),
        "query": query,
        "agencies": agencies[:PICKER_LIMIT],
        "found": len(agencies),
        "more": len(agencies) > PICKER_LIMIT,
        "only": agencies[0].id if len(agencies) == 1 else None,
        "error": error,
    }
    return render(request, "surveys/public/start.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@public_post
def open_link(request: HttpRequest, code: str) -> HttpResponse:
    campaign = selectors.campaign_by_code(code=code)
    if campaign is None:
        return _not_found(request)
    if (refusal := campaign_entry_error(campaign, Channel.ONLINE)) is not None:
        return _closed(request, refusal)
    no_agency = _("Vui lòng chọn cơ quan mà ông/bà đã đến giải quyết thủ tục.")
    done_url = reverse("public:open_done", args=[campaign.code])
    if request.method == "POST":
        if request.POST.get(HONEYPOT):
            return redirect(done_url)  # a robot filled the hidden box: thank it, keep nothing
        agency = selectors.picker_agency(campaign=campaign, agency_id=request.POST.get("agency"))
        if agency is None:
            return _start_page(request, campaign, error=no_agency, status=400)
        form = ResponseForm(request.POST, questionnaire=campaign.questionnaire)
        return _submit(
            request,
            campaign=campaign,
            agency=agency,
            form=form,
            channel=Channel.ONLINE,
            done_url=done_url,
        )
    if "agency" not in request.GET:
        return _start_page(request, campaign)
    agency = selectors.picker_agency(campaign=campaign, agency_id=request.GET["agency"])
    if agency is None:
        return _start_page(request, campaign, error=no_agency)
    form = ResponseForm(questionnaire=campaign.questionnaire)
    return _form_page(request, campaign=campaign, agency=agency, form=form, open_link=True)


@require_safe
def open_done(request: HttpRequest, code: str) -> HttpResponse:
    campaign = selectors.campaign_by_code(code=code)
    if campaign is None:
        return _not_found(request)
    return render(request, "surveys/public/done.html", {"base": BASE, "campaign": campaign})


# --- Personal invitations -------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@public_post
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = selectors.invitation_by_token(token=token)
    if invitation is None:
        return _not_found(request)
    campaign = invitation.campaign
    done_url = reverse("public:open_done", args=[campaign.code])
    if hasattr(invitation, "response"):
        # The very form that was stored, posted again (refresh, double click): its thank-you.
        if request.method == "POST" and _posted_key(request) == invitation.response.submission_key:
            return redirect(done_url)
        return _already_answered(request)
    if (refusal := campaign_entry_error(campaign, Channel.ONLINE)) is not None:
        return _closed(request, refusal)
    if request.method == "POST":
        form = ResponseForm(request.POST, questionnaire=campaign.questionnaire)
        return _submit(
            request,
            campaign=campaign,
            agency=invitation.agency,
            form=form,
            channel=Channel.ONLINE,
            done_url=done_url,
            invitation=invitation,
        )
    form = ResponseForm(questionnaire=campaign.questionnaire)
    return _form_page(request, campaign=campaign, agency=invitation.agency, form=form)


# --- Kiosks ---------------------------------------------------------------------------------------


def kiosk_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Look the kiosk up, and answer in the page's own language (Vietnamese unless ?lang=en)."""

    @wraps(view)
    def wrapped(request: HttpRequest, key: str) -> HttpResponse:
        kiosk = selectors.kiosk_by_key(key=key)
        if kiosk is None:
            return _not_found(request)
        lang = request.POST.get("lang") or request.GET.get("lang")
        lang = lang if lang in LANGUAGES else settings.LANGUAGE_CODE
        with translation.override(lang):
            response = view(request, kiosk)
        response.headers["Content-Language"] = lang
        return response

    return wrapped


@require_safe
@never_cache
@kiosk_view
def kiosk_start(request: HttpRequest, kiosk: Kiosk) -> HttpResponse:
    if (refusal := campaign_entry_error(kiosk.campaign, Channel.KIOSK)) is not None:
        return _closed(request, refusal, kiosk)
    form = ResponseForm(questionnaire=kiosk.campaign.questionnaire, short=True)
    questionnaire = kiosk.campaign.questionnaire
    context = {
        "base": KIOSK_BASE,
        "kiosk": kiosk,
        "campaign": kiosk.campaign,
        "title": _pick(questionnaire.title, questionnaire.title_en),
        "questions": len(form.fields),
        "lang": get_language(),
    }
    return render(request, "surveys/public/kiosk_start.html", context)


# No copy kept by the browser: the next citizen must not find the last one's answers by going
# back. A double click still posts one key, so it still stores one response.
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@public_post
@kiosk_view
def kiosk_answer(request: HttpRequest, kiosk: Kiosk) -> HttpResponse:
    campaign = kiosk.campaign
    if (refusal := campaign_entry_error(campaign, Channel.KIOSK)) is not None:
        return _closed(request, refusal, kiosk)
    if request.method == "POST":
        form = ResponseForm(request.POST, questionnaire=campaign.questionnaire, short=True)
        done_url = reverse("public:kiosk_done", args=[kiosk.key])
        return _submit(
            request,
            campaign=campaign,
            agency=kiosk.agency,
            form=form,
            channel=Channel.KIOSK,
            done_url=f"{done_url}?lang={get_language()}",
            kiosk=kiosk,
        )
    form = ResponseForm(questionnaire=campaign.questionnaire, short=True)
    return _form_page(request, campaign=campaign, agency=kiosk.agency, form=form, kiosk=kiosk)


@require_safe
@never_cache
@kiosk_view
def kiosk_done(request: HttpRequest, kiosk: Kiosk) -> HttpResponse:
    context = {"base": KIOSK_BASE, "kiosk": kiosk, "seconds": KIOSK_THANKS_SECONDS}
    return render(request, "surveys/public/kiosk_done.html", context)
