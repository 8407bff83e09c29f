"""Forms for the officials' questionnaire screens: validation and crispy layout only.

The rules (published is frozen, core is locked, codes are unique, options and levels fit the
scale) live in surveys.services.questionnaires; these forms parse what a person types.
"""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Fieldset, Layout, Row, Submit
from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from agencies.forms import EMPTY_CHOICE
from agencies.models import Agency
from surveys.models import Aspect, Element, Item, Questionnaire, Scale
from surveys.selectors.questionnaires import LOCAL, NATIONAL
from surveys.services.questionnaires import CODE_MESSAGE, CODE_RE

CODE_HELP = _("Chữ cái không dấu, chữ số, dấu chấm, gạch ngang; không trùng trong phiếu.")
CODE_VALIDATORS = [RegexValidator(CODE_RE, CODE_MESSAGE)]


def _helper(*layout: Any, submit: str | None = None) -> FormHelper:
    helper = FormHelper()
    helper.form_method = "post"
    # The server's Vietnamese messages, not the browser's, whatever its language.
    helper.attrs = {"novalidate": ""}
    helper.layout = Layout(*layout, Submit("save", submit or _("Lưu")))
    return helper


class QuestionnaireFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm kiếm"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("", _("Tất cả")), *Questionnaire.Status.choices],
    )
    origin = forms.ChoiceField(
        label=_("Nguồn"),
        required=False,
        choices=[("", _("Tất cả")), (NATIONAL, _("Mẫu quốc gia")), (LOCAL, _("Phiếu địa phương"))],
    )
    family = forms.ChoiceField(label=_("Họ phiếu"), required=False)

    def __init__(self, *args: Any, families: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["family"].choices = [("", _("Tất cả")), *((f, f) for f in families)]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(
                Column("q", css_class="col-md-4"),
                Column("status", css_class="col-md-2"),
                Column("origin", css_class="col-md-2"),
                Column("family", css_class="col-md-3"),
                Column(Submit("", _("Lọc"), css_class="mt-md-4"), css_class="col-md-1"),
            )
        )


class CloneForm(forms.Form):
    owner = forms.ModelChoiceField(
        label=_("Cơ quan sở hữu phiếu mới"),
        queryset=Agency.objects.none(),
        help_text=_("Cơ quan được quản lý, sửa và dùng phiếu này cho các đợt khảo sát."),
    )
    title = forms.CharField(label=_("Tên phiếu"), max_length=200)
    family = forms.SlugField(
        label=_("Họ phiếu (mã)"),
        max_length=40,
        required=False,
        help_text=_("Chữ thường không dấu, số và gạch nối. Để trống để tạo tự động."),
    )

    def __init__(self, *args: Any, owners, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["owner"].empty_label = None  # defaults to the first agency
        self.helper = _helper(
            "owner", "title", "family", submit=_("Sao chép thành phiếu địa phương")
        )


class QuestionnaireForm(forms.ModelForm):
    class Meta:
        model = Questionnaire
        fields = [
            "title",
            "title_en",
            "intro",
            "intro_en",
            "estimated_minutes",
            "element_rule",
            "overall_rule",
        ]
        widgets = {
            "intro": forms.Textarea(attrs={"rows": 4}),
            "intro_en": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            "title",
            "title_en",
            "intro",
            "intro_en",
            Row(
                Column("estimated_minutes", css_class="col-md-4"),
                Column("element_rule", css_class="col-md-4"),
                Column("overall_rule", css_class="col-md-4"),
            ),
        )


class ElementForm(forms.Form):
    code = forms.CharField(
        label=_("Mã phần"), max_length=20, help_text=CODE_HELP, validators=CODE_VALIDATORS
    )
    name = forms.CharField(label=_("Tên phần (tiếng Việt)"), max_length=200)
    name_en = forms.CharField(label=_("Tên phần (tiếng Anh)"), max_length=200, required=False)
    kind = forms.ChoiceField(
        label=_("Loại"),
        choices=Element.Kind.choices,
        initial=Element.Kind.INDEX,
        help_text=_("“Yếu tố đo lường”: các câu hỏi được tính chỉ số hài lòng."),
    )
    aspect = forms.ModelChoiceField(
        label=_("Khía cạnh"), queryset=Aspect.objects.none(), required=False
    )

    def __init__(self, *args: Any, aspects, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: list[Any] = [
            Row(Column("code", css_class="col-md-3"), Column("kind", css_class="col-md-9")),
            "name",
            "name_en",
        ]
        if aspects.exists():
            self.fields["aspect"].queryset = aspects
            self.fields["aspect"].empty_label = _("– Không thuộc khía cạnh nào –")
            fields.append("aspect")
        else:
            del self.fields["aspect"]
        self.helper = _helper(*fields)

    def cleaned(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.setdefault("aspect", None)
        return data

    @staticmethod
    def initial_for(element: Element) -> dict[str, Any]:
        return {
            "code": element.code,
            "name": element.name,
            "name_en": element.name_en,
            "kind": element.kind,
            "aspect": element.aspect_id,
        }


class ElementChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Element) -> str:
        return f"{obj.code}. {obj.name}"


class ItemForm(forms.Form):
    element = ElementChoiceField(label=_("Thuộc phần"), queryset=Element.objects.none())
    code = forms.CharField(
        label=_("Mã câu hỏi"), max_length=20, help_text=CODE_HELP, validators=CODE_VALIDATORS
    )
    role = forms.ChoiceField(label=_("Vai trò"), choices=Item.Role.choices)
    text = forms.CharField(
        label=_("Nội dung (tiếng Việt)"), widget=forms.Textarea(attrs={"rows": 3})
    )
    text_en = forms.CharField(
        label=_("Nội dung (tiếng Anh)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    scale = forms.ChoiceField(label=_("Thang đo"), choices=Scale.choices)
    options = forms.CharField(
        label=_("Phương án trả lời"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Chỉ với câu hỏi chọn một hoặc chọn nhiều: mỗi dòng một phương án, dạng “Nhãn tiếng "
            "Việt | English label”. Giá trị lưu là số thứ tự dòng (1, 2, …); tối đa 15 phương án "
            "với câu chọn nhiều, 40 với câu chọn một."
        ),
    )
    max_choices = forms.IntegerField(
        label=_("Số lựa chọn tối đa"),
        required=False,
        min_value=1,
        help_text=_("Chỉ với câu hỏi chọn nhiều. Để trống: không giới hạn."),
    )
    min_value = forms.IntegerField(label=_("Giá trị nhỏ nhất"), required=False)
    max_value = forms.IntegerField(label=_("Giá trị lớn nhất"), required=False)
    positive_levels = forms.CharField(
        label=_("Mức tính là tích cực"),
        required=False,
        max_length=60,
        help_text=_(
            "Các giá trị cách nhau bởi dấu phẩy, ví dụ “4, 5”. Để trống: mặc định của thang đo "
            "(hài lòng 5 mức: 4, 5; thang 4 mức: 3, 4; Có/Không: Có). Nhập “-” nếu không có "
            "mức nào."
        ),
    )
    required = forms.BooleanField(label=_("Bắt buộc trả lời"), required=False)
    in_short_variant = forms.BooleanField(
        label=_("Có trong phiếu rút gọn (kiosk)"), required=False, initial=True
    )

    def __init__(self, *args: Any, elements, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["element"].queryset = elements
        self.fields["element"].empty_label = EMPTY_CHOICE
        self.helper = _helper(
            Row(Column("element", css_class="col-md-8"), Column("code", css_class="col-md-4")),
            "text",
            "text_en",
            Row(Column("scale", css_class="col-md-6"), Column("role", css_class="col-md-6")),
            Fieldset(
                _("Phương án và giới hạn"),
                HTML(
                    '<p class="small text-body-secondary">'
                    + str(_("Chỉ điền phần phù hợp với thang đo đã chọn."))
                    + "</p>"
                ),
                "options",
                Row(
                    Column("max_choices", css_class="col-md-4"),
                    Column("min_value", css_class="col-md-4"),
                    Column("max_value", css_class="col-md-4"),
                ),
                "positive_levels",
            ),
            Row(
                Column("required", css_class="col-md-6"),
                Column("in_short_variant", css_class="col-md-6"),
            ),
        )

    def clean_options(self) -> list[dict]:
        options = []
        lines = [line.strip() for line in self.cleaned_data["options"].splitlines()]
        for number, line in enumerate(filter(None, lines), start=1):
            label, _sep, label_en = line.partition("|")
            if not label.strip():
                raise forms.ValidationError(
                    _("Dòng %(n)d thiếu nhãn tiếng Việt (trước dấu “|”).") % {"n": number}
                )
            options.append({"value": number, "label": label.strip(), "label_en": label_en.strip()})
        return options

    def clean_positive_levels(self) -> list[int] | None:
        raw = self.cleaned_data["positive_levels"].strip()
        if not raw:
            return None
        if raw == "-":
            return []
        levels = []
        for part in raw.replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit():
                raise forms.ValidationError(
                    _("“%(part)s” không phải một số. Nhập các số cách nhau bởi dấu phẩy.")
                    % {"part": part}
                )
            levels.append(int(part))
        return levels

    @staticmethod
    def initial_for(item: Item) -> dict[str, Any]:
        options = "\n".join(
            f"{o['label']} | {o['label_en']}" if o.get("label_en") else o["label"]
            for o in item.options
        )
        return {
            "element": item.element_id,
            "code": item.code,
            "role": item.role,
            "text": item.text,
            "text_en": item.text_en,
            "scale": item.scale,
            "options": options,
            "max_choices": item.max_choices,
            "min_value": item.min_value,
            "max_value": item.max_value,
            "positive_levels": ", ".join(str(v) for v in item.positive_levels) or "-",
            "required": item.required,
            "in_short_variant": item.in_short_variant,
        }
