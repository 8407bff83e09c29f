"""The number filters of the results pages: the locale decides the decimal mark."""

from django.utils import translation

from reports.templatetags.indices import corr, interval, num2, pct, signed


class Fig:
    low, high = 78.123, 85.4


def test_it_uses_a_decimal_comma_in_vietnamese():
    with translation.override("vi"):
        assert pct(83.9412) == "83,94 %"
        assert interval(Fig()) == "78,12 – 85,40"
        assert signed(1.254) == "▲ +1,25" and signed(-0.5) == "▼ −0,50" and signed(0) == "= 0,00"
        assert num2(5) == "5,00" and corr(0.7071) == "0,71"


def test_it_uses_a_decimal_point_in_english():
    with translation.override("en"):
        assert pct(83.9412) == "83.94 %"
        assert signed(-2) == "▼ −2.00"


def test_it_says_no_data_rather_than_zero():
    with translation.override("vi"):
        assert pct(None) == "Không có dữ liệu"
        assert pct(0.0) == "0,00 %"
        assert interval(object()) == "—" and signed(None) == "—" and corr(None) == "—"


def test_it_rounds_half_up_rather_than_truncating():
    with translation.override("vi"):
        assert pct(83.9999) == "84,00 %"
        assert pct(83.945) == "83,95 %"
        assert pct(1e-05) == "0,00 %"
        assert signed(-0.004) == "= 0,00"
