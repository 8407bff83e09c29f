"""Paper forms: an Excel template per campaign, and the import of filled-in files (.xlsx, .csv).

An import is all or nothing. The file is checked before any parser sees it (size, real type,
zip bomb), then every row is checked against lookups built once (allowed values per column,
agency code → dimension columns, respondent codes already stored, the invitations named in the
optional ma_thu_moi column: no query per row). Any error refuses the whole file with a report of
row, column, value and reason, and nothing is written; otherwise every row goes in with
PostgreSQL's COPY, in one transaction (see `_insert`).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import uuid
import zipfile
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import openpyxl
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from surveys.models import Campaign, Channel, Invitation, Item, Response, ResponseText, Scale
from surveys.selectors.responses import (
    CODES_PER_QUERY,
    AgencyDims,
    campaign_scope_dims,
    questionnaire_items,
    respondent_codes_taken,
)
from surveys.services.responses import (
    ENTRY_CHANNELS,
    RESPONDENT_CODE_MAX,
    allowed_values_text,
    bad_characters_message,
    campaign_entry_error,
    number_bounds,
    out_of_scale_message,
    required_message,
    text_max_chars,
    text_too_long_message,
    too_many_choices_message,
)

CODE_COLUMN = "ma_phieu"
AGENCY_COLUMN = "ma_co_quan"
# Optional: the token of the invitation letter the paper form answers (or the letter's link).
TOKEN_COLUMN = "ma_thu_moi"  # noqa: S105 (a column name, not a secret)
TOKEN_MAX = Invitation._meta.get_field("token").max_length
CHANNEL_COLUMN = "kenh"
SHEET = "Phieu"
AGENCY_SHEET = "Co_quan"
GUIDE_SHEET = "Huong_dan"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXTENSIONS = (".xlsx", ".csv")
# Zip-bomb guards besides IMPORT_MAX_UNCOMPRESSED_BYTES: a member this large that unpacks to
# over MAX_RATIO times its packed size, or an archive of absurdly many members.
RATIO_CHECK_FROM = 1024 * 1024
MAX_RATIO = 100
MAX_MEMBERS = 10_000
# Rows the template's drop-downs cover (Excel's last row).
LAST_ROW = 1_048_576
VALUE_SHOWN_MAX = 80
# A file wrong in every cell must not fill the memory with its report: errors past this many
# are counted, not kept.
ERRORS_KEPT = 10_000
CHANNEL_WORDS = {
    "paper": Channel.PAPER,
    "giay": Channel.PAPER,
    "giấy": Channel.PAPER,
    "phieu giay": Channel.PAPER,
    "phiếu giấy": Channel.PAPER,
    "phone": Channel.PHONE,
    "dien thoai": Channel.PHONE,
    "dien_thoai": Channel.PHONE,
    "điện thoại": Channel.PHONE,
}
_MULTI_SPLIT = re.compile(r"[;,\s]+")


# --- Results and refusals -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem: the row and column as the user sees them in Excel, the value, the reason."""

    row: int
    column: str
    value: str
    reason: str
    order: int = field(default=0, compare=False, repr=False)

    def __str__(self) -> str:
        return _("Dòng %(row)d, cột %(column)s, giá trị '%(value)s': %(reason)s") % {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "reason": self.reason,
        }


class ImportRefused(Exception):
    """The file was refused and nothing was imported: `message`, and `errors` when rows failed."""

    def __init__(
        self, message: str, errors: Sequence[RowError] = (), total: int | None = None
    ) -> None:
        self.message = message
        self.errors = list(errors)
        # Errors found; only the first ERRORS_KEPT are in `errors`.
        self.total = len(self.errors) if total is None else total
        super().__init__(message)


@dataclass(frozen=True)
class AgencyCount:
    code: str
    name: str
    count: int


@dataclass(frozen=True)
class ImportResult:
    count: int
    per_agency: list[AgencyCount]
    by_channel: dict[str, int]
    texts: int


class _Bad:
    """A cell value that fails, with the reason; kept in the per-column memo like a good one."""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason


# --- Template -------------------------------------------------------------------------------------


def _item_note(item: Item) -> str:
    lines = [f"{item.code}. {item.text}"]
    if item.scale == Scale.TEXT:
        lines.append(_("Ghi văn bản tự do, tối đa %(n)d ký tự.") % {"n": text_max_chars()})
    elif item.scale == Scale.NUMBER:
        low, high = number_bounds(item)
        lines.append(_("Ghi một số nguyên từ %(low)d đến %(high)d.") % {"low": low, "high": high})
    else:
        lines += [f"{value} = {label}" for value, label, _en in item.levels()]
        if item.scale == Scale.MULTI:
            lines.append(
                _("Chọn nhiều: ghi các số cách nhau bởi dấu chấm phẩy, ví dụ 1;3;5.")
                + (
                    " " + _("Tối đa %(n)d phương án.") % {"n": item.max_choices}
                    if item.max_choices
                    else ""
                )
            )
    lines.append(_("Bắt buộc trả lời.") if item.required else _("Có thể để trống."))
    return "\n".join(lines)


def _validation_for(item: Item) -> DataValidation:
    if item.scale == Scale.TEXT:
        limit = text_max_chars()
        rule = DataValidation(type="textLength", operator="lessThanOrEqual", formula1=str(limit))
        rule.error = text_too_long_message(limit)
    elif item.scale == Scale.NUMBER:
        low, high = number_bounds(item)
        rule = DataValidation(
            type="whole", operator="between", formula1=str(low), formula2=str(high)
        )
        rule.error = out_of_scale_message(item)
    elif item.scale == Scale.MULTI:
        # A drop-down picks one value only: several are typed as "1;3;5", checked on import.
        rule = DataValidation(type=None)
    else:
        values = ",".join(str(v) for v, _vi, _en in item.levels())
        rule = DataValidation(type="list", formula1=f'"{values}"')
        rule.error = out_of_scale_message(item)
    rule.allow_blank = True
    rule.showErrorMessage = item.scale != Scale.MULTI
    rule.errorTitle = _("Giá trị không hợp lệ")[:32]
    rule.showInputMessage = True
    rule.promptTitle = item.code[:32]
    rule.prompt = _item_note(item)[:255]
    return rule


def _template_columns(items: list[Item]) -> list[Item]:
    """Items that take an answer: those stored in Response.scores and the free-text ones."""
    return [item for item in items if item.position is not None or item.stores_text]


def paper_template(*, campaign: Campaign, agency_ids: Collection[int] | None = None) -> bytes:
    """The campaign's Excel template; `agency_ids` limits the agency list (default: whole scope)."""
    items = _template_columns(questionnaire_items(questionnaire_id=campaign.questionnaire_id))
    agencies = [
        d
        for d in campaign_scope_dims(campaign=campaign)
        if d.is_active and (agency_ids is None or d.id in agency_ids)
    ]
    entry_channels = [c for c in (Channel.PAPER, Channel.PHONE) if c in campaign.channels]
    wb = openpyxl.Workbook()
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")

    ws = wb.active
    ws.title = SHEET
    headers = [
        CODE_COLUMN,
        AGENCY_COLUMN,
        TOKEN_COLUMN,
        CHANNEL_COLUMN,
        *(item.code for item in items),
    ]
    fixed = 4  # the columns before the first item
    ws.append(headers)
    notes = {
        CODE_COLUMN: _(
            "Mã phiếu: ghi trên phiếu giấy, không trùng trong đợt khảo sát "
            "(tối đa %(n)d ký tự). Bắt buộc."
        )
        % {"n": RESPONDENT_CODE_MAX},
        AGENCY_COLUMN: _(
            "Mã cơ quan được đánh giá, chọn trong danh sách (trang Co_quan). Bắt buộc."
        ),
        TOKEN_COLUMN: _("Mã thư mời (nếu phiếu gửi theo thư mời); để trống nếu không có"),
        CHANNEL_COLUMN: _("Kênh: paper (phiếu giấy) hoặc phone (điện thoại). Để trống là paper."),
    }
    for column, header in enumerate(headers, start=1):
        cell = ws.cell(row=1, column=column)
        cell.font = bold
        cell.fill = fill
        item = items[column - fixed - 1] if column > fixed else None
        note = _item_note(item) if item is not None else notes[header]
        comment = Comment(note, "satisfaction")
        comment.width, comment.height = 320, 60 + 18 * note.count("\n")
        cell.comment = comment
        ws.column_dimensions[get_column_letter(column)].width = (
            16 if column <= fixed else (40 if item is not None and item.stores_text else 9)
        )
    ws.freeze_panes = "C2"

    def add(rule: DataValidation, column: int) -> None:
        letter = get_column_letter(column)
        rule.add(f"{letter}2:{letter}{LAST_ROW}")
        ws.add_data_validation(rule)

    if agencies:
        rule = DataValidation(
            type="list", formula1=f"{AGENCY_SHEET}!$A$2:$A${len(agencies) + 1}", allow_blank=True
        )
        rule.error = _("Mã cơ quan không có trong danh sách của đợt khảo sát.")
        rule.errorTitle = _("Giá trị không hợp lệ")[:32]
        add(rule, 2)
    rule = DataValidation(
        type="textLength", operator="lessThanOrEqual", formula1=str(TOKEN_MAX), allow_blank=True
    )
    rule.error = _("Mã thư mời dài quá %(n)d ký tự.") % {"n": TOKEN_MAX}
    rule.errorTitle = _("Giá trị không hợp lệ")[:32]
    add(rule, 3)
    if entry_channels:
        add(DataValidation(type="list", formula1=f'"{",".join(entry_channels)}"'), 4)
    for column, item in enumerate(items, start=fixed + 1):
        add(_validation_for(item), column)

    sheet = wb.create_sheet(AGENCY_SHEET)
    sheet.append([AGENCY_COLUMN, "ten_co_quan", "don_vi_hanh_chinh"])
    for cell in sheet[1]:
        cell.font = bold
        cell.fill = fill
    for d in agencies:
        sheet.append([d.code, d.name, d.unit_name])
    for letter, width in (("A", 24), ("B", 50), ("C", 40)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"

    _write_guide(wb.create_sheet(GUIDE_SHEET), campaign, items, entry_channels, bold, fill)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _write_guide(ws, campaign, items, entry_channels, bold, fill) -> None:
    wrap = Alignment(wrap_text=True, vertical="top")
    ws.append([_("Hướng dẫn nhập phiếu giấy – %(name)s") % {"name": campaign.name}])
    ws["A1"].font = Font(bold=True, size=14)
    lines = [
        _("1. Mỗi phiếu giấy là một dòng của trang “Phieu”, bắt đầu từ dòng 2. Không sửa dòng 1."),
        _("2. Cột ma_phieu: mã ghi trên phiếu, không được trùng với phiếu khác của đợt khảo sát."),
        _("3. Cột ma_co_quan: chọn mã cơ quan trong danh sách (trang “Co_quan”)."),
        _(
            "4. Cột ma_thu_moi: mã thư mời (hoặc đường dẫn) in trên thư mời, nếu phiếu gửi theo "
            "thư mời; để trống nếu không có. Thư mời phải thuộc đợt khảo sát, đúng cơ quan ở "
            "cột ma_co_quan và chưa được trả lời; mỗi thư mời chỉ dùng một lần."
        ),
        _(
            "5. Cột kenh: “paper” (phiếu giấy) hoặc “phone” (phỏng vấn qua điện thoại); "
            "để trống là paper."
        ),
        _("6. Mỗi câu hỏi một cột, tiêu đề là mã câu hỏi. Ghi số của phương án được chọn."),
        _("7. Câu hỏi chọn nhiều: ghi các số cách nhau bởi dấu chấm phẩy, ví dụ 1;3;5."),
        _("8. Câu không trả lời thì để trống ô (trừ câu bắt buộc)."),
        _(
            "9. Có thể lưu thành tệp .xlsx hoặc .csv (UTF-8, phân cách bằng dấu phẩy hoặc "
            "chấm phẩy) rồi nhập vào hệ thống."
        ),
        _(
            "10. Nếu có dòng sai, cả tệp bị từ chối và hệ thống liệt kê từng lỗi (dòng, cột, giá "
            "trị, lý do); sửa các lỗi rồi nhập lại cả tệp. Không phiếu nào được nhập hai lần."
        ),
    ]
    if entry_channels:
        allowed = ", ".join(entry_channels)
        lines.append(_("Kênh được nhận trong đợt khảo sát này: %(c)s.") % {"c": allowed})
    for line in lines:
        ws.append([line])
    ws.append([])
    ws.append([_("Cột"), _("Câu hỏi"), _("Giá trị hợp lệ"), _("Bắt buộc")])
    for cell in ws[ws.max_row]:
        cell.font = bold
        cell.fill = fill
    for item in items:
        if item.scale == Scale.TEXT:
            values = _("văn bản, tối đa %(n)d ký tự") % {"n": text_max_chars()}
        elif item.scale == Scale.NUMBER:
            values = allowed_values_text(item)
        else:
            values = "; ".join(f"{v} = {label}" for v, label, _en in item.levels())
            if item.scale == Scale.MULTI:
                values += " " + _("(chọn nhiều, ví dụ 1;3;5)")
        ws.append([item.code, item.text, values, _("có") if item.required else ""])
        for cell in ws[ws.max_row]:
            cell.alignment = wrap
    for letter, width in (("A", 12), ("B", 70), ("C", 60), ("D", 10)):
        ws.column_dimensions[letter].width = width


# --- Reading the file -----------------------------------------------------------------------------


def _refuse_not_type(filename: str) -> ImportRefused:
    return ImportRefused(
        _(
            "Tệp “%(name)s” không phải là tệp %(kind)s thật, không đọc được. "
            "Không phiếu nào được nhập."
        )
        % {"name": filename, "kind": "Excel (.xlsx)" if _ext(filename) == ".xlsx" else "CSV"}
    )


def _ext(filename: str) -> str:
    name = filename.lower()
    return next((ext for ext in EXTENSIONS if name.endswith(ext)), "")


def _check_zip(data: bytes, filename: str) -> None:
    """Refuse what is not an .xlsx, or unpacks to too much, before openpyxl reads it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise _refuse_not_type(filename) from None
    with archive:
        infos = archive.infolist()
        names = {info.filename for info in infos}
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise _refuse_not_type(filename)
        bomb = ImportRefused(
            _("Tệp “%(name)s” giải nén ra quá lớn (nghi là “zip bomb”), không được nhập.")
            % {"name": filename}
        )
        if len(infos) > MAX_MEMBERS:
            raise bomb
        total = 0
        for info in infos:
            total += info.file_size
            if info.file_size > RATIO_CHECK_FROM and info.file_size > MAX_RATIO * max(
                info.compress_size, 1
            ):
                raise bomb
        if total > settings.IMPORT_MAX_UNCOMPRESSED_BYTES:
            raise bomb


def _xlsx_rows(data: bytes, filename: str) -> Iterator[Sequence[Any]]:
    _check_zip(data, filename)
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise _refuse_not_type(filename) from None
    try:
        try:
            ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
            # Some programs write a wrong size in the sheet; read what is there instead.
            ws.reset_dimensions()
            rows = ws.iter_rows(values_only=True)
        except Exception:  # no worksheet, or a chart sheet where the data should be
            raise _refuse_not_type(filename) from None
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except Exception:
                raise _refuse_not_type(filename) from None
            yield row
    finally:
        wb.close()


def _csv_rows(data: bytes, filename: str) -> Iterator[Sequence[Any]]:
    if data.startswith(b"PK\x03\x04") or b"\x00" in data:
        raise _refuse_not_type(filename)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused(
            _(
                "Tệp CSV “%(name)s” không dùng bảng mã UTF-8. Trong Excel, chọn "
                "“Lưu thành” → “CSV UTF-8”."
            )
            % {"name": filename}
        ) from None
    end = text.find("\n")
    first = text if end < 0 else text[:end]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from reader
    except csv.Error as exc:
        raise ImportRefused(
            _("Tệp CSV “%(name)s” sai định dạng ở dòng %(row)d: %(error)s")
            % {"name": filename, "row": reader.line_num, "error": exc}
        ) from None


# --- Checking cells -------------------------------------------------------------------------------


def _norm(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip().casefold()


def _cell_str(raw: Any) -> str:
    if raw.__class__ is float and raw.is_integer():
        return str(int(raw))
    return str(raw)


def _shown(raw: Any) -> str:
    if raw is None:
        return ""
    text = _cell_str(raw)
    return text if len(text) <= VALUE_SHOWN_MAX else text[: VALUE_SHOWN_MAX - 1] + "…"


def _whole(raw: Any) -> int | _Bad | None:
    """A whole number from a cell: int, integral float, or text such as " 4 " or "4,0"."""
    kind = raw.__class__
    if kind is int:
        return raw
    if kind is float:
        return int(raw) if raw.is_integer() else _Bad(_("không phải số nguyên"))
    if kind is str:
        text = raw.strip()
        if not text:
            return None
        try:
            return int(text)
        except ValueError:
            pass
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            return _Bad(_("không phải số"))
        if number.is_integer() and abs(number) < 2**31:
            return int(number)
        return _Bad(_("không phải số nguyên"))
    return _Bad(_("không phải số"))


def _score_parser(item: Item) -> Callable[[Any], int | _Bad | None]:
    """A function from a cell to the value Response.scores keeps, for one item."""
    out_of_scale = _Bad(out_of_scale_message(item))
    if item.scale == Scale.NUMBER:
        low, high = number_bounds(item)

        def number(raw: Any) -> int | _Bad | None:
            value = _whole(raw)
            if value.__class__ is int and not low <= value <= high:
                return out_of_scale
            return value

        return number
    allowed = {v for v, _vi, _en in item.levels()}
    if item.scale == Scale.MULTI:
        too_many = _Bad(too_many_choices_message(item))
        most = item.max_choices or len(allowed)

        def multi(raw: Any) -> int | _Bad | None:
            parts = _MULTI_SPLIT.split(raw.strip()) if raw.__class__ is str else [raw]
            chosen: set[int] = set()
            for part in parts:
                if part == "":
                    continue
                value = _whole(part)
                if value is None:
                    continue
                if value.__class__ is _Bad:
                    return value
                if value not in allowed:
                    return out_of_scale
                chosen.add(value)  # type: ignore[arg-type]
            if not chosen:
                return None
            if len(chosen) > most:
                return too_many
            return sum(1 << (v - 1) for v in chosen)

        return multi

    def choice(raw: Any) -> int | _Bad | None:
        value = _whole(raw)
        if value.__class__ is int and value not in allowed:
            return out_of_scale
        return value

    return choice


def _memo_lookup(memo: dict, parse: Callable[[Any], Any], raw: str) -> Any:
    """parse(raw), computed once per distinct text: a column holds few distinct values."""
    try:
        return memo[raw]
    except KeyError:
        value = memo[raw] = parse(raw)
        return value


@dataclass
class _Layout:
    width: int
    code: int
    agency: int
    channel: int  # -1 when the file has no kenh column
    token: int  # -1 when the file has no ma_thu_moi column
    scores: list[tuple[int, int, Item]]  # (column index, slot in scores, item)
    texts: list[tuple[int, Item]]
    blank_headers: list[int]
    headers: list[str]
    length: int  # len(Response.scores)


def _layout(header: Sequence[Any], items: list[Item]) -> tuple[_Layout | None, _Errors]:
    """Map the header row to columns; the errors name unknown, repeated and missing columns."""
    fixed = {
        CODE_COLUMN: "code",
        AGENCY_COLUMN: "agency",
        TOKEN_COLUMN: "token",
        CHANNEL_COLUMN: "channel",
    }
    columns = _template_columns(items)
    exact = {item.code: item for item in columns}
    folded: dict[str, Item | None] = {}
    for item in columns:
        key = _norm(item.code)
        folded[key] = None if key in folded else item  # two codes that differ by case only
    errors = _Errors()
    places: dict[str, int] = {}
    found: dict[int, Item] = {}
    headers: list[str] = []
    blank: list[int] = []
    for index, raw in enumerate(header):
        text = unicodedata.normalize("NFC", _cell_str(raw).strip()) if raw is not None else ""
        headers.append(text)
        if not text:
            blank.append(index)
            continue
        # Exact spellings first, so that an item coded "KENH" is not taken for "kenh".
        target, item = fixed.get(text), exact.get(text)
        if target is None and item is None:
            target = fixed.get(_norm(text))
            item = folded.get(_norm(text)) if target is None else None
        key = target or (f"item:{item.pk}" if item is not None else None)
        if key is None:
            errors.add(RowError(1, text, text, _("cột không có trong phiếu khảo sát"), order=index))
        elif key in places:
            errors.add(RowError(1, text, text, _("cột bị lặp lại"), order=index))
        else:
            places[key] = index
            if item is not None:
                found[index] = item
    required = [CODE_COLUMN, AGENCY_COLUMN]
    missing = [name for name in required if fixed[name] not in places]
    missing += [i.code for i in columns if i.required and f"item:{i.pk}" not in places]
    for name in missing:
        errors.add(RowError(1, name, "", _("thiếu cột bắt buộc"), order=len(header)))
    if errors.total:
        return None, errors
    positions = [item.position for item in items if item.position is not None]
    return (
        _Layout(
            width=len(header),
            code=places["code"],
            agency=places["agency"],
            channel=places.get("channel", -1),
            token=places.get("token", -1),
            scores=[(i, item.position - 1, item) for i, item in found.items() if item.position],
            texts=[(i, item) for i, item in found.items() if item.position is None],
            blank_headers=blank,
            headers=headers,
            length=max(positions, default=0),
        ),
        errors,
    )


class _Errors:
    """Every error counted, and the rows they are on; the first ERRORS_KEPT kept."""

    def __init__(self) -> None:
        self.kept: list[RowError] = []
        self.total = 0
        self.rows: set[int] = set()

    def add(self, error: RowError) -> None:
        self.total += 1
        self.rows.add(error.row)
        if len(self.kept) < ERRORS_KEPT:
            self.kept.append(error)

    def refusal(self) -> ImportRefused:
        return ImportRefused(
            _(
                "Tệp bị từ chối: %(n)d lỗi ở %(rows)d dòng. Không phiếu nào được nhập; "
                "hãy sửa các lỗi rồi nhập lại cả tệp."
            )
            % {"n": self.total, "rows": len(self.rows)},
            sorted(self.kept, key=lambda e: (e.row, e.order)),
            self.total,
        )


def _is_blank(row: Sequence[Any]) -> bool:
    return all(v is None or (v.__class__ is str and not v.strip()) for v in row)


# --- Importing ------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Row:
    number: int
    code: str
    agency: AgencyDims
    channel: str
    scores: list[int | None]
    texts: list[tuple[int, str]]
    token: str = ""
    invitation_id: int | None = None


def _agency_parser(
    scope: list[AgencyDims], allowed: Collection[int] | None
) -> Callable[[Any], AgencyDims | _Bad]:
    by_code = {_norm(d.code): d for d in scope}
    missing = _Bad(_("thiếu mã cơ quan"))
    unknown = _Bad(_("mã cơ quan không thuộc đợt khảo sát"))
    inactive = _Bad(_("cơ quan đã ngừng hoạt động"))
    outside = _Bad(_("ngoài phạm vi của bạn"))

    def parse(raw: Any) -> AgencyDims | _Bad:
        code = _norm(_cell_str(raw)) if raw is not None else ""
        if not code:
            return missing
        dims = by_code.get(code)
        if dims is None:
            return unknown
        if not dims.is_active:
            return inactive
        if allowed is not None and dims.id not in allowed:
            return outside
        return dims

    return parse


def _channel_parser(campaign: Campaign) -> Callable[[Any], str | _Bad]:
    unknown = _Bad(_("kênh phải là paper (phiếu giấy) hoặc phone (điện thoại)"))
    refused = {
        c: _Bad(_("đợt khảo sát không nhận phiếu qua kênh này"))
        for c in ENTRY_CHANNELS
        if c not in campaign.channels
    }

    def parse(raw: Any) -> str | _Bad:
        word = _norm(_cell_str(raw)) if raw is not None else ""
        channel = CHANNEL_WORDS.get(word) if word else Channel.PAPER
        if channel is None:
            return unknown
        return refused.get(channel, channel)

    return parse


def _token(raw: Any) -> str:
    """The invitation token of a ma_thu_moi cell: the token itself, or the letter's link."""
    text = _cell_str(raw).strip()
    if "/" in text:
        # A link such as https://…/s/t/<token>/?x=y: its last path segment.
        path = text.split("#", 1)[0].split("?", 1)[0]
        text = next((part for part in reversed(path.split("/")) if part), "")
    return text


@dataclass(frozen=True, slots=True)
class _InvitationFound:
    id: int
    agency_id: int
    agency_code: str
    answered: bool


def _invitations(campaign: Campaign, tokens: Collection[str]) -> dict[str, _InvitationFound]:
    """The campaign's invitations among `tokens`, and whether each has been answered.

    A query per CODES_PER_QUERY tokens; the response (one-to-one, unique index) is joined in
    the same query, so "already answered" costs no second one.
    """
    tokens = list(tokens)
    found: dict[str, _InvitationFound] = {}
    for start in range(0, len(tokens), CODES_PER_QUERY):
        chunk = tokens[start : start + CODES_PER_QUERY]
        for token, pk, agency_id, agency_code, response_id in Invitation.objects.filter(
            campaign=campaign, token__in=chunk
        ).values_list("token", "pk", "agency_id", "agency__code", "response"):
            found[token] = _InvitationFound(pk, agency_id, agency_code, response_id is not None)
    return found


def _check_tokens(
    campaign: Campaign,
    tokens: dict[str, tuple[int, Any, int | None]],
    fail: Callable[[int, int, Any, str], None],
    token_at: int,
) -> tuple[set[str], dict[str, int]]:
    """Check the tokens of the file (token → row, cell, row's agency id when valid).

    The bad tokens, and the invitation id of each good one.
    """
    found = _invitations(campaign, tokens.keys())
    bad: set[str] = set()
    ids: dict[str, int] = {}
    for token, (number, raw, agency_id) in tokens.items():
        invitation = found.get(token)
        if invitation is None:
            fail(number, token_at, raw, _("không có thư mời này trong đợt khảo sát"))
        elif invitation.answered:
            fail(number, token_at, raw, _("thư mời đã được trả lời"))
        elif agency_id is not None and invitation.agency_id != agency_id:
            fail(
                number,
                token_at,
                raw,
                _("thư mời dành cho cơ quan %(code)s, khác mã cơ quan của dòng")
                % {"code": invitation.agency_code},
            )
        else:
            ids[token] = invitation.id
            continue
        bad.add(token)
    return bad, ids


def _check_rows(
    rows: Iterable[Sequence[Any]],
    layout: _Layout,
    campaign: Campaign,
    scope: list[AgencyDims],
    allowed_agency_ids: Collection[int] | None,
) -> tuple[list[_Row], _Errors]:
    """Check every row; the valid ones, and the errors. The hot loop: lookups only.

    A ma_thu_moi token binds the row to an invitation of the campaign: ma_co_quan stays
    required and must name the invitation's agency (no agency is taken from the invitation),
    the invitation must not be answered yet, and a token serves one row of the file only.
    """
    errors = _Errors()
    valid: list[_Row] = []
    seen: dict[str, int] = {}
    # token → (row, cell as given, the row's agency id when the agency is valid)
    tokens: dict[str, tuple[int, Any, int | None]] = {}
    width, length, headers = layout.width, layout.length, layout.headers
    code_at, agency_at, channel_at = layout.code, layout.agency, layout.channel
    token_at = layout.token
    agency_memo: dict[Any, Any] = {}
    parse_agency = _agency_parser(scope, allowed_agency_ids)
    channel_memo: dict[Any, Any] = {}
    parse_channel = _channel_parser(campaign)
    score_cols = []
    for index, slot, item in layout.scores:
        parse = _score_parser(item)
        # 0 and 1 go in first: True and False equal them as dict keys, so they can never be
        # memoised under their own (wrong) result; the loop then refuses them by type.
        memo = {None: None, "": None, 0: parse(0), 1: parse(1)}
        score_cols.append((index, slot, memo, parse, item.required))
    text_cols = [(i, item.pk, item.required) for i, item in layout.texts]
    limit = text_max_chars()
    too_long = text_too_long_message(limit)
    required = required_message()
    padding = (None,) * width

    def fail(row_number: int, index: int, raw: Any, reason: str) -> None:
        column = (headers[index] if index < width else "") or get_column_letter(index + 1)
        errors.add(RowError(row_number, column, _shown(raw), reason, order=index))

    for number, row in enumerate(rows, start=2):
        before = errors.total
        size = len(row)
        if size != width:
            if size > width:
                extra = row[width:]
                if not _is_blank(extra):
                    index = width + next(k for k, v in enumerate(extra) if not _is_blank((v,)))
                    fail(number, index, row[index], _("giá trị nằm ngoài các cột có tiêu đề"))
                row = row[:width]
            else:
                row = (*row, *padding[size:])

        raw = row[code_at]
        code = (raw if raw.__class__ is str else _cell_str(raw)).strip() if raw is not None else ""
        if not code:
            if _is_blank(row) and errors.total == before:
                continue
            fail(number, code_at, raw, _("thiếu mã phiếu"))
        elif len(code) > RESPONDENT_CODE_MAX:
            fail(
                number, code_at, raw, _("mã phiếu dài quá %(n)d ký tự") % {"n": RESPONDENT_CODE_MAX}
            )
        elif code in seen:
            fail(number, code_at, raw, _("trùng mã phiếu với dòng %(row)d") % {"row": seen[code]})
        else:
            seen[code] = number

        raw = row[agency_at]
        agency = (
            _memo_lookup(agency_memo, parse_agency, raw)
            if raw.__class__ is str
            else parse_agency(raw)
        )
        if agency.__class__ is _Bad:
            fail(number, agency_at, raw, agency.reason)

        token = ""
        if token_at >= 0 and (raw := row[token_at]) is not None:
            token = _token(raw)
            if not token:
                if raw.__class__ is not str or raw.strip():
                    fail(number, token_at, raw, _("không có thư mời này trong đợt khảo sát"))
            elif token in tokens:
                fail(
                    number,
                    token_at,
                    raw,
                    _("trùng mã thư mời với dòng %(row)d") % {"row": tokens[token][0]},
                )
                token = ""
            else:
                agency_id = None if agency.__class__ is _Bad else agency.id
                tokens[token] = (number, raw, agency_id)

        channel = Channel.PAPER
        if channel_at >= 0:
            raw = row[channel_at]
            channel = (
                _memo_lookup(channel_memo, parse_channel, raw)
                if raw.__class__ is str
                else parse_channel(raw)
            )
            if channel.__class__ is _Bad:
                fail(number, channel_at, raw, channel.reason)

        scores: list[int | None] = [None] * length
        for index, slot, memo, parse, is_required in score_cols:
            raw = row[index]
            try:
                value = memo[raw]
            except KeyError:
                value = memo[raw] = parse(raw)
            if value.__class__ is int:
                if raw.__class__ is bool:  # TRUE would pass for 1: a dict sees them as equal
                    fail(number, index, raw, _("không phải số"))
                else:
                    scores[slot] = value
            elif value is None:
                if is_required:
                    fail(number, index, raw, required)
            else:
                fail(number, index, raw, value.reason)

        texts: list[tuple[int, str]] = []
        for index, item_id, is_required in text_cols:
            raw = row[index]
            text = "" if raw is None else raw if raw.__class__ is str else _cell_str(raw)
            if not text.strip():
                if is_required:
                    fail(number, index, raw, required)
            elif len(text) > limit:
                fail(number, index, raw, too_long)
            elif "\x00" in text:
                fail(number, index, raw, bad_characters_message())
            else:
                texts.append((item_id, text))

        for index in layout.blank_headers:
            raw = row[index]
            if raw is not None and not _is_blank((raw,)):
                fail(number, index, raw, _("giá trị ở cột không có tiêu đề"))

        if errors.total == before:
            valid.append(_Row(number, code, agency, channel, scores, texts, token))

    if seen:
        taken = respondent_codes_taken(campaign=campaign, codes=seen.keys())
        for code in taken:
            fail(seen[code], code_at, code, _("mã phiếu đã được nhập trước đây cho đợt khảo sát"))
        if taken:
            valid = [row for row in valid if row.code not in taken]
    if tokens:
        bad, ids = _check_tokens(campaign, tokens, fail, token_at)
        if bad:
            valid = [row for row in valid if row.token not in bad]
        for row in valid:
            if row.token:
                row.invitation_id = ids[row.token]
    return valid, errors


# The columns a paper row fills; the others are NULL (kiosk, started_at, duration).
RESPONSE_FIELDS = (
    "id",
    "campaign",
    "questionnaire",
    "agency",
    "agency_kind",
    "unit",
    "province",
    "district",
    "commune",
    "channel",
    "entered_by",
    "invitation",
    "respondent_code",
    "submission_key",
    "client_hash",
    "status",
    "scores",
    "language",
    "submitted_at",
)
TEXT_FIELDS = ("response", "item", "text")


def _copy_sql(model: type[Model], fields: Sequence[str]) -> str:
    columns = ", ".join(
        connection.ops.quote_name(model._meta.get_field(name).column) for name in fields
    )
    return f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"


def _insert(campaign: Campaign, rows: list[_Row], entered_by: Any) -> int:
    """Every row in one transaction; the number of free-text answers stored.

    PostgreSQL's COPY, not bulk_create: measured on 100,000 rows, bulk_create spent about twice
    as long as openpyxl took to read the file (compiling and quoting 2 million parameters),
    which broke the budget of three times the read for the whole import; COPY takes a tenth of
    that. The ids are drawn from the table's sequence first, so the free-text rows can point to
    their responses. Constraints (unique codes, one response per invitation, foreign keys) hold
    as for any insert.
    """
    now = timezone.now()
    entered_by_id = getattr(entered_by, "pk", None)
    valid = Response.Status.VALID
    texts = 0
    with transaction.atomic(), connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [Response._meta.db_table, len(rows)],
        )
        ids = [pk for (pk,) in cursor.fetchall()]
        with cursor.copy(_copy_sql(Response, RESPONSE_FIELDS)) as copy:
            for pk, row in zip(ids, rows, strict=True):
                agency = row.agency
                copy.write_row(
                    (
                        pk,
                        campaign.pk,
                        campaign.questionnaire_id,
                        agency.id,
                        agency.kind,
                        agency.unit_id,
                        agency.province_id,
                        agency.district_id,
                        agency.commune_id,
                        row.channel,
                        entered_by_id,
                        row.invitation_id,
                        row.code,
                        uuid.uuid4(),
                        "",
                        valid,
                        row.scores,
                        "vi",
                        now,
                    )
                )
        with cursor.copy(_copy_sql(ResponseText, TEXT_FIELDS)) as copy:
            for pk, row in zip(ids, rows, strict=True):
                for item_id, text in row.texts:
                    copy.write_row((pk, item_id, text))
                    texts += 1
    return texts


def _invitation_taken(exc: IntegrityError) -> bool:
    """Whether the violated constraint is the one-to-one of Response.invitation."""
    diag = getattr(exc.__cause__, "diag", None)
    constraint = getattr(diag, "constraint_name", None) or ""
    column = Response._meta.get_field("invitation").column
    return column in constraint or column in str(exc)


def paper_import(
    *,
    campaign: Campaign,
    data: bytes,
    filename: str,
    entered_by: Any,
    allowed_agency_ids: Collection[int] | None = None,
) -> ImportResult:
    """Import a filled-in template (.xlsx or .csv), all or nothing; raises ImportRefused.

    `allowed_agency_ids` limits the agencies the rows may name (the importing user's scope);
    None allows the campaign's whole scope.
    """
    limit = settings.IMPORT_MAX_BYTES
    if len(data) > limit:
        raise ImportRefused(
            _("Tệp “%(name)s” lớn quá giới hạn %(limit)s, không được nhập.")
            % {"name": filename, "limit": filesizeformat(limit)}
        )
    ext = _ext(filename)
    if not ext:
        raise ImportRefused(_("Chỉ nhận tệp .xlsx hoặc .csv."))
    offered = [c for c in (Channel.PAPER, Channel.PHONE) if c in campaign.channels]
    if not offered:
        raise ImportRefused(_("Đợt khảo sát này không nhận phiếu giấy hay phiếu qua điện thoại."))
    if (error := campaign_entry_error(campaign, offered[0])) is not None:
        raise ImportRefused(error.message)
    items = questionnaire_items(questionnaire_id=campaign.questionnaire_id)
    scope = campaign_scope_dims(campaign=campaign)
    rows = _xlsx_rows(data, filename) if ext == ".xlsx" else _csv_rows(data, filename)
    header = next(rows, None)
    if header is None or _is_blank(header):
        raise ImportRefused(_("Tệp không có dòng tiêu đề (dòng 1)."))
    layout, errors = _layout(header, items)
    if layout is None:
        raise errors.refusal()
    if layout.channel < 0 and Channel.PAPER not in offered:
        raise ImportRefused(
            _("Đợt khảo sát này không nhận phiếu giấy: thêm cột kenh và ghi phone.")
        )
    valid, errors = _check_rows(rows, layout, campaign, scope, allowed_agency_ids)
    if errors.total:
        raise errors.refusal()
    if not valid:
        raise ImportRefused(_("Tệp không có phiếu nào để nhập."))
    try:
        texts = _insert(campaign, valid, entered_by)
    except IntegrityError as exc:
        # Another import or an online answer stored some of these codes or invitations
        # meanwhile; the unique constraint caught it, and the transaction stored nothing.
        if _invitation_taken(exc):
            raise ImportRefused(
                _(
                    "Một số thư mời vừa được trả lời từ nơi khác trong lúc nhập tệp này. Không "
                    "phiếu nào được nhập; hãy nhập lại tệp để xem các dòng có thư mời đã dùng."
                )
            ) from None
        raise ImportRefused(
            _(
                "Một số mã phiếu vừa được nhập từ nơi khác trong lúc nhập tệp này. Không phiếu "
                "nào được nhập; hãy nhập lại tệp để xem các dòng trùng."
            )
        ) from None
    from reports.services import indices_request

    # New answers: the campaign's indices are brought up to date (debounced) after commit.
    transaction.on_commit(lambda: indices_request(campaign_id=campaign.pk))
    counts = Counter(row.agency.id for row in valid)
    return ImportResult(
        count=len(valid),
        per_agency=[AgencyCount(d.code, d.name, counts[d.id]) for d in scope if counts[d.id]],
        by_channel=dict(Counter(row.channel for row in valid)),
        texts=texts,
    )
