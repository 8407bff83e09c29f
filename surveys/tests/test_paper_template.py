"""The campaign's Excel template: one column per item code, drop-downs, notes, the agency list."""

from io import BytesIO

import openpyxl
import pytest

from surveys.models import Invitation, Response
from surveys.services.paper import paper_import, paper_template

HEADERS = [
    "ma_phieu",
    "ma_co_quan",
    "ma_thu_moi",
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


@pytest.fixture
def book(campaign):
    return openpyxl.load_workbook(BytesIO(paper_template(campaign=campaign)))


def validations(sheet) -> dict[str, object]:
    """Column letter → its data validation."""
    found = {}
    for rule in sheet.data_validations.dataValidation:
        for cells in rule.sqref.ranges:
            found[cells.coord.split(":")[0].rstrip("0123456789")] = rule
    return found


def test_it_has_the_three_sheets(book):
    assert book.sheetnames == ["Phieu", "Co_quan", "Huong_dan"]


def test_it_has_one_column_per_item_code_in_questionnaire_order(book):
    sheet = book["Phieu"]
    assert [cell.value for cell in sheet[1]] == HEADERS
    assert sheet.freeze_panes == "C2"


def test_it_notes_each_question_in_vietnamese(book):
    sheet = book["Phieu"]
    notes = {cell.value: cell.comment.text for cell in sheet[1]}
    assert notes["1.1"].startswith("1.1. Tiêu chí 1.1")
    assert "5 = Rất hài lòng" in notes["1.1"]
    assert "Ghi một số nguyên từ 15 đến 100" in notes["TUOI"]
    assert "ví dụ 1;3;5" in notes["KENH"] and "Tối đa 2 phương án" in notes["KENH"]
    assert "1 = Có" in notes["GT"]
    assert "văn bản tự do" in notes["YK"]
    assert "không trùng" in notes["ma_phieu"]
    assert notes["ma_thu_moi"] == ("Mã thư mời (nếu phiếu gửi theo thư mời); để trống nếu không có")


def test_it_offers_drop_downs_of_the_allowed_values(book):
    rules = validations(book["Phieu"])
    assert (rules["E"].type, rules["E"].formula1) == ("list", '"1,2,3,4,5"')  # 1.1
    assert (rules["N"].type, rules["N"].formula1) == ("list", '"1,2"')  # GT
    assert (rules["L"].type, rules["L"].formula1, rules["L"].formula2) == ("whole", "15", "100")
    assert rules["M"].type is None and "1;3;5" in rules["M"].prompt  # KENH: typed, not picked
    assert (rules["O"].type, rules["O"].formula1) == ("textLength", "2000")  # YK
    assert rules["B"].formula1 == "Co_quan!$A$2:$A$5"
    assert (rules["C"].type, rules["C"].formula1) == ("textLength", "43")  # ma_thu_moi
    assert (rules["D"].type, rules["D"].formula1) == ("list", '"paper,phone"')
    assert str(rules["E"].sqref) == "E2:E1048576"


def test_it_lists_the_campaign_scope_as_the_agency_source(world, book):
    rows = list(book["Co_quan"].iter_rows(values_only=True))
    assert rows[0] == ("ma_co_quan", "ten_co_quan", "don_vi_hanh_chinh")
    assert [row[:2] for row in rows[1:]] == [
        (world.phu_vang.code, "UBND huyện Phú Vang"),
        (world.phu_thuan.code, "UBND xã Phú Thuận"),
        (world.huong_tra.code, "UBND thị xã Hương Trà"),
        (world.tu_ha.code, "UBND phường Tứ Hạ"),
    ]


def test_it_lists_only_the_agencies_asked_for(world, campaign):
    data = paper_template(campaign=campaign, agency_ids={world.phu_vang.pk, world.phu_thuan.pk})
    sheet = openpyxl.load_workbook(BytesIO(data))["Co_quan"]
    codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert codes == [world.phu_vang.code, world.phu_thuan.code]


def test_it_explains_how_to_fill_it_in(book):
    text = "\n".join(
        str(value)
        for row in book["Huong_dan"].iter_rows(values_only=True)
        for value in row
        if value
    )
    assert "Hướng dẫn nhập phiếu giấy" in text
    assert "cả tệp bị từ chối" in text
    assert "Tuổi của ông/bà" in text


def test_it_offers_only_the_entry_channels_of_the_campaign(campaign_maker):
    campaign = campaign_maker(channels=["online", "paper"])
    rules = validations(openpyxl.load_workbook(BytesIO(paper_template(campaign=campaign)))["Phieu"])
    assert rules["D"].formula1 == '"paper"'


def test_it_imports_back_once_filled_in(world, campaign):
    book = openpyxl.load_workbook(BytesIO(paper_template(campaign=campaign)))
    book["Phieu"].append(
        ["P1", world.tu_ha.code, None, "paper", 5, 4, 3, 2, 1, 5, 4, 33, "1;2", 1, "ok"]
    )
    out = BytesIO()
    book.save(out)
    result = paper_import(
        campaign=campaign, data=out.getvalue(), filename="mau.xlsx", entered_by=world.manager
    )
    assert result.count == 1


def test_it_has_an_optional_invitation_token_column_after_the_agency(book):
    headers = [cell.value for cell in book["Phieu"][1]]
    assert headers.index("ma_thu_moi") == headers.index("ma_co_quan") + 1
    guide = "\n".join(str(row[0]) for row in book["Huong_dan"].iter_rows(values_only=True))
    assert "4. Cột ma_thu_moi" in guide and "10. Nếu có dòng sai" in guide


def test_it_imports_back_a_token_filled_in(world, campaign):
    invitation = Invitation.objects.create(campaign=campaign, agency=world.tu_ha, token="thu-1")
    book = openpyxl.load_workbook(BytesIO(paper_template(campaign=campaign)))
    book["Phieu"].append(
        ["P1", world.tu_ha.code, "thu-1", "paper", 5, 4, 3, 2, 1, 5, 4, 33, "1;2", 1, None]
    )
    out = BytesIO()
    book.save(out)
    paper_import(
        campaign=campaign, data=out.getvalue(), filename="mau.xlsx", entered_by=world.manager
    )
    assert Response.objects.get().invitation == invitation
