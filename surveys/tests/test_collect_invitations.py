"""Managers make personal invitations, follow which were answered, and download them as CSV."""

import csv
import io

import pytest
from django.conf import settings
from django.urls import reverse

from surveys.models import Invitation
from surveys.services.collect import invitations_create
from surveys.tests.factories import make_campaign, make_response


@pytest.fixture
def hue(world):
    return make_campaign(
        organiser=world.home_affairs,
        code="sipas-hue-2026",
        scope=[world.phu_vang, world.phu_thuan, world.huong_tra],
        channels=("online", "paper"),
        status="open",
    )


def url(campaign) -> str:
    return reverse("collect:invitations", args=[campaign.code])


def csv_url(campaign) -> str:
    return reverse("collect:invitations_csv", args=[campaign.code])


def rows(response) -> list[list[str]]:
    assert response.content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_it_sends_an_anonymous_visitor_to_the_login_page(hue, client):
    for response in (client.get(url(hue)), client.post(url(hue)), client.get(csv_url(hue))):
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_it_hides_the_campaign_from_the_outsider(world, hue, as_user):
    client = as_user(world.outsider)
    assert client.get(url(hue)).status_code == 404
    assert client.post(url(hue), {"agency": world.phu_vang.pk, "count": 2}).status_code == 404
    assert client.get(csv_url(hue)).status_code == 404


def test_it_forbids_everyone_but_the_campaign_managers(world, hue, as_user):
    for user in (world.viewer, world.supervisor, world.official, world.enumerator):
        client = as_user(user)
        assert client.get(url(hue)).status_code == 403
        assert client.post(url(hue), {"agency": world.phu_vang.pk, "count": 2}).status_code == 403
        assert client.get(csv_url(hue)).status_code == 403
    assert not Invitation.objects.exists()


def test_it_makes_anonymous_invitations(world, hue, as_user):
    client = as_user(world.manager)
    response = client.post(url(hue), {"agency": world.phu_vang.pk, "count": 3})
    assert response.status_code == 302
    made = list(Invitation.objects.all())
    assert len(made) == 3
    assert {inv.agency for inv in made} == {world.phu_vang}
    assert len({inv.token for inv in made}) == 3
    assert all(len(inv.token) == 43 for inv in made)
    page = client.get(url(hue)).text
    assert "Đã tạo 3 thư mời cho UBND huyện Phú Vang." in page
    assert f"{settings.SITE_URL}/s/t/{made[0].token}/" in page


def test_it_makes_one_invitation_per_respondent_code(world, hue, as_user):
    client = as_user(world.manager)
    data = {"agency": world.huong_tra.pk, "respondent_codes": "HS-1\r\n\r\n HS-2 \n"}
    assert client.post(url(hue), data).status_code == 302
    assert sorted(Invitation.objects.values_list("respondent_code", flat=True)) == ["HS-1", "HS-2"]
    # A code is given once per campaign.
    response = client.post(url(hue), {"agency": world.huong_tra.pk, "respondent_codes": "HS-2"})
    assert response.status_code == 400
    assert "Đã có thư mời cho mã: HS-2." in response.text
    assert Invitation.objects.count() == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"respondent_codes": "A\nB\nA"}, "Mã “A” bị lặp lại."),
        ({"count": 2, "respondent_codes": "A"}, "không cả hai"),
        ({}, "Nhập số thư mời hoặc danh sách mã người trả lời."),
        ({"count": 5000}, "Mỗi lần tạo tối đa 2000 thư mời."),
        ({"respondent_codes": "x" * 41}, "dài quá 40 ký tự"),
    ],
)
def test_it_refuses_a_bad_request(world, hue, as_user, data, message):
    response = as_user(world.manager).post(url(hue), {"agency": world.phu_vang.pk, **data})
    assert response.status_code == 400
    assert message in response.text
    assert not Invitation.objects.exists()


def test_it_refuses_an_agency_outside_the_campaign(world, hue, as_user):
    response = as_user(world.manager).post(url(hue), {"agency": world.tu_ha.pk, "count": 1})
    assert response.status_code == 400
    assert not Invitation.objects.exists()


def test_it_shows_which_invitations_were_answered(world, hue, as_user):
    first, second = invitations_create(campaign=hue, agency=world.phu_vang, count=2)
    answer = make_response(hue, world.phu_vang, [4] * 7)
    answer.invitation = first
    answer.save()
    client = as_user(world.manager)
    page = client.get(url(hue))
    assert "Đã tạo 2 thư mời, 1 thư mời đã được trả lời." in page.text
    assert {inv.pk: inv.used for inv, _ in page.context["rows"]} == {
        first.pk: True,
        second.pk: False,
    }
    unused = client.get(url(hue), {"used": "no"}).context["rows"]
    assert [inv for inv, _ in unused] == [second]


def test_it_downloads_the_links_as_csv(world, hue, as_user):
    invitations_create(campaign=hue, agency=world.phu_vang, respondent_codes=["=1+1", "HS-9"])
    response = as_user(world.manager).get(csv_url(hue))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="thu-moi-sipas-hue-2026-' in response["Content-Disposition"]
    header, *body = rows(response)
    assert header == ["Mã người trả lời", "Mã cơ quan", "Cơ quan", "Đường dẫn", "Đã trả lời"]
    tokens = dict(Invitation.objects.values_list("respondent_code", "token"))
    assert sorted(body) == [
        ["'=1+1", world.phu_vang.code, "UBND huyện Phú Vang", link(tokens["=1+1"]), "chưa"],
        ["HS-9", world.phu_vang.code, "UBND huyện Phú Vang", link(tokens["HS-9"]), "chưa"],
    ]


def link(token: str) -> str:
    return f"{settings.SITE_URL}/s/t/{token}/"


def test_it_gives_each_invitation_a_qr_code(world, hue, as_user):
    (invitation,) = invitations_create(campaign=hue, agency=world.phu_vang, count=1)
    qr = reverse("collect:invitation_qr", args=[hue.code, invitation.pk])
    response = as_user(world.manager).get(qr)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in response.content
    assert as_user(world.viewer).get(qr).status_code == 403
    other = make_campaign(organiser=world.home_affairs, scope=[world.phu_vang], status="open")
    wrong = reverse("collect:invitation_qr", args=[other.code, invitation.pk])
    assert as_user(world.manager).get(wrong).status_code == 404
