"""Error pages read in Vietnamese."""

from django.test import Client


def test_it_explains_a_stale_form_in_vietnamese(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.manager)
    response = client.post("/agencies/new/", {"code": "x"})
    assert response.status_code == 403
    assert "Phiên làm việc đã hết hạn" in response.content.decode()


def test_it_answers_a_bad_request_in_vietnamese(client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 2
    response = client.post("/accounts/login/", {"a": 1, "b": 2, "c": 3, "d": 4})
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.content.decode()
