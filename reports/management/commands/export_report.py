"""Write one report to a file synchronously: the same exporter a report job runs in a worker."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from agencies.models import Agency
from reports.exporters import EXPORTERS, ExportContext
from reports.indices import campaign_data_version
from surveys.models import Campaign


class Command(BaseCommand):
    help = "Xuất một báo cáo (tổng hợp, cơ quan, dữ liệu thô, tiến độ) của một đợt ra tệp."

    def add_arguments(self, parser):
        parser.add_argument("--campaign", required=True, help="mã đợt khảo sát")
        parser.add_argument("--kind", required=True, choices=sorted(EXPORTERS), help="báo cáo")
        parser.add_argument("--agency", help="mã cơ quan (bắt buộc với báo cáo cơ quan)")
        parser.add_argument("--format", dest="fmt", choices=["xlsx", "csv"], default="xlsx")
        parser.add_argument("--out", required=True, help="đường dẫn tệp ghi ra")

    def handle(self, *args, campaign, kind, agency, fmt, out, **options):
        found = (
            Campaign.objects.select_related("questionnaire", "organiser")
            .filter(code=campaign)
            .first()
        )
        if found is None:
            raise CommandError(f"Không có đợt khảo sát mã “{campaign}”.")
        exporter = EXPORTERS[kind]()
        if fmt not in exporter.formats:
            raise CommandError(f"Báo cáo “{kind}” chỉ có định dạng {', '.join(exporter.formats)}.")
        subject = None
        if agency:
            if exporter.agency_param == "none":
                raise CommandError(f"Báo cáo “{kind}” là của cả đợt: bỏ --agency.")
            subject = Agency.objects.select_related("unit").filter(code=agency).first()
            if subject is None:
                raise CommandError(f"Không có cơ quan mã “{agency}”.")
        elif exporter.agency_param == "required":
            raise CommandError(f"Báo cáo “{kind}” cần --agency.")
        ctx = ExportContext(campaign=found, agency=subject)
        started = time.monotonic()
        exporter.prepare(ctx)
        ctx.data_version, _max_id = campaign_data_version(found)
        path = Path(out)
        with path.open("wb") as fh:
            rendered = exporter.render(fmt, ctx, fh)
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã ghi {path} ({rendered.rows:,} dòng, {path.stat().st_size:,} byte) "
                f"trong {seconds:.2f} giây."
            )
        )
