"""manage.py export_report: the same exporters, synchronously, into a file."""

import pytest
from django.core.management import CommandError, call_command

from reports.tests.exports import fill, read_csv, report_campaign, table, workbook


@pytest.fixture
def campaign(world):
    c = report_campaign(world, code="sipas-thu")
    fill(c, world)
    return c


def test_it_writes_each_report(world, campaign, tmp_path, capsys):
    for kind in ("summary", "raw", "progress"):
        out = tmp_path / f"{kind}.xlsx"
        call_command("export_report", campaign="sipas-thu", kind=kind, out=str(out))
        assert "Đã ghi" in capsys.readouterr().out
        book = workbook(out.read_bytes())
        assert book.sheetnames
    out = tmp_path / "agency.xlsx"
    call_command(
        "export_report",
        campaign="sipas-thu",
        kind="agency",
        agency=world.phu_vang.code,
        out=str(out),
    )
    assert workbook(out.read_bytes())["Thông tin"]["A2"].value == "UBND huyện Phú Vang"


def test_it_writes_raw_answers_as_csv(world, campaign, tmp_path):
    out = tmp_path / "raw.csv"
    call_command("export_report", campaign="sipas-thu", kind="raw", fmt="csv", out=str(out))
    rows = read_csv(out.read_bytes())
    assert rows[0][0] == "Mã số" and len(rows) == 1 + 82
    xlsx = tmp_path / "raw.xlsx"
    call_command("export_report", "--campaign", "sipas-thu", "--kind", "raw", "--out", str(xlsx))
    assert len(table(workbook(xlsx.read_bytes())["Dữ liệu"], 1)) == len(rows)


def test_it_refuses_bad_input(world, campaign, tmp_path):
    out = str(tmp_path / "x.xlsx")
    with pytest.raises(CommandError, match="Không có đợt"):
        call_command("export_report", campaign="khong-co", kind="raw", out=out)
    with pytest.raises(CommandError, match="cần --agency"):
        call_command("export_report", campaign="sipas-thu", kind="agency", out=out)
    with pytest.raises(CommandError, match="Không có cơ quan"):
        call_command("export_report", campaign="sipas-thu", kind="agency", agency="x", out=out)
    with pytest.raises(CommandError, match="chỉ có định dạng"):
        call_command("export_report", campaign="sipas-thu", kind="summary", fmt="csv", out=out)
