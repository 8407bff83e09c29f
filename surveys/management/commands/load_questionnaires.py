"""Load the national questionnaire templates SIPAS 2017 and SIPAS 2023 (idempotent)."""

from django.core.management.base import BaseCommand
from django.db.models import Count, Q

from surveys.models import Questionnaire
from surveys.national import TEMPLATES
from surveys.services.questionnaires import questionnaires_load_national


class Command(BaseCommand):
    help = "Nạp các phiếu khảo sát mẫu quốc gia (SIPAS 2017, SIPAS 2023); chạy lại không đổi gì."

    def handle(self, *args, **options):
        before = {
            (f, v)
            for f, v in Questionnaire.objects.filter(
                family__in=[t.family for t in TEMPLATES]
            ).values_list("family", "version")
        }
        loaded = questionnaires_load_national()
        counted = Questionnaire.objects.filter(pk__in=[q.pk for q in loaded]).annotate(
            n_elements=Count("elements", distinct=True),
            n_items=Count("items", distinct=True),
            n_stored=Count("items", filter=Q(items__position__isnull=False), distinct=True),
        )
        created = 0
        for q in counted.order_by("family", "version"):
            new = (q.family, q.version) not in before
            created += new
            state = "mới nạp" if new else "đã có, giữ nguyên"
            self.stdout.write(
                f"{q.family} v{q.version}: {q.n_elements} phần, {q.n_items} câu hỏi "
                f"({q.n_stored} vị trí lưu) – {state}."
            )
        self.stdout.write(
            self.style.SUCCESS(f"Mẫu quốc gia: {len(loaded)} phiếu, {created} phiếu mới nạp.")
        )
