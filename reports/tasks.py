from celery import shared_task

from reports import services


@shared_task(bind=True)
def heartbeat_record(self) -> None:
    services.heartbeat_record(worker=self.request.hostname or "eager")


@shared_task
def indices_refresh(campaign_id: int) -> None:
    services.indices_refresh(campaign_id=campaign_id)


@shared_task
def indices_refresh_all() -> None:
    services.indices_refresh_all()


@shared_task
def run_report(job_id: int) -> None:
    services.report_run(job_id=job_id)


@shared_task
def reports_housekeeping() -> None:
    services.reports_fail_stale()
    services.reports_purge_expired()
