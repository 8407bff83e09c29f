"""Officials' set-up of a campaign's collection channels: the open link with its QR code and
counter poster, kiosks, and personal invitations.

Rights, on top of seeing the campaign (else 404):
- the open link's page, QR code and poster: VIEW (they show what is public anyway);
- kiosks: ENTER_RESPONSES, as for entering paper forms. An official registers the devices of
  the agencies whose answers they may enter, and sees only those: a kiosk's key lets a device
  post answers, so it is not shown to viewers or supervisors;
- invitations: MANAGE_CAMPAIGNS on the campaign (its organiser): each token is an answer.
"""

from __future__ import annotations

import csv
import io

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agencies.access import Perm, get_access, get_object_for_user
from agencies.models import Agency
from surveys.forms.collect import InvitationForm, KioskForm
from surveys.models import Campaign, Channel, Kiosk
from surveys.selectors import collect as selectors
from surveys.selectors.campaigns import campaign_can, get_campaign_for_user
from surveys.services import collect as services

QR_SCALE = 8
POSTER_QR_SCALE = 12
INVITATIONS_PER_PAGE = 100
# Spreadsheet programs run a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# --- Links and QR codes ---------------------------------------------------------------------------


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def open_link_url(campaign: Campaign, agency: Agency | None = None) -> str:
    """The open link; with an agency, its questionnaire directly (for that agency's counter)."""
    url = absolute(reverse("public:open", args=[campaign.code]))
    return f"{url}?agency={agency.pk}" if agency is not None else url


def qr_svg(url: str, *, scale: int = QR_SCALE) -> bytes:
    """An SVG file of the QR code of `url` (error correction M: still reads when a bit worn)."""
    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="svg", scale=scale, border=4, title=url)
    return buf.getvalue()


def _svg_response(url: str, filename: str) -> HttpResponse:
    response = HttpResponse(qr_svg(url), content_type="image/svg+xml")
    # Names are built from slugs and numbers only: safe in the header as they are.
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _visible_agency(request: HttpRequest, campaign: Campaign) -> Agency | None:
    """The scope agency of ?agency=, if the user sees it; none asked → None; else a 404."""
    raw = request.GET.get("agency")
    if not raw:
        return None
    visible = selectors.visible_agencies(campaign=campaign, access=get_access(request))
    agency = visible.filter(pk=raw).first() if raw.isdigit() else None
    if agency is None:
        raise Http404
    return agency


@login_required
def collect_index(request: HttpRequest, code: str) -> HttpResponse:
    campaign = get_campaign_for_user(request, code)
    access = get_access(request)
    return render(
        request,
        "surveys/collect/index.html",
        {
            "campaign": campaign,
            "open_url": open_link_url(campaign),
            "online": Channel.ONLINE in campaign.channels,
            "kiosk_channel": Channel.KIOSK in campaign.channels,
            "agencies": selectors.visible_agencies(campaign=campaign, access=access),
            "can_kiosks": campaign_can(access=access, perm=Perm.ENTER_RESPONSES, campaign=campaign),
            "can_invite": campaign_can(
                access=access, perm=Perm.MANAGE_CAMPAIGNS, campaign=campaign
            ),
        },
    )


@login_required
def open_qr(request: HttpRequest, code: str) -> HttpResponse:
    campaign = get_campaign_for_user(request, code)
    agency = _visible_agency(request, campaign)
    suffix = f"-{agency.pk}" if agency else ""
    return _svg_response(open_link_url(campaign, agency), f"qr-{campaign.code}{suffix}.svg")


@login_required
def poster(request: HttpRequest, code: str) -> HttpResponse:
    """A4 poster for a counter: the QR code, the short link, a call to action."""
    campaign = get_campaign_for_user(request, code)
    agency = _visible_agency(request, campaign)
    return render(
        request,
        "surveys/collect/poster.html",
        {
            "campaign": campaign,
            "agency": agency,
            # segno's own markup, with nothing of ours in it: safe to put in the page as it is.
            "qr": segno.make(open_link_url(campaign, agency), error="m").svg_inline(
                scale=POSTER_QR_SCALE, border=4
            ),
            "short_url": open_link_url(campaign),
        },
    )


# --- Kiosks ---------------------------------------------------------------------------------------


def _kiosk_for_user(request: HttpRequest, campaign: Campaign, pk: int) -> Kiosk:
    return get_object_for_user(
        request,
        Kiosk.objects.filter(campaign=campaign).select_related("agency"),
        agency_field="agency",
        perm=Perm.ENTER_RESPONSES,
        pk=pk,
    )


@login_required
def kiosks(request: HttpRequest, code: str) -> HttpResponse:
    campaign = get_campaign_for_user(request, code, Perm.ENTER_RESPONSES)
    access = get_access(request)
    agencies = selectors.collect_agencies(
        campaign=campaign, access=access, perm=Perm.ENTER_RESPONSES
    )
    form = KioskForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        try:
            kiosk = services.kiosk_register(
                campaign=campaign,
                agency=form.cleaned_data["agency"],
                counter=form.cleaned_data["counter"],
                idle_seconds=form.cleaned_data["idle_seconds"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Đã đăng ký kiosk cho %(agency)s. Mở đường dẫn của kiosk trên thiết bị tại quầy.")
                % {"agency": kiosk.agency.name},
            )
            return redirect("collect:kiosks", campaign.code)
    rows = [
        (kiosk, absolute(reverse("public:kiosk", args=[kiosk.key])))
        for kiosk in selectors.kiosk_list(campaign=campaign, access=access)
    ]
    return render(
        request,
        "surveys/collect/kiosks.html",
        {
            "campaign": campaign,
            "form": form,
            "rows": rows,
            "kiosk_channel": Channel.KIOSK in campaign.channels,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def kiosk_deactivate(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request, code, Perm.ENTER_RESPONSES)
    kiosk = _kiosk_for_user(request, campaign, pk)
    services.kiosk_deactivate(kiosk=kiosk)
    messages.success(
        request, _("Kiosk %(kiosk)s đã ngừng nhận phiếu.") % {"kiosk": kiosk.counter or kiosk.key}
    )
    return redirect("collect:kiosks", campaign.code)


@login_required
def kiosk_qr(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request, code, Perm.ENTER_RESPONSES)
    kiosk = _kiosk_for_user(request, campaign, pk)
    url = absolute(reverse("public:kiosk", args=[kiosk.key]))
    return _svg_response(url, f"kiosk-{kiosk.pk}.svg")


# --- Invitations ----------------------------------------------------------------------------------


def invitation_url(token: str) -> str:
    return absolute(reverse("public:invitation", args=[token]))


def _invitation_filters(request: HttpRequest, campaign: Campaign) -> dict:
    used = {"yes": True, "no": False}.get(request.GET.get("used", ""))
    return {"agency": _visible_agency(request, campaign), "used": used}


@login_required
def invitations(request: HttpRequest, code: str) -> HttpResponse:
    campaign = get_campaign_for_user(request, code, Perm.MANAGE_CAMPAIGNS)
    access = get_access(request)
    agencies = selectors.collect_agencies(
        campaign=campaign, access=access, perm=Perm.MANAGE_CAMPAIGNS
    )
    form = InvitationForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.invitations_create(
                campaign=campaign,
                agency=form.cleaned_data["agency"],
                count=form.cleaned_data["count"] or 0,
                respondent_codes=form.cleaned_data["respondent_codes"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Đã tạo %(n)d thư mời cho %(agency)s.")
                % {"n": len(made), "agency": form.cleaned_data["agency"].name},
            )
            return redirect("collect:invitations", campaign.code)
    filters = _invitation_filters(request, campaign)
    page = Paginator(
        selectors.invitation_list(campaign=campaign, **filters), INVITATIONS_PER_PAGE
    ).get_page(request.GET.get("page"))
    total, answered = selectors.invitation_counts(campaign=campaign)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "surveys/collect/invitations.html",
        {
            "campaign": campaign,
            "form": form,
            "page": page,
            "rows": [(inv, invitation_url(inv.token)) for inv in page],
            "total": total,
            "answered": answered,
            "agencies": agencies,
            "filters": filters,
            "query": query.urlencode(),
            "online": Channel.ONLINE in campaign.channels,
        },
        status=400 if form.errors else 200,
    )


def _cell(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


@login_required
def invitations_csv(request: HttpRequest, code: str) -> HttpResponse:
    campaign = get_campaign_for_user(request, code, Perm.MANAGE_CAMPAIGNS)
    rows = selectors.invitation_list(campaign=campaign, **_invitation_filters(request, campaign))
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(
        [_("Mã người trả lời"), _("Mã cơ quan"), _("Cơ quan"), _("Đường dẫn"), _("Đã trả lời")]
    )
    for inv in rows.iterator(chunk_size=2000):
        writer.writerow(
            [
                _cell(inv.respondent_code),
                _cell(inv.agency.code),
                _cell(inv.agency.name),
                invitation_url(inv.token),
                _("có") if inv.used else _("chưa"),
            ]
        )
    # The byte-order mark makes Excel read the file as UTF-8 (Vietnamese letters intact).
    response = HttpResponse("\ufeff" + buf.getvalue(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="thu-moi-{campaign.code}-{stamp}.csv"'
    return response


@login_required
def invitation_qr(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request, code, Perm.MANAGE_CAMPAIGNS)
    inv = get_object_or_404(campaign.invitations, pk=pk)
    return _svg_response(invitation_url(inv.token), f"thu-moi-{inv.pk}.svg")
