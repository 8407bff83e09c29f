"""The index summary workbook of a campaign: cover, overall and elements, criteria, rankings per
tier, expectations and profile breakdowns, with native Excel charts of the elements and rankings.

Every figure is read from the stored indices (reports.IndexResult), brought up to date first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import AgencyKind, Era
from reports import selectors
from reports.exporters.base import PCT, Chart, Column, ExportContext, Exporter, Sheet, register
from reports.exporters.common import (
    campaign_rows,
    figure_cells,
    figure_columns,
    method_text,
    no_data_text,
    note,
    stamp_rows,
)
from reports.models import IndexResult
from surveys.models import Campaign, Channel, Item

TIERS = {
    "province": gettext_lazy("Xếp hạng cấp tỉnh"),
    "district": gettext_lazy("Xếp hạng cấp huyện"),
    "commune": gettext_lazy("Xếp hạng cấp xã"),
    "agency": gettext_lazy("Xếp hạng cơ quan"),
}
PEERS = {
    "province": gettext_lazy("Cấp tỉnh"),
    "district": gettext_lazy("Cấp huyện"),
    "commune": gettext_lazy("Cấp xã"),
    "agency": "",
}
GROUP_CUTS = {
    "channel": gettext_lazy("Kênh khảo sát"),
    "agency_kind": gettext_lazy("Loại cơ quan"),
    "procedure": gettext_lazy("Lĩnh vực thủ tục"),
    "profile": gettext_lazy("Đặc điểm người trả lời"),
}


def ranked_tiers(campaign: Campaign) -> list[str]:
    """The tiers whose units and agencies are ranked, as on the results page."""
    tiers = ["province"] if campaign.is_national else []
    if campaign.era == Era.THREE_TIER:
        tiers.append("district")
    return [*tiers, "commune", "agency"]


@register
class SummaryExporter(Exporter):
    identifier = "summary"
    verbose_name = gettext_lazy("Tổng hợp chỉ số (toàn đợt)")
    description = gettext_lazy(
        "Chỉ số chung, yếu tố, tiêu chí, xếp hạng cơ quan và đơn vị, mong đợi, theo nhóm người "
        "trả lời; có biểu đồ."
    )
    file_stem = "tong-hop-chi-so"
    needs_indices = True
    xlsx_engine = "openpyxl"  # native charts need the full workbook

    def iterate_sheets(self, ctx: ExportContext) -> Iterator[Sheet]:
        campaign = ctx.campaign
        figures = selectors.campaign_figures(campaign)
        outline = selectors.questionnaire_outline(campaign.questionnaire)
        overall = figures.get("OVERALL")
        has_data = overall is not None and overall.n > 0
        yield self.cover(ctx, overall, has_data)
        yield self.overall_sheet(ctx, figures, outline, has_data)
        yield self.criteria_sheet(outline, figures, has_data)
        for cut in ranked_tiers(campaign):
            yield self.ranking_sheet(campaign, cut)
        yield self.expectations_sheet(campaign)
        yield self.groups_sheet(campaign, outline)

    # Sheets ----------------------------------------------------------------------------------

    def cover(self, ctx: ExportContext, overall: IndexResult | None, has_data: bool) -> Sheet:
        rows = campaign_rows(ctx)
        rows += [
            [_("Số phiếu hợp lệ (n)"), overall.n if overall else 0],
            [_("Chỉ số hài lòng chung (%)"), overall.value if overall else None],
            [_("Phương pháp"), method_text(ctx.campaign.questionnaire)],
            [_("Cỡ mẫu tối thiểu để xếp hạng"), settings.INDEX_MIN_N],
            *stamp_rows(ctx),
        ]
        if not has_data:
            rows.insert(0, [_("Ghi chú"), no_data_text()])
        heading = [_("BÁO CÁO TỔNG HỢP CHỈ SỐ HÀI LÒNG"), ctx.campaign.name]
        return Sheet(_("Thông tin"), rows, heading=heading, header=False, widths=(34, 90))

    def overall_sheet(self, ctx, figures, outline, has_data) -> Sheet:
        aspects = selectors.questionnaire_aspects(ctx.campaign.questionnaire)
        rows: list[Any] = [
            [
                Column(_("Mã"), 8),
                Column(_("Chỉ số"), 50),
                *figure_columns(),
                Column(_("Ghi chú"), 30),
            ]
        ]
        fig = figures.get("OVERALL")
        rows.append(["OVERALL", _("Chỉ số hài lòng chung"), *figure_cells(fig), note(fig)])
        for code, name in aspects:
            fig = figures.get(f"A:{code}")
            rows.append(
                [
                    f"A:{code}",
                    _("Khía cạnh %(name)s") % {"name": name},
                    *figure_cells(fig),
                    note(fig),
                ]
            )
        first = len(rows) - 1
        for element in outline:
            fig = figures.get(element.figure_code)
            rows.append(
                [
                    element.figure_code,
                    f"{element.code}. {element.name}",
                    *figure_cells(fig),
                    note(fig),
                ]
            )
        charts = []
        if has_data and outline:
            charts.append(Chart(_("Chỉ số hài lòng theo yếu tố (%)"), 2, (3,), first=first))
        return Sheet(
            _("Chỉ số chung"),
            rows,
            heading=[_("Chỉ số hài lòng chung và theo yếu tố")],
            charts=charts,
        )

    def criteria_sheet(self, outline, figures, has_data) -> Sheet:
        rows: list[Any] = [
            [
                Column(_("Mã yếu tố"), 8),
                Column(_("Yếu tố"), 30),
                Column(_("Mã tiêu chí"), 9),
                Column(_("Tiêu chí"), 60),
                *figure_columns(),
                Column(_("Tỷ lệ trả lời (%)"), 11, PCT),
                Column(_("Ghi chú"), 30),
            ]
        ]
        for element in outline:
            for item in element.items:
                fig = figures.get(item.code)
                rate = (fig.extra or {}).get("rate") if fig else None
                rows.append(
                    [
                        element.code,
                        element.name,
                        item.code,
                        item.text,
                        *figure_cells(fig),
                        rate,
                        note(fig),
                    ]
                )
        return Sheet(_("Tiêu chí"), rows, heading=[_("Chỉ số hài lòng theo từng tiêu chí")])

    def ranking_sheet(self, campaign: Campaign, cut: str) -> Sheet:
        ranked = selectors.ranking(campaign, cut, include_low_n=True)
        # Ranked rows first (each group by its places), then those without a place.
        rows_in_order = [r for r in ranked if r.rank is not None] + [
            r for r in ranked if r.rank is None
        ]
        places = sum(1 for r in ranked if r.rank is not None)
        header = [
            Column(_("Hạng"), 6),
            Column(_("Tên"), 40),
            Column(_("Thuộc"), 28),
            Column(_("Nhóm so sánh"), 24),
            Column(_("Chỉ số (%)"), 11, PCT),
            Column(_("Số phiếu (n)"), 10),
            Column(_("Cận dưới 95% (%)"), 11, PCT),
            Column(_("Cận trên 95% (%)"), 11, PCT),
            Column(_("Số đơn vị được xếp hạng cùng nhóm"), 12),
            Column(_("Ghi chú"), 30),
        ]
        rows: list[Any] = [header]
        for r in rows_in_order:
            remark = ""
            if r.value is None:
                remark = _("Chưa có dữ liệu")
            elif r.low_n:
                remark = _("Cỡ mẫu nhỏ (n < %(min)d), không xếp hạng") % {
                    "min": settings.INDEX_MIN_N
                }
            rows.append(
                [r.rank, r.name, r.parent_name, r.group_label or str(PEERS[cut]),
                 r.value, r.n, r.low, r.high, r.peers or None, remark]
            )  # fmt: skip
        if not ranked:
            rows.append([None, _("Chưa có dữ liệu")])
        charts = []
        if places:
            title = _("%(tier)s: chỉ số hài lòng chung (%%)") % {"tier": TIERS[cut]}
            charts.append(Chart(title, 2, (5,), first=0, last=places - 1))
        return Sheet(str(TIERS[cut]), rows, heading=[str(TIERS[cut])], charts=charts)

    def expectations_sheet(self, campaign: Campaign) -> Sheet:
        rows: list[Any] = [
            [Column(_("Mã"), 10), Column(_("Mong đợi"), 70), Column(_("Tỷ lệ (%)"), 11, PCT),
             Column(_("Số phiếu (n)"), 10)]
        ]  # fmt: skip
        expectations = selectors.expectations(campaign)
        for e in expectations:
            rows.append([e.code, e.label, e.value, e.n])
        if not expectations:
            rows.append([None, _("Chưa có dữ liệu")])
        return Sheet(_("Mong đợi"), rows, heading=[_("Nhu cầu, mong đợi của người dân, tổ chức")])

    def groups_sheet(self, campaign: Campaign, outline) -> Sheet:
        """OVERALL and each element's index by channel, agency kind, procedure and profile."""
        codes = ["OVERALL", *(e.figure_code for e in outline)]
        results = IndexResult.objects.filter(
            campaign=campaign, cut__in=list(GROUP_CUTS), code__in=codes
        ).values_list("cut", "cut_key", "code", "value", "n")
        table: dict[tuple[str, str], dict[str, float | None]] = defaultdict(dict)
        sizes: dict[tuple[str, str], int] = {}
        for cut, key, code, value, n in results:
            table[(cut, key)][code] = value
            if code == "OVERALL":
                sizes[(cut, key)] = n
        labels = _group_labels(campaign)
        header = [
            Column(_("Nhóm"), 22),
            Column(_("Câu hỏi"), 40),
            Column(_("Phương án"), 30),
            Column(_("Số phiếu (n)"), 10),
            Column(_("Chỉ số chung (%)"), 11, PCT),
            *(Column(f"{e.code}. {e.name} (%)", 14, PCT) for e in outline),
        ]
        rows: list[Any] = [header]
        order = list(GROUP_CUTS)
        keys = sorted(table, key=lambda ck: (order.index(ck[0]), labels.get(ck, ("", ck[1]))))
        for cut, key in keys:
            question, option = labels.get((cut, key), ("", key))
            values = table[(cut, key)]
            rows.append(
                [str(GROUP_CUTS[cut]), question, option, sizes.get((cut, key), 0),
                 values.get("OVERALL"), *(values.get(e.figure_code) for e in outline)]
            )  # fmt: skip
        if not keys:
            rows.append([_("Chưa có dữ liệu")])
        return Sheet(
            _("Theo nhóm"), rows, heading=[_("Chỉ số theo nhóm người trả lời, kênh, loại cơ quan")]
        )


def _group_labels(campaign: Campaign) -> dict[tuple[str, str], tuple[str, str]]:
    """(cut, key) → (question, option) in words."""
    labels: dict[tuple[str, str], tuple[str, str]] = {}
    for value, label in Channel.choices:
        labels[("channel", value)] = (_("Kênh"), str(label))
    for value, label in AgencyKind.choices:
        labels[("agency_kind", value)] = (_("Loại cơ quan"), str(label))
    items = campaign.questionnaire.items.filter(
        role__in=[Item.Role.PROFILE, Item.Role.PROCEDURE]
    ).exclude(position=None)
    for item in items:
        for value, label, _en in item.levels():
            if item.role == Item.Role.PROCEDURE:
                labels[("procedure", str(value))] = (item.text, label)
            labels[("profile", f"{item.code}={value}")] = (item.text, label)
    return labels
