"""In headless Chromium: a citizen answers on a phone with the keyboard only, and a counter
kiosk goes back to its start screen after a submission and when left idle."""

import pytest
from django.urls import reverse

from surveys.models import Channel, Kiosk, Response, ResponseText
from surveys.services.collect import kiosk_register
from surveys.tests.factories import make_questionnaire
from surveys.views import public

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def focused(page, selector: str) -> bool:
    return page.evaluate(
        "s => !!document.activeElement && document.activeElement.matches(s)", selector
    )


def tab_to(page, selector: str, limit: int = 40) -> None:
    """Press Tab until `selector` has the focus, as a keyboard user moves through the page."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        assert not focused(page, '[name="website"]'), "the honeypot must be out of reach"
        if focused(page, selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def fits_the_screen(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_it_lets_a_citizen_answer_on_a_phone_with_the_keyboard_only(
    world, campaign_maker, browser_page, live_server
):
    campaign = campaign_maker(questionnaire=make_questionnaire())
    page = browser_page
    page.set_viewport_size(PHONE)
    page.goto(reverse("public:open", args=[campaign.code]))
    assert page.get_by_text("Ẩn danh:").is_visible()
    assert fits_the_screen(page)

    # Find the agency by typing its name without accents, then choose it.
    tab_to(page, 'input[name="q"]')
    page.keyboard.type("phu thuan")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=phu+thuan")
    tab_to(page, 'input[name="agency"]')
    assert focused(page, f'input[name="agency"][value="{world.phu_thuan.pk}"]')
    page.keyboard.press("Space")
    tab_to(page, "button.sv-submit")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**agency={world.phu_thuan.pk}")
    assert page.get_by_text("Phần 1/3").is_visible()
    assert fits_the_screen(page)

    # Each question is a radio group: Tab into it, Space picks the first level, arrows move.
    for position in range(1, 8):
        tab_to(page, f'input[name="q_{position}"]')
        if position == 1:
            outline = page.evaluate(
                "() => getComputedStyle(document.activeElement.closest('label')).outlineStyle"
            )
            assert outline == "solid", "the focused option must show where the focus is"
        page.keyboard.press("Space")
        for _ in range(4 if position == 7 else 3):
            page.keyboard.press("ArrowDown")
    tab_to(page, "textarea")
    page.keyboard.type("Cán bộ hướng dẫn tận tình")
    tab_to(page, "button.sv-submit")
    page.keyboard.press("Enter")

    page.wait_for_url(f"**{reverse('public:open_done', args=[campaign.code])}")
    assert page.get_by_role("heading", name="Cảm ơn ông/bà đã trả lời!").is_visible()
    row = Response.objects.get()
    assert row.channel == Channel.ONLINE
    assert row.agency == world.phu_thuan
    assert row.scores == [4, 4, 4, 4, 4, 4, 5]
    assert ResponseText.objects.get(response=row).text == "Cán bộ hướng dẫn tận tình"


def test_it_returns_the_kiosk_to_its_start_after_a_submission(
    world, campaign_maker, browser_page, live_server, monkeypatch
):
    monkeypatch.setattr(public, "KIOSK_THANKS_SECONDS", 1)
    campaign = campaign_maker(questionnaire=make_questionnaire())
    kiosk = kiosk_register(campaign=campaign, agency=world.phu_vang, counter="Quầy 1")
    start = reverse("public:kiosk", args=[kiosk.key])
    page = browser_page
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(start)

    page.get_by_role("link", name="Bắt đầu đánh giá").click()
    page.wait_for_url(f"**{reverse('public:kiosk_answer', args=[kiosk.key])}?lang=vi")
    box = page.locator("label.sv-option").first.bounding_box()
    assert box["height"] >= 48  # a large touch target
    for position in range(1, 8):
        page.locator(f'input[name="q_{position}"][value="5"]').check()
    page.get_by_role("button", name="Gửi phiếu").click()

    page.wait_for_url("**/done/?lang=vi")
    assert page.get_by_text("Cảm ơn ông/bà đã đánh giá!").is_visible()
    # The thank-you screen goes back to the start by itself, ready for the next citizen.
    page.wait_for_url(lambda url: url.endswith(start))
    assert page.get_by_role("link", name="Bắt đầu đánh giá").is_visible()
    row = Response.objects.get()
    assert row.kiosk_id == kiosk.pk and row.channel == Channel.KIOSK
    assert row.scores == [5] * 7


def test_it_returns_an_idle_kiosk_to_its_start(world, campaign_maker, browser_page, live_server):
    campaign = campaign_maker(questionnaire=make_questionnaire())
    kiosk = kiosk_register(campaign=campaign, agency=world.phu_vang)
    Kiosk.objects.filter(pk=kiosk.pk).update(idle_seconds=2)
    start = reverse("public:kiosk", args=[kiosk.key])
    page = browser_page
    page.goto(reverse("public:kiosk_answer", args=[kiosk.key]))
    page.locator('input[name="q_1"][value="2"]').check()  # someone starts, then walks away

    page.wait_for_url(lambda url: url.endswith(start))
    assert page.get_by_role("link", name="Bắt đầu đánh giá").is_visible()
    assert not Response.objects.exists()
