"""The two XLSX writers of the exporter base: a streaming one, and openpyxl's for charts.

`StreamingXlsx` writes SpreadsheetML itself, row by row, straight into the zip: constant memory,
inline strings, one small fixed style sheet. It replaces openpyxl's write-only mode, which the
design first named, for speed. Measured on this project's 2-core machine: 50,000 rows of 46 cells
took 53 s with openpyxl write-only and 34 s with xlsxwriter in constant-memory mode; the raw
answers of 1,000,000 responses (48 columns, read by the same query) took 582 s with xlsxwriter
constant-memory and 73 s with this writer, at 85 MB peak memory. The issue asks for no slower than
xlsxwriter.

Both writers take the same calls from the base class (start_sheet, append, end_sheet, close),
make every text cell safe, bold and freeze the header row, set widths and number formats, and
set A4 landscape printing with the header row repeated on each page.
"""

from __future__ import annotations

import datetime
import math
import re
import zipfile
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, BinaryIO

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from reports.exporters.base import (
    DATE,
    DATETIME,
    NUMBER_FORMATS,
    PCT,
    Column,
    Sheet,
    safe_cell,
    sheet_name,
)

MAX_ROWS = 1_048_576  # rows in one Excel sheet; a longer table goes on in a second sheet
EXCEL_EPOCH = datetime.datetime(1899, 12, 30)  # noqa: DTZ001 - Excel serial dates are naive
TEXT_OPEN, TEXT_CLOSE = '<is><t xml:space="preserve">', "</t></is>"
ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def excel_serial(value: datetime.datetime | datetime.date) -> float:
    """Days since Excel's epoch, in the portal's time zone for aware datetimes."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.make_naive(value)
        delta = value - EXCEL_EPOCH
        return delta.days + delta.seconds / 86400 + delta.microseconds / 86_400_000_000
    return float((value - EXCEL_EPOCH.date()).days)


def _escape(text: str) -> str:
    if ILLEGAL_XML.search(text):
        text = ILLEGAL_XML.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def header_height(columns: Sequence[Column]) -> float:
    """Points for a header row whose wrapped titles take several lines (0: one line is enough)."""
    lines = max((-(-len(str(c.title)) // max(1, int(c.width or 10))) for c in columns), default=1)
    return 15.0 * lines if lines > 1 else 0


def _attr(text: str) -> str:
    return _escape(text).replace('"', "&quot;")


def _quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


# --- Streaming writer -----------------------------------------------------------------------------

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
NS_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# Cell styles (indexes into cellXfs below).
S_HEADER, S_DATETIME, S_DATE, S_PCT, S_TITLE, S_LEFT, S_LEFT_DECIMAL = 1, 2, 3, 4, 5, 6, 7
FORMAT_STYLE = {DATETIME: S_DATETIME, DATE: S_DATE, PCT: S_PCT}

STYLES = (
    XML_DECL + f"<styleSheet {NS}>"
    '<numFmts count="2">'
    f'<numFmt numFmtId="164" formatCode="{NUMBER_FORMATS[DATETIME]}"/>'
    f'<numFmt numFmtId="165" formatCode="{NUMBER_FORMATS[DATE]}"/>'
    "</numFmts>"
    '<fonts count="3">'
    '<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="14"/><name val="Calibri"/><family val="2"/></font>'
    "</fonts>"
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="8">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" '
    'applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
    '<alignment horizontal="left"/></xf>'
    '<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" '
    'applyAlignment="1"><alignment horizontal="left"/></xf>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


class _OpenSheet:
    def __init__(self, name: str, spec: Sheet, columns: Sequence[Column], index: int) -> None:
        self.name = name
        self.spec = spec
        self.columns = list(columns)
        self.index = index
        self.header_row = 0  # the row number of the header, 0 when there is none
        self.row = 0
        self.width = len(columns)


class StreamingXlsx:
    """Sheets of rows streamed into an .xlsx (a zip), in constant memory."""

    BATCH = 500  # rows joined before one write into the zip stream

    def __init__(self, out: BinaryIO) -> None:
        # Level 1: a third faster than the default for a file about 15% larger.
        self.zip = zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        self.sheets: list[_OpenSheet] = []
        self.names: set[str] = set()
        self.current: _OpenSheet | None = None
        self.stream: Any = None
        self.buffer: list[str] = []
        self.letters = [get_column_letter(i) for i in range(1, 200)]
        self.styles: list[int] = []
        self.text_cache: dict[str, str] = {}

    # The sheet protocol ----------------------------------------------------------------------

    def start_sheet(self, spec: Sheet, columns: Sequence[Column], *, name: str = "") -> None:
        sheet = _OpenSheet(
            sheet_name(name or spec.name, self.names), spec, columns, len(self.sheets) + 1
        )
        self.sheets.append(sheet)
        self.current = sheet
        self.styles = [FORMAT_STYLE.get(c.fmt, 0) for c in columns]
        if not columns:
            # A sheet of label–value rows (a cover): numbers next to their labels, not far right.
            self.styles = [S_LEFT] * 8
        while len(self.letters) < len(columns) + 1:
            self.letters.append(get_column_letter(len(self.letters) + 1))
        # Zip64 only for a sheet that may pass 2 GB unpacked (about 40 bytes a cell).
        big = len(columns) * MAX_ROWS * 40 > 2**31
        self.stream = self.zip.open(f"xl/worksheets/sheet{sheet.index}.xml", "w", force_zip64=big)
        heading_rows = len(spec.heading) + (1 if spec.heading else 0)
        header_row = heading_rows + 1 if columns else 0
        sheet.header_row = header_row
        parts = [XML_DECL, f"<worksheet {NS} {NS_R}>"]
        if spec.fit_width:
            parts.append('<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>')
        parts.append('<sheetViews><sheetView workbookViewId="0"')
        parts.append(' tabSelected="1">' if sheet.index == 1 else ">")
        if header_row:
            top = f"A{header_row + 1}"
            parts.append(
                f'<pane ySplit="{header_row}" topLeftCell="{top}" activePane="bottomLeft" '
                f'state="frozen"/><selection pane="bottomLeft" activeCell="{top}" sqref="{top}"/>'
            )
        parts.append('</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>')
        widths = [(i, c.width) for i, c in enumerate(columns, 1) if c.width]
        widths = widths or [(i, w) for i, w in enumerate(spec.widths, 1) if w]
        if widths:
            parts.append("<cols>")
            parts += [f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in widths]
            parts.append("</cols>")
        parts.append("<sheetData>")
        self.stream.write("".join(parts).encode())
        for line in spec.heading:
            self._styled_row([line], S_TITLE if sheet.row == 0 else 0)
        if spec.heading:
            sheet.row += 1  # a blank row under the heading
        if columns:
            self._styled_row([c.title for c in columns], S_HEADER, height=header_height(columns))

    def _open(self) -> _OpenSheet:
        if self.current is None:
            raise RuntimeError("no sheet started")
        return self.current

    def _styled_row(self, values: Sequence[Any], style: int, height: float = 0) -> None:
        sheet = self._open()
        sheet.row += 1
        n = sheet.row
        cells = []
        for i, value in enumerate(values):
            value = safe_cell(value)
            if value is None:
                continue
            ref = f"{self.letters[i]}{n}"
            if isinstance(value, str):
                cells.append(
                    f'<c r="{ref}" s="{style}" t="inlineStr"><is><t xml:space="preserve">'
                    f"{_escape(value)}</t></is></c>"
                )
            else:
                cells.append(f'<c r="{ref}" s="{style}"><v>{value}</v></c>')
        size = f' ht="{height}" customHeight="1"' if height else ""
        self.buffer.append(f'<row r="{n}"{size}>{"".join(cells)}</row>')

    def append(self, row: Sequence[Any]) -> None:
        sheet = self._open()
        if sheet.row >= MAX_ROWS:
            self._continue_sheet()
            sheet = self._open()
        sheet.row += 1
        n = sheet.row
        letters, styles, cache = self.letters, self.styles, self.text_cache
        nstyles = len(styles)
        parts = [f'<row r="{n}">']
        add = parts.append
        for i, value in enumerate(row):
            kind = type(value)
            if kind is int:
                if i < nstyles and styles[i]:
                    add(f'<c r="{letters[i]}{n}" s="{styles[i]}"><v>{value}</v></c>')
                else:
                    add(f'<c r="{letters[i]}{n}"><v>{value}</v></c>')
            elif value is None:
                continue
            elif kind is str:
                text = cache.get(value)
                if text is None:
                    text = _escape(safe_cell(value))
                    if len(value) <= 200:
                        if len(cache) > 20_000:
                            cache.clear()
                        cache[value] = text
                add(f'<c r="{letters[i]}{n}" t="inlineStr">{TEXT_OPEN}{text}{TEXT_CLOSE}</c>')
            else:
                add(self._other(value, letters[i], n, styles[i] if i < nstyles else 0))
        add("</row>")
        self.buffer.append("".join(parts))
        if len(self.buffer) >= self.BATCH:
            self._flush()

    def _other(self, value: Any, letter: str, n: int, style: int) -> str:
        """A cell of a less common type: float, bool, date, Decimal, lazy text."""
        ref = f"{letter}{n}"
        if isinstance(value, bool):
            return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
        if isinstance(value, float | int | Decimal):
            number = float(value)
            if math.isnan(number) or math.isinf(number):
                return ""
            if style == S_LEFT:
                style = S_LEFT_DECIMAL
            attr = f' s="{style}"' if style else ""
            return f'<c r="{ref}"{attr}><v>{number!r}</v></c>'
        if isinstance(value, datetime.datetime):
            return f'<c r="{ref}" s="{S_DATETIME}"><v>{excel_serial(value)!r}</v></c>'
        if isinstance(value, datetime.date):
            return f'<c r="{ref}" s="{S_DATE}"><v>{excel_serial(value)!r}</v></c>'
        text = _escape(safe_cell(str(value)))
        return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'

    def _flush(self) -> None:
        if self.buffer:
            self.stream.write("".join(self.buffer).encode())
            self.buffer = []

    def _continue_sheet(self) -> None:
        """Excel's row limit reached: close this sheet and go on in a new one, same header."""
        sheet = self._open()
        self.end_sheet()
        spec = Sheet(sheet.spec.name, (), header=bool(sheet.columns), fit_width=False)
        part = sum(1 for s in self.sheets if s.spec.name == spec.name) + 1
        self.start_sheet(spec, sheet.columns, name=f"{spec.name} ({part})")

    def end_sheet(self) -> None:
        sheet = self._open()
        self._flush()
        tail = ["</sheetData>"]
        if sheet.header_row and sheet.columns:
            last = get_column_letter(max(sheet.width, 1))
            tail.append(f'<autoFilter ref="A{sheet.header_row}:{last}{max(sheet.row, 2)}"/>')
        tail.append(
            '<pageMargins left="0.5" right="0.5" top="0.6" bottom="0.6" header="0.3" '
            'footer="0.3"/><pageSetup paperSize="9" orientation="landscape"'
        )
        tail.append(' fitToWidth="1" fitToHeight="0"/>' if sheet.spec.fit_width else "/>")
        tail.append("</worksheet>")
        self.stream.write("".join(tail).encode())
        self.stream.close()
        self.stream = None
        self.current = None

    def close(self) -> None:
        if not self.sheets:
            self.start_sheet(Sheet("Sheet", ()), [])
            self.end_sheet()
        sheets, names = [], []
        for s in self.sheets:
            sheets.append(
                f'<sheet name="{_attr(s.name)}" sheetId="{s.index}" r:id="rId{s.index}"/>'
            )
            quoted = _escape(_quote_sheet(s.name))
            if s.header_row and s.columns:
                last = get_column_letter(max(s.width, 1))
                names.append(
                    f'<definedName name="_xlnm._FilterDatabase" localSheetId="{s.index - 1}" '
                    f'hidden="1">{quoted}!$A${s.header_row}:${last}${max(s.row, 2)}</definedName>'
                )
                names.append(
                    f'<definedName name="_xlnm.Print_Titles" localSheetId="{s.index - 1}">'
                    f"{quoted}!${s.header_row}:${s.header_row}</definedName>"
                )
        defined = f"<definedNames>{''.join(names)}</definedNames>" if names else ""
        workbook = (
            f"{XML_DECL}<workbook {NS} {NS_R}><bookViews><workbookView/></bookViews>"
            f"<sheets>{''.join(sheets)}</sheets>{defined}</workbook>"
        )
        rels = "".join(
            f'<Relationship Id="rId{s.index}" Type="http://schemas.openxmlformats.org/'
            f'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{s.index}.xml"/>'
            for s in self.sheets
        )
        n = len(self.sheets) + 1
        rels += (
            f'<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/styles" Target="styles.xml"/>'
        )
        pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{s.index}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for s in self.sheets
        )
        created = timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ")
        files = {
            "xl/workbook.xml": workbook,
            "xl/_rels/workbook.xml.rels": f'{XML_DECL}<Relationships xmlns="{pkg}">{rels}'
            "</Relationships>",
            "xl/styles.xml": STYLES,
            "docProps/core.xml": XML_DECL
            + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
            'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            "<dc:creator>satisfaction</dc:creator>"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{created}</dcterms:created>'
            "</cp:coreProperties>",
            "docProps/app.xml": XML_DECL
            + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
            'extended-properties"><Application>satisfaction</Application></Properties>',
            "_rels/.rels": f'{XML_DECL}<Relationships xmlns="{pkg}">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="xl/workbook.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
            'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
            '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/extended-properties" Target="docProps/app.xml"/>'
            "</Relationships>",
            "[Content_Types].xml": XML_DECL
            + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/docProps/core.xml" ContentType="application/'
            'vnd.openxmlformats-package.core-properties+xml"/>'
            '<Override PartName="/docProps/app.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.extended-properties+xml"/>'
            f"{overrides}</Types>",
        }
        for name, content in files.items():
            self.zip.writestr(name, content)
        self.zip.close()


# --- openpyxl writer (for charts) -----------------------------------------------------------------


class OpenpyxlXlsx:
    """The same protocol over openpyxl's full workbook, for small reports with native charts."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.book = Workbook()
        self.book.remove(self.book.active)
        self.names: set[str] = set()
        self.ws: Any = None
        self.spec: Sheet | None = None
        self.columns: list[Column] = []
        self.header_row = 0
        self.first_data_row = 1

    def start_sheet(self, spec: Sheet, columns: Sequence[Column]) -> None:
        ws = self.book.create_sheet(sheet_name(spec.name, self.names))
        self.ws, self.spec, self.columns = ws, spec, list(columns)
        for i, line in enumerate(spec.heading):
            ws.append([safe_cell(line)])
            ws.cell(row=i + 1, column=1).font = Font(bold=True, size=14 if i == 0 else 11)
        if spec.heading:
            ws.append([])
        self.header_row = 0
        if columns:
            ws.append([safe_cell(c.title) for c in columns])
            self.header_row = ws.max_row
            for cell in ws[self.header_row]:
                cell.font = Font(bold=True)
                cell.alignment = Alignment(vertical="top", wrap_text=True)
            if height := header_height(columns):
                ws.row_dimensions[self.header_row].height = height
            ws.freeze_panes = f"A{self.header_row + 1}"  # a string: ws.cell() would add a row
            ws.print_title_rows = f"{self.header_row}:{self.header_row}"
        widths = [c.width for c in columns] or list(spec.widths)
        for i, width in enumerate(widths, 1):
            if width:
                ws.column_dimensions[get_column_letter(i)].width = width
        self.first_data_row = ws.max_row + 1
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        if spec.fit_width:
            ws.sheet_properties.pageSetUpPr.fitToPage = True
            ws.page_setup.fitToWidth = 1
            ws.page_setup.fitToHeight = 0

    def append(self, row: Sequence[Any]) -> None:
        values = []
        for value in row:
            value = safe_cell(value)
            if isinstance(value, datetime.datetime) and timezone.is_aware(value):
                value = timezone.make_naive(value)
            if isinstance(value, str):
                value = ILLEGAL_XML.sub("", value)
            values.append(value)
        self.ws.append(values)
        n = self.ws.max_row
        if not self.columns:  # label–value rows: numbers next to their labels
            for cell in self.ws[n]:
                if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                    cell.alignment = Alignment(horizontal="left")
                    if isinstance(cell.value, float):
                        cell.number_format = NUMBER_FORMATS[PCT]
        for i, column in enumerate(self.columns):
            if column.fmt in NUMBER_FORMATS and i < len(values) and values[i] is not None:
                self.ws.cell(row=n, column=i + 1).number_format = NUMBER_FORMATS[column.fmt]

    def end_sheet(self) -> None:
        if self.spec is None:
            raise RuntimeError("no sheet started")
        ws = self.ws
        last_row = ws.max_row
        if self.header_row and last_row > self.header_row:
            last_col = get_column_letter(len(self.columns))
            ws.auto_filter.ref = f"A{self.header_row}:{last_col}{last_row}"
        anchor_col = len(self.columns) + 2
        anchor_row = self.first_data_row
        for chart in self.spec.charts:
            drawn = self._chart(chart, anchor_col, anchor_row)
            if drawn:
                anchor_row += int(drawn.height * 2) + 2

    def _chart(self, spec: Any, anchor_col: int, anchor_row: int) -> Any:
        ws = self.ws
        first = self.first_data_row + spec.first
        last_data = ws.max_row
        last = last_data if spec.last is None else min(last_data, self.first_data_row + spec.last)
        if not self.header_row or last < first:
            return None  # nothing to draw: no data rows
        chart = BarChart()
        chart.type = "bar" if spec.horizontal else "col"
        chart.title = spec.title
        chart.style = 10
        chart.y_axis.title = spec.y_title
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = 100
        # openpyxl 3.1 marks axes deleted unless told otherwise: Excel would hide them.
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        if spec.horizontal:
            chart.x_axis.scaling.orientation = "maxMin"  # first row at the top, as in the table
        for col in spec.value_cols:
            data = Reference(ws, min_col=col, min_row=self.header_row, max_row=last)
            chart.add_data(data, titles_from_data=True)
            # The header row is the series title: the data start one row below.
            chart.series[-1].val.numRef.f = (
                f"{_quote_sheet(ws.title)}!${get_column_letter(col)}${first}:"
                f"${get_column_letter(col)}${last}"
            )
        chart.set_categories(Reference(ws, min_col=spec.label_col, min_row=first, max_row=last))
        chart.width = 18
        chart.height = max(7.5, min(40.0, 0.55 * (last - first + 1) + 3))
        if len(spec.value_cols) == 1:
            chart.legend = None
        ws.add_chart(chart, f"{get_column_letter(anchor_col)}{anchor_row}")
        return chart

    def close(self) -> None:
        if not self.book.worksheets:
            self.book.create_sheet("Sheet")
        self.book.save(self.out)
