"""Load the demo: one province with its agencies and one login per role (idempotent)."""

from django.core.management.base import BaseCommand

from agencies import demo
from surveys.demo import load_campaigns
from surveys.services.questionnaires import questionnaires_load_national


class Command(BaseCommand):
    help = "Nạp dữ liệu trình diễn (chạy lại không thay đổi gì)."

    def handle(self, *args, **options):
        n = demo.load_agencies()
        self.stdout.write(f"Thành phố Huế: {n} cơ quan.")
        logins = demo.load_logins()
        self.stdout.write(
            self.style.SUCCESS(f"Tài khoản trình diễn (mật khẩu: {demo.DEMO_PASSWORD}):")
        )
        for login in logins:
            self.stdout.write(f"  {login.username:<16} {login.full_name}")
        self.stdout.write(f"Mẫu phiếu quốc gia: {len(questionnaires_load_national())} phiếu.")
        from surveys.demo import load_previous_round

        previous = load_previous_round()
        if previous is not None:
            self.stdout.write(
                f"Đợt năm trước: {previous.code} – {previous.get_status_display()}, "
                f"{previous.responses.count()} phiếu, kết quả công khai tại "
                f"/results/public/{previous.code}/."
            )
        campaign = load_campaigns()
        self.stdout.write(
            f"Đợt khảo sát: {campaign.code} – {campaign.get_status_display()}, "
            f"{campaign.scope.count()} cơ quan."
            if campaign
            else "Chưa có mẫu phiếu SIPAS 2017 quốc gia: bỏ qua đợt khảo sát trình diễn."
        )
        if campaign:
            from surveys.demo import load_answers

            self.stdout.write(f"Phiếu trả lời trình diễn: {load_answers(campaign)} phiếu.")
        from reports.demo import load_indices

        self.stdout.write(f"Chỉ số: đã tính cho {load_indices()} đợt khảo sát có phiếu trả lời.")
