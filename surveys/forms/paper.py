"""The paper-import upload form: validation and crispy layout only; the import is a service."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from surveys.services.paper import EXTENSIONS


class PaperImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp phiếu (.xlsx hoặc .csv)"),
        error_messages={
            "required": gettext_lazy("Chọn tệp cần nhập."),
            "empty": gettext_lazy("Tệp rỗng."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(EXTENSIONS)}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "Tệp mẫu đã điền, tối đa %(limit)s. Nếu có dòng sai, cả tệp bị từ chối và "
            "không phiếu nào được nhập."
        ) % {"limit": filesizeformat(settings.IMPORT_MAX_BYTES)}
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout("file", Submit("", _("Nhập phiếu")))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(EXTENSIONS):
            raise forms.ValidationError(_("Chỉ nhận tệp .xlsx hoặc .csv."), code="extension")
        limit = settings.IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("Tệp lớn quá giới hạn %(limit)s, không được nhập.")
                % {"limit": filesizeformat(limit)},
                code="too_large",
            )
        return upload
