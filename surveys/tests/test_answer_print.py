"""Printable paper forms: one page each, with its own respondent code and QR."""

import re

from django.urls import reverse

from agencies.tests.factories import make_agency


def url(campaign) -> str:
    return reverse("answers:print", args=[campaign.pk])


def test_it_sends_an_anonymous_visitor_to_the_login_page(client, campaign):
    response = client.get(url(campaign))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_shows_the_choice_of_agency_and_count(world, campaign, as_user):
    response = as_user(world.enumerator).get(url(campaign))
    assert response.status_code == 200
    agencies = set(response.context["form"].fields["agency"].queryset)
    assert agencies == {world.phu_vang, world.phu_thuan}


def test_it_prints_n_forms_with_distinct_codes_and_qrs(world, campaign, as_user):
    response = as_user(world.enumerator).get(
        url(campaign), {"agency": world.phu_vang.pk, "count": 3, "start": 7}
    )
    assert response.status_code == 200
    body = response.content.decode()
    prefix = f"{campaign.code.upper()}-{world.phu_vang.code}-"
    codes = re.findall(r'class="paper-respondent-code">([^<]+)<', body)
    assert codes == [f"{prefix}00007", f"{prefix}00008", f"{prefix}00009"]
    assert body.count('class="paper-page"') == 3
    svgs = re.findall(r"<svg.*?</svg>", body, flags=re.S)
    assert len(svgs) == 3 and len(set(svgs)) == 3
    assert "css/print.css" in body


def test_it_prints_every_item_with_boxes_to_tick(world, campaign, as_user):
    response = as_user(world.enumerator).get(
        url(campaign), {"agency": world.phu_vang.pk, "count": 1, "start": 1}
    )
    body = response.content.decode()
    assert "Phiếu khảo sát thử nghiệm." in body  # the introduction
    q11 = body.split('data-code="1.1"', 1)[1].split('data-code="1.2"', 1)[0]
    assert q11.count("☐") == 5 and "Rất hài lòng" in q11
    kenh = body.split('data-code="KENH"', 1)[1].split("</div>", 1)[0]
    assert "chọn tối đa 2 phương án" in kenh and kenh.count("☐") == 5
    comment = body.split('data-code="YK"', 1)[1].split("</section>", 1)[0]
    assert "paper-lines" in comment and "☐" not in comment


def test_it_refuses_more_than_200_forms(world, campaign, as_user):
    response = as_user(world.enumerator).get(
        url(campaign), {"agency": world.phu_vang.pk, "count": 201, "start": 1}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["count"]


def test_it_lets_a_manager_print_for_any_scope_agency(world, campaign, as_user):
    response = as_user(world.manager).get(
        url(campaign), {"agency": world.tu_ha.pk, "count": 1, "start": 1}
    )
    assert response.status_code == 200


def test_it_is_a_403_for_a_viewer(world, campaign, as_user):
    client = as_user(world.viewer)
    assert client.get(url(campaign)).status_code == 403
    query = {"agency": world.phu_vang.pk, "count": 1, "start": 1}
    assert client.get(url(campaign), query).status_code == 403


def test_it_is_a_404_for_an_outsider(world, campaign, as_user):
    client = as_user(world.outsider)
    assert client.get(url(campaign)).status_code == 404
    query = {"agency": world.phu_vang.pk, "count": 1, "start": 1}
    assert client.get(url(campaign), query).status_code == 404


def test_it_is_a_404_for_an_agency_outside_the_users_scope(world, campaign, as_user):
    query = {"agency": world.huong_tra.pk, "count": 1, "start": 1}
    assert as_user(world.enumerator).get(url(campaign), query).status_code == 404


def test_it_is_a_404_for_an_agency_outside_the_campaign(world, campaign, as_user):
    other = make_agency("Phòng Nội vụ huyện Phú Vang", unit_code="478", parent=world.phu_vang)
    query = {"agency": other.pk, "count": 1, "start": 1}
    assert as_user(world.enumerator).get(url(campaign), query).status_code == 404


def test_it_defaults_the_count_and_first_number(world, campaign, as_user):
    response = as_user(world.enumerator).get(url(campaign), {"agency": world.phu_vang.pk})
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('class="paper-page"') == 20
    assert f"{world.phu_vang.code}-00001" in body and f"{world.phu_vang.code}-00020" in body
