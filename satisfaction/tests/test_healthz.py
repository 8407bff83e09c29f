"""/healthz: for the proxy and monitoring, without login."""

from django.urls import reverse

from reports.services import heartbeat_record

URL = reverse("healthz")


def test_it_answers_with_the_database_state(client, db):
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"database": "ok", "worker_last_seen": None}


def test_it_tells_when_a_worker_last_ran_a_job(client, db):
    beat = heartbeat_record(worker="celery@test")
    assert client.get(URL).json()["worker_last_seen"] == beat.seen_at.isoformat()


def test_it_needs_no_login_and_sets_no_session(client, db):
    response = client.get(URL)
    assert response.status_code == 200
    assert "sessionid" not in response.cookies
