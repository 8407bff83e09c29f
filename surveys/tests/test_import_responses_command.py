"""manage.py import_responses: the same import as the browser's, errors one per line on stderr."""

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from surveys.models import Response


def write_xlsx(path, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Phieu"
    sheet.append(["ma_phieu", "ma_co_quan", "kenh", "1.1", "2.3", "HL", "YK"])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return str(path)


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_responses", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_imports_a_file_and_prints_a_summary(world, campaign, tmp_path):
    path = write_xlsx(
        tmp_path / "phieu.xlsx",
        [
            ["G1", world.phu_vang.code, "paper", 5, 4, 4, "Tốt"],
            ["G2", world.phu_vang.code, "phone", 3, 2, 3, None],
            ["G3", world.tu_ha.code, None, 1, 1, 1, None],
        ],
    )
    out, err = run("--campaign", campaign.code, path, "--user", world.enumerator.username)
    assert "Đã nhập 3 phiếu vào đợt “Khảo sát thử”." in out
    assert f"{world.phu_vang.code}\t2\tUBND huyện Phú Vang" in out
    assert f"{world.tu_ha.code}\t1\tUBND phường Tứ Hạ" in out
    assert "Ý kiến bằng văn bản: 1." in out
    assert err == ""
    assert Response.objects.filter(entered_by=world.enumerator).count() == 3


def test_it_prints_every_error_and_imports_nothing(world, campaign, tmp_path):
    path = write_xlsx(
        tmp_path / "phieu.xlsx",
        [
            ["G1", world.phu_vang.code, "paper", 5, 4, 4, None],
            ["G2", world.phu_vang.code, "paper", 5, 7, 4, None],
            ["G3", "khong-co", "paper", "x", 4, 4, None],
        ],
    )
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_responses", "--campaign", campaign.code, path, stderr=err)
    assert err.getvalue().splitlines() == [
        "Dòng 3, cột 2.3, giá trị '7': ngoài thang đo 1–5",
        "Dòng 4, cột ma_co_quan, giá trị 'khong-co': mã cơ quan không thuộc đợt khảo sát",
        "Dòng 4, cột 1.1, giá trị 'x': không phải số",
    ]
    assert "3 lỗi ở 2 dòng" in str(caught.value)
    assert caught.value.returncode == 1
    assert not Response.objects.exists()


def test_it_says_how_many_errors_it_did_not_print(world, campaign, tmp_path, monkeypatch):
    monkeypatch.setattr("surveys.services.paper.ERRORS_KEPT", 2)
    rows = [[f"G{i}", world.phu_vang.code, None, 9, 4, 4, None] for i in range(5)]
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_responses",
            "--campaign",
            campaign.code,
            write_xlsx(tmp_path / "p.xlsx", rows),
            stderr=err,
        )
    assert err.getvalue().splitlines()[-1] == "… và 3 lỗi khác."


def test_it_refuses_a_file_that_is_not_excel(campaign, tmp_path):
    path = tmp_path / "phieu.xlsx"
    path.write_bytes(b"<html>not a workbook</html>")
    with pytest.raises(CommandError, match=r"không phải là tệp Excel \(\.xlsx\) thật"):
        run("--campaign", campaign.code, str(path))


@override_settings(IMPORT_MAX_BYTES=1024)
def test_it_refuses_a_file_over_the_limit_before_reading_it(campaign, tmp_path):
    path = tmp_path / "phieu.csv"
    path.write_bytes(b"x" * 2000)
    with pytest.raises(CommandError, match="lớn quá giới hạn"):
        run("--campaign", campaign.code, str(path))


def test_it_names_an_unknown_campaign_user_or_file(world, campaign, tmp_path):
    path = write_xlsx(tmp_path / "phieu.xlsx", [])
    with pytest.raises(CommandError, match="Không có đợt khảo sát mã “khong-co”"):
        run("--campaign", "khong-co", path)
    with pytest.raises(CommandError, match="Không có người dùng “ai-do”"):
        run("--campaign", campaign.code, path, "--user", "ai-do")
    with pytest.raises(CommandError, match="Không tìm thấy tệp"):
        run("--campaign", campaign.code, str(tmp_path / "khong.xlsx"))
