"""Fieldwork progress: valid answers against targets per agency and per unit, by channel and by day.

Counts come from two aggregate queries over the campaign's responses (per agency and channel;
per day and channel); targets from the campaign's scope. Limited to an agency, the report holds
that agency and the agencies under it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import AdminUnit, Agency, AgencyKind, Tier
from reports.exporters.base import (
    DATE,
    PCT,
    Column,
    ExportContext,
    Exporter,
    Sheet,
    register,
)
from reports.exporters.common import campaign_rows, no_data_text, stamp_rows
from surveys.models import Campaign, CampaignAgency, Channel, Response


@dataclass
class Line:
    agency: Agency
    target: int | None  # None: not in the campaign's scope (answers kept from before)
    by_channel: dict[str, int] = field(default_factory=dict)
    rejected: int = 0

    @property
    def answers(self) -> int:
        return sum(self.by_channel.values())


def _share(answers: int, target: int | None) -> float | None:
    return round(100 * answers / target, 2) if target else None


def channels_shown(campaign: Campaign, used: set[str]) -> list[str]:
    """The campaign's channels, then any other channel that has answers."""
    return [
        *campaign.channels,
        *(c for c in Channel.values if c in used and c not in campaign.channels),
    ]


@register
class ProgressExporter(Exporter):
    identifier = "progress"
    verbose_name = gettext_lazy("Tiến độ thu phiếu")
    description = gettext_lazy(
        "Số phiếu hợp lệ so với chỉ tiêu theo cơ quan và đơn vị hành chính, theo kênh và theo ngày."
    )
    file_stem = "tien-do"
    agency_param = "optional"

    def iterate_sheets(self, ctx: ExportContext) -> Iterator[Sheet]:
        lines = self.lines(ctx)
        used = {c for line in lines for c, n in line.by_channel.items() if n}
        channels = channels_shown(ctx.campaign, used)
        target = sum(line.target or 0 for line in lines)
        answers = sum(line.answers for line in lines)
        title = _("TIẾN ĐỘ THU PHIẾU KHẢO SÁT")
        subtitle = ctx.campaign.name
        if ctx.agency is not None:
            subtitle += f" – {ctx.agency.name}"
        cover = campaign_rows(ctx)
        if ctx.agency is not None:
            cover.append(
                [
                    _("Phạm vi"),
                    _("%(agency)s và các cơ quan trực thuộc") % {"agency": ctx.agency.name},
                ]
            )
        cover += [
            [_("Chỉ tiêu (phiếu)"), target],
            [_("Phiếu hợp lệ đã thu"), answers],
            [_("Tỷ lệ đạt (%)"), _share(answers, target)],
            *stamp_rows(ctx),
        ]
        if not answers:
            cover.insert(0, [_("Ghi chú"), no_data_text()])
        yield Sheet(_("Thông tin"), cover, heading=[title, subtitle], header=False, widths=(34, 80))
        yield Sheet(_("Theo cơ quan"), self.agency_rows(lines, channels), heading=[title, subtitle])
        yield Sheet(_("Theo đơn vị"), self.unit_rows(lines), heading=[title, subtitle])
        yield Sheet(_("Theo ngày"), self.day_rows(ctx, channels), heading=[title, subtitle])

    # Data ------------------------------------------------------------------------------------

    def lines(self, ctx: ExportContext) -> list[Line]:
        campaign = ctx.campaign
        scope = CampaignAgency.objects.filter(campaign=campaign).select_related(
            "agency", "agency__unit"
        )
        if ctx.agency is not None:
            scope = scope.filter(agency__path__startswith=ctx.agency.path)
        lines = {
            row.agency_id: Line(
                row.agency, row.target if row.target is not None else campaign.default_target
            )
            for row in scope
        }
        where, params = "r.campaign_id = %s", [campaign.pk]
        if ctx.agency is not None:
            where += " AND a.path LIKE %s"
            params.append(ctx.agency.path + "%")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT r.agency_id, r.channel, r.status, count(*) FROM surveys_response r "  # noqa: S608
                f"JOIN agencies_agency a ON a.id = r.agency_id WHERE {where} "
                "GROUP BY r.agency_id, r.channel, r.status",
                params,
            )
            counts = cursor.fetchall()
        missing = {agency_id for agency_id, *_rest in counts} - set(lines)
        for agency in Agency.objects.filter(pk__in=missing).select_related("unit"):
            lines[agency.pk] = Line(agency, None)
        for agency_id, channel, status, n in counts:
            line = lines[agency_id]
            if status == Response.Status.VALID:
                line.by_channel[channel] = line.by_channel.get(channel, 0) + n
            else:
                line.rejected += n
        return sorted(lines.values(), key=lambda line: line.agency.path)

    # Sheets ----------------------------------------------------------------------------------

    def agency_rows(self, lines: list[Line], channels: list[str]) -> Iterator[Any]:
        labels = dict(Channel.choices)
        kinds = dict(AgencyKind.choices)
        yield [
            Column(_("Mã cơ quan"), 14),
            Column(_("Tên cơ quan"), 40),
            Column(_("Loại cơ quan"), 22),
            Column(_("Đơn vị hành chính"), 24),
            Column(_("Chỉ tiêu (phiếu)"), 10),
            Column(_("Phiếu hợp lệ"), 10),
            Column(_("Tỷ lệ đạt (%)"), 10, PCT),
            Column(_("Đạt chỉ tiêu"), 9),
            *(Column(str(labels[c]), 12) for c in channels),
            Column(_("Bị loại, đang phúc tra"), 12),
            Column(_("Ghi chú"), 24),
        ]
        top = min((line.agency.depth for line in lines), default=0)
        for line in lines:
            indent = "    " * max(0, line.agency.depth - top)
            reached = (
                None
                if line.target is None
                else (_("Đạt") if line.answers >= line.target else _("Chưa đạt"))
            )
            yield [
                line.agency.code, indent + line.agency.name, str(kinds.get(line.agency.kind, "")),
                line.agency.unit.name, line.target, line.answers, _share(line.answers, line.target),
                reached, *(line.by_channel.get(c, 0) for c in channels), line.rejected,
                "" if line.target is not None else _("Ngoài phạm vi khảo sát"),
            ]  # fmt: skip
        target = sum(line.target or 0 for line in lines)
        answers = sum(line.answers for line in lines)
        yield [
            None, _("Tổng cộng"), None, None, target, answers, _share(answers, target), None,
            *(sum(line.by_channel.get(c, 0) for line in lines) for c in channels),
            sum(line.rejected for line in lines), "",
        ]  # fmt: skip

    def unit_rows(self, lines: list[Line]) -> Iterator[Any]:
        """Targets and answers rolled up to each province, district and commune."""
        yield [
            Column(_("Cấp"), 10),
            Column(_("Mã ĐVHC"), 9),
            Column(_("Tên đơn vị hành chính"), 36),
            Column(_("Số cơ quan"), 9),
            Column(_("Chỉ tiêu (phiếu)"), 10),
            Column(_("Phiếu hợp lệ"), 10),
            Column(_("Tỷ lệ đạt (%)"), 10, PCT),
        ]
        totals: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
        for line in lines:
            unit = line.agency.unit
            ancestors = {unit.pk}
            if unit.province_id:
                ancestors.add(unit.province_id)
            if unit.district_id:
                ancestors.add(unit.district_id)
            for unit_id in ancestors:
                total = totals[unit_id]
                total[0] += 1
                total[1] += line.target or 0
                total[2] += line.answers
        units = AdminUnit.objects.filter(pk__in=list(totals)).order_by("tier", "code")
        tiers = dict(Tier.choices)
        for unit in units:
            agencies, target, answers = totals[unit.pk]
            yield [str(tiers[unit.tier]), unit.code, unit.name, agencies, target, answers,
                   _share(answers, target)]  # fmt: skip

    def day_rows(self, ctx: ExportContext, channels: list[str]) -> Iterator[Any]:
        labels = dict(Channel.choices)
        yield [
            Column(_("Ngày"), 12, DATE),
            *(Column(str(labels[c]), 12) for c in channels),
            Column(_("Cả ngày"), 10),
            Column(_("Luỹ kế"), 10),
        ]
        where, params = "r.campaign_id = %s AND r.status = %s", [ctx.campaign.pk, "valid"]
        if ctx.agency is not None:
            where += " AND a.path LIKE %s"
            params.append(ctx.agency.path + "%")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT (r.submitted_at AT TIME ZONE %s)::date AS day, r.channel, count(*) "  # noqa: S608
                f"FROM surveys_response r JOIN agencies_agency a ON a.id = r.agency_id "
                f"WHERE {where} GROUP BY 1, 2 ORDER BY 1",
                [settings.TIME_ZONE, *params],
            )
            days: dict[Any, dict[str, int]] = defaultdict(dict)
            for day, channel, n in cursor.fetchall():
                days[day][channel] = n
        running = 0
        for day, counts in days.items():
            total = sum(counts.values())
            running += total
            yield [day, *(counts.get(c, 0) for c in channels), total, running]
        if not days:
            yield [None, _("Chưa có dữ liệu")]
