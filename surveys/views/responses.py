"""Paper forms in the browser: the campaign's Excel template, and the import of a filled-in file.

Both need ENTER_RESPONSES on the campaign: on its organiser (then every agency of the campaign
may be entered), or on some of its scope agencies (then only those). A campaign the user cannot
see at all is a 404; one they see without that right is a 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from agencies.access import Perm, get_access
from agencies.models import Agency
from surveys.forms.paper import PaperImportForm
from surveys.models import Campaign, Channel
from surveys.selectors.campaigns import get_campaign_for_user
from surveys.services import paper as services

SUMMARY_KEY = "paper_import_summary"
# The page lists this many errors; the command line (manage.py import_responses) prints all.
ERRORS_SHOWN = 1000


def _entry_agency_ids(request: HttpRequest, campaign: Campaign) -> set[int] | None:
    """Scope agencies whose answers the user may enter; None means all of them."""
    access = get_access(request)
    if access.is_admin or (
        campaign.organiser is not None and access.can(Perm.ENTER_RESPONSES, campaign.organiser)
    ):
        return None
    scope = Agency.objects.filter(campaign_scopes__campaign=campaign)
    return set(scope.filter(access.agency_q("", Perm.ENTER_RESPONSES)).values_list("pk", flat=True))


@login_required
def paper_template(request: HttpRequest, code: str) -> HttpResponse:
    campaign = get_campaign_for_user(request, code, Perm.ENTER_RESPONSES)
    data = services.paper_template(
        campaign=campaign, agency_ids=_entry_agency_ids(request, campaign)
    )
    response = HttpResponse(data, content_type=services.XLSX_MIME)
    # The code is a slug: safe in the header as it is.
    response["Content-Disposition"] = f'attachment; filename="phieu-giay-{campaign.code}.xlsx"'
    return response


def _summary(campaign: Campaign, result: services.ImportResult) -> dict[str, Any]:
    """What the page shows after the redirect, kept in the session (JSON-serialisable)."""
    return {
        "campaign": campaign.pk,
        "count": result.count,
        "texts": result.texts,
        "per_agency": [[a.code, a.name, a.count] for a in result.per_agency],
        "by_channel": [
            [str(Channel(channel).label), n] for channel, n in sorted(result.by_channel.items())
        ],
    }


@login_required
def paper_import(request: HttpRequest, code: str) -> HttpResponse:
    campaign = get_campaign_for_user(request, code, Perm.ENTER_RESPONSES)
    posted = request.method == "POST"
    form = PaperImportForm(request.POST, request.FILES) if posted else PaperImportForm()
    refused: services.ImportRefused | None = None
    status = 200
    if posted:
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = services.paper_import(
                    campaign=campaign,
                    data=upload.read(),
                    filename=upload.name,
                    entered_by=request.user,
                    allowed_agency_ids=_entry_agency_ids(request, campaign),
                )
            except services.ImportRefused as exc:
                refused, status = exc, 400
            else:
                request.session[SUMMARY_KEY] = _summary(campaign, result)
                # Post/redirect/get: a refresh must not post the file again.
                return redirect("responses:paper_import", code=campaign.code)
        else:
            status = 413 if form.has_error("file", "too_large") else 400
    summary = None
    if not posted and request.session.get(SUMMARY_KEY, {}).get("campaign") == campaign.pk:
        summary = request.session.pop(SUMMARY_KEY)  # shown once
    errors = refused.errors if refused else []
    return render(
        request,
        "surveys/responses/paper_import.html",
        {
            "campaign": campaign,
            "form": form,
            "refused": refused,
            "errors": errors[:ERRORS_SHOWN],
            "errors_hidden": refused.total - len(errors[:ERRORS_SHOWN]) if refused else 0,
            "summary": summary,
        },
        status=status,
    )
