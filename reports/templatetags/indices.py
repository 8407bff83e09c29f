"""Number formatting for the results pages: the active locale decides the decimal mark."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()
CENT = Decimal("0.01")


def _two(value: float) -> str:
    """Two decimals, rounded half up as people round (number_format truncates a float)."""
    return number_format(Decimal(str(value)).quantize(CENT, ROUND_HALF_UP), 2)


@register.filter
def pct(value: float | None) -> str:
    """83.9412 → "83,94 %" in Vietnamese, "83.94 %" in English; None → "Không có dữ liệu"."""
    if value is None or value == "":
        return _("Không có dữ liệu")
    return f"{_two(value)} %"


@register.filter
def num2(value: float | None) -> str:
    """Two decimals in the active locale, no unit ("" for None): for intervals and tables."""
    if value is None or value == "":
        return ""
    return _two(value)


@register.filter
def interval(figure) -> str:
    """The 95% interval of a figure (anything with `low` and `high`): "78,12 – 85,40"."""
    low, high = getattr(figure, "low", None), getattr(figure, "high", None)
    if low is None or high is None:
        return "—"
    return f"{_two(low)} – {_two(high)}"


@register.filter
def signed(value: float | None) -> str:
    """A change in percentage points with its sign and arrow: "▲ +1,25", "▼ −0,50", "= 0,00"."""
    if value is None or value == "":
        return "—"
    rounded = Decimal(str(value)).quantize(CENT, ROUND_HALF_UP)
    text = _two(abs(rounded))
    if rounded > 0:
        return f"▲ +{text}"
    if rounded < 0:
        return f"▼ −{text}"
    return f"= {text}"


@register.filter
def corr(value: float | None) -> str:
    """A correlation coefficient with two decimals: "0,71"; None → "—"."""
    if value is None or value == "":
        return "—"
    return _two(value)
