"""Officials' forms for the collection channels: validation and crispy layout only."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from surveys.services.collect import COUNTER_MAX, IDLE_MAX, IDLE_MIN, INVITATIONS_MAX

REQUIRED = _("Trường này là bắt buộc.")


class AgencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Agency) -> str:
        return f"{obj.name} – {obj.unit.name}"


def _agency_field(agencies: QuerySet[Agency]) -> AgencyChoiceField:
    return AgencyChoiceField(
        queryset=agencies,
        label=_("Cơ quan"),
        empty_label=_("— Chọn cơ quan —"),
        error_messages={
            "required": REQUIRED,
            "invalid_choice": _("Chọn một cơ quan trong danh sách."),
        },
    )


class KioskForm(forms.Form):
    counter = forms.CharField(
        label=_("Quầy"),
        max_length=COUNTER_MAX,
        required=False,
        help_text=_("Ví dụ: Quầy số 3 – Bộ phận Một cửa."),
    )
    idle_seconds = forms.IntegerField(
        label=_("Tự quay về màn hình đầu sau (giây)"),
        min_value=IDLE_MIN,
        max_value=IDLE_MAX,
        initial=90,
        help_text=_("Khi không ai chạm vào màn hình trong khoảng thời gian này."),
        error_messages={
            "required": REQUIRED,
            "invalid": _("Nhập một số nguyên."),
            "min_value": _("Tối thiểu %(limit_value)s giây."),
            "max_value": _("Tối đa %(limit_value)s giây."),
        },
    )

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {"agency": _agency_field(agencies), **self.fields}
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "agency",
            Row(
                Column("counter", css_class="col-md-7"),
                Column("idle_seconds", css_class="col-md-5"),
            ),
            Submit("", _("Đăng ký kiosk")),
        )


class InvitationForm(forms.Form):
    count = forms.IntegerField(
        label=_("Số thư mời"),
        required=False,
        min_value=1,
        max_value=INVITATIONS_MAX,
        help_text=_("Thư mời không ghi mã người trả lời."),
        error_messages={
            "invalid": _("Nhập một số nguyên."),
            "min_value": _("Tối thiểu %(limit_value)s."),
            "max_value": _("Mỗi lần tạo tối đa %(limit_value)s thư mời."),
        },
    )
    respondent_codes = forms.CharField(
        label=_("Hoặc: mã người trả lời, mỗi dòng một mã"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Ví dụ số hồ sơ. Mỗi mã nhận một thư mời riêng."),
    )

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {"agency": _agency_field(agencies), **self.fields}
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "agency", "count", "respondent_codes", Submit("", _("Tạo thư mời"))
        )

    def clean_respondent_codes(self) -> list[str]:
        return self.cleaned_data["respondent_codes"].splitlines()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        codes = [c for c in cleaned.get("respondent_codes") or [] if c.strip()]
        if not self.errors and not codes and not cleaned.get("count"):
            raise forms.ValidationError(_("Nhập số thư mời hoặc danh sách mã người trả lời."))
        if codes and cleaned.get("count"):
            raise forms.ValidationError(_("Hoặc nhập số thư mời, hoặc danh sách mã, không cả hai."))
        if len(codes) > INVITATIONS_MAX:
            self.add_error(
                "respondent_codes",
                _("Mỗi lần tạo tối đa %(n)d thư mời.") % {"n": INVITATIONS_MAX},
            )
        return cleaned
