"""Officials' answer screens: the review list and detail with reject/restore, the enumerator's
fast entry of paper and phone answers, and the printable paper questionnaire."""

from __future__ import annotations

from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agencies.access import Perm, get_access, require
from surveys.forms.answers import (
    AnswerFilterForm,
    EntryForm,
    PrintForm,
    StatusForm,
    entry_channels,
)
from surveys.models import Campaign, Response
from surveys.selectors import answers as selectors
from surveys.selectors.campaigns import campaign_list, get_campaign_for_user
from surveys.selectors.questionnaires import questionnaire_structure
from surveys.services.responses import (
    InvalidAnswer,
    SubmissionRefused,
    campaign_entry_error,
    response_set_status,
    response_submit,
)

PAGE_SIZE = 50
ENTRY_SESSION_KEY = "answers_entry"
REVIEW_CLOSED = (Campaign.Status.PUBLISHED, Campaign.Status.ARCHIVED)


# --- Review ---------------------------------------------------------------------------------------


def _duration(seconds: int | None) -> str:
    if seconds is None:
        return ""
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes}:{seconds:02d}"


@login_required
def answer_list(request: HttpRequest) -> HttpResponse:
    access = require(request, Perm.VIEW)
    raw = request.GET.get("campaign", "")
    if not raw:
        # No campaign chosen yet: the campaigns the user sees, each a link to its answers.
        page = Paginator(campaign_list(access=access), PAGE_SIZE).get_page(request.GET.get("page"))
        return render(request, "surveys/answers/campaign_picker.html", {"page": page})
    if not raw.isdigit():
        raise Http404
    campaign = get_campaign_for_user(request, int(raw))
    agencies = list(selectors.answer_agency_choices(access=access, campaign=campaign))
    form = AnswerFilterForm(request.GET, agencies=agencies)
    filters = form.filters() if form.is_valid() else {}
    answers = selectors.answer_list(access=access, campaign=campaign, **filters)
    page = Paginator(answers, PAGE_SIZE).get_page(request.GET.get("page"))
    for response in page:
        response.duration_text = _duration(response.duration_seconds)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "surveys/answers/answer_list.html",
        {
            "campaign": campaign,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_enter": selectors.entry_targets(
                access=access, campaign=campaign, user=request.user
            ).exists(),
            "can_print": selectors.print_targets(access=access, campaign=campaign).exists(),
        },
    )


def _status_forms(response: Response) -> list[StatusForm]:
    """The reject and restore forms that apply to the response's current status."""
    forms = []
    if response.status != Response.Status.REJECTED:
        forms.append(
            StatusForm(
                status=Response.Status.REJECTED,
                action=reverse("answers:reject", args=[response.pk]),
            )
        )
    if response.status != Response.Status.VALID:
        forms.append(
            StatusForm(
                status=Response.Status.VALID,
                action=reverse("answers:restore", args=[response.pk]),
            )
        )
    return forms


def _detail(
    request: HttpRequest, response: Response, bound: StatusForm | None = None, status: int = 200
) -> HttpResponse:
    access = get_access(request)
    can_review = access.can(Perm.REVIEW_RESPONSES, response.agency)
    review_closed = response.campaign.status in REVIEW_CLOSED
    forms: list[StatusForm] = []
    if can_review and not review_closed:
        forms = _status_forms(response)
        if bound is not None:
            # The posted form keeps its errors, even one that no longer applies (a status
            # changed meanwhile by someone else), so the reviewer reads why nothing happened.
            statuses = [f.status for f in forms]
            if bound.status in statuses:
                forms[statuses.index(bound.status)] = bound
            else:
                forms.append(bound)
    return render(
        request,
        "surveys/answers/answer_detail.html",
        {
            "response": response,
            "detail": selectors.answer_detail(response=response),
            "duration": _duration(response.duration_seconds),
            "can_review": can_review,
            "review_closed": review_closed,
            "status_forms": forms,
        },
        status=status,
    )


@login_required
def answer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.get_response_for_user(request, pk))


def _set_status(request: HttpRequest, pk: int, status: str) -> HttpResponse:
    response = selectors.get_response_for_user(request, pk, Perm.REVIEW_RESPONSES)
    action = reverse(
        f"answers:{'reject' if status == Response.Status.REJECTED else 'restore'}", args=[pk]
    )
    form = StatusForm(request.POST, status=status, action=action)
    if form.is_valid():
        try:
            response_set_status(
                response=response,
                status=status,
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if status == Response.Status.REJECTED:
                messages.success(request, _("Đã loại phiếu #%(id)d.") % {"id": response.pk})
            else:
                messages.success(request, _("Đã khôi phục phiếu #%(id)d.") % {"id": response.pk})
            return redirect("answers:detail", pk=response.pk)
    return _detail(request, response, bound=form, status=400)


@login_required
@require_POST
def answer_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_status(request, pk, Response.Status.REJECTED)


@login_required
@require_POST
def answer_restore(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_status(request, pk, Response.Status.VALID)


# --- Entry ----------------------------------------------------------------------------------------


def _entry_blocked(campaign: Campaign, channels: list[str]) -> str:
    """Why nothing can be keyed in now (empty: entry is possible by some channel)."""
    if not channels:
        return _("Đợt khảo sát này không thu phiếu giấy hay qua điện thoại.")
    errors = [campaign_entry_error(campaign, channel) for channel in channels]
    if all(errors):
        return errors[0].message  # type: ignore[union-attr]
    return ""


def _remembered(request: HttpRequest, campaign: Campaign) -> dict[str, Any]:
    return request.session.get(ENTRY_SESSION_KEY, {}).get(str(campaign.pk), {})


def _remember(request: HttpRequest, campaign: Campaign, agency_id: int, channel: str) -> None:
    """Keep the agency and channel for the next form: an enumerator keys a pile of one agency."""
    memory = request.session.get(ENTRY_SESSION_KEY, {})
    memory[str(campaign.pk)] = {"agency": agency_id, "channel": channel}
    request.session[ENTRY_SESSION_KEY] = memory


@login_required
def answer_entry(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = get_campaign_for_user(request, campaign_id, Perm.ENTER_RESPONSES)
    access = get_access(request)
    targets = selectors.entry_targets(access=access, campaign=campaign, user=request.user)
    agency_ids = list(targets.values_list("pk", flat=True)[:2])
    if not agency_ids:
        # ENTER_RESPONSES on the organiser only, over none of the scope agencies.
        raise PermissionDenied
    channels = entry_channels(campaign.channels)
    blocked = _entry_blocked(campaign, channels)
    structure = questionnaire_structure(questionnaire=campaign.questionnaire)
    memory = _remembered(request, campaign)
    form = EntryForm(
        request.POST if request.method == "POST" else None,
        structure=structure,
        agencies=targets,
        channels=channels,
        initial={
            # The only agency there is, or the one of the previous form.
            "agency": agency_ids[0] if len(agency_ids) == 1 else memory.get("agency"),
            "channel": memory.get("channel"),
        },
    )
    if request.method == "POST" and not blocked and form.is_valid():
        data = form.cleaned_data
        try:
            response, created = response_submit(
                campaign=campaign,
                agency=data["agency"],
                channel=data["channel"],
                scores=form.scores(),
                texts=form.texts(),
                submission_key=data["submission_key"],
                entered_by=request.user,
                respondent_code=data["respondent_code"],
            )
        except InvalidAnswer as exc:
            form.add_service_errors(exc.errors)
            form.add_error(None, exc.message)
        except SubmissionRefused as exc:
            form.add_error(None, exc.message)
        else:
            _remember(request, campaign, data["agency"].pk, data["channel"])
            values = {"id": response.pk, "code": response.respondent_code or "—"}
            if created:
                messages.success(request, _("Đã lưu phiếu #%(id)d (mã %(code)s).") % values)
            else:
                messages.info(
                    request, _("Phiếu #%(id)d (mã %(code)s) đã được lưu trước đó.") % values
                )
            # Post/redirect/get: a fresh form, a new submission key, the focus on the first field.
            return redirect("answers:entry", campaign_id=campaign.pk)
    form.set_focus()
    return render(
        request,
        "surveys/answers/entry.html",
        {"campaign": campaign, "form": form, "blocked": blocked},
        status=400 if request.method == "POST" else 200,
    )


# --- Paper ----------------------------------------------------------------------------------------


def _qr(code: str) -> str:
    # segno writes the SVG itself and the code is a slug: nothing in it needs escaping.
    return mark_safe(segno.make(code, error="m").svg_inline(scale=3))  # noqa: S308


@login_required
def answer_print(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = get_campaign_for_user(request, campaign_id)
    access = get_access(request)
    targets = selectors.print_targets(access=access, campaign=campaign)
    raw = request.GET.get("agency", "")
    if raw:
        if not raw.isdigit():
            raise Http404
        selectors.get_print_agency(request, campaign=campaign, pk=int(raw))
    elif not targets.exists():
        raise PermissionDenied
    data = None
    if raw:
        # A link may give the agency alone: the usual count and the first number then.
        data = request.GET.copy()
        data.setdefault("count", str(PrintForm.base_fields["count"].initial))
        data.setdefault("start", "1")
    form = PrintForm(data, agencies=targets)
    if not form.is_valid():
        return render(
            request,
            "surveys/answers/print_form.html",
            {"campaign": campaign, "form": form},
            status=400 if raw else 200,
        )
    agency, count, start = (form.cleaned_data[k] for k in ("agency", "count", "start"))
    structure = questionnaire_structure(questionnaire=campaign.questionnaire)
    # The questionnaire is the same on every form: rendered once, repeated under each header.
    body = render_to_string(
        "surveys/answers/_paper_body.html",
        {"questionnaire": campaign.questionnaire, "structure": structure},
        request=request,
    )
    codes = [
        selectors.respondent_code(campaign=campaign, agency=agency, number=n)
        for n in range(start, start + count)
    ]
    return render(
        request,
        "surveys/answers/print.html",
        {
            "campaign": campaign,
            "agency": agency,
            "forms": [(code, _qr(code)) for code in codes],
            "body": mark_safe(body),  # noqa: S308 - a template's own (escaped) output
            "start": start,
            "end": start + count - 1,
            "next_start": start + count,
            "count": count,
        },
    )
