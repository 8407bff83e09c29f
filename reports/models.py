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
