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
