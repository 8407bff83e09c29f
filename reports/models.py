"""Indices and reports; for now the heartbeat that shows whether a Celery worker is alive."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """Written by a Celery task: the newest row tells when a worker last ran a job."""

    worker = models.CharField(_("tiến trình"), max_length=200)
    seen_at = models.DateTimeField(_("lần cuối"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("nhịp worker")
        verbose_name_plural = _("nhịp worker")
        ordering = ["-seen_at"]

    def __str__(self) -> str:
        return f"{self.worker} @ {self.seen_at:%d/%m/%Y %H:%M:%S}"


class IndexResult(models.Model):
    """One figure of one cut of a campaign, stamped with the engine and data versions."""

    campaign = models.ForeignKey("surveys.Campaign", models.CASCADE, related_name="index_results")
    cut = models.CharField(_("lát cắt"), max_length=16)
    cut_key = models.CharField(_("khoá lát cắt"), max_length=60, blank=True)
    code = models.CharField(_("mã chỉ số"), max_length=40)
    kind = models.CharField(_("loại"), max_length=12)
    value = models.FloatField(_("giá trị (%)"), null=True)
    n = models.PositiveIntegerField(_("cỡ mẫu"))
    positive = models.PositiveIntegerField(null=True)
    low = models.FloatField(null=True)
    high = models.FloatField(null=True)
    low_n = models.BooleanField(_("cỡ mẫu nhỏ"), default=False)
    extra = models.JSONField(default=dict)
    engine_version = models.CharField(max_length=10)
    data_version = models.CharField(max_length=60)

    class Meta:
        verbose_name = _("kết quả chỉ số")
        verbose_name_plural = _("kết quả chỉ số")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "cut", "cut_key", "code"], name="indexresult_unique"
            ),
        ]
        indexes = [models.Index(fields=["campaign", "cut", "code"])]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.cut}:{self.cut_key} {self.code} = {self.value}"


class IndexRun(models.Model):
    """The state of a campaign's index computation: a job row the pages read, not Celery's."""

    class Status(models.TextChoices):
        IDLE = "idle", _("Chưa tính")
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang tính")
        DONE = "done", _("Đã tính")
        FAILED = "failed", _("Lỗi")

    campaign = models.OneToOneField("surveys.Campaign", models.CASCADE, related_name="index_run")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.IDLE)
    data_version = models.CharField(max_length=60, blank=True)
    watermark = models.BigIntegerField(default=0)
    engine_version = models.CharField(max_length=10, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True)
    rows = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("lượt tính chỉ số")
        verbose_name_plural = _("lượt tính chỉ số")

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.status}"
