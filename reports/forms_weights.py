"""The stratum weights of a campaign: whether to weigh, and one weight per agency of its scope."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from surveys.models import CampaignAgency


def weight_field_name(agency_id: int) -> str:
    return f"w_{agency_id}"


class WeightsForm(forms.Form):
    weighted = forms.BooleanField(
        label=_("Tính chỉ số có trọng số theo tầng (mỗi cơ quan là một tầng)"), required=False
    )

    def __init__(self, *args: Any, links: list[CampaignAgency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.links = links
        for link in links:
            # localize: a Vietnamese official types 1,5 for one and a half.
            self.fields[weight_field_name(link.agency_id)] = forms.FloatField(
                label=link.agency.name,
                required=False,
                min_value=0,
                max_value=1_000_000,
                localize=True,
                error_messages={
                    "invalid": _("Nhập một số, ví dụ 1,5."),
                    "min_value": _("Trọng số không được âm."),
                    "max_value": _("Trọng số quá lớn."),
                },
            )

    def rows(self) -> list[tuple[CampaignAgency, forms.BoundField]]:
        return [(link, self[weight_field_name(link.agency_id)]) for link in self.links]

    def weights(self) -> dict[int, float | None]:
        """Agency id → weight (None: empty, which counts as 1)."""
        return {
            link.agency_id: self.cleaned_data[weight_field_name(link.agency_id)]
            for link in self.links
        }
