"""The project's URLs, plus the trivial view that is the baseline of the submit path."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

TRIVIAL_PATH = "/bench/trivial/"


def trivial(request: HttpRequest) -> HttpResponse:
    """A tiny response through the same middleware: what the server and the stack alone cost."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path(TRIVIAL_PATH.strip("/") + "/", trivial, name="bench_trivial"),
    path("", include("satisfaction.urls")),
]
