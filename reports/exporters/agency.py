"""One agency's report: its figures against the province average, its weakest criteria, and the
comments left about it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import Agency
from reports import selectors
from reports.exporters.base import (
    DATETIME,
    PCT,
    Column,
    ExportContext,
    Exporter,
    Sheet,
    Total,
    register,
)
from reports.exporters.common import (
    campaign_rows,
    figure_cells,
    figure_columns,
    no_data_text,
    note,
    stamp_rows,
)
from reports.models import IndexResult
from surveys.models import Channel, Item, Response, ResponseText

WEAKEST = 5


def _subject(ctx: ExportContext) -> Agency:
    if ctx.agency is None:
        raise ValueError("the agency report is about one agency: none was given")
    return ctx.agency


def _diff(mine: float | None, theirs: float | None) -> float | None:
    return None if mine is None or theirs is None else round(mine - theirs, 4)


@register
class AgencyExporter(Exporter):
    identifier = "agency"
    verbose_name = gettext_lazy("Kết quả của một cơ quan")
    description = gettext_lazy(
        "Chỉ số của cơ quan so với trung bình tỉnh, các tiêu chí thấp nhất và ý kiến của người dân."
    )
    file_stem = "ket-qua-co-quan"
    agency_param = "required"
    needs_indices = True

    def iterate_sheets(self, ctx: ExportContext) -> Iterator[Sheet]:
        campaign, agency = ctx.campaign, _subject(ctx)
        mine = selectors.campaign_figures(campaign, "agency", str(agency.pk))
        average, average_label = self.province_average(ctx)
        outline = selectors.questionnaire_outline(campaign.questionnaire)
        aspects = selectors.questionnaire_aspects(campaign.questionnaire)
        overall = mine.get("OVERALL")
        has_data = overall is not None and overall.n > 0
        avg_overall = average.get("OVERALL")

        cover = [
            *campaign_rows(ctx),
            [_("Cơ quan"), agency.name],
            [_("Mã cơ quan"), agency.code],
            [_("Đơn vị hành chính"), agency.unit.name],
            [_("Số phiếu hợp lệ (n)"), overall.n if overall else 0],
            [_("Chỉ số hài lòng chung (%)"), overall.value if overall else None],
            [f"{average_label} (%)", avg_overall.value if avg_overall else None],
            [
                _("Chênh lệch so với trung bình (điểm %)"),
                _diff(overall.value if overall else None, avg_overall and avg_overall.value),
            ],
            *stamp_rows(ctx),
        ]
        if not has_data:
            cover.insert(0, [_("Ghi chú"), no_data_text()])
        yield Sheet(
            _("Thông tin"),
            cover,
            heading=[_("BÁO CÁO KẾT QUẢ KHẢO SÁT CỦA CƠ QUAN"), agency.name],
            header=False,
            widths=(40, 90),
        )
        yield Sheet(
            _("So với trung bình"),
            self.comparison_rows(mine, average, average_label, outline, aspects),
            heading=[
                _("%(agency)s so với %(average)s")
                % {"agency": agency.name, "average": average_label.lower()}
            ],
        )
        yield Sheet(
            _("Tiêu chí thấp nhất"),
            self.weakest_rows(ctx, average),
            heading=[_("Các tiêu chí có chỉ số thấp nhất")],
        )
        yield Sheet(
            _("Ý kiến"), self.comment_rows(ctx), heading=[_("Ý kiến của người dân, tổ chức")]
        )

    def province_average(self, ctx: ExportContext) -> tuple[dict[str, IndexResult], str]:
        """The figures of the agency's province in this campaign (the campaign's when none)."""
        agency = ctx.agency
        if agency is not None and agency.province_id:
            figures = selectors.campaign_figures(ctx.campaign, "province", str(agency.province_id))
            if figures:
                return figures, _("Trung bình tỉnh")
        return selectors.campaign_figures(ctx.campaign), _("Trung bình toàn đợt")

    def comparison_rows(self, mine, average, average_label, outline, aspects) -> Iterator[Any]:
        yield [
            Column(_("Mã"), 8),
            Column(_("Chỉ số, yếu tố, tiêu chí"), 56),
            *figure_columns(),
            Column(f"{average_label} (%)", 12, PCT),
            Column(_("Chênh lệch (điểm %)"), 12, PCT),
            Column(_("Ghi chú"), 30),
        ]

        def row(code: str, label: str) -> list[Any]:
            fig, avg = mine.get(code), average.get(code)
            avg_value = avg.value if avg else None
            return [code, label, *figure_cells(fig), avg_value,
                    _diff(fig.value if fig else None, avg_value), note(fig)]  # fmt: skip

        yield row("OVERALL", _("Chỉ số hài lòng chung"))
        for code, name in aspects:
            yield row(f"A:{code}", _("Khía cạnh %(name)s") % {"name": name})
        for element in outline:
            yield row(element.figure_code, f"{element.code}. {element.name}")
            for item in element.items:
                yield row(item.code, f"    {item.code}. {item.text}")

    def weakest_rows(self, ctx: ExportContext, average: dict[str, IndexResult]) -> Iterator[Any]:
        yield [
            Column(_("Thứ tự"), 7),
            Column(_("Mã tiêu chí"), 9),
            Column(_("Tiêu chí"), 60),
            Column(_("Yếu tố"), 30),
            Column(_("Chỉ số (%)"), 11, PCT),
            Column(_("Số phiếu (n)"), 10),
            Column(_("Trung bình (%)"), 12, PCT),
            Column(_("Chênh lệch (điểm %)"), 12, PCT),
        ]
        weakest = selectors.weakest_criteria(ctx.campaign, _subject(ctx), k=WEAKEST)
        for place, fig in enumerate(weakest, 1):
            avg = average.get(fig.code)
            avg_value = avg.value if avg else None
            yield [place, fig.code, fig.text, fig.element_name, fig.value, fig.n, avg_value,
                   _diff(fig.value, avg_value)]  # fmt: skip
        if not weakest:
            yield [None, None, _("Chưa có dữ liệu")]

    def comment_rows(self, ctx: ExportContext) -> Iterator[Any]:
        yield [
            Column(_("Thời điểm gửi"), 19, DATETIME),
            Column(_("Kênh"), 16),
            Column(_("Câu hỏi"), 30),
            Column(_("Ý kiến"), 100),
        ]
        comments = (
            ResponseText.objects.filter(
                response__campaign=ctx.campaign,
                response__agency=ctx.agency,
                response__status=Response.Status.VALID,
                item__role=Item.Role.COMMENT,
            )
            .exclude(text="")
            .order_by("-response__submitted_at", "-pk")
            .values_list("response__submitted_at", "response__channel", "item__text", "text")
        )
        yield Total(comments.count())
        channels = dict(Channel.choices)
        found = False
        for submitted_at, channel, question, text in comments.iterator(chunk_size=2000):
            found = True
            yield [submitted_at, str(channels.get(channel, channel)), question, text]
        if not found:
            yield [None, None, None, _("Chưa có ý kiến nào.")]
