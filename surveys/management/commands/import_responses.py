"""`manage.py import_responses --campaign CODE FILE [--user USERNAME]`: all rows, or none."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat

from surveys.models import Campaign
from surveys.services.paper import ImportRefused, paper_import


class Command(BaseCommand):
    help = (
        "Nhập phiếu giấy (.xlsx hoặc .csv theo tệp mẫu) vào một đợt khảo sát. Nếu có dòng sai, "
        "cả tệp bị từ chối, từng lỗi được in ra và không phiếu nào được nhập."
    )

    def add_arguments(self, parser):
        parser.add_argument("--campaign", required=True, help="mã đợt khảo sát")
        parser.add_argument("--user", help="tên đăng nhập của người nhập phiếu (ghi vào phiếu)")
        parser.add_argument("file", help="đường dẫn tệp .xlsx hoặc .csv")

    def handle(self, *args, **options):
        campaign = Campaign.objects.filter(code=options["campaign"]).first()
        if campaign is None:
            raise CommandError(f"Không có đợt khảo sát mã “{options['campaign']}”.")
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"Không có người dùng “{options['user']}”.")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp {path}.")
        # Refuse before reading a file too large into memory.
        if path.stat().st_size > settings.IMPORT_MAX_BYTES:
            raise CommandError(
                f"Tệp {path.name} lớn quá giới hạn {filesizeformat(settings.IMPORT_MAX_BYTES)}, "
                "không được nhập."
            )
        try:
            result = paper_import(
                campaign=campaign, data=path.read_bytes(), filename=path.name, entered_by=user
            )
        except ImportRefused as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            if exc.total > len(exc.errors):
                self.stderr.write(f"… và {exc.total - len(exc.errors)} lỗi khác.")
            raise CommandError(exc.message) from None
        self.stdout.write(
            self.style.SUCCESS(f"Đã nhập {result.count} phiếu vào đợt “{campaign.name}”.")
        )
        for agency in result.per_agency:
            self.stdout.write(f"  {agency.code}\t{agency.count}\t{agency.name}")
        if result.texts:
            self.stdout.write(f"Ý kiến bằng văn bản: {result.texts}.")
