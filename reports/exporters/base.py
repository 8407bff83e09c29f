"""The exporter base: every report is a short module of row generators on this class (pretix-style).

A report subclasses `Exporter`, is registered with `@register`, and yields its content:

    @register
    class FieldworkExporter(Exporter):
        identifier = "fieldwork"
        verbose_name = gettext_lazy("Giám sát thực địa")

        def iterate_rows(self, ctx):
            yield [Column("Cơ quan", width=40), Column("Tỷ lệ (%)", fmt=PCT)]  # the header
            yield Total(n)                                                     # optional
            for ...:
                yield [name, share]

A report of several sheets overrides `iterate_sheets` and yields `Sheet`s instead, each with
its own rows generator (header first). The base class does the rest, the same way for every
report: cell safety on every text cell (`safe_cell`), Vietnamese headings, bold and frozen
header rows, column widths and number formats, A4 landscape print setup with the header row
repeated on every page, progress, and the file in XLSX or CSV.

Percentages are numbers already in percent (the engine's 0–100 values), shown with two decimals
(number format "0.00"), in columns whose heading says "(%)".

XLSX is written by `reports.exporters.xlsx.StreamingXlsx` (constant memory, rows go straight into
the zip), or by openpyxl's full workbook for reports that set `xlsx_engine = "openpyxl"` because
they draw native charts (the summary: small, a few hundred rows). CSV is UTF-8 with a BOM, so
that Excel opens Vietnamese text correctly, comma-separated.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, BinaryIO, ClassVar

from django.conf import settings
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.text import slugify

if TYPE_CHECKING:
    from agencies.models import Agency
    from surveys.models import Campaign

# --- Cell safety ----------------------------------------------------------------------------------

# Excel's limit on the characters in one cell; longer text is cut and ends with the marker.
MAX_CELL_CHARS = 32_767
CUT_MARKER = "…[cắt bớt]"
# A text starting with one of these is read as a formula (or a DDE command) by Excel and
# LibreOffice when the file is opened or a CSV imported: it gets a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_START_SET = frozenset(FORMULA_STARTS)


def safe_cell(value: Any) -> Any:
    """A value ready for a cell: text neutralised against formulas and cut to Excel's limit."""
    if isinstance(value, Promise):
        value = str(value)
    if not isinstance(value, str):
        return value
    if value and value[0] in _FORMULA_START_SET:
        value = "'" + value
    if len(value) > MAX_CELL_CHARS:
        value = value[: MAX_CELL_CHARS - len(CUT_MARKER)] + CUT_MARKER
    return value


def safe_cell_sql(expr: str) -> str:
    """The same rule as `safe_cell`, as an SQL expression over the text expression `expr`.

    Used where PostgreSQL writes the file itself (COPY … TO STDOUT); `expr` must be a column or
    expression built by the caller, never user input. Most values need nothing: a first test (a
    byte length, which bounds the length in characters, and the first character) lets them
    through untouched, which keeps a COPY of a million rows fast.
    """
    starts = ", ".join("chr(%d)" % ord(c) for c in FORMULA_STARTS)  # noqa: UP031
    neutral = f"(CASE WHEN left({expr}, 1) IN ({starts}) THEN '''' || {expr} ELSE {expr} END)"
    keep = MAX_CELL_CHARS - len(CUT_MARKER)
    full = (
        f"(CASE WHEN length({neutral}) > {MAX_CELL_CHARS} "
        f"THEN left({neutral}, {keep}) || '{CUT_MARKER}' ELSE {neutral} END)"
    )
    return (
        f"(CASE WHEN octet_length({expr}) < {MAX_CELL_CHARS} "
        f"AND left({expr}, 1) NOT IN ({starts}) THEN {expr} ELSE {full} END)"
    )


# --- What exporters yield -------------------------------------------------------------------------

PCT = "pct"  # a percentage, 0–100, two decimals
DATETIME = "datetime"
DATE = "date"
NUMBER_FORMATS = {PCT: "0.00", DATETIME: "dd/mm/yyyy hh:mm:ss", DATE: "dd/mm/yyyy"}


@dataclass(frozen=True)
class Column:
    """One column of a header row: its heading, width (characters) and number format."""

    title: str
    width: float | None = None
    fmt: str = ""


@dataclass(frozen=True)
class Total:
    """Yielded after the header: how many rows follow, for the progress bar."""

    n: int


@dataclass(frozen=True)
class Chart:
    """A native bar chart of one sheet's data rows (openpyxl engine only).

    `label_col` and `value_cols` are 1-based columns of the table; `first`/`last` are 0-based
    indexes of the data rows to plot (default: all of them).
    """

    title: str
    label_col: int
    value_cols: tuple[int, ...]
    first: int = 0
    last: int | None = None
    horizontal: bool = True
    y_title: str = "%"


@dataclass
class Sheet:
    """One sheet: its rows (a header row first unless `header` is False, then an optional Total)."""

    name: str
    rows: Iterable[Any]
    heading: Sequence[str] = ()
    header: bool = True
    charts: Sequence[Chart] = ()
    fit_width: bool = True
    counted: bool = True  # its rows count in the job's `rows`
    widths: Sequence[float] = ()  # column widths of a sheet without a header row


@dataclass
class ExportContext:
    """What a report is about: the campaign, an agency (the report's subject or limit), options."""

    campaign: Campaign
    agency: Agency | None = None
    params: dict[str, Any] = field(default_factory=dict)
    data_version: str = ""
    generated_at: datetime.datetime = field(default_factory=timezone.now)


@dataclass(frozen=True)
class Rendered:
    filename: str
    mimetype: str
    rows: int


ProgressCallback = Callable[[int], None]

MIMETYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unique sheet name: no []:*?/\\, at most 31 characters."""
    base = SHEET_NAME_FORBIDDEN.sub(" ", name).strip("' ")[:31] or "Sheet"
    candidate, n = base, 2
    while candidate.lower() in taken:
        suffix = f" ({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(candidate.lower())
    return candidate


class Progress:
    """Turns rows written into a percentage, and calls back only when it grows (about 1% steps)."""

    def __init__(self, callback: ProgressCallback | None) -> None:
        self.callback = callback
        self.total = 0
        self.done = 0
        self.sent = 0
        self._next_at = 1 << 62  # rows at which the next whole percent is reached

    def expect(self, n: int) -> None:
        self.total += max(0, n)
        self._plan()

    def _plan(self) -> None:
        if self.total <= 0:
            self._next_at = 1 << 62
            return
        # The first row count at which the percentage exceeds what was last sent.
        self._next_at = (self.sent + 1) * self.total // 100 + (
            1 if (self.sent + 1) * self.total % 100 else 0
        )

    def step(self, n: int = 1) -> None:
        self.done += n
        if self.done >= self._next_at:
            self.report(min(99, self.done * 100 // self.total))

    def report(self, percent: int) -> None:
        if percent > self.sent:
            self.sent = percent
            if self.callback is not None:
                self.callback(percent)
        self._plan()


# --- The base class -------------------------------------------------------------------------------


class Exporter:
    """One report. Subclasses set the class attributes and yield rows or sheets."""

    identifier: ClassVar[str]
    verbose_name: ClassVar[Any]
    description: ClassVar[Any] = ""
    file_stem: ClassVar[str] = "bao-cao"
    formats: ClassVar[tuple[str, ...]] = ("xlsx",)
    # "none": about the whole campaign; "optional": may be limited to an agency and its subtree;
    # "required": about one agency.
    agency_param: ClassVar[str] = "none"
    # Reports read from the stored indices bring them up to date before they run.
    needs_indices: ClassVar[bool] = False
    xlsx_engine: ClassVar[str] = "stream"
    sheet_title: ClassVar[Any] = "Dữ liệu"

    # Content ---------------------------------------------------------------------------------

    def iterate_sheets(self, ctx: ExportContext) -> Iterator[Sheet]:
        yield Sheet(str(self.sheet_title), self.iterate_rows(ctx))

    def iterate_rows(self, ctx: ExportContext) -> Iterator[Any]:
        raise NotImplementedError

    def prepare(self, ctx: ExportContext) -> None:
        """Runs before rendering (in the worker): bring what the report reads up to date."""
        if self.needs_indices:
            from reports.selectors import campaign_indices_ready
            from reports.services import indices_refresh

            if not campaign_indices_ready(ctx.campaign):
                indices_refresh(campaign_id=ctx.campaign.pk)

    def filename(self, ctx: ExportContext, fmt: str) -> str:
        parts = [self.file_stem, ctx.campaign.code]
        if ctx.agency is not None:
            parts.append(slugify(ctx.agency.code) or str(ctx.agency.pk))
        stamp = timezone.localtime(ctx.generated_at).strftime("%Y%m%d-%H%M")
        return f"{'_'.join(parts)}_{stamp}.{fmt}"

    # Rendering -------------------------------------------------------------------------------

    def render(
        self,
        fmt: str,
        ctx: ExportContext,
        out: BinaryIO,
        *,
        progress: ProgressCallback | None = None,
    ) -> Rendered:
        """Write the report as `fmt` into the binary file `out`."""
        if fmt not in self.formats:
            raise ValueError(f"{self.identifier} cannot be written as {fmt}")
        tracker = Progress(progress)
        # Reports are written in Vietnamese whatever the language of the request that asked.
        with translation.override(settings.LANGUAGE_CODE):
            if fmt == "csv":
                rows = self.write_csv(ctx, out, tracker)
            else:
                rows = self.write_xlsx(ctx, out, tracker)
        tracker.report(100)
        return Rendered(self.filename(ctx, fmt), MIMETYPES[fmt], rows)

    def render_bytes(self, fmt: str, ctx: ExportContext) -> bytes:
        buffer = io.BytesIO()
        self.render(fmt, ctx, buffer)
        return buffer.getvalue()

    def write_xlsx(self, ctx: ExportContext, out: BinaryIO, tracker: Progress) -> int:
        from reports.exporters.xlsx import OpenpyxlXlsx, StreamingXlsx

        writer = OpenpyxlXlsx(out) if self.xlsx_engine == "openpyxl" else StreamingXlsx(out)
        rows = 0
        for sheet in self.iterate_sheets(ctx):
            rows += _write_sheet(writer, sheet, tracker)
        writer.close()
        return rows

    def write_csv(self, ctx: ExportContext, out: BinaryIO, tracker: Progress) -> int:
        """The first sheet's header and rows (CSV reports have one sheet)."""
        text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=False)
        writer = CsvWriter(text)
        rows = 0
        for sheet in self.iterate_sheets(ctx):
            rows += _write_sheet(writer, sheet, tracker)
            break
        text.flush()
        text.detach()
        return rows


def _write_sheet(writer: Any, sheet: Sheet, tracker: Progress) -> int:
    rows = iter(sheet.rows)
    columns: list[Column] = []
    if sheet.header:
        header = next(rows, None)
        columns = [c if isinstance(c, Column) else Column(str(c)) for c in header or ()]
    writer.start_sheet(sheet, columns)
    written = 0
    append, step = writer.append, tracker.step
    for row in rows:
        if type(row) is Total:
            tracker.expect(row.n)
            continue
        append(row)
        written += 1
        step()
    writer.end_sheet()
    return written if sheet.counted else 0


# --- CSV ------------------------------------------------------------------------------------------


def csv_value(value: Any) -> Any:
    """A cell as CSV text: neutralised text, ISO-like dates (Excel reads them), plain numbers."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float | Decimal):
        return format(value, "f") if isinstance(value, Decimal) else repr(value)
    return safe_cell(value)


class CsvWriter:
    """The sheet protocol over csv.writer: one header row, then rows (headings are left out)."""

    def __init__(self, text: io.TextIOBase) -> None:
        self.writer = csv.writer(text, lineterminator="\n")

    def start_sheet(self, sheet: Sheet, columns: Sequence[Column]) -> None:
        if columns:
            self.writer.writerow([safe_cell(c.title) for c in columns])

    def append(self, row: Sequence[Any]) -> None:
        self.writer.writerow([csv_value(v) for v in row])

    def end_sheet(self) -> None:
        pass


# --- The registry ---------------------------------------------------------------------------------

EXPORTERS: dict[str, type[Exporter]] = {}


def register[E: type[Exporter]](cls: E) -> E:
    """Class decorator: make a report known by its identifier."""
    if cls.identifier in EXPORTERS:
        raise ValueError(f"two exporters named {cls.identifier!r}")
    EXPORTERS[cls.identifier] = cls
    return cls
