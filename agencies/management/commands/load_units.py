"""Load the official administrative units of both eras and the old-to-new relation."""

import time

from django.core.management.base import BaseCommand, CommandError

from agencies.models import Era, Tier
from agencies.units import UnitSourceError, units_load


class Command(BaseCommand):
    help = "Nạp danh mục đơn vị hành chính 3 cấp và 2 cấp; chạy lại không tạo trùng."

    def handle(self, *args, **options):
        started = time.monotonic()
        try:
            result = units_load()
        except UnitSourceError as exc:
            raise CommandError(f"Dữ liệu nguồn lỗi, không nạp gì: {exc}") from exc
        c = result.counts
        self.stdout.write(
            f"3 cấp: {c.get((Era.THREE_TIER, Tier.PROVINCE), 0):,} tỉnh / "
            f"{c.get((Era.THREE_TIER, Tier.DISTRICT), 0):,} huyện / "
            f"{c.get((Era.THREE_TIER, Tier.COMMUNE), 0):,} xã"
        )
        self.stdout.write(
            f"2 cấp: {c.get((Era.TWO_TIER, Tier.PROVINCE), 0):,} tỉnh / "
            f"{c.get((Era.TWO_TIER, Tier.COMMUNE), 0):,} xã"
        )
        self.stdout.write(
            f"Quan hệ cũ → mới: {result.successions_total:,} "
            f"(mới tạo {result.successions_created:,})"
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Tạo mới {result.created:,}, cập nhật {result.updated:,} đơn vị "
                f"trong {time.monotonic() - started:.1f} giây."
            )
        )
