"""The paper pages: template download and import, for those who may enter answers only."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from surveys.models import Response

HEADER = ["ma_phieu", "ma_co_quan", "kenh", "1.1", "HL", "YK"]


def template_url(campaign) -> str:
    return reverse("responses:paper_template", args=[campaign.code])


def import_url(campaign) -> str:
    return reverse("responses:paper_import", args=[campaign.code])


def xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, campaign, data: bytes, name: str = "phieu.xlsx"):
    return client.post(import_url(campaign), {"file": SimpleUploadedFile(name, data)})


def scope_codes(data: bytes) -> list[str]:
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Co_quan"]
    return [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]


@pytest.mark.parametrize("url", [template_url, import_url])
def test_it_sends_an_anonymous_visitor_to_the_login_page(campaign, client, url):
    response = client.get(url(campaign))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("url", [template_url, import_url])
@pytest.mark.parametrize("user", ["outsider", "nobody"])
def test_it_hides_the_campaign_from_an_outsider(world, campaign, as_user, url, user):
    assert as_user(getattr(world, user)).get(url(campaign)).status_code == 404


@pytest.mark.parametrize("url", [template_url, import_url])
@pytest.mark.parametrize("user", ["viewer", "supervisor"])
def test_it_forbids_those_who_only_see_the_campaign(world, campaign, as_user, url, user):
    assert as_user(getattr(world, user)).get(url(campaign)).status_code == 403


def test_it_answers_404_for_an_unknown_campaign(world, as_user):
    response = as_user(world.manager).get(reverse("responses:paper_import", args=["khong-co"]))
    assert response.status_code == 404


def test_it_gives_the_manager_the_whole_scope_in_the_template(world, campaign, as_user):
    response = as_user(world.manager).get(template_url(campaign))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f'filename="phieu-giay-{campaign.code}.xlsx"' in response["Content-Disposition"]
    assert scope_codes(response.content) == [
        world.phu_vang.code,
        world.phu_thuan.code,
        world.huong_tra.code,
        world.tu_ha.code,
    ]


@pytest.mark.parametrize("user", ["official", "enumerator"])
def test_it_gives_an_official_only_their_agencies(world, campaign, as_user, user):
    response = as_user(getattr(world, user)).get(template_url(campaign))
    assert response.status_code == 200
    assert scope_codes(response.content) == [world.phu_vang.code, world.phu_thuan.code]


def test_it_shows_the_upload_form(world, campaign, as_user):
    response = as_user(world.official).get(import_url(campaign))
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in response.text
    assert template_url(campaign) in response.text
    assert "Tệp phiếu (.xlsx hoặc .csv)" in response.text


def test_it_imports_and_shows_the_summary_once(world, campaign, as_user):
    client = as_user(world.manager)
    data = xlsx(
        [
            ["W1", world.phu_vang.code, "paper", 4, 5, None],
            ["W2", world.tu_ha.code, "phone", 3, 3, "ok"],
        ]
    )
    response = upload(client, campaign, data)
    assert response.status_code == 302 and response.url == import_url(campaign)
    assert Response.objects.filter(entered_by=world.manager).count() == 2
    page = client.get(import_url(campaign))
    assert "Đã nhập 2 phiếu." in page.text
    assert "UBND huyện Phú Vang" in page.text and "UBND phường Tứ Hạ" in page.text
    assert "Phiếu giấy: 1" in page.text and "Điện thoại: 1" in page.text
    assert "Đã nhập 2 phiếu." not in client.get(import_url(campaign)).text


def test_it_refuses_a_file_with_an_error_table_escaped(world, campaign, as_user):
    data = xlsx(
        [
            ["E1", world.phu_vang.code, "paper", 4, 5, None],
            ["E2", world.phu_vang.code, "paper", "<script>alert(1)</script>", 9, None],
        ]
    )
    response = upload(as_user(world.manager), campaign, data)
    assert response.status_code == 400
    assert "Không phiếu nào được nhập" in response.text
    errors = response.context["errors"]
    assert [(e.row, e.column, e.reason) for e in errors] == [
        (3, "1.1", "không phải số"),
        (3, "HL", "ngoài thang đo 1–5"),
    ]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    assert "<script>alert(1)</script>" not in response.text
    assert not Response.objects.exists()


def test_it_refuses_rows_outside_the_officials_scope(world, campaign, as_user):
    data = xlsx(
        [
            ["O1", world.phu_thuan.code, None, 4, 4, None],
            ["O2", world.huong_tra.code, None, 4, 4, None],
        ]
    )
    response = upload(as_user(world.official), campaign, data)
    assert response.status_code == 400
    assert [(e.row, e.reason) for e in response.context["errors"]] == [(3, "ngoài phạm vi của bạn")]
    assert not Response.objects.exists()


@override_settings(IMPORT_MAX_BYTES=1024)
def test_it_answers_413_for_a_file_over_the_limit(world, campaign, as_user):
    response = upload(as_user(world.manager), campaign, b"x" * 2048, "phieu.csv")
    assert response.status_code == 413
    assert "lớn quá giới hạn" in response.text


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"abc", "phieu.xls", "Chỉ nhận tệp .xlsx hoặc .csv."),
        (b"not a zip", "phieu.xlsx", "không phải là tệp Excel (.xlsx) thật"),
        (b"", "phieu.csv", "Tệp rỗng."),
    ],
)
def test_it_refuses_a_bad_file_with_a_message(world, campaign, as_user, data, name, message):
    response = upload(as_user(world.manager), campaign, data, name)
    assert response.status_code == 400
    assert message in response.text


def test_it_asks_for_a_file(world, campaign, as_user):
    response = as_user(world.manager).post(import_url(campaign), {})
    assert response.status_code == 400
    assert "Chọn tệp cần nhập." in response.text


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024)
def test_it_answers_400_to_an_oversized_form_body(world, campaign, as_user):
    response = as_user(world.manager).post(
        import_url(campaign),
        {"note": "x" * 4096, "file": SimpleUploadedFile("phieu.csv", b"ma_phieu")},
    )
    assert response.status_code == 400
    assert not Response.objects.exists()


def test_it_says_how_many_errors_are_not_listed(world, campaign, as_user, monkeypatch):
    monkeypatch.setattr("surveys.views.responses.ERRORS_SHOWN", 2)
    data = xlsx([[f"L{i}", world.phu_vang.code, None, 9, 4, None] for i in range(5)])
    response = upload(as_user(world.manager), campaign, data)
    assert len(response.context["errors"]) == 2
    assert "… và 3 lỗi khác." in response.text
