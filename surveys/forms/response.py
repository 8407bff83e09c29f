"""The citizen's form, built from a questionnaire: one field per item, in the questionnaire's order.

Shared by the officials' preview and the public survey, so what officials preview is what
citizens get. Usage:

    form = ResponseForm(request.POST or None, questionnaire=q)        # short=True: kiosk variant
    if form.is_valid():
        response.scores = form.scores()     # list for Response.scores (length = max position)
        for item, text in form.texts().items(): ResponseText(response=..., item=item, text=text)

Field names (stable for a questionnaire version, so a paper-entry or resumed form can be
re-filled): "q_<position>" for an item stored in Response.scores (every scale but free text),
"t_<item id>" for a free-text item (stored in ResponseText). `field_name(item)` gives it.

Values: a choice is the option's value (1..n); yes/no is 1 (Có) or 2 (Không); a multiple choice
is a bit mask (value v sets bit v-1); a number is itself; a blank is None. Labels follow the active
language (English when it is "en", falling back to Vietnamese where no translation was written).
Render with templates/surveys/form/questionnaire.html (see its header for the context it takes).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from surveys.models import SMALLINT_MAX, Item, Questionnaire, Scale
from surveys.selectors.questionnaires import Section, Structure, published_structure

SCORE_PREFIX = "q_"
TEXT_PREFIX = "t_"
RADIO_SCALES = frozenset(
    {Scale.SAT5, Scale.INTEREST4, Scale.SUIT4, Scale.DESIRE4, Scale.YESNO, Scale.SINGLE}
)


def field_name(item: Item) -> str:
    if item.position is None:
        return f"{TEXT_PREFIX}{item.pk}"
    return f"{SCORE_PREFIX}{item.position}"


def stored_value(item: Item, value: Any) -> int | None:
    """What Response.scores keeps for a cleaned answer: an int, a bit mask, or None."""
    if value in (None, "", [], ()) or item.scale == Scale.TEXT:
        return None
    if item.scale == Scale.MULTI:
        return sum(1 << (int(v) - 1) for v in set(value))
    return int(value)


def initial_from_response(
    *, structure: Structure, scores: list[int | None], texts: dict[int, str]
) -> dict[str, Any]:
    """Form initial data from a stored response (`texts` keyed by item id), e.g. to correct it."""
    initial: dict[str, Any] = {}
    for item in structure.items:
        if item.position is None:
            if texts.get(item.pk):
                initial[field_name(item)] = texts[item.pk]
            continue
        value = scores[item.position - 1] if item.position <= len(scores) else None
        if value is None:
            continue
        if item.scale == Scale.MULTI:
            initial[field_name(item)] = [v for v in range(1, 16) if value & (1 << (v - 1))]
        else:
            initial[field_name(item)] = value
    return initial


@dataclass
class Question:
    """One item with its bound field, as the template renders it."""

    item: Item
    field: forms.BoundField
    text: str

    @property
    def kind(self) -> str:
        if self.item.scale in RADIO_SCALES:
            return "radio"
        if self.item.scale == Scale.MULTI:
            return "checkbox"
        if self.item.scale == Scale.NUMBER:
            return "number"
        return "text"

    @property
    def is_group(self) -> bool:
        """Radios and checkboxes: a <fieldset> with a <legend>."""
        return self.kind in ("radio", "checkbox")

    @property
    def anchor(self) -> str:
        """The id the error summary links to: the first radio or box, else the input."""
        auto_id = self.field.auto_id
        return f"{auto_id}_0" if self.is_group else auto_id

    @property
    def error_id(self) -> str:
        return f"{self.field.html_name}-error"

    @property
    def hint_id(self) -> str:
        return f"{self.field.html_name}-hint"

    @property
    def hint(self) -> str:
        item = self.item
        if item.scale == Scale.MULTI:
            if item.max_choices:
                return _("Chọn tối đa %(n)d phương án.") % {"n": item.max_choices}
            return _("Có thể chọn nhiều phương án.")
        if item.scale == Scale.NUMBER:
            low, high = _bounds(item)
            return _("Nhập một số từ %(low)d đến %(high)d.") % {"low": low, "high": high}
        return ""

    @property
    def columns(self) -> int:
        """How many options a row may hold on a wide screen (the Likert scales side by side)."""
        choices = self.field.field.choices
        if self.item.scale not in RADIO_SCALES or len(choices) > 5:
            return 1
        if self.item.scale == Scale.SINGLE and any(len(str(label)) > 24 for _v, label in choices):
            return 1  # sentences read better one under the other
        return len(choices)


@dataclass
class FormSection:
    section: Section
    number: int
    total: int
    name: str
    aspect_name: str
    questions: list[Question]

    @property
    def starts_aspect(self) -> bool:
        return self.section.starts_aspect

    @property
    def percent(self) -> int:
        return round(100 * self.number / self.total)


def _bounds(item: Item) -> tuple[int, int]:
    low = item.min_value if item.min_value is not None else 0
    high = item.max_value if item.max_value is not None else SMALLINT_MAX
    return low, high


class ResponseForm(forms.Form):
    """A form with one field per item; `short=True` keeps only the kiosk items."""

    def __init__(
        self,
        *args: Any,
        questionnaire: Questionnaire,
        structure: Structure | None = None,
        short: bool = False,
        language: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questionnaire = questionnaire
        self.structure = structure or published_structure(questionnaire=questionnaire)
        self.short = short
        self.english = (language or get_language() or "vi").lower().startswith("en")
        self.items: dict[str, Item] = {}
        for section in self.structure.sections:
            for item in section.items:
                if short and not item.in_short_variant:
                    continue
                name = field_name(item)
                self.fields[name] = self._field(item)
                self.items[name] = item

    # --- Language ---------------------------------------------------------------------------------

    def _pick(self, vi: str, en: str) -> str:
        return en if self.english and en else vi

    @property
    def title(self) -> str:
        return self._pick(self.questionnaire.title, self.questionnaire.title_en)

    @property
    def intro(self) -> str:
        return self._pick(self.questionnaire.intro, self.questionnaire.intro_en)

    def item_text(self, item: Item) -> str:
        return self._pick(item.text, item.text_en)

    # --- Fields -----------------------------------------------------------------------------------

    def _field(self, item: Item) -> forms.Field:
        messages = {
            "required": _("Vui lòng trả lời câu hỏi này."),
            "invalid_choice": _("Lựa chọn không hợp lệ."),
            "invalid": _("Nhập một số nguyên."),
            "max_length": _("Tối đa %(limit_value)d ký tự.")
            % {"limit_value": settings.SURVEY_TEXT_MAX_CHARS},
        }
        common: dict[str, Any] = {
            "label": self.item_text(item),
            "required": item.required,
            "error_messages": messages,
        }
        choices = [(v, en if self.english else vi) for v, vi, en in item.levels()]
        if item.scale in RADIO_SCALES:
            return forms.TypedChoiceField(
                choices=choices, coerce=int, empty_value=None, widget=forms.RadioSelect, **common
            )
        if item.scale == Scale.MULTI:
            return forms.TypedMultipleChoiceField(
                choices=choices, coerce=int, widget=forms.CheckboxSelectMultiple, **common
            )
        if item.scale == Scale.NUMBER:
            low, high = _bounds(item)
            # Bounds are checked in clean() with the item's own message; the attributes only
            # help the phone show a number pad.
            attrs = {
                "class": "form-control sv-number",
                "min": low,
                "max": high,
                "inputmode": "numeric",
                "aria-describedby": f"{self.add_prefix(field_name(item))}-hint",
            }
            return forms.IntegerField(widget=forms.NumberInput(attrs=attrs), **common)
        attrs = {"class": "form-control sv-text", "rows": 4}
        return forms.CharField(
            widget=forms.Textarea(attrs=attrs), max_length=settings.SURVEY_TEXT_MAX_CHARS, **common
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for name, item in self.items.items():
            if item.scale == Scale.TEXT or name not in cleaned:
                continue
            value = stored_value(item, cleaned[name])
            if value is None:
                continue
            too_many = item.max_choices and len(set(cleaned[name])) > item.max_choices
            if item.scale == Scale.MULTI and too_many:
                self.add_error(
                    name, _("Chỉ chọn tối đa %(n)d phương án.") % {"n": item.max_choices}
                )
                continue
            if not item.accepts(value):
                if item.scale == Scale.NUMBER:
                    low, high = _bounds(item)
                    message = _("Nhập một số từ %(low)d đến %(high)d.") % {"low": low, "high": high}
                else:
                    message = _("Lựa chọn không hợp lệ.")
                self.add_error(name, message)
        return cleaned

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            attrs = self.fields[name].widget.attrs
            attrs["aria-invalid"] = "true"
            if "aria-describedby" in attrs or self.items[name].scale == Scale.TEXT:
                # Single inputs point at their message; a group's <fieldset> does it for radios.
                described = f"{attrs.get('aria-describedby', '')} {self[name].html_name}-error"
                attrs["aria-describedby"] = described.strip()

    # --- Results ----------------------------------------------------------------------------------

    def scores(self) -> list[int | None]:
        """The list for Response.scores: one slot per position, None where unanswered."""
        if not self.is_valid():
            raise ValueError("scores() needs a valid form")
        result: list[int | None] = [None] * self.structure.max_position
        for name, item in self.items.items():
            if item.position is not None:
                result[item.position - 1] = stored_value(item, self.cleaned_data.get(name))
        return result

    def texts(self) -> dict[Item, str]:
        """Free-text answers that are not blank, by item."""
        if not self.is_valid():
            raise ValueError("texts() needs a valid form")
        return {
            item: self.cleaned_data[name]
            for name, item in self.items.items()
            if item.position is None and self.cleaned_data.get(name)
        }

    # --- Rendering --------------------------------------------------------------------------------

    def sections(self) -> list[FormSection]:
        """The sections that have questions to show, numbered for the "Phần 2/7" indicator."""
        shown = []
        for section in self.structure.sections:
            questions = [
                Question(item=item, field=self[field_name(item)], text=self.item_text(item))
                for item in section.items
                if field_name(item) in self.fields
            ]
            if questions:
                shown.append((section, questions))
        total = len(shown)
        result = []
        for number, (section, questions) in enumerate(shown, start=1):
            aspect = section.aspect
            result.append(
                FormSection(
                    section=section,
                    number=number,
                    total=total,
                    name=self._pick(section.element.name, section.element.name_en),
                    aspect_name=self._pick(aspect.name, aspect.name_en) if aspect else "",
                    questions=questions,
                )
            )
        return result

    def error_summary(self) -> list[tuple[str, str, str]]:
        """(anchor id, question, message) for each field in error, in the form's order."""
        summary = []
        for name, item in self.items.items():
            if name in self.errors:
                question = Question(item=item, field=self[name], text=self.item_text(item))
                for message in self.errors[name]:
                    summary.append((question.anchor, question.text, message))
        return summary

    @property
    def has_required(self) -> bool:
        return any(field.required for field in self.fields.values())
