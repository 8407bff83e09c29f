"""The start page and the health check."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from agencies.access import get_access
from reports.selectors import worker_last_seen


@login_required
def home(request: HttpRequest) -> HttpResponse:
    access = get_access(request)
    memberships = request.user.memberships.select_related("agency", "agency__unit")
    return render(
        request,
        "home.html",
        {"memberships": memberships, "access": access, "worker_seen": worker_last_seen()},
    )


def healthz(request: HttpRequest) -> JsonResponse:
    """For the reverse proxy and monitoring: the database answers, and when a worker last ran."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    seen = worker_last_seen()
    return JsonResponse({"database": "ok", "worker_last_seen": seen.isoformat() if seen else None})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A Vietnamese page instead of Django's English one when the form's token is stale."""
    return render(request, "403_csrf.html", status=403)
