"""Indices and reports: the worker heartbeat, index results and runs, and report jobs."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
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


class IndexCut(models.Model):
    """The figures of one cut of a campaign (the campaign, one agency, one district...): one row,
    its figures packed in `numbers`, stamped with the engine and data versions.

    Written only by the engine, a cut at a time, and read one figure per row through
    IndexResult. A row per figure made an update after a thousand answers rewrite 12,852 rows
    and two index entries each, longer than everything else the update does.
    """

    pk = models.CompositePrimaryKey("campaign", "cut", "cut_key")
    # Written many cuts at a time while the engine holds the campaign's IndexRun row (whose
    # foreign key does hold): a database check per row buys nothing here, and the primary key
    # already indexes the campaign first. Deleting a campaign still deletes its results
    # (Django's CASCADE).
    campaign = models.ForeignKey(
        "surveys.Campaign", models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    cut = models.CharField(_("lát cắt"), max_length=16)
    cut_key = models.CharField(_("khoá lát cắt"), max_length=60, blank=True)
    figures = models.PositiveIntegerField()  # how many figures the cut has (n >= 0)
    # The figures' codes and kinds are those of the campaign's IndexRun (the same for every cut
    # a run writes) when NULL here, as the engine writes them; cuts carried over by migration
    # 0007 have their own.
    codes = ArrayField(models.CharField(max_length=40), null=True)
    kinds = ArrayField(models.CharField(max_length=12), null=True)
    # Seven int32 per figure, in the order of the codes: value, n, positive, low, high, rate,
    # low_n (reports.figures.NUMBERS, written by figures_copy, read by the view
    # reports_indexresult). Percentages in ten-thousandths; NONE for a missing value, interval
    # or rate, -1 for a missing count; an n of -1 for a figure the cut does not have; a rate of
    # -1 (-10000) for a figure without one.
    numbers = models.BinaryField()
    # The rest of each figure's `extra` (level shares and counts, weights), NULL when none; NULL
    # as a whole when the cut keeps its counts: the view builds the shares from them.
    extras = ArrayField(models.JSONField(null=True), null=True)
    engine_version = models.CharField(max_length=10)
    data_version = models.CharField(max_length=60)
    # The counts behind the figures (engine.tally_frame's row of the cut) as int32, in the order
    # of IndexRun.tally_names: new answers are added to them, not to counts read back from the
    # figures. NULL after a weighted run, which is always recomputed in full.
    counts = models.BinaryField(null=True)

    class Meta:
        verbose_name = _("kết quả một lát cắt")
        verbose_name_plural = _("kết quả các lát cắt")

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.cut}:{self.cut_key}"


class IndexResult(models.Model):
    """One figure of one cut of a campaign: a row of the view reports_indexresult, which
    reads the figures of IndexCut one by one (migrations reports/0007, 0009). Read-only."""

    pk = models.CompositePrimaryKey("campaign", "cut", "cut_key", "code")
    campaign = models.ForeignKey(
        "surveys.Campaign",
        models.DO_NOTHING,  # IndexCut's rows go with the campaign, and these with them
        related_name="index_results",
        db_constraint=False,
    )
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
        managed = False
        verbose_name = _("kết quả chỉ số")
        verbose_name_plural = _("kết quả chỉ số")

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
    # The names of the counts kept on the run's cuts (IndexCut.counts); empty: none kept.
    tally_names = ArrayField(models.CharField(max_length=80), default=list, blank=True)
    # The code and kind of each element of the figure arrays of the cuts the engine writes
    # (IndexCut.codes and kinds NULL): sent once here rather than with each of 23,000 cuts.
    codes = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    kinds = ArrayField(models.CharField(max_length=12), default=list, blank=True)
    # For each of those figures that is a distribution, [level, index into tally_names] for
    # each of its levels (-1: never counted): the view reads the level shares and counts of the
    # cuts that keep their counts from these. Empty when the run kept no counts.
    levels = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("lượt tính chỉ số")
        verbose_name_plural = _("lượt tính chỉ số")

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.status}"


def _report_upload_to(instance: ReportJob, filename: str) -> str:
    # Under reports/%Y/%m/; the name holds a random token, and files are served only through the
    # permission-checked download view.
    return timezone.now().strftime("reports/%Y/%m/") + filename


class ReportJob(models.Model):
    """One generated report: the row the report centre polls and the cache of its file.

    A done job is served again to whoever asks for the same report (exporter, format and
    parameters, `params_hash`) over the same data (`data_version`) until it expires.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang tạo")
        DONE = "done", _("Đã xong")
        FAILED = "failed", _("Lỗi")

    class Format(models.TextChoices):
        XLSX = "xlsx", _("Excel (.xlsx)")
        CSV = "csv", _("CSV (.csv)")

    campaign = models.ForeignKey(
        "surveys.Campaign", models.CASCADE, related_name="report_jobs", verbose_name=_("đợt")
    )
    # The agency the report is about (agency report) or limited to; empty: the whole campaign.
    agency = models.ForeignKey(
        "agencies.Agency",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="report_jobs",
        verbose_name=_("cơ quan"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("người yêu cầu"),
    )
    exporter = models.CharField(_("báo cáo"), max_length=40)
    fmt = models.CharField(_("định dạng"), max_length=4, choices=Format.choices)
    params = models.JSONField(_("tham số"), default=dict, blank=True)
    params_hash = models.CharField(max_length=64)
    data_version = models.CharField(_("phiên bản dữ liệu"), max_length=60, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    rows = models.PositiveIntegerField(_("số dòng"), default=0)
    file = models.FileField(_("tệp"), upload_to=_report_upload_to, max_length=255, blank=True)
    filename = models.CharField(_("tên tệp tải về"), max_length=200, blank=True)
    size = models.BigIntegerField(_("dung lượng (byte)"), default=0)
    error = models.TextField(_("lỗi"), blank=True)
    # Each start counts one attempt; a worker writes only while its attempt is the current one.
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(_("thời điểm yêu cầu"), default=timezone.now)
    started_at = models.DateTimeField(_("bắt đầu"), null=True, blank=True)
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    # Last sign of life (queued, started, progress): a job silent for too long has lost its worker.
    touched_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("hết hạn"), null=True, blank=True)

    class Meta:
        verbose_name = _("báo cáo Excel")
        verbose_name_plural = _("báo cáo Excel")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["campaign", "exporter", "params_hash", "data_version", "status"],
                name="reportjob_cache_lookup",
            ),
            models.Index(fields=["status", "touched_at"], name="reportjob_stale_lookup"),
            models.Index(fields=["expires_at"], name="reportjob_expiry_lookup"),
        ]

    def __str__(self) -> str:
        return f"{self.exporter}.{self.fmt} #{self.pk} {self.status}"

    @property
    def report_name(self) -> str:
        from reports.exporters import EXPORTERS

        cls = EXPORTERS.get(self.exporter)
        return str(cls.verbose_name) if cls else self.exporter

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_downloadable(self) -> bool:
        return self.status == self.Status.DONE and bool(self.file) and not self.is_expired
