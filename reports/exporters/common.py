"""Pieces shared by the reports built on the stored indices (summary, agency)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.engine import ENGINE_VERSION
from reports.exporters.base import PCT, Column, ExportContext
from reports.models import IndexResult
from surveys.models import Campaign, Questionnaire


def no_data_text() -> str:
    return _("Chưa có dữ liệu: chưa có phiếu trả lời hợp lệ nào.")


def note(figure: IndexResult | None) -> str:
    """What a reader must know about a figure: no data, or too few answers to rank."""
    if figure is None or figure.value is None:
        return _("Chưa có dữ liệu")
    if figure.low_n:
        return _("Cỡ mẫu nhỏ (n < %(min)d), không xếp hạng") % {"min": settings.INDEX_MIN_N}
    return ""


def value(figure: IndexResult | None) -> float | None:
    return None if figure is None else figure.value


def figure_cells(figure: IndexResult | None) -> list[Any]:
    """Value, n, interval: the four cells every figure row has."""
    if figure is None:
        return [None, 0, None, None]
    return [figure.value, figure.n, figure.low, figure.high]


def figure_columns() -> list[Column]:
    return [
        Column(_("Chỉ số (%)"), 11, PCT),
        Column(_("Số phiếu (n)"), 10),
        Column(_("Cận dưới 95% (%)"), 11, PCT),
        Column(_("Cận trên 95% (%)"), 11, PCT),
    ]


def method_text(questionnaire: Questionnaire) -> str:
    return _(
        "Chỉ số tiêu chí = tỷ lệ phần trăm câu trả lời ở các mức tích cực (hài lòng, rất hài "
        "lòng) trên số câu trả lời hợp lệ của tiêu chí; câu bỏ trống không tính. Chỉ số yếu tố: "
        "%(element)s. Chỉ số hài lòng chung: %(overall)s. Khoảng tin cậy 95%% theo phương pháp "
        "Wilson. Số liệu có dưới %(min)d phiếu được đánh dấu và không xếp hạng."
    ) % {
        "element": Questionnaire.ElementRule(questionnaire.element_rule).label.lower(),
        "overall": Questionnaire.OverallRule(questionnaire.overall_rule).label.lower(),
        "min": settings.INDEX_MIN_N,
    }


def campaign_rows(ctx: ExportContext) -> list[list[Any]]:
    """Key–value rows describing the campaign, for a cover sheet."""
    campaign: Campaign = ctx.campaign
    q = campaign.questionnaire
    organiser = campaign.organiser.name if campaign.organiser_id else _("Đợt khảo sát quốc gia")
    return [
        [_("Đợt khảo sát"), campaign.name],
        [_("Mã đợt"), campaign.code],
        [_("Năm"), campaign.year],
        [_("Cơ quan tổ chức"), organiser],
        [
            _("Phiếu khảo sát"),
            _("%(title)s (phiên bản %(v)d)") % {"title": q.title, "v": q.version},
        ],
        [
            _("Thời gian khảo sát"),
            f"{campaign.opens_on:%d/%m/%Y} – {campaign.closes_on:%d/%m/%Y}",
        ],
    ]


def stamp_rows(ctx: ExportContext) -> list[list[Any]]:
    when = timezone.localtime(ctx.generated_at)
    return [
        [_("Phiên bản dữ liệu"), ctx.data_version],
        [_("Phiên bản cách tính"), ENGINE_VERSION],
        [_("Thời điểm lập báo cáo"), f"{when:%d/%m/%Y %H:%M}"],
    ]
