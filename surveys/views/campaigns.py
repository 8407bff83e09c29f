"""Officials' campaign screens: list, creation in steps (basics → scope → review and open), detail,
edits with optimistic locking, and the status transitions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from agencies.access import Perm, get_access, require
from agencies.models import Agency
from surveys.forms.campaigns import CampaignFilterForm, CampaignForm, ScopeForm
from surveys.models import Campaign, Channel
from surveys.selectors import campaigns as selectors
from surveys.selectors.campaigns import get_campaign_for_user
from surveys.services import campaigns as services

Status = Campaign.Status
# Above this many agencies the scope is edited one branch at a time: a form of thousands of
# inputs is slow to use and exceeds Django's limit on posted fields.
SCOPE_PAGE_LIMIT = 300

TRANSITION_LABELS = {
    (Status.DRAFT, Status.OPEN): gettext_lazy("Mở đợt khảo sát"),
    (Status.OPEN, Status.CLOSED): gettext_lazy("Kết thúc thu phiếu"),
    (Status.CLOSED, Status.OPEN): gettext_lazy("Mở lại đợt khảo sát"),
    (Status.CLOSED, Status.PUBLISHED): gettext_lazy("Công bố kết quả"),
    (Status.CLOSED, Status.ARCHIVED): gettext_lazy("Lưu trữ"),
    (Status.PUBLISHED, Status.ARCHIVED): gettext_lazy("Lưu trữ"),
}
TRANSITION_STYLES = {
    Status.OPEN: "btn-success",
    Status.CLOSED: "btn-warning",
    Status.PUBLISHED: "btn-primary",
    Status.ARCHIVED: "btn-outline-secondary",
}


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    access = require(request, Perm.VIEW)
    organisers, national = selectors.campaign_organisers(access=access)
    form = CampaignFilterForm(
        request.GET or None,
        years=selectors.campaign_years(access=access),
        organisers=organisers,
        national=national,
    )
    filters = form.filters() if form.is_valid() else {}
    campaigns = selectors.campaign_list(access=access, **filters)
    page = Paginator(campaigns, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "surveys/campaigns/campaign_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_create": access.has(Perm.MANAGE_CAMPAIGNS),
        },
    )


def _campaign_form(
    request: HttpRequest, campaign: Campaign | None, data: QueryDict | None
) -> CampaignForm:
    access = get_access(request)
    # The campaign's own organiser and questionnaire stay in the lists, even if the agency has
    # since stopped operating or the questionnaire been superseded.
    organisers = selectors.organiser_choices(
        access=access, include=campaign.organiser_id if campaign else None
    )
    questionnaires = selectors.questionnaire_choices(
        access=access, include=campaign.questionnaire_id if campaign else None
    )
    if campaign is None:
        only = list(organisers[:2])
        organiser = only[0] if len(only) == 1 else None
        initial = {
            "year": timezone.localdate().year,
            "organiser": organiser,
            "era": organiser.unit.era if organiser else Campaign._meta.get_field("era").default,
            "channels": [Channel.ONLINE],
            "default_target": Campaign._meta.get_field("default_target").default,
        }
    else:
        initial = {
            name: getattr(campaign, name)
            for name in (
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
                "lock_version",
            )
        }
    return CampaignForm(
        data,
        initial=initial,
        organisers=organisers,
        questionnaires=questionnaires,
        allow_national=access.is_admin,
        campaign=campaign,
    )


@login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    require(request, Perm.MANAGE_CAMPAIGNS)
    form = _campaign_form(request, None, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(**form.campaign_fields(), by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Đã tạo đợt khảo sát “%(name)s”. Bước 2: chọn các cơ quan được khảo sát.")
                % {"name": campaign.name},
            )
            return redirect("campaigns:scope", pk=campaign.pk)
    return render(
        request,
        "surveys/campaigns/campaign_form.html",
        {"form": form, "title": _("Tạo đợt khảo sát"), "step": 1},
    )


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request, pk)
    access = get_access(request)
    can_manage = selectors.campaign_can(
        access=access, perm=Perm.MANAGE_CAMPAIGNS, campaign=campaign
    )
    transitions = []
    if can_manage:
        for to_status in services.TRANSITIONS[campaign.status]:
            transitions.append(
                {
                    "to": to_status,
                    "label": TRANSITION_LABELS[(campaign.status, to_status)],
                    "style": TRANSITION_STYLES[to_status],
                    "blockers": services.campaign_transition_blockers(
                        campaign=campaign, to_status=to_status
                    ),
                }
            )
    return render(
        request,
        "surveys/campaigns/campaign_detail.html",
        {
            "campaign": campaign,
            "progress": selectors.campaign_progress(campaign=campaign, access=access),
            "history": selectors.campaign_history(campaign=campaign),
            "channels": [Channel(c).label for c in campaign.channels],
            "can_manage": can_manage,
            "can_enter": selectors.campaign_can(
                access=access, perm=Perm.ENTER_RESPONSES, campaign=campaign
            ),
            "transitions": transitions,
            "step": 3 if campaign.status == Status.DRAFT and can_manage else None,
        },
    )


@login_required
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request, pk, Perm.MANAGE_CAMPAIGNS)
    if campaign.status in (Status.PUBLISHED, Status.ARCHIVED):
        messages.error(
            request,
            _("Đợt khảo sát đã ở trạng thái “%(status)s”, không sửa được nữa.")
            % {"status": campaign.get_status_display()},
        )
        return redirect("campaigns:detail", pk=campaign.pk)
    form = _campaign_form(request, campaign, request.POST if request.method == "POST" else None)
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(
                campaign=campaign,
                lock_version=form.cleaned_data["lock_version"],
                **form.campaign_fields(),
            )
        except ValidationError as exc:
            conflict = any(e.code == "conflict" for e in getattr(exc, "error_list", []))
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã lưu thay đổi."))
            return redirect("campaigns:detail", pk=campaign.pk)
    return render(
        request,
        "surveys/campaigns/campaign_form.html",
        {
            "form": form,
            "campaign": campaign,
            "title": _("Sửa đợt khảo sát"),
            "conflict": conflict,
            "step": 1 if campaign.status == Status.DRAFT else None,
        },
    )


def _scope_branch(request: HttpRequest, campaign: Campaign) -> Agency | None:
    """The branch being edited (`?under=<agency id>`), if any; it must be a candidate."""
    wanted = request.GET.get("under") or request.POST.get("under") or ""
    if not wanted.isdigit():
        return None
    return get_object_or_404(selectors.scope_candidates(campaign=campaign), pk=int(wanted))


def _with_subtree(data: QueryDict, candidates: list[Agency], action: str) -> QueryDict:
    """The posted data with a whole subtree ticked or unticked (the no-JavaScript helper)."""
    verb, _sep, raw = action.partition(":")
    root = next((a for a in candidates if str(a.pk) == raw), None)
    if root is None:
        return data
    under = {str(a.pk) for a in candidates if a.is_within(root)}
    chosen = set(data.getlist("agencies"))
    chosen = chosen | under if verb == "select" else chosen - under
    data = data.copy()
    data.setlist("agencies", sorted(chosen, key=int))
    return data


@login_required
def campaign_scope(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request, pk, Perm.MANAGE_CAMPAIGNS)
    if campaign.status != Status.DRAFT:
        messages.error(request, services.scope_frozen_message(campaign.status))
        return redirect("campaigns:detail", pk=campaign.pk)
    within = _scope_branch(request, campaign)
    everything = selectors.scope_candidates(campaign=campaign)
    total = everything.count()
    too_many = within is None and total > SCOPE_PAGE_LIMIT
    candidates = (
        [] if too_many else list(selectors.scope_candidates(campaign=campaign, within=within))
    )
    targets = selectors.campaign_scope_targets(campaign=campaign)
    data = request.POST if request.method == "POST" else None
    action = request.POST.get("subtree", "") if data is not None else ""
    if action:
        data = _with_subtree(data, candidates, action)
    form = ScopeForm(
        data,
        initial={"lock_version": campaign.lock_version},
        candidates=candidates,
        targets=targets,
        default_target=campaign.default_target,
    )
    if data is not None and not action and not too_many and form.is_valid():
        try:
            services.campaign_set_scope(
                campaign=campaign,
                targets=form.targets(),
                lock_version=form.cleaned_data["lock_version"],
                within=within,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            count = campaign.scope.count()
            messages.success(
                request,
                _(
                    "Đã lưu phạm vi khảo sát: %(count)d cơ quan. "
                    "Bước 3: kiểm tra và mở đợt khảo sát."
                )
                % {"count": count},
            )
            return redirect("campaigns:detail", pk=campaign.pk)
    branches = [a for a in everything.filter(children__isnull=False).distinct() if a.depth <= 1]
    return render(
        request,
        "surveys/campaigns/campaign_scope.html",
        {
            "campaign": campaign,
            "form": form,
            "within": within,
            "branches": branches,
            "too_many": too_many,
            "total": total,
            "selected_total": len(targets),
            "step": 2,
        },
    )


@login_required
@require_POST
def campaign_transition(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request, pk, Perm.MANAGE_CAMPAIGNS)
    to_status = request.POST.get("to", "")
    try:
        services.campaign_transition(
            campaign=campaign,
            to_status=to_status,
            by=request.user,
            note=request.POST.get("note", "").strip(),
        )
    except ValidationError as exc:
        messages.error(request, _("Không chuyển được trạng thái đợt khảo sát:"))
        for reason in exc.messages:
            messages.error(request, reason)
    else:
        messages.success(
            request,
            _("Đợt khảo sát đã chuyển sang trạng thái “%(status)s”.")
            % {"status": campaign.get_status_display()},
        )
    return redirect("campaigns:detail", pk=campaign.pk)
