"""The report request form of the report centre: which campaign, which report, which format, and
the agency for a report about (or limited to) one agency."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.access import Access, Perm
from agencies.models import Agency
from reports.exporters import EXPORTERS
from reports.models import ReportJob
from reports.selectors import campaign_has_agency
from surveys.models import Campaign, CampaignAgency
from surveys.selectors.campaigns import campaign_visible_q


def can_export_whole(*, access: Access, campaign: Campaign) -> bool:
    """Whether the user may export a report over the whole campaign (its organiser's scope)."""
    if access.is_admin:
        return True
    return campaign.organiser_id is not None and access.can(Perm.EXPORT, campaign.organiser)


class ReportRequestForm(forms.Form):
    campaign = forms.ModelChoiceField(
        label=gettext_lazy("Đợt khảo sát"), queryset=Campaign.objects.none()
    )
    exporter = forms.ChoiceField(label=gettext_lazy("Báo cáo"))
    fmt = forms.ChoiceField(
        label=gettext_lazy("Định dạng"),
        choices=ReportJob.Format.choices,
        initial=ReportJob.Format.XLSX,
        widget=forms.RadioSelect,
    )
    agency = forms.ModelChoiceField(
        label=gettext_lazy("Cơ quan"),
        queryset=Agency.objects.none(),
        required=False,
        help_text=gettext_lazy(
            "Bắt buộc với báo cáo của một cơ quan. Với dữ liệu thô và tiến độ: để trống là toàn "
            "đợt, chọn một cơ quan là cơ quan đó và các cơ quan trực thuộc."
        ),
    )

    def __init__(self, *args: Any, access: Access, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.access = access
        self.fields["campaign"].queryset = (
            Campaign.objects.filter(campaign_visible_q(access))
            .select_related("organiser")
            .order_by("-year", "name")
        )
        self.fields["campaign"].label_from_instance = lambda c: f"{c.name} ({c.code})"
        self.fields["exporter"].choices = [
            (key, cls.verbose_name) for key, cls in EXPORTERS.items()
        ]
        in_some_campaign = Exists(CampaignAgency.objects.filter(agency=OuterRef("pk")))
        self.fields["agency"].queryset = (
            access.agencies(Perm.EXPORT).filter(in_some_campaign).order_by("path")
        )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("campaign", css_class="col-md-7"), Column("exporter", css_class="col-md-5")),
            Row(Column("agency", css_class="col-md-7"), Column("fmt", css_class="col-md-5")),
            Submit("submit", _("Tạo báo cáo")),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        campaign, key, agency = data.get("campaign"), data.get("exporter"), data.get("agency")
        if campaign is None or key not in EXPORTERS:
            return data
        cls = EXPORTERS[key]
        fmt = data.get("fmt")
        if fmt and fmt not in cls.formats:
            self.add_error("fmt", _("Báo cáo này chỉ có định dạng Excel (.xlsx)."))
        if cls.agency_param == "none":
            data["agency"] = agency = None
        elif cls.agency_param == "required" and agency is None:
            self.add_error("agency", _("Chọn cơ quan cho báo cáo này."))
            return data
        if agency is not None:
            if cls.agency_param == "required":
                in_campaign = campaign_has_agency(campaign, agency)
            else:  # the agency or one under it is surveyed
                in_campaign = CampaignAgency.objects.filter(
                    campaign=campaign, agency__path__startswith=agency.path
                ).exists()
            if not in_campaign:
                self.add_error("agency", _("Cơ quan này không thuộc phạm vi của đợt khảo sát."))
        elif not can_export_whole(access=self.access, campaign=campaign):
            self.add_error(
                "agency",
                _(
                    "Bạn chỉ được lập báo cáo cho các cơ quan trong phạm vi của mình: hãy chọn "
                    "một cơ quan."
                ),
            )
        return data
