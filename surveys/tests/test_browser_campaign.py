"""In headless Chromium: a manager creates a SIPAS 2017 campaign for two agencies, previews the
questionnaire and opens the campaign."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from satisfaction.browser import login
from surveys.models import Campaign, CampaignTransition, Questionnaire
from surveys.services.questionnaires import questionnaires_load_national

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_creates_previews_and_opens_a_campaign(world, browser_page, live_server):
    questionnaires_load_national()
    sipas = Questionnaire.objects.get(family="sipas-2017", is_national=True)
    today = timezone.localdate()
    page = browser_page

    login(page, live_server, world.manager.username, "password")
    page.goto(reverse("campaigns:list"))
    page.get_by_role("link", name="Tạo đợt khảo sát").click()

    # Step 1: the basics.
    page.get_by_label("Mã đợt").fill("sipas-hue-2026")
    page.get_by_label("Tên đợt khảo sát").fill("SIPAS thành phố Huế năm 2026")
    page.get_by_label("Phiếu khảo sát").select_option(str(sipas.pk))
    page.get_by_label("3 cấp (tỉnh – huyện – xã, đến 30/6/2025)").check()
    page.get_by_label("Phiếu giấy").check()
    page.get_by_label("Ngày bắt đầu").fill(today.strftime("%d/%m/%Y"))
    closes_on = today + datetime.timedelta(days=30)
    page.get_by_label("Ngày kết thúc").fill(closes_on.strftime("%d/%m/%Y"))
    page.get_by_label("Số phiếu cần thu mỗi cơ quan").fill("120")
    page.get_by_role("button", name="Lưu và chọn phạm vi").click()

    # Step 2: two agencies from the tree, one with a target of its own.
    page.wait_for_url("**/scope/")
    page.get_by_label("UBND huyện Phú Vang", exact=True).check()
    page.get_by_label("UBND thị xã Hương Trà", exact=True).check()
    page.get_by_label("Số phiếu cần thu của UBND huyện Phú Vang").fill("200")
    page.get_by_role("button", name="Lưu phạm vi").click()

    # Step 3: review, preview the questionnaire, then open.
    campaign = Campaign.objects.get(code="sipas-hue-2026")
    detail = reverse("campaigns:detail", args=[campaign.pk])
    page.wait_for_url(f"**{detail}")
    assert page.locator("[data-status]").first.inner_text() == "Nháp"
    assert page.get_by_text("0 / 200").is_visible()  # Phú Vang's own target, in the scope tree
    page.get_by_role("link", name="Xem trước phiếu").click()
    page.wait_for_url(f"**{reverse('questionnaires:preview', args=[sipas.pk])}")
    assert sipas.title[:40] in page.content()
    assert page.get_by_text("Tiếp cận dịch vụ").first.is_visible()
    page.go_back()

    page.get_by_role("button", name="Mở đợt khảo sát").click()
    page.wait_for_load_state()
    assert page.get_by_text("Đợt khảo sát đã chuyển sang trạng thái “Đang khảo sát”.").is_visible()
    assert page.locator("[data-status]").first.inner_text() == "Đang khảo sát"

    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.OPEN
    assert campaign.questionnaire == sipas
    assert dict(campaign.scope.values_list("agency__name", "target")) == {
        "UBND huyện Phú Vang": 200,
        "UBND thị xã Hương Trà": None,
    }
    row = CampaignTransition.objects.get(campaign=campaign)
    assert (row.from_status, row.to_status, row.by) == ("draft", "open", world.manager)
