"""Writes of the reports app: heartbeats, the debounced index refresh, and report jobs."""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext

from reports.engine import ENGINE_VERSION
from reports.models import IndexRun, ReportJob, WorkerHeartbeat

if TYPE_CHECKING:
    from agencies.models import Agency
    from surveys.models import Campaign

log = logging.getLogger(__name__)


def heartbeat_record(*, worker: str) -> WorkerHeartbeat:
    """Record that `worker` ran a job, and keep only a day of history."""
    WorkerHeartbeat.objects.filter(seen_at__lt=timezone.now() - timedelta(days=1)).delete()
    return WorkerHeartbeat.objects.create(worker=worker[:200])


def indices_request(*, campaign_id: int) -> bool:
    """Ask for a campaign's indices to be brought up to date, at most about once a minute.

    Called after answers arrive. One conditional UPDATE marks the run queued; only the caller that
    flips it queues a task, delayed so that a campaign is recomputed at most once per
    INDEX_DEBOUNCE_SECONDS. Returns whether a task was queued.
    """
    from reports.tasks import indices_refresh

    run, _ = IndexRun.objects.get_or_create(campaign_id=campaign_id)
    before = run.status
    now = timezone.now()
    flipped = (
        IndexRun.objects.filter(campaign_id=campaign_id)
        .filter(~Q(status=IndexRun.Status.QUEUED))
        .update(status=IndexRun.Status.QUEUED, queued_at=now)
    )
    if not flipped:
        return False
    last = IndexRun.objects.filter(campaign_id=campaign_id).values_list("finished_at", flat=True)[0]
    wait = settings.INDEX_DEBOUNCE_SECONDS
    countdown = 0 if last is None else max(0, wait - (now - last).total_seconds())

    def enqueue() -> None:
        try:
            indices_refresh.apply_async((campaign_id,), countdown=countdown)
        except Exception:
            # The broker is down. The answers are stored: the citizen must not see an error, and
            # the run must not stay "queued" with no task, or no later answer would queue one.
            log.exception("could not queue the index refresh of campaign %s", campaign_id)
            IndexRun.objects.filter(
                campaign_id=campaign_id, status=IndexRun.Status.QUEUED, queued_at=now
            ).update(status=before)

    transaction.on_commit(enqueue)
    return True


@transaction.atomic
def weights_set(*, campaign: Campaign, weighted: bool, weights: dict[int, float | None]) -> int:
    """Save a campaign's stratum weights (agency id → weight; None counts as 1) and whether the
    indices use them, then ask for the indices to be recomputed. Returns the agencies changed."""
    from surveys.models import Campaign as CampaignModel
    from surveys.models import CampaignAgency

    changed = []
    for link in CampaignAgency.objects.filter(campaign=campaign, agency_id__in=list(weights)):
        if link.weight != weights[link.agency_id]:
            link.weight = weights[link.agency_id]
            changed.append(link)
    CampaignAgency.objects.bulk_update(changed, ["weight"])
    CampaignModel.objects.filter(pk=campaign.pk).update(weighted=weighted)
    campaign.weighted = weighted
    # New weights (or weighting turned on or off) give new figures from the same answers.
    indices_request(campaign_id=campaign.pk)
    return len(changed)


def indices_refresh(*, campaign_id: int, full: bool = False) -> IndexRun:
    """Bring one campaign's indices up to date: by folding in the new answers when only answers
    were added, else (or with `full`) by recomputing everything. A failure is kept on the run
    row, then re-raised."""
    from reports.indices import indices_compute, indices_update
    from surveys.models import Campaign

    campaign = Campaign.objects.select_related("questionnaire").get(pk=campaign_id)
    try:
        if full:
            return indices_compute(campaign=campaign)
        return indices_update(campaign=campaign)
    except Exception as exc:
        IndexRun.objects.filter(campaign=campaign).update(
            status=IndexRun.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise


def indices_refresh_all() -> int:
    """The nightly full recompute of every campaign that has answers and is not archived."""
    from surveys.models import Campaign

    ids = list(
        Campaign.objects.exclude(
            status__in=[Campaign.Status.DRAFT, Campaign.Status.ARCHIVED]
        ).values_list("pk", flat=True)
    )
    for campaign_id in ids:
        indices_refresh(campaign_id=campaign_id, full=True)
    return len(ids)


# --- Report jobs ----------------------------------------------------------------------------------
#
# A report is a row (ReportJob): report_request() creates it, or finds a done one for the same
# report over the same data; a worker runs report_run() on it; the report centre polls it.


def report_params_hash(*, exporter: str, fmt: str, params: dict) -> str:
    """sha256 of the exporter, the format and the parameters (keys sorted)."""
    payload = json.dumps([exporter, fmt, params], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def report_params(*, campaign: Campaign, agency: Agency | None, extra: dict | None = None) -> dict:
    """The parameters a job is keyed on: the campaign, the agency, and any report option."""
    return {"campaign": campaign.pk, "agency": agency.pk if agency else None, **(extra or {})}


def report_request(
    *,
    campaign: Campaign,
    exporter: str,
    fmt: str,
    user: Any,
    agency: Agency | None = None,
    params: dict | None = None,
) -> ReportJob:
    """The job that answers this request: a finished or running one for the same report over the
    same data, or a new one queued for a worker (after the transaction commits).

    The caller has checked the user's rights on the campaign and agency.
    """
    from reports.exporters import EXPORTERS
    from reports.indices import campaign_data_version
    from reports.tasks import run_report

    cls = EXPORTERS[exporter]
    if fmt not in cls.formats:
        raise ValueError(f"{exporter} cannot be written as {fmt}")
    extra = dict(params or {})
    if cls.needs_indices:
        # A report read from the indices is made again when the way they are computed changes.
        extra["engine"] = ENGINE_VERSION
    full = report_params(campaign=campaign, agency=agency, extra=extra)
    digest = report_params_hash(exporter=exporter, fmt=fmt, params=full)
    version, _max_id = campaign_data_version(campaign)
    now = timezone.now()
    same = ReportJob.objects.filter(
        campaign=campaign, exporter=exporter, fmt=fmt, params_hash=digest, data_version=version
    )
    done = (
        same.filter(status=ReportJob.Status.DONE, expires_at__gt=now)
        .exclude(file="")
        .order_by("-finished_at")
    )
    for job in done[:3]:
        if job.file.storage.exists(job.file.name):
            return job
    busy = same.filter(status__in=[ReportJob.Status.QUEUED, ReportJob.Status.RUNNING]).first()
    if busy is not None:
        return busy
    job = ReportJob.objects.create(
        campaign=campaign,
        agency=agency,
        requested_by=user if getattr(user, "is_authenticated", False) else None,
        exporter=exporter,
        fmt=fmt,
        params=full,
        params_hash=digest,
        data_version=version,
        created_at=now,
        touched_at=now,
    )
    transaction.on_commit(lambda: run_report.delay(job.pk))
    return job


def report_retry(*, job: ReportJob) -> ReportJob:
    """Queue a failed job again, over the current data."""
    from reports.indices import campaign_data_version
    from reports.tasks import run_report

    if job.status != ReportJob.Status.FAILED:
        raise ValueError("only a failed report is retried")
    version, _max_id = campaign_data_version(job.campaign)
    now = timezone.now()
    ReportJob.objects.filter(pk=job.pk, status=ReportJob.Status.FAILED).update(
        status=ReportJob.Status.QUEUED,
        progress=0,
        rows=0,
        error="",
        data_version=version,
        started_at=None,
        finished_at=None,
        expires_at=None,
        touched_at=now,
    )
    job.refresh_from_db()
    transaction.on_commit(lambda: run_report.delay(job.pk))
    return job


def report_run(*, job_id: int) -> ReportJob | None:
    """Generate a queued job's file. A failure is kept on the row with its message; never raises.

    The job moves queued → running in one conditional UPDATE, so a task delivered twice runs once.
    Every later write names this attempt: a worker that was given up on (see reports_fail_stale)
    and comes back cannot overwrite a newer attempt.
    """
    from reports.exporters import EXPORTERS, ExportContext
    from reports.indices import campaign_data_version

    now = timezone.now()
    started = ReportJob.objects.filter(pk=job_id, status=ReportJob.Status.QUEUED).update(
        status=ReportJob.Status.RUNNING,
        started_at=now,
        touched_at=now,
        progress=0,
        attempts=F("attempts") + 1,
    )
    if not started:
        return None
    job = ReportJob.objects.select_related("campaign__questionnaire", "agency__unit").get(pk=job_id)
    mine = ReportJob.objects.filter(
        pk=job.pk, status=ReportJob.Status.RUNNING, attempts=job.attempts
    )

    def progress(percent: int) -> None:
        mine.update(progress=min(percent, 99), touched_at=timezone.now())

    path = None
    try:
        exporter = EXPORTERS[job.exporter]()
        ctx = ExportContext(campaign=job.campaign, agency=job.agency, params=job.params)
        exporter.prepare(ctx)
        # The version of the data the file is made from (answers may have come since the request).
        ctx.data_version, _max_id = campaign_data_version(job.campaign)
        with tempfile.NamedTemporaryFile(suffix=f".{job.fmt}", delete=False) as out:
            path = out.name
            rendered = exporter.render(job.fmt, ctx, out, progress=progress)
        finished = timezone.now()
        with open(path, "rb") as fh:
            name = f"{secrets.token_urlsafe(12)}_{rendered.filename}"
            job.file.save(name, File(fh), save=False)
        size = job.file.size
        saved = mine.update(
            status=ReportJob.Status.DONE,
            progress=100,
            rows=rendered.rows,
            file=job.file.name,
            filename=rendered.filename,
            size=size,
            data_version=ctx.data_version,
            finished_at=finished,
            touched_at=finished,
            expires_at=finished + timedelta(hours=settings.REPORT_TTL_HOURS),
        )
        if not saved:
            # Given up on meanwhile (timed out, retried): this file belongs to no one.
            job.file.delete(save=False)
    except Exception as exc:
        log.exception("report job %s failed", job.pk)
        finished = timezone.now()
        mine.update(
            status=ReportJob.Status.FAILED,
            error=_report_error(exc),
            finished_at=finished,
            touched_at=finished,
            expires_at=finished + timedelta(hours=settings.REPORT_TTL_HOURS),
        )
    finally:
        if path is not None:
            Path(path).unlink(missing_ok=True)
    job.refresh_from_db()
    return job


def _report_error(exc: Exception) -> str:
    detail = f"{type(exc).__name__}: {exc}"[:1500]
    return gettext(
        "Không tạo được báo cáo. Hãy thử lại; nếu lỗi còn lặp lại, hãy báo cho quản trị hệ thống "
        "kèm nội dung sau: %(detail)s"
    ) % {"detail": detail}


def reports_fail_stale() -> int:
    """Jobs silent (no start, no progress) for REPORT_JOB_TIMEOUT_MINUTES: their worker is gone."""
    now = timezone.now()
    cutoff = now - timedelta(minutes=settings.REPORT_JOB_TIMEOUT_MINUTES)
    return ReportJob.objects.filter(
        status__in=[ReportJob.Status.QUEUED, ReportJob.Status.RUNNING], touched_at__lt=cutoff
    ).update(
        status=ReportJob.Status.FAILED,
        error=gettext(
            "Quá thời gian xử lý: không có tiến trình nào tạo báo cáo này trong %(minutes)d phút "
            "(có thể tiến trình nền đã dừng). Hãy thử lại."
        )
        % {"minutes": settings.REPORT_JOB_TIMEOUT_MINUTES},
        finished_at=now,
        touched_at=now,
        expires_at=now + timedelta(hours=settings.REPORT_TTL_HOURS),
    )


def reports_purge_expired() -> int:
    """Delete the jobs past their expiry, and their files."""
    expired = ReportJob.objects.filter(expires_at__lte=timezone.now())
    count = 0
    for job in expired.iterator():
        if job.file:
            job.file.delete(save=False)
        job.delete()
        count += 1
    return count
