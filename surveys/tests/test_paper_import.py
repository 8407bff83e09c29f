"""Importing paper forms (.xlsx, .csv): every row checked, then all rows or none."""

import csv
import io
import zipfile

import openpyxl
import pytest
from django.test import override_settings

from agencies.models import AdminUnit
from surveys.models import Campaign, Channel, Invitation, Item, Response, ResponseText
from surveys.services import paper
from surveys.services.paper import ImportRefused, RowError, paper_import

HEADER = [
    "ma_phieu",
    "ma_co_quan",
    "kenh",
    "1.1",
    "1.2",
    "1.3",
    "2.1",
    "2.2",
    "2.3",
    "HL",
    "TUOI",
    "KENH",
    "GT",
    "YK",
]


def row(code, agency, **values) -> list:
    """A good row: every 5-level item 4, aged 30, information channels 1 and 3, yes, no text."""
    cells = {"kenh": "paper", "TUOI": 30, "KENH": "1;3", "GT": 1, "YK": None}
    cells.update(dict.fromkeys(HEADER[3:10], 4))
    cells.update({"ma_phieu": code, "ma_co_quan": agency.code if agency else None})
    cells.update(values)
    return [cells[h] for h in HEADER]


def xlsx(rows, header=HEADER) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Phieu"
    sheet.append(header)
    for r in rows:
        sheet.append(r)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows, header=HEADER, *, delimiter=",", bom=True) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(["" if v is None else v for v in r] for r in rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode()


def load(campaign, data, filename="phieu.xlsx", user=None, **kwargs):
    return paper_import(campaign=campaign, data=data, filename=filename, entered_by=user, **kwargs)


def refused(campaign, data, filename="phieu.xlsx", **kwargs) -> ImportRefused:
    with pytest.raises(ImportRefused) as caught:
        load(campaign, data, filename, **kwargs)
    assert not Response.objects.exists()
    return caught.value


def position(campaign, code) -> int:
    return Item.objects.get(questionnaire=campaign.questionnaire, code=code).position


# --- Accepted files -------------------------------------------------------------------------------


def test_it_imports_an_xlsx_file(world, campaign):
    rows = [
        row("P1", world.phu_vang),
        row("P2", world.phu_thuan, HL=5, YK="Cán bộ nhiệt tình"),
        row("P3", world.tu_ha, kenh="phone", KENH=2, GT=None),
    ]
    result = load(campaign, xlsx(rows), user=world.enumerator)
    assert result.count == 3 and result.texts == 1
    assert result.by_channel == {"paper": 2, "phone": 1}
    assert [(a.code, a.count) for a in result.per_agency] == [
        (world.phu_vang.code, 1),
        (world.phu_thuan.code, 1),
        (world.tu_ha.code, 1),
    ]
    p2 = Response.objects.get(respondent_code="P2")
    assert p2.scores == [4, 4, 4, 4, 4, 4, 5, 30, 0b101, 1]
    assert p2.channel == Channel.PAPER and p2.entered_by == world.enumerator
    assert p2.questionnaire_id == campaign.questionnaire_id
    assert (p2.unit.code, p2.commune.code, p2.district.code, p2.province.code) == (
        "19903",
        "19903",
        "478",
        "46",
    )
    assert p2.agency_kind == world.phu_thuan.kind and p2.status == Response.Status.VALID
    assert ResponseText.objects.get(response=p2).text == "Cán bộ nhiệt tình"
    p3 = Response.objects.get(respondent_code="P3")
    assert p3.channel == Channel.PHONE
    assert p3.scores[position(campaign, "KENH") - 1] == 0b10
    assert p3.scores[position(campaign, "GT") - 1] is None
    assert len({r.submission_key for r in Response.objects.all()}) == 3


@pytest.mark.parametrize(("delimiter", "bom"), [(",", True), (";", True), (",", False)])
def test_it_imports_a_csv_file(world, campaign, delimiter, bom):
    rows = [row("C1", world.huong_tra, YK="Tốt; nhanh, gọn"), row("C2", world.phu_vang, kenh="")]
    result = load(campaign, csv_bytes(rows, delimiter=delimiter, bom=bom), "phieu.csv")
    assert result.count == 2
    c1 = Response.objects.get(respondent_code="C1")
    assert c1.scores == [4, 4, 4, 4, 4, 4, 4, 30, 0b101, 1]
    assert c1.agency == world.huong_tra
    assert ResponseText.objects.get(response=c1).text == "Tốt; nhanh, gọn"
    assert Response.objects.get(respondent_code="C2").channel == Channel.PAPER


def test_it_accepts_numbers_written_as_text_and_headers_in_any_case(world, campaign):
    header = [
        h.upper() if h.startswith("ma_") else h.lower() if h in ("HL", "TUOI") else h
        for h in HEADER
    ]
    rows = [row(123, world.phu_vang, **{"1.1": " 5 ", "TUOI": "41.0", "KENH": "2, 4"})]
    load(campaign, xlsx(rows, header))
    response = Response.objects.get()
    assert response.respondent_code == "123"
    assert response.scores[:1] == [5]
    assert response.scores[position(campaign, "TUOI") - 1] == 41
    assert response.scores[position(campaign, "KENH") - 1] == 0b1010


def test_it_lets_optional_columns_be_left_out(world, campaign):
    header = ["ma_phieu", "ma_co_quan", "HL"]
    load(campaign, xlsx([["A", world.phu_vang.code, 2]], header))
    assert Response.objects.get().scores == [None] * 6 + [2, None, None, None]


def test_it_skips_blank_rows_and_keeps_excel_row_numbers(world, campaign):
    rows = [row("B1", world.phu_vang), [None] * 14, ["  "] + [None] * 13, row("B2", world.tu_ha)]
    assert load(campaign, xlsx(rows)).count == 2
    Response.objects.all().delete()
    rows[3] = row("B2", world.tu_ha, HL=9)
    error = refused(campaign, xlsx(rows)).errors[0]
    assert (error.row, error.column) == (5, "HL")


def test_it_stores_script_in_free_text_as_given(world, campaign):
    text = "<script>alert('x')</script><b>đậm</b>"
    load(campaign, xlsx([row("S1", world.phu_vang, YK=text)]))
    assert ResponseText.objects.get().text == text


def test_it_takes_paper_entry_after_fieldwork(world, campaign):
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.CLOSED)
    campaign.refresh_from_db()
    assert load(campaign, xlsx([row("K1", world.phu_vang)])).count == 1


def test_it_reads_the_file_and_the_database_in_a_few_queries(
    world, campaign, django_assert_max_num_queries
):
    data = xlsx([row(f"Q{i}", world.phu_vang, YK="ý kiến") for i in range(300)])
    with django_assert_max_num_queries(10):
        load(campaign, data)
    assert Response.objects.count() == 300 and ResponseText.objects.count() == 300


# --- One bad row among a thousand -----------------------------------------------------------------


def thousand(world, bad_at=None) -> list[list]:
    agencies = [world.phu_vang, world.phu_thuan, world.huong_tra, world.tu_ha]
    rows = [row(f"M{i:04d}", agencies[i % 4], HL=1 + i % 5) for i in range(1000)]
    if bad_at is not None:
        rows[bad_at][HEADER.index("2.3")] = 7
    return rows


@pytest.mark.parametrize(("make", "filename"), [(xlsx, "phieu.xlsx"), (csv_bytes, "phieu.csv")])
def test_it_refuses_a_thousand_rows_with_one_bad_and_accepts_them_corrected(
    world, campaign, make, filename
):
    caught = refused(campaign, make(thousand(world, bad_at=499)), filename)
    assert caught.errors == [RowError(501, "2.3", "7", "ngoài thang đo 1–5")]
    assert str(caught.errors[0]) == "Dòng 501, cột 2.3, giá trị '7': ngoài thang đo 1–5"
    assert "1 lỗi ở 1 dòng" in caught.message and "Không phiếu nào được nhập" in caught.message

    result = load(campaign, make(thousand(world)), filename)
    assert result.count == 1000
    assert Response.objects.filter(campaign=campaign).count() == 1000
    assert {a.count for a in result.per_agency} == {250}


# --- Rows that fail -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "column", "shown", "reason"),
    [
        ({"1.1": "abc"}, "1.1", "abc", "không phải số"),
        ({"1.1": 4.5}, "1.1", "4.5", "không phải số nguyên"),
        ({"1.1": 0}, "1.1", "0", "ngoài thang đo 1–5"),
        ({"1.1": True}, "1.1", "True", "không phải số"),
        ({"GT": 3}, "GT", "3", "ngoài thang đo 1, 2"),
        ({"TUOI": 200}, "TUOI", "200", "ngoài khoảng cho phép 15–100"),
        ({"KENH": "1;2;3"}, "KENH", "1;2;3", "chọn quá 2 phương án"),
        ({"KENH": "1;9"}, "KENH", "1;9", "có phương án không thuộc câu hỏi (các phương án: 1–5)"),
        ({"KENH": "1;x"}, "KENH", "1;x", "không phải số"),
        ({"kenh": "fax"}, "kenh", "fax", "kênh phải là paper (phiếu giấy) hoặc phone (điện thoại)"),
        ({"ma_phieu": None}, "ma_phieu", "", "thiếu mã phiếu"),
        ({"ma_phieu": "x" * 41}, "ma_phieu", "x" * 41, "mã phiếu dài quá 40 ký tự"),
        ({"ma_co_quan": None}, "ma_co_quan", "", "thiếu mã cơ quan"),
        (
            {"ma_co_quan": "khong-co"},
            "ma_co_quan",
            "khong-co",
            "mã cơ quan không thuộc đợt khảo sát",
        ),
    ],
)
def test_it_names_the_row_column_value_and_reason(world, campaign, values, column, shown, reason):
    rows = [row("OK1", world.phu_vang), row("BAD", world.phu_vang, **values)]
    assert refused(campaign, xlsx(rows)).errors == [RowError(3, column, shown, reason)]


def test_it_refuses_an_agency_outside_the_campaign_or_stopped(world, campaign):
    world.tu_ha.is_active = False
    world.tu_ha.save()
    rows = [row("A1", world.da_nang), row("A2", world.home_affairs), row("A3", world.tu_ha)]
    reasons = [(e.row, e.reason) for e in refused(campaign, xlsx(rows)).errors]
    assert reasons == [
        (2, "mã cơ quan không thuộc đợt khảo sát"),
        (3, "mã cơ quan không thuộc đợt khảo sát"),
        (4, "cơ quan đã ngừng hoạt động"),
    ]


def test_it_refuses_rows_of_agencies_outside_the_users_scope(world, campaign):
    rows = [row("U1", world.phu_thuan), row("U2", world.huong_tra)]
    caught = refused(
        campaign, xlsx(rows), allowed_agency_ids={world.phu_vang.pk, world.phu_thuan.pk}
    )
    assert caught.errors == [
        RowError(3, "ma_co_quan", world.huong_tra.code, "ngoài phạm vi của bạn")
    ]


def test_it_refuses_a_blank_required_item(world, campaign):
    Item.objects.filter(questionnaire=campaign.questionnaire, code__in=["HL", "YK"]).update(
        required=True
    )
    caught = refused(campaign, xlsx([row("R1", world.phu_vang, HL=None, YK="  ")]))
    assert [(e.column, e.reason) for e in caught.errors] == [
        ("HL", "câu hỏi bắt buộc chưa được trả lời"),
        ("YK", "câu hỏi bắt buộc chưa được trả lời"),
    ]


@override_settings(SURVEY_TEXT_MAX_CHARS=5)
def test_it_refuses_text_over_the_limit(world, campaign):
    caught = refused(campaign, xlsx([row("T1", world.phu_vang, YK="dài quá")]))
    assert caught.errors == [RowError(2, "YK", "dài quá", "dài quá 5 ký tự")]


def test_it_refuses_a_respondent_code_repeated_in_the_file(world, campaign):
    rows = [row("D1", world.phu_vang), row("D2", world.phu_vang), row("D1", world.tu_ha)]
    assert refused(campaign, xlsx(rows)).errors == [
        RowError(4, "ma_phieu", "D1", "trùng mã phiếu với dòng 2")
    ]


def test_it_refuses_a_respondent_code_already_stored(world, campaign):
    load(campaign, xlsx([row("S1", world.phu_vang), row("S2", world.phu_vang)]))
    with pytest.raises(ImportRefused) as caught:
        load(campaign, xlsx([row("S3", world.phu_vang), row("S2", world.tu_ha)]))
    assert caught.value.errors == [
        RowError(3, "ma_phieu", "S2", "mã phiếu đã được nhập trước đây cho đợt khảo sát")
    ]
    assert set(Response.objects.values_list("respondent_code", flat=True)) == {"S1", "S2"}


def test_it_refuses_values_in_a_column_without_header(world, campaign):
    header = [*HEADER[:3], None, *HEADER[3:]]
    cells = row("H1", world.phu_vang)
    caught = refused(campaign, xlsx([[*cells[:3], "lạc", *cells[3:]]], header))
    assert caught.errors == [RowError(2, "D", "lạc", "giá trị ở cột không có tiêu đề")]


def test_it_refuses_values_beyond_the_last_column(world, campaign):
    caught = refused(campaign, csv_bytes([[*row("H2", world.phu_vang), "", "thừa"]]), "p.csv")
    assert caught.errors == [RowError(2, "P", "thừa", "giá trị nằm ngoài các cột có tiêu đề")]


def test_it_counts_every_error_but_keeps_a_bounded_report(world, campaign, monkeypatch):
    monkeypatch.setattr("surveys.services.paper.ERRORS_KEPT", 5)
    rows = [row(f"N{i}", world.phu_vang, HL=6, GT=0) for i in range(10)]
    caught = refused(campaign, xlsx(rows))
    assert caught.total == 20 and len(caught.errors) == 5
    assert "20 lỗi ở 10 dòng" in caught.message


def test_it_sorts_and_counts_every_error(world, campaign):
    rows = [row("E1", world.phu_vang, HL=6, GT=0), row("E2", world.da_nang, TUOI=1)]
    caught = refused(campaign, xlsx(rows))
    assert [(e.row, e.column) for e in caught.errors] == [
        (2, "HL"),
        (2, "GT"),
        (3, "ma_co_quan"),
        (3, "TUOI"),
    ]
    assert "4 lỗi ở 2 dòng" in caught.message


# --- Refused files --------------------------------------------------------------------------------


def test_it_names_missing_and_unknown_columns(world, campaign):
    Item.objects.filter(questionnaire=campaign.questionnaire, code="HL").update(required=True)
    header = ["ma_phieu", "1.1", "9.9", "Ghi chú"]
    caught = refused(campaign, xlsx([["X", 4, 1, "a"]], header))
    assert [(e.row, e.column, e.reason) for e in caught.errors] == [
        (1, "9.9", "cột không có trong phiếu khảo sát"),
        (1, "Ghi chú", "cột không có trong phiếu khảo sát"),
        (1, "ma_co_quan", "thiếu cột bắt buộc"),
        (1, "HL", "thiếu cột bắt buộc"),
    ]


def test_it_refuses_a_repeated_column(world, campaign):
    caught = refused(campaign, xlsx([[*row("X", world.phu_vang), 4]], [*HEADER, "1.1"]))
    assert caught.errors == [RowError(1, "1.1", "1.1", "cột bị lặp lại")]


def zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"ma_phieu,ma_co_quan\nA,b\n", "phieu.xlsx"),  # a CSV renamed
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500, "phieu.xlsx"),  # an old .xls
        (zip_of({"word/document.xml": b"<w/>", "[Content_Types].xml": b"<T/>"}), "phieu.xlsx"),
        (zip_of({"[Content_Types].xml": b"<T/>", "xl/workbook.xml": b"<not-xml"}), "phieu.xlsx"),
        (b"PK\x03\x04 truncated", "phieu.xlsx"),
        (b"", "phieu.xlsx"),
    ],
)
def test_it_refuses_a_file_that_is_not_really_excel(campaign, data, filename):
    caught = refused(campaign, data, filename)
    assert "không phải là tệp Excel (.xlsx) thật" in caught.message and not caught.errors


def test_it_refuses_an_excel_file_named_csv(world, campaign):
    caught = refused(campaign, xlsx([row("Z", world.phu_vang)]), "phieu.csv")
    assert "không phải là tệp CSV thật" in caught.message


def test_it_refuses_a_csv_not_in_utf8(world, campaign):
    data = f"ma_phieu,ma_co_quan,YK\nA1,{world.phu_vang.code},café crème\n"
    caught = refused(campaign, data.encode("latin-1"), "phieu.csv")
    assert "UTF-8" in caught.message


@pytest.mark.parametrize("filename", ["phieu.xls", "phieu.ods", "phieu.txt", "phieu"])
def test_it_refuses_other_kinds_of_file(world, campaign, filename):
    caught = refused(campaign, xlsx([row("Z", world.phu_vang)]), filename)
    assert caught.message == "Chỉ nhận tệp .xlsx hoặc .csv."


def test_it_refuses_a_zip_bomb_before_unpacking_it(campaign):
    bomb = zip_of(
        {
            "[Content_Types].xml": b"<Types/>",
            "xl/workbook.xml": b"<workbook/>",
            "xl/worksheets/sheet1.xml": b"\0" * (30 * 1024 * 1024),
        }
    )
    assert len(bomb) < 100_000
    caught = refused(campaign, bomb)
    assert "zip bomb" in caught.message


def test_it_refuses_a_workbook_that_unpacks_over_the_limit(world, campaign):
    data = xlsx([row("Z", world.phu_vang)])
    with override_settings(IMPORT_MAX_UNCOMPRESSED_BYTES=2048):
        assert "zip bomb" in refused(campaign, data).message
    assert load(campaign, data).count == 1


@override_settings(IMPORT_MAX_BYTES=4096)
def test_it_refuses_a_file_over_the_size_limit(world, campaign):
    data = csv_bytes([row(f"Z{i}", world.phu_vang) for i in range(100)])
    assert len(data) > 4096
    caught = refused(campaign, data, "phieu.csv")
    assert "lớn quá giới hạn" in caught.message


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\n\n"])
def test_it_refuses_a_csv_without_a_header(campaign, data):
    assert "không có dòng tiêu đề" in refused(campaign, data, "phieu.csv").message


def test_it_refuses_a_file_without_rows(campaign):
    assert "không có phiếu nào" in refused(campaign, xlsx([[None] * 14])).message


@pytest.mark.parametrize(
    "status", [Campaign.Status.DRAFT, Campaign.Status.PUBLISHED, Campaign.Status.ARCHIVED]
)
def test_it_refuses_a_campaign_not_taking_entries(world, campaign_maker, status):
    campaign = campaign_maker(status=status)
    caught = refused(campaign, xlsx([row("Z", world.phu_vang)]))
    assert caught.message.startswith("Đợt khảo sát")


def test_it_refuses_paper_when_the_campaign_takes_phone_only(world, campaign_maker):
    campaign = campaign_maker(channels=[Channel.ONLINE, Channel.PHONE])
    caught = refused(
        campaign, xlsx([row("Z1", world.phu_vang), row("Z2", world.phu_vang, kenh="phone")])
    )
    assert caught.errors == [
        RowError(2, "kenh", "paper", "đợt khảo sát không nhận phiếu qua kênh này")
    ]
    header = [h for h in HEADER if h != "kenh"]
    caught = refused(campaign, xlsx([["Z3", world.phu_vang.code]], header))
    assert "không nhận phiếu giấy" in caught.message
    assert load(campaign, xlsx([row("Z2", world.phu_vang, kenh="phone")])).count == 1


def test_it_refuses_a_campaign_without_paper_or_phone(world, campaign_maker):
    campaign = campaign_maker(channels=[Channel.ONLINE])
    assert "không nhận phiếu giấy" in refused(campaign, xlsx([row("Z", world.phu_vang)])).message


def test_it_copies_a_province_agency_as_its_own_province(world, campaign_maker):
    campaign = campaign_maker(scope=[world.root])
    load(campaign, xlsx([row("V1", world.root)]))
    response = Response.objects.get()
    assert response.unit == response.province == AdminUnit.objects.get(era="3tier", code="46")
    assert response.district is None and response.commune is None


# --- Invitation tokens (ma_thu_moi) ---------------------------------------------------------------

TOKEN_HEADER = [*HEADER[:2], "ma_thu_moi", *HEADER[2:]]


def token_row(code, agency, token, **values) -> list:
    cells = row(code, agency, **values)
    return [*cells[:2], token, *cells[2:]]


@pytest.fixture
def invite(world, campaign):
    def make(token, agency=None, on=None):
        return Invitation.objects.create(
            campaign=on or campaign, agency=agency or world.phu_vang, token=token
        )

    return make


def test_it_binds_a_response_to_the_invitation_of_its_token(world, campaign, invite):
    first, second = invite("tok-1"), invite("tok-2", world.tu_ha)
    rows = [
        token_row("T1", world.phu_vang, "tok-1"),
        token_row("T2", world.tu_ha, " https://ks.example.vn/s/t/tok-2/?utm=thu "),
        token_row("T3", world.phu_vang, None),
        token_row("T4", world.phu_vang, "  "),
    ]
    assert load(campaign, xlsx(rows, TOKEN_HEADER)).count == 4
    assert Response.objects.get(respondent_code="T1").invitation == first
    assert Response.objects.get(respondent_code="T2").invitation == second
    assert list(
        Response.objects.filter(respondent_code__in=["T3", "T4"]).values_list(
            "invitation", flat=True
        )
    ) == [None, None]


def test_it_binds_tokens_from_a_csv_file(world, campaign, invite):
    invitation = invite("tok-csv")
    data = csv_bytes([token_row("C1", world.phu_vang, "tok-csv")], TOKEN_HEADER)
    load(campaign, data, "phieu.csv")
    assert Response.objects.get().invitation == invitation


def test_it_refuses_unknown_foreign_and_mismatched_tokens(world, campaign_maker, campaign, invite):
    other = campaign_maker()
    invite("tok-here", world.phu_vang)
    invite("tok-there", world.phu_vang, on=other)
    rows = [
        token_row("R1", world.phu_vang, "khong-co"),
        token_row("R2", world.phu_vang, "tok-there"),
        token_row("R3", world.tu_ha, "tok-here"),
    ]
    assert refused(campaign, xlsx(rows, TOKEN_HEADER)).errors == [
        RowError(2, "ma_thu_moi", "khong-co", "không có thư mời này trong đợt khảo sát"),
        RowError(3, "ma_thu_moi", "tok-there", "không có thư mời này trong đợt khảo sát"),
        RowError(
            4,
            "ma_thu_moi",
            "tok-here",
            f"thư mời dành cho cơ quan {world.phu_vang.code}, khác mã cơ quan của dòng",
        ),
    ]


def test_it_refuses_a_token_repeated_in_the_file(world, campaign, invite):
    invite("tok-2x")
    rows = [
        token_row("D1", world.phu_vang, "tok-2x"),
        token_row("D2", world.phu_vang, None),
        token_row("D3", world.phu_vang, "tok-2x"),
    ]
    assert refused(campaign, xlsx(rows, TOKEN_HEADER)).errors == [
        RowError(4, "ma_thu_moi", "tok-2x", "trùng mã thư mời với dòng 2")
    ]


def test_it_refuses_an_invitation_already_answered(world, campaign, invite):
    invite("tok-used")
    load(campaign, xlsx([token_row("U1", world.phu_vang, "tok-used")], TOKEN_HEADER))
    rows = [token_row("U2", world.phu_vang, None), token_row("U3", world.phu_vang, "tok-used")]
    with pytest.raises(ImportRefused) as caught:
        load(campaign, xlsx(rows, TOKEN_HEADER))
    assert caught.value.errors == [RowError(3, "ma_thu_moi", "tok-used", "thư mời đã được trả lời")]
    assert list(Response.objects.values_list("respondent_code", flat=True)) == ["U1"]


def test_it_reports_only_the_agency_when_a_token_row_names_a_wrong_agency(world, campaign, invite):
    invite("tok-a")
    rows = [token_row("A1", None, "tok-a", ma_co_quan="khong-co")]
    assert refused(campaign, xlsx(rows, TOKEN_HEADER)).errors == [
        RowError(2, "ma_co_quan", "khong-co", "mã cơ quan không thuộc đợt khảo sát")
    ]


def test_it_looks_tokens_up_in_a_few_queries(
    world, campaign, invite, django_assert_max_num_queries
):
    Invitation.objects.bulk_create(
        Invitation(campaign=campaign, agency=world.phu_vang, token=f"tok-{i}") for i in range(300)
    )
    data = xlsx([token_row(f"Q{i}", world.phu_vang, f"tok-{i}") for i in range(300)], TOKEN_HEADER)
    with django_assert_max_num_queries(11):
        load(campaign, data)
    assert Response.objects.filter(invitation__isnull=False).count() == 300


def test_it_refuses_the_file_when_an_invitation_is_answered_meanwhile(
    world, campaign, invite, monkeypatch
):
    invite("tok-race")
    load(campaign, xlsx([token_row("W1", world.phu_vang, "tok-race")], TOKEN_HEADER))
    looked_up = paper._invitations

    def before_the_answer(campaign, tokens):  # the check ran before the other answer came in
        return {
            token: paper._InvitationFound(found.id, found.agency_id, found.agency_code, False)
            for token, found in looked_up(campaign, tokens).items()
        }

    monkeypatch.setattr(paper, "_invitations", before_the_answer)
    rows = [token_row("W2", world.phu_vang, None), token_row("W3", world.phu_vang, "tok-race")]
    with pytest.raises(ImportRefused) as caught:
        load(campaign, xlsx(rows, TOKEN_HEADER))
    assert "thư mời vừa được trả lời" in caught.value.message
    assert list(Response.objects.values_list("respondent_code", flat=True)) == ["W1"]
