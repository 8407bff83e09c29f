"""Forms for campaigns: validation and crispy layout only; the rules live in the services."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from crispy_forms.bootstrap import InlineCheckboxes, InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Layout, Row, Submit
from django import forms
from django.core.validators import RegexValidator
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, Era
from surveys.models import Campaign, Channel, Questionnaire
from surveys.selectors.campaigns import NATIONAL
from surveys.services.campaigns import MAX_TARGET, duplicate_code_message

Status = Campaign.Status
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
REQUIRED = _("Trường này là bắt buộc.")


def _date_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(
            format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "autocomplete": "off"}
        ),
        error_messages={
            "required": REQUIRED,
            "invalid": _("Nhập ngày theo dạng dd/mm/yyyy, ví dụ 15/08/2025."),
        },
    )


def target_field(*, label: str, required: bool) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=1,
        max_value=MAX_TARGET,
        widget=forms.NumberInput(attrs={"min": 1, "max": MAX_TARGET, "step": 1}),
        error_messages={
            "required": REQUIRED,
            "invalid": _("Nhập một số nguyên, ví dụ 100."),
            "min_value": _("Số phiếu cần thu phải là số nguyên dương (từ 1 trở lên)."),
            "max_value": _("Số phiếu cần thu không được vượt quá %(limit_value)s."),
        },
    )


class CampaignFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm kiếm"), required=False, max_length=100)
    year = forms.TypedChoiceField(
        label=_("Năm"), required=False, coerce=int, empty_value=None, choices=[]
    )
    status = forms.ChoiceField(
        label=_("Trạng thái"), required=False, choices=[("", _("Tất cả")), *Status.choices]
    )
    organiser = forms.ChoiceField(label=_("Cơ quan tổ chức"), required=False, choices=[])

    def __init__(
        self,
        *args: Any,
        years: list[int],
        organisers: Iterable[Agency],
        national: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        organisers = list(organisers)
        self.fields["year"].choices = [("", _("Tất cả")), *((y, str(y)) for y in years)]
        choices = [("", _("Tất cả")), *((str(a.pk), a.name) for a in organisers)]
        if national:
            choices.append((NATIONAL, _("Toàn quốc (Bộ Nội vụ)")))
        self.fields["organiser"].choices = choices
        self._organisers = {str(a.pk): a for a in organisers}
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(
                Column("q", css_class="col-md-4"),
                Column("year", css_class="col-md-2"),
                Column("status", css_class="col-md-2"),
                Column("organiser", css_class="col-md-3"),
                Column(Submit("", _("Lọc"), css_class="mt-md-4"), css_class="col-md-1"),
            )
        )

    def filters(self) -> dict[str, Any]:
        """Keyword arguments for `campaign_list`."""
        data = self.cleaned_data
        organiser = data.get("organiser") or ""
        return {
            "search": data.get("q", "").strip(),
            "year": data.get("year"),
            "status": data.get("status") or "",
            "organiser": NATIONAL if organiser == NATIONAL else self._organisers.get(organiser),
        }


class QuestionnaireChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Questionnaire) -> str:
        if obj.is_national:
            return gettext("%(title)s (phiên bản %(version)s) – mẫu quốc gia") % {
                "title": obj.title,
                "version": obj.version,
            }
        return gettext("%(title)s (phiên bản %(version)s) – %(owner)s") % {
            "title": obj.title,
            "version": obj.version,
            "owner": obj.owner.name if obj.owner else "",
        }


class CampaignForm(forms.Form):
    """Step 1 of the creation, and the edit page: the campaign's basic fields."""

    code = forms.CharField(
        label=_("Mã đợt"),
        max_length=50,
        help_text=_(
            "Chữ thường không dấu, số và gạch nối; dùng trong đường dẫn công khai, "
            "ví dụ sipas-hue-2025."
        ),
        validators=[
            RegexValidator(
                r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
                _("Mã đợt chỉ gồm chữ thường không dấu, số và gạch nối, ví dụ sipas-hue-2025."),
            )
        ],
        error_messages={
            "required": REQUIRED,
            "max_length": _("Mã đợt dài tối đa %(limit_value)d ký tự."),
        },
    )
    name = forms.CharField(
        label=_("Tên đợt khảo sát"),
        max_length=200,
        error_messages={
            "required": REQUIRED,
            "max_length": _("Tên dài tối đa %(limit_value)d ký tự."),
        },
    )
    year = forms.IntegerField(
        label=_("Năm"),
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": REQUIRED,
            "invalid": _("Nhập năm bằng số, ví dụ 2025."),
            "min_value": _("Năm phải từ 2000 đến 2100."),
            "max_value": _("Năm phải từ 2000 đến 2100."),
        },
    )
    organiser = forms.ModelChoiceField(
        label=_("Cơ quan tổ chức"),
        queryset=Agency.objects.none(),
        error_messages={
            "required": REQUIRED,
            "invalid_choice": _("Chọn một cơ quan tổ chức trong danh sách."),
        },
    )
    questionnaire = QuestionnaireChoiceField(
        label=_("Phiếu khảo sát"),
        queryset=Questionnaire.objects.none(),
        empty_label=_("– Chọn –"),
        help_text=_("Chỉ các phiếu đã ban hành. Phiếu được giữ nguyên khi đợt khảo sát mở."),
        error_messages={
            "required": REQUIRED,
            "invalid_choice": _("Chọn một phiếu khảo sát đã ban hành trong danh sách."),
        },
    )
    era = forms.ChoiceField(
        label=_("Danh mục đơn vị hành chính"),
        choices=Era.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": REQUIRED,
            "invalid_choice": _("Chọn một danh mục đơn vị hành chính."),
        },
    )
    channels = forms.MultipleChoiceField(
        label=_("Kênh thu thập"),
        choices=Channel.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Chọn ít nhất một kênh thu thập."),
            "invalid_choice": _("Kênh thu thập không hợp lệ."),
        },
    )
    opens_on = _date_field(_("Ngày bắt đầu"))
    closes_on = _date_field(_("Ngày kết thúc"))
    default_target = target_field(label=_("Số phiếu cần thu mỗi cơ quan"), required=True)
    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        organisers: QuerySet[Agency],
        questionnaires: QuerySet[Questionnaire],
        allow_national: bool,
        campaign: Campaign | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        organiser = self.fields["organiser"]
        organiser.queryset = organisers
        organiser.required = not allow_national
        organiser.empty_label = _("Toàn quốc (Bộ Nội vụ)") if allow_national else _("– Chọn –")
        self.fields["questionnaire"].queryset = questionnaires
        self.fields["default_target"].help_text = _(
            "Mặc định cho mọi cơ quan; đặt riêng từng cơ quan ở bước chọn phạm vi."
        )
        if campaign is not None:
            self.fields["lock_version"].required = True
            if campaign.status != Status.DRAFT:
                for name in ("code", "organiser", "questionnaire", "era"):
                    self.fields[name].disabled = True
                    self.fields[name].help_text = _("Không đổi được khi đợt khảo sát đã mở.")
        self.helper = FormHelper()
        self.helper.form_tag = False  # the template owns the <form> and its buttons
        self.helper.layout = Layout(
            Row(Column("code", css_class="col-md-4"), Column("name", css_class="col-md-8")),
            Row(Column("year", css_class="col-md-2"), Column("organiser", css_class="col-md-10")),
            "questionnaire",
            InlineRadios("era"),
            InlineCheckboxes("channels"),
            Row(
                Column(Field("opens_on"), css_class="col-md-4"),
                Column(Field("closes_on"), css_class="col-md-4"),
                Column("default_target", css_class="col-md-4"),
            ),
            "lock_version",
        )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        taken = Campaign.objects.filter(code=code)
        if self.campaign is not None:
            taken = taken.exclude(pk=self.campaign.pk)
        if taken.exists():
            raise forms.ValidationError(duplicate_code_message())
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        opens_on, closes_on = data.get("opens_on"), data.get("closes_on")
        if opens_on and closes_on and closes_on < opens_on:
            self.add_error("closes_on", _("Ngày kết thúc phải cùng ngày hoặc sau ngày bắt đầu."))
        return data

    def campaign_fields(self) -> dict[str, Any]:
        """The cleaned values as keyword arguments for the services."""
        data = dict(self.cleaned_data)
        data.pop("lock_version", None)
        return data


@dataclass(frozen=True)
class ScopeRow:
    agency: Agency
    depth: int
    checked: bool
    target: forms.BoundField
    has_children: bool


class ScopeForm(forms.Form):
    """Step 2: the agencies in scope (checkboxes in a tree) and a target for each."""

    lock_version = forms.IntegerField(widget=forms.HiddenInput)
    agencies = forms.TypedMultipleChoiceField(
        label=_("Cơ quan được khảo sát"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Cơ quan không thuộc danh sách được chọn.")},
    )

    def __init__(
        self,
        *args: Any,
        candidates: list[Agency],
        targets: dict[int, int | None],
        default_target: int,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        self.default_target = default_target
        self.fields["agencies"].choices = [(a.pk, a.name) for a in candidates]
        self.initial.setdefault("agencies", [a.pk for a in candidates if a.pk in targets])
        for agency in candidates:
            name = f"target_{agency.pk}"
            self.fields[name] = target_field(
                label=_("Số phiếu cần thu của %(name)s") % {"name": agency.name}, required=False
            )
            self.fields[name].widget.attrs.update(
                {
                    "placeholder": str(default_target),
                    "class": "form-control form-control-sm",
                    "aria-label": self.fields[name].label,
                    "aria-describedby": f"id_{name}-error",
                }
            )
            self.initial.setdefault(name, targets.get(agency.pk))

    def selected_ids(self) -> set[int]:
        value = self["agencies"].value() or []
        return {int(v) for v in value if str(v).isdigit()}

    def rows(self) -> Iterator[ScopeRow]:
        selected = self.selected_ids()
        paths = [a.path for a in self.candidates]
        top = min((a.depth for a in self.candidates), default=0)
        for index, agency in enumerate(self.candidates):
            # Candidates are ordered by path: descendants come right after their ancestor.
            following = paths[index + 1] if index + 1 < len(paths) else ""
            yield ScopeRow(
                agency=agency,
                depth=agency.depth - top,
                checked=agency.pk in selected,
                target=self[f"target_{agency.pk}"],
                has_children=following.startswith(agency.path),
            )

    def targets(self) -> dict[Agency, int | None]:
        """The chosen agencies with their targets (None: the campaign's default target)."""
        chosen = set(self.cleaned_data["agencies"])
        return {
            agency: self.cleaned_data.get(f"target_{agency.pk}")
            for agency in self.candidates
            if agency.pk in chosen
        }
