"""The official unit lists of both eras, as loaded by agencies.units and `manage.py load_units`.

conftest's django_db_setup has already loaded the real lists once into the test database.
"""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from agencies import units
from agencies.models import AdminUnit, Era, Tier, UnitKind, UnitSuccession
from agencies.tests.factories import unit
from agencies.units import UnitRow, UnitSourceError, units_load

pytestmark = pytest.mark.django_db

THREE, TWO = Era.THREE_TIER, Era.TWO_TIER


def counts() -> dict[tuple[str, int], int]:
    rows = AdminUnit.objects.values_list("era", "tier").annotate(n=Count("id")).order_by()
    return {(era, tier): n for era, tier, n in rows}


def sizes() -> tuple[int, int]:
    return AdminUnit.objects.count(), UnitSuccession.objects.count()


def test_it_loads_63_provinces_696_districts_and_10051_communes_of_the_3_tier_era():
    c = counts()
    assert c[(THREE, Tier.PROVINCE)] == 63
    assert c[(THREE, Tier.DISTRICT)] == 696
    assert c[(THREE, Tier.COMMUNE)] == 10_051


def test_it_loads_34_provinces_and_3321_communes_of_the_2_tier_era():
    c = counts()
    assert c[(TWO, Tier.PROVINCE)] == 34
    assert c[(TWO, Tier.COMMUNE)] == 3_321
    assert (TWO, Tier.DISTRICT) not in c


def test_it_keeps_era_and_code_unique_while_codes_repeat_across_eras():
    duplicates = (
        AdminUnit.objects.values("era", "code").annotate(n=Count("id")).filter(n__gt=1).order_by()
    )
    assert not duplicates.exists()
    # Code 46 is Huế in both lists: the era tells the two rows apart.
    assert AdminUnit.objects.filter(code="46").count() == 2


def test_it_pads_codes_to_the_official_width():
    assert unit("01").name == "Thành phố Hà Nội"
    assert unit("478").name == "Huyện Phú Vang"
    assert unit("19903").name == "Xã Phú Thuận"
    assert {
        len(code)
        for code in AdminUnit.objects.filter(tier=Tier.COMMUNE).values_list("code", flat=True)
    } == {5}


def test_it_strips_the_kind_from_short_names():
    assert unit("46").short_name == "Huế"
    assert unit("01").short_name == "Hà Nội"
    assert unit("478").short_name == "Phú Vang"
    assert unit("480").short_name == "Hương Trà"
    assert unit("19903").short_name == "Phú Thuận"
    assert AdminUnit.objects.get(era=THREE, name="Tỉnh Quảng Nam").short_name == "Quảng Nam"


def test_it_strips_lower_case_prefixes_too():
    assert units.short_name("xã Bắc Sơn") == "Bắc Sơn"
    assert units.short_name("Thị xã Hương Trà") == "Hương Trà"
    assert units.short_name("Đặc khu Phú Quốc") == "Phú Quốc"
    assert units.short_name("Côn Đảo") == "Côn Đảo"


def test_it_sets_the_kind_from_the_division_type():
    assert unit("46").kind == UnitKind.THANH_PHO_TW
    assert unit("478").kind == UnitKind.HUYEN
    assert unit("480").kind == UnitKind.THI_XA
    assert unit("19903").kind == UnitKind.XA


def test_it_stores_the_ancestors_of_a_3_tier_commune():
    commune = unit("19903")
    assert commune.tier == Tier.COMMUNE
    assert commune.parent == unit("478")
    assert commune.district == unit("478")
    assert commune.province == unit("46")


def test_it_stores_the_province_of_a_3_tier_district():
    district = unit("478")
    assert district.parent == district.province == unit("46")
    assert district.district is None


def test_it_hangs_2_tier_communes_directly_under_their_province():
    ward = unit("19900", TWO)
    assert ward.name == "Phường Thuận An"
    assert ward.parent == ward.province == unit("46", TWO)
    assert ward.district is None


def test_it_gives_every_commune_its_province():
    assert not AdminUnit.objects.filter(tier=Tier.COMMUNE, province__isnull=True).exists()
    assert not AdminUnit.objects.filter(
        era=THREE, tier=Tier.COMMUNE, district__isnull=True
    ).exists()


def test_it_maps_an_old_ward_to_its_new_ward():
    succession = UnitSuccession.objects.get(old=unit("19903"))
    assert succession.new == unit("19900", TWO)
    assert not succession.is_partial


def test_it_maps_old_province_46_to_new_province_46():
    assert list(unit("46").successors.all()) == [unit("46", TWO)]
    assert not UnitSuccession.objects.get(old=unit("46")).is_partial


def test_it_maps_a_merged_province_to_the_new_one_it_joined():
    quang_nam = AdminUnit.objects.get(era=THREE, name="Tỉnh Quảng Nam")
    assert set(unit("48", TWO).predecessors.all()) == {quang_nam, unit("48")}


def test_it_flags_an_old_unit_split_over_several_new_ones_as_partial():
    cong_vi = unit("00007")  # Phường Cống Vị, Hà Nội: split between Giảng Võ and Ngọc Hà
    assert cong_vi.name == "Phường Cống Vị"
    successions = UnitSuccession.objects.filter(old=cong_vi)
    assert {s.new.code for s in successions} == {"00008", "00025"}
    assert all(s.is_partial for s in successions)


def test_it_links_only_old_units_to_new_ones():
    assert not UnitSuccession.objects.exclude(old__era=THREE).exists()
    assert not UnitSuccession.objects.exclude(new__era=TWO).exists()
    assert UnitSuccession.objects.filter(old__tier=Tier.PROVINCE).count() == 63


def test_it_creates_nothing_when_run_twice():
    before = sizes()
    for _ in range(2):
        out = StringIO()
        call_command("load_units", stdout=out)
        assert "Tạo mới 0," in out.getvalue()
        assert "cập nhật 0 đơn vị" in out.getvalue()
        assert "(mới tạo 0)" in out.getvalue()
    assert sizes() == before


def test_it_reports_the_counts_of_both_eras():
    out = StringIO()
    call_command("load_units", stdout=out)
    assert "3 cấp: 63 tỉnh / 696 huyện / 10,051 xã" in out.getvalue()
    assert "2 cấp: 34 tỉnh / 3,321 xã" in out.getvalue()


# --- Hand-made sources ---------------------------------------------------------------------------

GOOD = [
    UnitRow(THREE, Tier.PROVINCE, 99, "Tỉnh Thử Nghiệm", "tỉnh", None),
    UnitRow(THREE, Tier.DISTRICT, 999, "Huyện Thử", "huyện", 99),
    UnitRow(THREE, Tier.COMMUNE, 99999, "Xã Thử", "xã", 999),
    UnitRow(TWO, Tier.PROVINCE, 99, "Tỉnh Thử Nghiệm", "tỉnh", None),
    UnitRow(TWO, Tier.COMMUNE, 99998, "Xã Thử Mới", "xã", 99),
]


def test_it_loads_a_hand_made_source_with_its_ancestors_and_successions():
    result = units_load(GOOD, [(99999, 99998)])
    assert result.created == 5
    commune = AdminUnit.objects.get(era=THREE, code="99999")
    assert commune.short_name == "Thử"
    assert commune.district.code == "999"
    assert commune.province.code == "99"
    new = AdminUnit.objects.get(era=TWO, code="99998")
    assert list(commune.successors.all()) == [new]
    assert UnitSuccession.objects.filter(old=commune.province, new=new.province).exists()


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        (UnitRow(THREE, Tier.COMMUNE, 99997, "Xã Lạ", "làng", 999), "loại 'làng' không hợp lệ"),
        (UnitRow(THREE, Tier.COMMUNE, 99997, "Xã Mồ Côi", "xã", 998), "không tìm thấy đơn vị cấp"),
        (UnitRow(THREE, Tier.COMMUNE, 99999, "Xã Thử Lại", "xã", 999), "mã bị trùng"),
        (UnitRow(THREE, Tier.COMMUNE, 99997, "  ", "xã", 999), "thiếu tên"),
        (UnitRow(THREE, Tier.COMMUNE, 999999, "Xã Dài", "xã", 999), "mã không hợp lệ"),
        (UnitRow("4tier", Tier.COMMUNE, 99997, "Xã Tương Lai", "xã", 999), "thời kỳ"),
    ],
    ids=["unknown-type", "missing-parent", "duplicate-code", "empty-name", "long-code", "era"],
)
def test_it_refuses_a_malformed_row_naming_it_and_loads_nothing(bad, reason):
    before = sizes()
    rows = [*GOOD[:3], bad, *GOOD[3:]]
    with pytest.raises(UnitSourceError) as error:
        units_load(rows, [])
    assert "dòng 4 " in str(error.value)
    assert reason in str(error.value)
    assert sizes() == before
    assert not AdminUnit.objects.filter(
        code__in=["99", "999", "99999"], name__contains="Thử"
    ).exists()


def test_it_rolls_back_every_row_when_the_load_fails_after_writing(monkeypatch):
    def fail(pairs, ids):
        raise RuntimeError("successions failed")

    monkeypatch.setattr(units, "_load_successions", fail)
    before = sizes()
    with pytest.raises(RuntimeError):
        units_load(GOOD, [])
    assert sizes() == before
    assert not AdminUnit.objects.filter(name="Tỉnh Thử Nghiệm").exists()


def test_it_turns_a_source_error_into_a_command_error(monkeypatch):
    bad = UnitRow(THREE, Tier.DISTRICT, 999, "Huyện Không Tỉnh", "huyện", 98)
    monkeypatch.setattr(units, "source_rows", lambda: iter([GOOD[0], bad]))
    before = sizes()
    with pytest.raises(CommandError) as error:
        call_command("load_units", stdout=StringIO())
    assert "không nạp gì" in str(error.value)
    assert "dòng 2 " in str(error.value)
    assert sizes() == before
