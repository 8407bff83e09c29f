"""Forms for agencies: validation and crispy layout only; the rules live in services."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import AdminUnit, Agency, AgencyKind, Tier

# Django 6.1's blank choice, "- Select an option -", has no Vietnamese translation yet.
EMPTY_CHOICE = _("– Chọn –")


class AgencyFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm kiếm"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Loại cơ quan"), required=False, choices=[("", _("Tất cả")), *AgencyKind.choices]
    )
    tier = forms.TypedChoiceField(
        label=_("Cấp"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Tất cả")), *Tier.choices],
    )
    active = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("", _("Tất cả")), ("1", _("Đang hoạt động")), ("0", _("Ngừng hoạt động"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_tag = True
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(
                Column("q", css_class="col-md-4"),
                Column("kind", css_class="col-md-3"),
                Column("tier", css_class="col-md-2"),
                Column("active", css_class="col-md-2"),
                Column(Submit("", _("Lọc"), css_class="mt-md-4"), css_class="col-md-1"),
            )
        )

    def active_value(self) -> bool | None:
        value = self.cleaned_data.get("active")
        return None if value in (None, "") else value == "1"


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: AdminUnit) -> str:
        if obj.tier == Tier.COMMUNE and obj.district_id:
            return f"{obj.name} ({obj.district.name})"
        if obj.tier == Tier.PROVINCE:
            return f"{obj.name} – {obj.get_era_display()}"
        return obj.name


class AgencyForm(forms.ModelForm):
    unit = UnitChoiceField(label=_("Đơn vị hành chính"), queryset=AdminUnit.objects.none())

    class Meta:
        model = Agency
        fields = ["code", "name", "kind", "unit", "parent"]
        help_texts = {
            "code": _("Chữ thường không dấu, số và gạch nối; dùng trong báo cáo và tệp nhập."),
        }

    def __init__(self, *args, units, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["parent"].queryset = parents
        self.fields["parent"].required = False
        self.fields["kind"].choices = [("", EMPTY_CHOICE), *AgencyKind.choices]
        self.fields["unit"].empty_label = EMPTY_CHOICE
        self.fields["parent"].empty_label = EMPTY_CHOICE
        self.helper = FormHelper()
        self.helper.form_tag = False  # the template owns the <form>: it adds the province
        self.helper.layout = Layout(
            Row(Column("code", css_class="col-md-4"), Column("name", css_class="col-md-8")),
            Row(Column("kind", css_class="col-md-4"), Column("unit", css_class="col-md-8")),
            "parent",
            Submit("save", _("Lưu")),
        )
