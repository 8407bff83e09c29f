"""Browser-test fixtures: Debian's headless Chromium driven by Playwright against the live server.

Registered from conftest.py (`pytest_plugins`). Chromium is the system one, from CHROMIUM_PATH or
/usr/bin/chromium: nothing is ever downloaded (no `playwright install`). A test using
`browser_page` must be `django_db(transaction=True)`: the live server thread sees committed rows
only.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 15_000

_blocker_key = pytest.StashKey[Any]()


def chromium_path() -> str:
    return os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"


@pytest.fixture
def browser_page(
    live_server: Any, django_db_blocker: Any, monkeypatch: pytest.MonkeyPatch, request
) -> Iterator[Any]:
    """A fresh page (own cookies) in headless Chromium, with Vietnamese locale and time zone."""
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    if not os.access(path, os.X_OK):
        pytest.skip(f"no Chromium at {path}: set CHROMIUM_PATH or apt-get install chromium")
    # Playwright's sync API keeps an event loop in this thread; the ORM calls the test itself
    # makes between browser steps are still synchronous, so Django's guard may stand down.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    request.node.stash[_blocker_key] = django_db_blocker
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=path, headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(
            base_url=live_server.url, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh"
        )
        context.set_default_timeout(TIMEOUT_MS)
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()


def login(page: Any, live_server: Any, username: str, password: str) -> None:
    """Sign in through the login form, as a person would."""
    page.goto(f"{live_server.url}{reverse('login')}")
    page.locator('input[name="username"]').fill(username)
    page.locator('input[name="password"]').fill(password)
    page.locator('form:has(input[name="password"]) [type="submit"]').click()
    page.wait_for_url(lambda url: reverse("login") not in url)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    """Reload the unit lists that a transactional test's flush emptied, for the tests after it.

    The flush that ends a transactional test empties every table, the official unit lists
    included, and conftest loads those once per session. After the last test there is nothing to
    restore (the next session's setup reloads them), and the test database may be gone.
    """
    blocker = item.stash.get(_blocker_key, None)
    try:
        return (yield)
    finally:
        if blocker is not None and nextitem is not None:
            from agencies.models import AdminUnit
            from agencies.units import units_load

            with blocker.unblock():
                if not AdminUnit.objects.exists():
                    units_load()
