"""Forms of the answer screens: the review filters, reject/restore, fast entry, paper printing.

The entry form is made for keying paper forms in quickly: one short text input per item, typed
as digits. What each input accepts:

- a level or a single choice: its value, e.g. "4" on the 5-level scale, "1" (Có) or "2" (Không);
- a multiple choice: the chosen values separated by spaces or commas, "1 3 5" or "1,3,5"; when
  every option is numbered 1–9 the digits may also run together, "135";
- a number: the number, e.g. "42";
- a free-text item: the text, on one line (a one-line input keeps Enter for saving the form);
- a blank input is a blank answer.

Each input carries data-* attributes (kind, allowed values, messages) that static/js/entry.js
checks while typing; the server checks the same rules here, and response_submit checks again.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Layout, Row, Submit
from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import Agency
from surveys.forms.response import field_name
from surveys.models import Channel, Item, Response, ResponseStatusChange, Scale
from surveys.selectors.questionnaires import Structure
from surveys.services.responses import allowed_values_text, number_bounds

DATE_INPUT_FORMATS = ["%d/%m/%Y"]
REASON_MAX = ResponseStatusChange._meta.get_field("reason").max_length
RESPONDENT_CODE_MAX = Response._meta.get_field("respondent_code").max_length
PRINT_MAX = 200  # forms per page load: a browser prints 200 pages without trouble
PRINT_NUMBER_MAX = 99999  # the respondent code's five digits
ALL = gettext_lazy("Tất cả")


def _date_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(
            format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "autocomplete": "off"}
        ),
        error_messages={
            "invalid": gettext_lazy("Nhập ngày theo dạng dd/mm/yyyy, ví dụ 15/08/2025.")
        },
    )


# --- Review ---------------------------------------------------------------------------------------


class AnswerFilterForm(forms.Form):
    """The review list's filters (GET); the campaign travels in a hidden field."""

    campaign = forms.IntegerField(widget=forms.HiddenInput)
    agency = forms.ChoiceField(label=gettext_lazy("Cơ quan (gồm cấp dưới)"), required=False)
    channel = forms.ChoiceField(
        label=gettext_lazy("Kênh"), required=False, choices=[("", ALL), *Channel.choices]
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Trạng thái"),
        required=False,
        choices=[("", ALL), *Response.Status.choices],
    )
    date_from = _date_field(gettext_lazy("Từ ngày"))
    date_to = _date_field(gettext_lazy("Đến ngày"))

    def __init__(self, *args: Any, agencies: Iterable[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._agencies = {str(a.pk): a for a in agencies}
        # Indented as a tree, from the user's top agency down.
        top = min((a.depth for a in self._agencies.values()), default=0)
        self.fields["agency"].choices = [
            ("", ALL),
            *((pk, f"{'– ' * (a.depth - top)}{a.name}") for pk, a in self._agencies.items()),
        ]
        self.fields["agency"].error_messages["invalid_choice"] = _(
            "Cơ quan không thuộc phạm vi đợt khảo sát của bạn."
        )
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "campaign",
            Row(
                Column("agency", css_class="col-md-3"),
                Column("channel", css_class="col-md-2"),
                Column("status", css_class="col-md-2"),
                Column("date_from", css_class="col-md-2"),
                Column("date_to", css_class="col-md-2"),
                Column(Submit("", _("Lọc"), css_class="mt-md-4"), css_class="col-md-1"),
            ),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("“Đến ngày” phải sau hoặc bằng “Từ ngày”."))
        return data

    def filters(self) -> dict[str, Any]:
        """Keyword arguments for `answer_list`."""
        data = self.cleaned_data
        return {
            "agency": self._agencies.get(data.get("agency") or ""),
            "channel": data.get("channel") or "",
            "status": data.get("status") or "",
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
        }


class StatusForm(forms.Form):
    """Reject or restore one response: the reason is required and kept in the history."""

    reason = forms.CharField(
        label=gettext_lazy("Lý do"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": gettext_lazy("Hãy ghi lý do."),
            "max_length": gettext_lazy("Lý do dài tối đa %(limit_value)d ký tự."),
        },
    )

    def __init__(self, *args: Any, status: str, action: str, **kwargs: Any) -> None:
        # Two of these forms can share a page: each gets its own ids.
        kwargs.setdefault("auto_id", f"id_{status}_%s")
        super().__init__(*args, **kwargs)
        self.status = status
        rejecting = status == Response.Status.REJECTED
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.layout = Layout(
            Field("reason", required=True, maxlength=REASON_MAX),
            Submit(
                "",
                _("Loại phiếu") if rejecting else _("Khôi phục phiếu"),
                css_class="btn-danger" if rejecting else "btn-success",
            ),
        )


# --- Entry ----------------------------------------------------------------------------------------

SEPARATORS = re.compile(r"[\s,;]+")
DIGITS = re.compile(r"[0-9]+")
SIGNED = re.compile(r"-?[0-9]+")
DIGITS_MAX = 64  # the longest typed value of a scored item (the input's maxlength is shorter)


def entry_kind(item: Item) -> str:
    if item.scale == Scale.TEXT:
        return "text"
    if item.scale == Scale.NUMBER:
        return "number"
    if item.scale == Scale.MULTI:
        return "multi"
    return "single"


def allowed_values(item: Item) -> list[int]:
    return sorted(v for v, _vi, _en in item.levels())


def multi_tokens(item: Item, raw: str) -> list[str]:
    """Split "1 3 5" or "1,3,5" into ["1", "3", "5"]; "135" too when every option is 1–9."""
    tokens = [t for t in SEPARATORS.split(raw.strip()) if t]
    if len(tokens) == 1 and max(allowed_values(item), default=0) <= 9:
        tokens = list(tokens[0])
    return tokens


def out_of_range_message(item: Item) -> str:
    kind = entry_kind(item)
    if kind == "number":
        low, high = number_bounds(item)
        return _("Nhập một số từ %(low)d đến %(high)d.") % {"low": low, "high": high}
    if kind == "multi":
        return _("Chỉ nhận các phương án %(values)s.") % {"values": allowed_values_text(item)}
    return _("Chỉ nhận %(values)s.") % {"values": allowed_values_text(item)}


def max_choices_message(item: Item) -> str:
    return _("Chọn tối đa %(n)d phương án.") % {"n": item.max_choices or 0}


def digits_message() -> str:
    return _("Chỉ nhập chữ số.")


class EntryItemField(forms.CharField):
    """One item typed as digits (or text); cleans to what Response.scores keeps, or the text."""

    def __init__(self, *, item: Item, **kwargs: Any) -> None:
        self.item = item
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Any:
        raw = super().clean(value)
        item = self.item
        kind = entry_kind(item)
        if kind == "text" or raw in (None, ""):
            return raw or None
        if len(raw) > DIGITS_MAX:
            # Before int(): Python refuses to parse thousands of digits, and no answer has them.
            raise forms.ValidationError(out_of_range_message(item), code="range")
        if kind == "multi":
            tokens = multi_tokens(item, raw)
            if not tokens:  # separators only
                return None
            if not all(DIGITS.fullmatch(t) for t in tokens):
                raise forms.ValidationError(digits_message(), code="digits")
            chosen = {int(t) for t in tokens}
            if not chosen <= set(allowed_values(item)):
                raise forms.ValidationError(out_of_range_message(item), code="range")
            if item.max_choices and len(chosen) > item.max_choices:
                raise forms.ValidationError(max_choices_message(item), code="max_choices")
            return sum(1 << (v - 1) for v in chosen)
        pattern = SIGNED if kind == "number" else DIGITS
        if not pattern.fullmatch(raw):
            raise forms.ValidationError(digits_message(), code="digits")
        number = int(raw)
        if not item.accepts(number):
            raise forms.ValidationError(out_of_range_message(item), code="range")
        return number


def _entry_attrs(item: Item, name: str) -> dict[str, Any]:
    """The input's attributes: a number pad, a pattern, and what entry.js checks while typing."""
    kind = entry_kind(item)
    attrs: dict[str, Any] = {
        "class": "form-control form-control-sm entry-input",
        "autocomplete": "off",
        "data-kind": kind,
        "aria-describedby": f"{name}-hint {name}-error",
    }
    if kind == "text":
        attrs["maxlength"] = settings.SURVEY_TEXT_MAX_CHARS
        return attrs
    attrs["inputmode"] = "numeric"
    attrs["data-error"] = out_of_range_message(item)
    attrs["data-error-digits"] = digits_message()
    if kind == "number":
        low, high = number_bounds(item)
        attrs.update(
            {
                "pattern": "-?[0-9]+" if low < 0 else "[0-9]+",
                "maxlength": max(len(str(low)), len(str(high))),
                "data-min": low,
                "data-max": high,
            }
        )
        return attrs
    values = allowed_values(item)
    attrs["data-allowed"] = " ".join(str(v) for v in values)
    if kind == "multi":
        attrs["pattern"] = "[0-9 ,;]*"
        attrs["maxlength"] = 3 * len(values)
        if item.max_choices:
            attrs["data-max-choices"] = item.max_choices
            attrs["data-error-max"] = max_choices_message(item)
        return attrs
    attrs["pattern"] = "|".join(str(v) for v in values)
    attrs["maxlength"] = max((len(str(v)) for v in values), default=1)
    return attrs


@dataclass(frozen=True)
class EntryRow:
    """One item's input as the entry template renders it."""

    item: Item
    field: forms.BoundField
    hint: str
    options: str

    @property
    def error_id(self) -> str:
        return f"{self.field.html_name}-error"

    @property
    def hint_id(self) -> str:
        return f"{self.field.html_name}-hint"


class EntryForm(forms.Form):
    """The enumerator's form: ma phiếu, agency, channel, then one input per item."""

    submission_key = forms.UUIDField(widget=forms.HiddenInput)
    respondent_code = forms.CharField(
        label=gettext_lazy("Mã phiếu"),
        required=False,
        max_length=RESPONDENT_CODE_MAX,
        error_messages={"max_length": gettext_lazy("Mã phiếu dài tối đa %(limit_value)d ký tự.")},
    )
    agency = forms.ModelChoiceField(
        label=gettext_lazy("Cơ quan"),
        queryset=Agency.objects.none(),
        error_messages={
            "required": gettext_lazy("Chọn cơ quan."),
            "invalid_choice": gettext_lazy("Bạn không được nhập phiếu cho cơ quan này."),
        },
    )
    channel = forms.ChoiceField(
        label=gettext_lazy("Kênh"),
        error_messages={
            "required": gettext_lazy("Chọn kênh."),
            "invalid_choice": gettext_lazy("Kênh không hợp lệ."),
        },
    )

    def __init__(
        self,
        *args: Any,
        structure: Structure,
        agencies: Any,
        channels: list[str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4())
        self.structure = structure
        self.fields["agency"].queryset = agencies
        self.fields["agency"].empty_label = _("— Chọn cơ quan —")
        self.fields["channel"].choices = [(c, Channel(c).label) for c in channels]
        self.fields["respondent_code"].widget.attrs.update(
            {
                "class": "form-control form-control-sm",
                "autocomplete": "off",
                # A QR scanner types the code then Enter: entry.js moves on instead of saving.
                "data-enter-next": "",
                "aria-describedby": "respondent_code-hint",
            }
        )
        self.fields["agency"].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["channel"].widget.attrs["class"] = "form-select form-select-sm"
        self.items: dict[str, Item] = {}
        self.by_code: dict[str, str] = {"respondent_code": "respondent_code"}
        for item in structure.items:
            name = field_name(item)
            self.items[name] = item
            self.by_code[item.code] = name
            self.fields[name] = EntryItemField(
                item=item,
                label=item.code,
                required=False,
                max_length=settings.SURVEY_TEXT_MAX_CHARS if item.scale == Scale.TEXT else None,
                widget=forms.TextInput(attrs=_entry_attrs(item, name)),
                error_messages={
                    "max_length": _("Tối đa %(n)d ký tự.") % {"n": settings.SURVEY_TEXT_MAX_CHARS}
                },
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        answered = any(data.get(name) is not None for name in self.items)
        if self.items and not answered and not any(n in self.errors for n in self.items):
            # An empty paper form is no answer; this also catches a stray Enter on a fresh form.
            raise forms.ValidationError(_("Phiếu chưa có câu trả lời nào."), code="empty")
        return data

    def full_clean(self) -> None:
        super().full_clean()
        self.mark_invalid()

    def mark_invalid(self) -> None:
        """aria-invalid and is-invalid on the inputs in error, pointing at their message."""
        for name in self.errors:
            if name not in self.fields:
                continue
            attrs = self.fields[name].widget.attrs
            attrs["aria-invalid"] = "true"
            if "is-invalid" not in attrs.get("class", ""):
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
            described = attrs.get("aria-describedby", "")
            if f"{name}-error" not in described:
                attrs["aria-describedby"] = f"{described} {name}-error".strip()

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        """Errors of response_submit (keyed by item code) next to their inputs."""
        for key, messages in errors.items():
            name = self.by_code.get(key)
            for message in messages:
                self.add_error(name, message[:1].upper() + message[1:])
        self.mark_invalid()

    # --- Results ----------------------------------------------------------------------------------

    def scores(self) -> list[int | None]:
        result: list[int | None] = [None] * self.structure.max_position
        for name, item in self.items.items():
            if item.position is not None:
                result[item.position - 1] = self.cleaned_data.get(name)
        return result

    def texts(self) -> dict[Item, str]:
        return {
            item: self.cleaned_data[name]
            for name, item in self.items.items()
            if item.position is None and self.cleaned_data.get(name)
        }

    # --- Rendering --------------------------------------------------------------------------------

    @property
    def focus(self) -> str:
        """The field that takes the focus: the first in error, else the ma phiếu."""
        for name in self.fields:
            if name in self.errors:
                return name
        return "respondent_code"

    def set_focus(self) -> None:
        self.fields[self.focus].widget.attrs["autofocus"] = True

    def rows(self) -> list[tuple[str, list[EntryRow]]]:
        """(section name, rows) in questionnaire order."""
        result = []
        for section in self.structure.sections:
            rows = []
            for item in section.items:
                name = field_name(item)
                rows.append(
                    EntryRow(
                        item=item,
                        field=self[name],
                        hint=_entry_hint(item),
                        options=_options_text(item),
                    )
                )
            if rows:
                element = section.element
                result.append((f"{element.code}. {element.name}", rows))
        return result


def _entry_hint(item: Item) -> str:
    kind = entry_kind(item)
    if kind == "text":
        return _("Văn bản")
    if kind == "multi":
        hint = _("Nhiều số: %(values)s") % {"values": allowed_values_text(item)}
        if item.max_choices:
            hint += " " + _("(tối đa %(n)d)") % {"n": item.max_choices}
        return hint
    return allowed_values_text(item)


def _options_text(item: Item) -> str:
    """ "1 Có · 2 Không" for the choice items; empty for the fixed scales of levels."""
    if item.scale not in (Scale.SINGLE, Scale.MULTI, Scale.YESNO):
        return ""
    return " · ".join(f"{v} {vi}" for v, vi, _en in item.levels())


def entry_channels(channels: Iterable[str]) -> list[str]:
    """The campaign's channels that an official keys in: paper first, then phone."""
    channels = set(channels)
    return [c for c in (Channel.PAPER, Channel.PHONE) if c in channels]


# --- Printing -------------------------------------------------------------------------------------


class PrintForm(forms.Form):
    """Which paper forms to print: the agency, how many, and the first number of the series."""

    agency = forms.ModelChoiceField(
        label=gettext_lazy("Cơ quan"),
        queryset=Agency.objects.none(),
        error_messages={
            "required": gettext_lazy("Chọn cơ quan."),
            "invalid_choice": gettext_lazy("Bạn không được in phiếu của cơ quan này."),
        },
    )
    count = forms.IntegerField(
        label=gettext_lazy("Số phiếu"),
        min_value=1,
        max_value=PRINT_MAX,
        initial=20,
        error_messages={
            "required": gettext_lazy("Nhập số phiếu cần in."),
            "invalid": gettext_lazy("Nhập một số nguyên."),
            "min_value": gettext_lazy("In ít nhất %(limit_value)s phiếu."),
            "max_value": gettext_lazy("In tối đa %(limit_value)s phiếu mỗi lần."),
        },
    )
    start = forms.IntegerField(
        label=gettext_lazy("Bắt đầu từ số"),
        min_value=1,
        max_value=PRINT_NUMBER_MAX,
        initial=1,
        error_messages={
            "required": gettext_lazy("Nhập số thứ tự phiếu đầu tiên."),
            "invalid": gettext_lazy("Nhập một số nguyên."),
            "min_value": gettext_lazy("Số thứ tự bắt đầu từ %(limit_value)s."),
            "max_value": gettext_lazy("Số thứ tự tối đa là %(limit_value)s."),
        },
    )

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["agency"].empty_label = _("— Chọn cơ quan —")
        self.fields["start"].help_text = _(
            "Mã phiếu gồm mã đợt, mã cơ quan và số thứ tự; in tiếp đợt sau từ số kế tiếp."
        )
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(
                Column("agency", css_class="col-md-6"),
                Column("count", css_class="col-md-2"),
                Column("start", css_class="col-md-2"),
                Column(Submit("", _("Tạo phiếu để in"), css_class="mt-md-4"), css_class="col-md-2"),
            )
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        count, start = data.get("count"), data.get("start")
        if count and start and start + count - 1 > PRINT_NUMBER_MAX:
            self.add_error("start", _("Số thứ tự vượt quá %(n)d.") % {"n": PRINT_NUMBER_MAX})
        return data
