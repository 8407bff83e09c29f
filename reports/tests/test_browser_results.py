"""In headless Chromium: the public results page draws its charts with the local Chart.js."""

import pytest
from django.urls import reverse

from reports.tests.conftest import compute, share
from surveys.models import Campaign

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_draws_the_element_chart_without_errors(world, hue, browser_page, live_server):
    share(hue, world.phu_vang, 3, 1)
    share(hue, world.huong_tra, 2, 2)
    compute(hue)
    Campaign.objects.filter(pk=hue.pk).update(status=Campaign.Status.PUBLISHED)
    page = browser_page
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    external: list[str] = []
    page.on(
        "request",
        lambda req: None if req.url.startswith(live_server.url) else external.append(req.url),
    )
    page.goto(reverse("reports:public", args=[hue.code]))
    page.wait_for_function("() => window.Chart && Chart.getChart(document.querySelector('canvas'))")
    chart = page.evaluate(
        "() => { const c = Chart.getChart(document.querySelector('canvas'));"
        " return {labels: c.data.labels, values: c.data.datasets[0].data}; }"
    )
    assert chart == {"labels": ["1. Yếu tố 1", "2. Yếu tố 2"], "values": [62.5, 62.5]}
    assert errors == [] and external == []
