"""Recompute a campaign's indices synchronously (the same service the Celery task runs)."""

import csv

from django.core.management.base import BaseCommand, CommandError

from reports.indices import indices_compute
from reports.models import IndexResult
from surveys.models import Campaign


class Command(BaseCommand):
    help = "Tính lại chỉ số hài lòng của một đợt khảo sát; --print in các chỉ số toàn đợt (CSV)."

    def add_arguments(self, parser):
        parser.add_argument("--campaign", required=True, help="mã đợt khảo sát")
        parser.add_argument(
            "--print", action="store_true", dest="print_csv", help="in kết quả toàn đợt dạng CSV"
        )

    def handle(self, *args, campaign, print_csv, **options):
        found = Campaign.objects.select_related("questionnaire").filter(code=campaign).first()
        if found is None:
            raise CommandError(f"Không có đợt khảo sát mã “{campaign}”.")
        run = indices_compute(campaign=found)
        if not print_csv:
            self.stdout.write(
                self.style.SUCCESS(f"Đã tính {run.rows:,} chỉ số trong {run.seconds:.2f} giây.")
            )
            return
        writer = csv.writer(self.stdout)
        writer.writerow(["level", "code", "value", "n", "low", "high"])
        rows = IndexResult.objects.filter(
            campaign=found, cut="campaign", kind__in=["item", "element", "aspect", "overall"]
        ).order_by("id")
        for r in rows:
            value = "" if r.value is None else f"{r.value:.2f}"
            low = "" if r.low is None else f"{r.low:.2f}"
            high = "" if r.high is None else f"{r.high:.2f}"
            writer.writerow([r.kind, r.code, value, r.n, low, high])
