"""The raw answers export: one row per response, one column per item code, XLSX and CSV alike."""

import datetime

import pytest
from django.utils import timezone

from reports.exporters import ExportContext, get_exporter
from reports.exporters.base import CUT_MARKER, MAX_CELL_CHARS
from reports.exporters.raw import decode_multi
from reports.tests.exports import answer, read_csv, report_campaign, table, workbook
from surveys.models import Response

META = [
    "Mã số", "Mã phiếu", "Trạng thái", "Kênh", "Mã cơ quan", "Tên cơ quan", "Mã ĐVHC",
    "Tên ĐVHC", "Bắt đầu", "Thời điểm gửi", "Thời gian trả lời (giây)",
]  # fmt: skip
ITEMS = ["1.1", "1.2", "2.1", "2.2", "HL", "YK", "KENH", "MD", "GT"]
LONG = "x" * 40_000


@pytest.fixture
def campaign(world):
    c = report_campaign(world)
    answer(c, world.phu_vang, text="=HYPERLINK(\"http://evil.example\",\"bấm\")",
           **{"1.1": 5, "1.2": 4, "HL": 4, "KENH": 0b101, "GT": 2, "MD": 3})  # fmt: skip
    answer(c, world.huong_tra, channel="paper", text=LONG, **{"1.1": 2, "KENH": 0b1000})
    answer(c, world.phu_thuan, status="rejected", text="-2+3", **{"2.1": 1})
    return c


def render(campaign, fmt, agency=None):
    return get_exporter("raw").render_bytes(fmt, ExportContext(campaign=campaign, agency=agency))


def test_it_decodes_bit_masks():
    assert decode_multi(0b101) == "1;3"
    assert decode_multi(0b1) == "1"
    assert decode_multi(1 << 14) == "15"


def test_it_writes_one_row_per_response_and_one_column_per_item(world, campaign):
    book = workbook(render(campaign, "xlsx"))
    assert book.sheetnames == ["Dữ liệu", "Mã hoá"]
    ws = book["Dữ liệu"]
    rows = table(ws, 1)
    assert rows[0] == META + ITEMS
    assert ws.freeze_panes == "A2"
    data = rows[1:]
    responses = list(Response.objects.filter(campaign=campaign).order_by("pk"))
    assert [r[0] for r in data] == [r.pk for r in responses]
    first = dict(zip(rows[0], data[0], strict=False))
    assert first["Trạng thái"] == "Hợp lệ" and first["Kênh"].startswith("Trực tuyến")
    assert first["Mã cơ quan"] == world.phu_vang.code
    assert first["Tên cơ quan"] == "UBND huyện Phú Vang"
    assert first["Mã ĐVHC"] == world.phu_vang.unit.code
    assert first["Tên ĐVHC"] == world.phu_vang.unit.name
    assert first["1.1"] == 5 and first["1.2"] == 4 and first["HL"] == 4 and first["2.1"] is None
    assert first["KENH"] == "1;3"  # the bit mask, decoded
    assert first["GT"] == 2 and first["MD"] == 3
    local = timezone.localtime(responses[0].submitted_at).replace(tzinfo=None)
    assert abs(first["Thời điểm gửi"] - local) < datetime.timedelta(seconds=1)
    third = dict(zip(rows[0], data[2], strict=False))
    assert third["Trạng thái"] == "Bị loại"


def test_it_neutralises_formulas_and_cuts_long_text(world, campaign):
    ws = workbook(render(campaign, "xlsx"))["Dữ liệu"]
    column = META.__len__() + ITEMS.index("YK") + 1
    texts = [ws.cell(row=n, column=column).value for n in (2, 3, 4)]
    assert texts[0] == '\'=HYPERLINK("http://evil.example","bấm")'
    assert ws.cell(row=2, column=column).data_type == "s"  # text, not a formula
    assert len(texts[1]) == MAX_CELL_CHARS and texts[1].endswith(CUT_MARKER)
    assert texts[1].startswith("x" * 1000)
    assert texts[2] == "'-2+3"


def test_it_writes_the_same_rows_as_csv(world, campaign):
    xlsx = table(workbook(render(campaign, "xlsx"))["Dữ liệu"], 1)
    rows = read_csv(render(campaign, "csv"))
    assert rows[0] == META + ITEMS
    assert len(rows) == len(xlsx) == 4
    for got, expected in zip(rows[1:], xlsx[1:], strict=True):
        expected = expected + [None] * (len(rows[0]) - len(expected))
        for name, a, b in zip(rows[0], got, expected, strict=True):
            if isinstance(b, datetime.datetime):
                assert a == b.strftime("%Y-%m-%d %H:%M:%S"), name
            else:
                assert a == ("" if b is None else str(b)), name
    yk = rows[0].index("YK")
    assert rows[1][yk].startswith("'=HYPERLINK")
    assert rows[2][yk].endswith(CUT_MARKER) and len(rows[2][yk]) == MAX_CELL_CHARS
    assert rows[1][rows[0].index("KENH")] == "1;3"


def test_it_limits_the_rows_to_an_agency_and_its_subtree(world, campaign):
    rows = table(workbook(render(campaign, "xlsx", agency=world.phu_vang))["Dữ liệu"], 1)
    assert {r[4] for r in rows[1:]} == {world.phu_vang.code, world.phu_thuan.code}
    csv_rows = read_csv(render(campaign, "csv", agency=world.phu_vang))
    assert [r[0] for r in csv_rows[1:]] == [str(r[0]) for r in rows[1:]]


def test_it_lists_each_column_in_the_codebook(world, campaign):
    rows = table(workbook(render(campaign, "xlsx"))["Mã hoá"], 1)
    assert [r[0] for r in rows[1:]] == ITEMS
    kenh = rows[1 + ITEMS.index("KENH")]
    assert "1 = Kênh 1" in kenh[4] and "nhiều lựa chọn" in kenh[4]


def test_it_writes_only_the_header_for_a_campaign_without_answers(world):
    campaign = report_campaign(world)
    rows = table(workbook(render(campaign, "xlsx"))["Dữ liệu"], 1)
    assert rows == [META + ITEMS]
    assert read_csv(render(campaign, "csv")) == [META + ITEMS]


def test_it_reports_progress_in_steps(world, campaign, monkeypatch):
    import reports.exporters.raw as raw

    monkeypatch.setattr(raw, "MIN_CHUNK", 1)
    for _ in range(200):
        answer(campaign, world.phu_vang, **{"1.1": 4})
    for fmt in ("xlsx", "csv"):
        seen = []
        exporter = get_exporter("raw")
        import io

        rendered = exporter.render(
            fmt, ExportContext(campaign=campaign), io.BytesIO(), progress=seen.append
        )
        assert rendered.rows == 203
        assert seen == sorted(set(seen)) and seen[-1] == 100
        assert any(0 < p < 100 for p in seen), seen


def test_it_neutralises_the_same_way_in_python_and_in_sql(db):
    from django.db import connection

    from reports.exporters.base import safe_cell, safe_cell_sql

    samples = [
        "", "a", "=1+2", "+84 905", "-", "@x", "\tx", "\rx", " =x", "'=x",
        "x" * 32_756, "x" * 32_757, "x" * 32_766, "x" * 32_767, "x" * 32_768, "x" * 40_000,
        "=" + "x" * 32_765, "=" + "x" * 32_766, "ắ" * 20_000, "ắ" * 40_000, "-" + "ắ" * 32_767,
    ]  # fmt: skip
    with connection.cursor() as cursor:
        for text in [*samples, None]:
            sql = safe_cell_sql("v.t")
            cursor.execute(f"SELECT {sql} FROM (SELECT %s::text AS t) v", [text])  # noqa: S608
            (got,) = cursor.fetchone()
            assert got == safe_cell(text), (text[:20] if text else text, len(text or ""))


def test_it_goes_on_in_a_second_sheet_past_excels_row_limit(monkeypatch):
    import io

    from reports.exporters import xlsx
    from reports.exporters.base import Column, Sheet

    monkeypatch.setattr(xlsx, "MAX_ROWS", 4)
    out = io.BytesIO()
    writer = xlsx.StreamingXlsx(out)
    writer.start_sheet(Sheet("Dữ liệu", ()), [Column("A"), Column("B")])
    for i in range(7):
        writer.append([i, f"dòng {i}"])
    writer.end_sheet()
    writer.close()
    book = workbook(out.getvalue())
    assert book.sheetnames == ["Dữ liệu", "Dữ liệu (2)", "Dữ liệu (3)"]
    assert [table(ws, 1) for ws in book.worksheets] == [
        [["A", "B"], [0, "dòng 0"], [1, "dòng 1"], [2, "dòng 2"]],
        [["A", "B"], [3, "dòng 3"], [4, "dòng 4"], [5, "dòng 5"]],
        [["A", "B"], [6, "dòng 6"]],
    ]
