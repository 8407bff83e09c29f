from celery import shared_task

from reports.services import heartbeat_record as record


@shared_task(bind=True)
def heartbeat_record(self) -> None:
    record(worker=self.request.hostname or "eager")
