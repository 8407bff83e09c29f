"""A counter kiosk /k/<key>/: the short variant, answers tied to the kiosk, back to the start."""

import re

import pytest
from django.test import override_settings
from django.urls import reverse

from surveys.models import Campaign, Channel, Item, Kiosk, Response
from surveys.services.collect import kiosk_register

HIDDEN = re.compile(r'<input type="hidden" name="(submission_key|started|lang)" value="([^"]*)"')


@pytest.fixture
def kiosk(world, campaign) -> Kiosk:
    # 2.x and TUOI are left out of the kiosk's short variant.
    Item.objects.filter(
        questionnaire=campaign.questionnaire, code__in=["2.1", "2.2", "2.3"]
    ).update(in_short_variant=False)
    Item.objects.filter(questionnaire=campaign.questionnaire, code="TUOI").update(
        in_short_variant=False, required=True
    )
    return kiosk_register(
        campaign=campaign, agency=world.phu_thuan, counter="Quầy số 2", idle_seconds=60
    )


def start(kiosk) -> str:
    return reverse("public:kiosk", args=[kiosk.key])


def answer(kiosk) -> str:
    return reverse("public:kiosk_answer", args=[kiosk.key])


def submit(client, kiosk, lang: str = "vi", **answers):
    page = client.get(answer(kiosk), {"lang": lang})
    assert page.status_code == 200
    data = {**dict(HIDDEN.findall(page.text)), "q_1": 5, "q_2": 4, "q_3": 4, "q_7": 5, **answers}
    return client.post(answer(kiosk), data), data


def test_it_shows_a_start_screen_that_resets_itself(world, kiosk, client):
    response = client.get(start(kiosk))
    assert response.status_code == 200
    text = response.text
    assert "UBND xã Phú Thuận · Quầy số 2" in text
    assert "Phiếu chỉ có 7 câu hỏi." in text  # the short variant: 10 items less 2.x and TUOI
    assert f'<meta http-equiv="refresh" content="60;url={start(kiosk)}">' in text
    assert f'href="{answer(kiosk)}?lang=vi"' in text
    assert "no-store" in response["Cache-Control"]


def test_it_shows_the_short_variant_with_large_targets(world, kiosk, client):
    response = client.get(answer(kiosk))
    assert response.status_code == 200
    text = response.text
    assert 'class="sv-public sv-kiosk"' in text and "css/kiosk.css" in text
    assert 'name="q_1"' in text and 'name="q_7"' in text
    assert 'name="q_4"' not in text and 'name="q_8"' not in text  # not in the short variant
    assert f'data-idle-seconds="60" data-start-url="{start(kiosk)}"' in text
    assert "js/kiosk.js" in text
    assert "http-equiv" not in text  # a reload would wipe an answer in progress
    assert "no-store" in response["Cache-Control"]


def test_it_leaves_no_way_out_of_the_kiosk(world, kiosk, client):
    for page in (client.get(start(kiosk)), client.get(answer(kiosk)), submit(client, kiosk)[0]):
        text = client.get(page.url).text if page.status_code == 302 else page.text
        # Only the kiosk's own pages, the same page (action=""), anchors and static files.
        links = [a or b for a, b in re.findall(r'(?:href|action)="([^"]*)"|;url=([^"\s>]*)', text)]
        allowed = ("#", "/static/", start(kiosk))
        assert [link for link in links if link and not link.startswith(allowed)] == []
        assert "setlang" not in text and "navbar" not in text


def test_it_records_the_kiosk_and_returns_to_the_start(world, kiosk, client):
    response, _ = submit(client, kiosk)
    done = reverse("public:kiosk_done", args=[kiosk.key])
    assert response.status_code == 302
    assert response.url == f"{done}?lang=vi"
    row = Response.objects.get()
    assert row.kiosk == kiosk
    assert row.channel == Channel.KIOSK
    assert row.agency == world.phu_thuan
    assert row.scores[:7] == [5, 4, 4, None, None, None, 5]
    assert row.client_hash == ""  # a kiosk's answers are not counted per address
    thanks = client.get(response.url)
    assert thanks.status_code == 200
    assert "Cảm ơn ông/bà đã đánh giá!" in thanks.text
    assert f'<meta http-equiv="refresh" content="5;url={start(kiosk)}">' in thanks.text


def test_it_stores_one_response_for_a_double_tap(world, kiosk, client):
    first, data = submit(client, kiosk)
    again = client.post(answer(kiosk), data)
    assert first.status_code == again.status_code == 302
    assert Response.objects.count() == 1


def test_it_speaks_english_for_one_citizen_only(world, kiosk, client):
    client.cookies["django_language"] = "en"  # a cookie left by someone: ignored here
    assert '<html lang="vi">' in client.get(start(kiosk)).text
    text = client.get(answer(kiosk), {"lang": "en"}).text
    assert '<html lang="en">' in text and "Criterion 1.1" in text
    assert '<input type="hidden" name="lang" value="en">' in text
    response, _ = submit(client, kiosk, lang="en")
    assert response.url.endswith("?lang=en")
    assert Response.objects.get().language == "en"
    # Back to the start: Vietnamese again, for the next citizen.
    thanks = client.get(response.url).text
    assert f'content="5;url={start(kiosk)}"' in thanks


def test_it_refuses_an_out_of_scale_value(world, kiosk, client):
    response, _ = submit(client, kiosk, q_1=7)
    assert response.status_code == 400
    assert 'role="alert"' in response.text and '<a href="#id_q_1_0">' in response.text
    assert not Response.objects.exists()


@pytest.mark.parametrize("case", ["unknown", "inactive"])
def test_it_answers_404_for_an_unknown_or_inactive_kiosk(world, kiosk, client, case):
    if case == "inactive":
        Kiosk.objects.filter(pk=kiosk.pk).update(is_active=False)
        key = kiosk.key
    else:
        key = "khong-co-kiosk-nay"
    for name in ("public:kiosk", "public:kiosk_answer", "public:kiosk_done"):
        response = client.get(reverse(name, args=[key]))
        assert response.status_code == 404
        assert "Không tìm thấy phiếu khảo sát" in response.text
    response = client.post(reverse("public:kiosk_answer", args=[key]), {"q_1": 5})
    assert response.status_code == 404
    assert not Response.objects.exists()


def test_it_waits_for_a_campaign_that_has_closed(world, campaign, kiosk, client):
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.CLOSED)
    response = client.get(start(kiosk))
    assert response.status_code == 410
    assert "Đợt khảo sát đã kết thúc" in response.text
    assert f'content="300;url={start(kiosk)}"' in response.text  # it looks again by itself
    response = client.post(answer(kiosk), {"q_1": 5, "submission_key": "0" * 32})
    assert response.status_code == 410
    assert not Response.objects.exists()


def test_it_refuses_a_campaign_without_the_kiosk_channel(world, campaign_maker, client):
    campaign = campaign_maker(channels=[Channel.ONLINE, Channel.KIOSK])
    kiosk = kiosk_register(campaign=campaign, agency=world.phu_vang)
    Campaign.objects.filter(pk=campaign.pk).update(channels=[Channel.ONLINE])
    response = client.get(start(kiosk))
    assert response.status_code == 404
    assert "không nhận phiếu qua kênh" in response.text


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=2048)
def test_it_refuses_an_oversized_request_and_goes_back_to_the_start(world, kiosk, client):
    response, _ = submit(client, kiosk, padding="x" * 4000)
    assert response.status_code == 413
    assert "Nội dung gửi lên quá lớn" in response.text
    assert f'<meta http-equiv="refresh" content="10;url={start(kiosk)}">' in response.text
    assert not Response.objects.exists()
