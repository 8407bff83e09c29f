"""Results pages: the officials' campaign overview and agency page, the recompute button, and the
public results of a published campaign."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from agencies.access import Perm, get_access, get_agency_for_user
from agencies.models import Era
from reports import selectors, services
from reports.exporters import EXPORTERS
from reports.exporters.base import MIMETYPES, ExportContext
from reports.forms_weights import WeightsForm, weight_field_name
from reports.models import IndexResult
from surveys.models import Campaign
from surveys.selectors.campaigns import campaign_can, get_campaign_for_user

TIER_LABELS = {
    "province": gettext_lazy("Tỉnh, thành phố"),
    "district": gettext_lazy("Cấp huyện"),
    "commune": gettext_lazy("Cấp xã"),
    "agency": gettext_lazy("Cơ quan, đơn vị"),
}


# --- Building blocks ------------------------------------------------------------------------------


@dataclass
class Chart:
    """A bar (or line) chart drawn by static/js/charts.js, with its rows for the table version."""

    id: str
    title: str
    rows: list[tuple[str, IndexResult | None]]
    kind: str = "bar"
    labels: list[str] = field(default_factory=list)

    @property
    def data(self) -> dict:
        labels = self.labels or [label for label, _fig in self.rows]
        return {
            "type": self.kind,
            "title": self.title,
            "labels": [_short(label) for label in labels],
            "values": [_round(fig.value if fig else None) for _l, fig in self.rows],
            "ns": [fig.n if fig else 0 for _l, fig in self.rows],
            "lowN": [bool(fig and fig.low_n) for _l, fig in self.rows],
        }

    @property
    def height(self) -> int:
        return 260 if self.kind == "line" else 60 + 34 * len(self.rows)


def _short(label: str, limit: int = 60) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


@dataclass
class RankingTable:
    cut: str
    label: str
    rows: list[selectors.RankRow]

    @property
    def low_n_count(self) -> int:
        return sum(1 for row in self.rows if row.low_n)


def _tiers(campaign: Campaign) -> list[str]:
    tiers = ["province"] if campaign.is_national else []
    if campaign.era == Era.THREE_TIER:
        tiers.append("district")
    return [*tiers, "commune", "agency"]


def _rankings(
    campaign: Campaign,
    *,
    scope: selectors.ResultScope | None,
    include_low_n: bool,
    changes: selectors.YearOnYear | None = None,
) -> list[RankingTable]:
    tables = []
    for cut in _tiers(campaign):
        rows = selectors.ranking(campaign, cut, include_low_n=include_low_n, scope=scope)
        if changes is not None:
            selectors.attach_changes(rows, changes, cut)
        if rows:
            tables.append(RankingTable(cut, str(TIER_LABELS[cut]), rows))
    return tables


@dataclass
class ElementRow:
    code: str
    name: str
    aspect_name: str | None
    figure: IndexResult | None
    change: selectors.Change | None
    items: list[tuple[selectors.OutlineItem, IndexResult | None]]
    # On the agency page: (item, figure, driver) for the criteria table.
    item_rows: list[tuple] = field(default_factory=list)


def _element_rows(
    outline: list[selectors.OutlineElement],
    figures: dict[str, IndexResult],
    changes: selectors.YearOnYear | None,
    cut: str,
    key: str,
) -> list[ElementRow]:
    return [
        ElementRow(
            code=element.code,
            name=element.name,
            aspect_name=element.aspect_name,
            figure=figures.get(element.figure_code),
            change=changes.get(cut, key, element.figure_code) if changes else None,
            items=[(item, figures.get(item.code)) for item in element.items],
        )
        for element in outline
    ]


def _charts(rows: list[ElementRow], prefix: str) -> tuple[Chart | None, list[Chart]]:
    """One chart of the elements, and one per element of its criteria."""
    if not rows:
        return None, []
    elements = Chart(
        f"{prefix}-elements",
        _("Chỉ số theo yếu tố"),
        [(f"{row.code}. {row.name}", row.figure) for row in rows],
    )
    per_element = [
        Chart(
            f"{prefix}-element-{i}",
            _("Yếu tố %(code)s. %(name)s: chỉ số từng tiêu chí")
            % {"code": row.code, "name": row.name},
            [(f"{item.code}. {item.text}", fig) for item, fig in row.items],
            labels=[item.code for item, _fig in row.items],
        )
        for i, row in enumerate(rows, start=1)
        if row.items
    ]
    return elements, per_element


def _aspect_rows(
    campaign: Campaign,
    figures: dict[str, IndexResult],
    changes: selectors.YearOnYear | None,
    cut: str,
    key: str,
) -> list[dict]:
    return [
        {
            "code": code,
            "name": name,
            "figure": figures.get(f"A:{code}"),
            "change": changes.get(cut, key, f"A:{code}") if changes else None,
        }
        for code, name in selectors.questionnaire_aspects(campaign.questionnaire)
    ]


def _run_state(campaign: Campaign) -> dict:
    run = selectors.index_run(campaign)
    return {"run": run, "up_to_date": selectors.indices_current(campaign, run)}


# --- Officials' pages -----------------------------------------------------------------------------


@login_required
def campaign_overview(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request, pk)
    access = get_access(request)
    scope = selectors.result_scope(campaign=campaign, access=access)
    outline = selectors.questionnaire_outline(campaign.questionnaire)
    figures = selectors.campaign_figures(campaign, scope=scope)
    codes = ["OVERALL", *(e.figure_code for e in outline)]
    codes += [
        f"A:{code}" for code, _name in selectors.questionnaire_aspects(campaign.questionnaire)
    ]
    changes = selectors.year_on_year(campaign, codes=codes, scope=scope)
    rankings = _rankings(campaign, scope=scope, include_low_n=True, changes=changes)
    agency_ids = [row.object_id for t in rankings if t.cut == "agency" for row in t.rows]
    viewable = set(access.agencies().filter(pk__in=agency_ids).values_list("pk", flat=True))
    for table in rankings:
        for row in table.rows:
            row.url = (
                reverse("reports:agency", args=[campaign.pk, row.object_id])
                if table.cut == "agency" and row.object_id in viewable
                else ""
            )
    elements = _element_rows(outline, figures, changes, "campaign", "")
    element_chart, item_charts = _charts(elements, "c")
    overall = figures.get("OVERALL")
    if scope.whole:
        has_answers = overall is not None and overall.n > 0
    else:
        has_answers = any(row.n > 0 for table in rankings for row in table.rows)
    return render(
        request,
        "reports/campaign_overview.html",
        {
            "campaign": campaign,
            "scope": scope,
            "progress": selectors.results_progress(campaign=campaign, access=access),
            "overall": overall,
            "overall_change": changes.get("campaign", "", "OVERALL"),
            "previous": changes.previous,
            "aspects": _aspect_rows(campaign, figures, changes, "campaign", ""),
            "elements": elements,
            "element_chart": element_chart,
            "item_charts": item_charts,
            "rankings": rankings,
            "has_answers": has_answers,
            "min_n": settings.INDEX_MIN_N,
            "can_recompute": campaign_can(
                access=access, perm=Perm.MANAGE_CAMPAIGNS, campaign=campaign
            ),
            **_run_state(campaign),
        },
    )


@login_required
def agency_page(request: HttpRequest, pk: int, agency_pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request, pk)
    agency = get_agency_for_user(request, agency_pk)
    if not selectors.campaign_has_agency(campaign, agency):
        raise Http404
    access = get_access(request)
    scope = selectors.result_scope(campaign=campaign, access=access)
    key = str(agency.pk)
    outline = selectors.questionnaire_outline(campaign.questionnaire)
    figures = selectors.campaign_figures(campaign, "agency", key, scope=scope)
    codes = ["OVERALL", *(e.figure_code for e in outline)]
    changes = selectors.year_on_year(campaign, codes=codes, scope=scope)
    elements = _element_rows(outline, figures, changes, "agency", key)
    element_chart, item_charts = _charts(elements, "a")
    weakest = selectors.weakest_criteria(campaign, agency, scope=scope)
    drivers = selectors.drivers(campaign, agency, scope=scope)
    by_code = {d.code: d for d in drivers}
    for element in elements:
        element.item_rows = [(item, fig, by_code.get(item.code)) for item, fig in element.items]
    trend = selectors.agency_trend(campaign, agency, scope=scope)
    trend_chart = None
    if len(trend) > 1:
        trend_chart = Chart(
            "a-trend",
            _("Chỉ số hài lòng chung qua các đợt"),
            [(f"{p.year}", _TrendFigure(p)) for p in trend],
            kind="line",
        )
    overall = figures.get("OVERALL")
    return render(
        request,
        "reports/agency_page.html",
        {
            "campaign": campaign,
            "agency": agency,
            "overall": overall,
            "overall_change": changes.get("agency", key, "OVERALL"),
            "previous": changes.previous,
            "aspects": _aspect_rows(campaign, figures, changes, "agency", key),
            "elements": elements,
            "element_chart": element_chart,
            "item_charts": item_charts,
            "weakest": weakest,
            "weakest_codes": {row.code for row in weakest},
            "drivers": drivers,
            "fix_first": selectors.fix_first(drivers),
            "has_overall_item": selectors.overall_item(campaign.questionnaire) is not None,
            "expectations": selectors.expectations(campaign, agency, scope=scope)[:5],
            "comments": selectors.recent_comments(campaign, agency, scope=scope),
            "trend": trend,
            "trend_chart": trend_chart,
            "has_answers": overall is not None and overall.n > 0,
            "min_n": settings.INDEX_MIN_N,
            **_run_state(campaign),
        },
    )


@dataclass(frozen=True)
class _TrendFigure:
    """A trend point shaped like a figure, for the chart and its table."""

    point: selectors.TrendPoint

    @property
    def value(self) -> float | None:
        return self.point.value

    @property
    def n(self) -> int:
        return self.point.n

    @property
    def low_n(self) -> bool:
        return self.point.low_n

    low = high = None


@login_required
@require_POST
def campaign_recompute(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue a recomputation of the indices: a worker runs it, the page shows the run's state."""
    campaign = get_campaign_for_user(request, pk, Perm.MANAGE_CAMPAIGNS)
    if services.indices_request(campaign_id=campaign.pk):
        messages.success(
            request, _("Đã yêu cầu tính lại chỉ số. Kết quả sẽ được cập nhật sau ít phút.")
        )
    else:
        messages.info(request, _("Việc tính lại chỉ số đã được yêu cầu và đang chờ thực hiện."))
    return redirect("reports:campaign", pk=campaign.pk)


@login_required
def campaign_weights(request: HttpRequest, pk: int) -> HttpResponse:
    """The campaign's stratum weights (off by default): managers of the organiser set them."""
    campaign = get_campaign_for_user(request, pk, Perm.MANAGE_CAMPAIGNS)
    if campaign.status in (Campaign.Status.PUBLISHED, Campaign.Status.ARCHIVED):
        # New weights would change figures the province has already made public.
        messages.error(
            request,
            _("Đợt khảo sát đã công bố kết quả, không đổi trọng số được nữa."),
        )
        return redirect("reports:campaign", pk=campaign.pk)
    links = list(campaign.scope.select_related("agency", "agency__unit").order_by("agency__path"))
    initial = {"weighted": campaign.weighted}
    initial |= {weight_field_name(link.agency_id): link.weight for link in links}
    data = request.POST if request.method == "POST" else None
    form = WeightsForm(data, initial=initial, links=links)
    if request.method == "POST" and form.is_valid():
        services.weights_set(
            campaign=campaign,
            weighted=form.cleaned_data["weighted"],
            weights=form.weights(),
        )
        messages.success(request, _("Đã lưu trọng số. Chỉ số sẽ được tính lại sau ít phút."))
        return redirect("reports:campaign", pk=campaign.pk)
    return render(
        request,
        "reports/campaign_weights.html",
        {"campaign": campaign, "form": form},
        status=400 if form.is_bound else 200,
    )


# --- Public ---------------------------------------------------------------------------------------


def public_results(request: HttpRequest, code: str) -> HttpResponse:
    """A published campaign's results, for everyone: figures only, no answers, no free text."""
    campaign = get_object_or_404(
        Campaign.objects.select_related("questionnaire", "organiser"),
        code=code,
        status=Campaign.Status.PUBLISHED,
    )
    outline = selectors.questionnaire_outline(campaign.questionnaire)
    figures = selectors.campaign_figures(campaign)
    elements = _element_rows(outline, figures, None, "campaign", "")
    element_chart, _item_charts = _charts(elements, "p")
    overall = figures.get("OVERALL")
    return render(
        request,
        "reports/public_results.html",
        {
            "campaign": campaign,
            "overall": overall,
            "aspects": _aspect_rows(campaign, figures, None, "campaign", ""),
            "elements": elements,
            "element_chart": element_chart,
            "rankings": _rankings(campaign, scope=None, include_low_n=False),
            "has_answers": overall is not None and overall.n > 0,
            "min_n": settings.INDEX_MIN_N,
        },
    )


def public_summary(request: HttpRequest, code: str) -> HttpResponse:
    """The summary workbook of a published campaign, for everyone (figures only, like the page).

    Written from the stored results and kept per data version, so that repeated downloads of a
    popular campaign cost one generation."""
    campaign = get_object_or_404(
        Campaign.objects.select_related("questionnaire", "organiser"),
        code=code,
        status=Campaign.Status.PUBLISHED,
    )
    run = selectors.index_run(campaign)
    version = run.data_version if run is not None else ""
    key = f"public-summary:{campaign.pk}:{version}"
    found = cache.get(key)
    if found is None:
        exporter = EXPORTERS["summary"]()
        ctx = ExportContext(campaign=campaign, data_version=version)
        found = (exporter.filename(ctx, "xlsx"), exporter.render_bytes("xlsx", ctx))
        cache.set(key, found, timeout=24 * 3600)
    filename, content = found
    response = HttpResponse(content, content_type=MIMETYPES["xlsx"])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
