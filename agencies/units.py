"""Loading the official unit lists of both eras from `vietnam-provinces` (GSO codes and names)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import transaction

from agencies.models import AdminUnit, Era, Tier, UnitKind, UnitSuccession

CODE_WIDTH = {Tier.PROVINCE: 2, Tier.DISTRICT: 3, Tier.COMMUNE: 5}

KIND_BY_TYPE = {
    (Tier.PROVINCE, "tỉnh"): UnitKind.TINH,
    (Tier.PROVINCE, "thành phố trung ương"): UnitKind.THANH_PHO_TW,
    (Tier.DISTRICT, "huyện"): UnitKind.HUYEN,
    (Tier.DISTRICT, "quận"): UnitKind.QUAN,
    (Tier.DISTRICT, "thị xã"): UnitKind.THI_XA,
    (Tier.DISTRICT, "thành phố"): UnitKind.THANH_PHO,
    (Tier.COMMUNE, "xã"): UnitKind.XA,
    (Tier.COMMUNE, "phường"): UnitKind.PHUONG,
    (Tier.COMMUNE, "thị trấn"): UnitKind.THI_TRAN,
    (Tier.COMMUNE, "đặc khu"): UnitKind.DAC_KHU,
}

# Longest first, so "Thành phố " wins over shorter prefixes; compared case-insensitively
# because the source has a few lower-case names ("xã Bắc Sơn").
_PREFIXES = sorted(
    (
        "Thành phố ",
        "Tỉnh ",
        "Đặc khu ",
        "Phường ",
        "Xã ",
        "Thị trấn ",
        "Thị xã ",
        "Quận ",
        "Huyện ",
    ),
    key=len,
    reverse=True,
)


class UnitSourceError(Exception):
    """A source row that cannot be loaded; the message names the row."""


@dataclass(frozen=True)
class UnitRow:
    era: str
    tier: int
    code: int
    name: str
    division_type: str
    parent_code: int | None


@dataclass(frozen=True)
class LoadResult:
    counts: dict[tuple[str, int], int]
    created: int
    updated: int
    successions_created: int
    successions_total: int


def short_name(name: str) -> str:
    lowered = name.lower()
    for prefix in _PREFIXES:
        if lowered.startswith(prefix.lower()):
            return name[len(prefix) :]
    return name


def _type(value: object) -> str:
    return str(getattr(value, "value", value))


def source_rows() -> Iterator[UnitRow]:
    """Both eras from the pinned package: 3-tier (list of 04/01/2025), then 2-tier (1/7/2025)."""
    from vietnam_provinces import Province, Ward
    from vietnam_provinces.legacy import District as OldDistrict
    from vietnam_provinces.legacy import Province as OldProvince
    from vietnam_provinces.legacy import Ward as OldWard

    three, two = Era.THREE_TIER, Era.TWO_TIER
    for p in OldProvince.iter_all():
        yield UnitRow(three, Tier.PROVINCE, int(p.code), p.name, _type(p.division_type), None)
    for d in OldDistrict.iter_all():
        yield UnitRow(
            three, Tier.DISTRICT, int(d.code), d.name, _type(d.division_type), int(d.province_code)
        )
    for w in OldWard.iter_all():
        yield UnitRow(
            three, Tier.COMMUNE, int(w.code), w.name, _type(w.division_type), int(w.district_code)
        )
    for p in Province.iter_all():
        yield UnitRow(two, Tier.PROVINCE, int(p.code), p.name, _type(p.division_type), None)
    for w in Ward.iter_all():
        yield UnitRow(
            two, Tier.COMMUNE, int(w.code), w.name, _type(w.division_type), int(w.province_code)
        )


def source_successions() -> Iterator[tuple[int, int]]:
    """(old commune code, new commune code) pairs from the package's conversion table."""
    from vietnam_provinces import Ward

    for ward in Ward.iter_all():
        for old in ward.get_legacy_sources():
            yield int(old.code), int(ward.code)


def _validate(index: int, row: UnitRow, known: set[tuple[str, int, int]]) -> None:
    where = f"dòng {index} ({row.era}, mã {row.code!r}, {row.name!r})"
    if row.era not in Era.values:
        raise UnitSourceError(f"{where}: thời kỳ không hợp lệ")
    if (
        not isinstance(row.code, int)
        or row.code <= 0
        or len(str(row.code)) > CODE_WIDTH[Tier(row.tier)]
    ):
        raise UnitSourceError(f"{where}: mã không hợp lệ")
    if not row.name or not row.name.strip():
        raise UnitSourceError(f"{where}: thiếu tên")
    if (row.tier, row.division_type) not in KIND_BY_TYPE:
        raise UnitSourceError(f"{where}: loại '{row.division_type}' không hợp lệ ở cấp {row.tier}")
    if row.tier != Tier.PROVINCE:
        parent_tier = (
            Tier.DISTRICT
            if (row.tier == Tier.COMMUNE and row.era == Era.THREE_TIER)
            else Tier.PROVINCE
        )
        if (row.era, parent_tier, row.parent_code) not in known:
            raise UnitSourceError(f"{where}: không tìm thấy đơn vị cấp trên mã {row.parent_code!r}")
    if (row.era, row.tier, row.code) in known:
        raise UnitSourceError(f"{where}: mã bị trùng")


def _code(tier: int, code: int) -> str:
    return str(code).zfill(CODE_WIDTH[Tier(tier)])


@transaction.atomic
def units_load(
    rows: Iterable[UnitRow] | None = None, successions: Iterable[tuple[int, int]] | None = None
) -> LoadResult:
    """Validate every row, then insert what is new and update what changed. Idempotent."""
    rows = list(source_rows() if rows is None else rows)
    known: set[tuple[str, int, int]] = set()
    for index, row in enumerate(rows, start=1):
        _validate(index, row, known)
        known.add((row.era, row.tier, row.code))

    existing = {
        (u["era"], u["code"]): u
        for u in AdminUnit.objects.values(
            "id",
            "era",
            "code",
            "name",
            "short_name",
            "kind",
            "tier",
            "parent_id",
            "province_id",
            "district_id",
        )
    }
    created = updated = 0
    ids: dict[tuple[str, int, int], int] = {}
    district_parent: dict[int, int] = {}
    for tier in (Tier.PROVINCE, Tier.DISTRICT, Tier.COMMUNE):
        to_create, to_update = [], []
        for row in rows:
            if row.tier != tier:
                continue
            parent_id = province_id = district_id = None
            if tier == Tier.DISTRICT:
                parent_id = province_id = ids[(row.era, Tier.PROVINCE, row.parent_code)]
            elif tier == Tier.COMMUNE and row.era == Era.THREE_TIER:
                parent_id = district_id = ids[(row.era, Tier.DISTRICT, row.parent_code)]
                province_id = district_parent[parent_id]
            elif tier == Tier.COMMUNE:
                parent_id = province_id = ids[(row.era, Tier.PROVINCE, row.parent_code)]
            values = {
                "era": row.era,
                "code": _code(tier, row.code),
                "name": row.name,
                "short_name": short_name(row.name),
                "kind": KIND_BY_TYPE[(tier, row.division_type)],
                "tier": tier,
                "parent_id": parent_id,
                "province_id": province_id,
                "district_id": district_id,
            }
            current = existing.get((row.era, values["code"]))
            if current is None:
                to_create.append(AdminUnit(**values))
            elif any(current[k] != v for k, v in values.items()):
                to_update.append(AdminUnit(id=current["id"], **values))
        AdminUnit.objects.bulk_create(to_create, batch_size=2000)
        AdminUnit.objects.bulk_update(
            to_update,
            ["name", "short_name", "kind", "parent_id", "province_id", "district_id"],
            batch_size=2000,
        )
        created += len(to_create)
        updated += len(to_update)
        for unit_id, era, code in AdminUnit.objects.filter(tier=tier).values_list(
            "id", "era", "code"
        ):
            ids[(era, tier, int(code))] = unit_id
        if tier == Tier.DISTRICT:
            district_parent = dict(
                AdminUnit.objects.filter(tier=Tier.DISTRICT).values_list("id", "parent_id")
            )

    succ_created, succ_total = _load_successions(
        source_successions() if successions is None else successions, ids
    )
    counts = Counter(AdminUnit.objects.values_list("era", "tier"))
    return LoadResult(dict(counts), created, updated, succ_created, succ_total)


def _load_successions(
    pairs: Iterable[tuple[int, int]], ids: dict[tuple[str, int, int], int]
) -> tuple[int, int]:
    """Commune pairs as given, plus the province pairs they imply; a split old unit is partial."""
    commune_pairs = set()
    for old_code, new_code in pairs:
        old_id = ids.get((Era.THREE_TIER, Tier.COMMUNE, old_code))
        new_id = ids.get((Era.TWO_TIER, Tier.COMMUNE, new_code))
        # The 3-tier list of 04/01/2025 lacks a few codes created later: they cannot be linked.
        if old_id and new_id:
            commune_pairs.add((old_id, new_id))
    province_of = dict(AdminUnit.objects.filter(tier=Tier.COMMUNE).values_list("id", "province_id"))
    province_pairs = {(province_of[o], province_of[n]) for o, n in commune_pairs}
    wanted: dict[tuple[int, int], bool] = {}
    for group in (commune_pairs, province_pairs):
        fan_out: dict[int, set[int]] = defaultdict(set)
        for old_id, new_id in group:
            fan_out[old_id].add(new_id)
        for old_id, new_id in group:
            wanted[(old_id, new_id)] = len(fan_out[old_id]) > 1

    existing = {
        (o, n): p
        for o, n, p in UnitSuccession.objects.values_list("old_id", "new_id", "is_partial")
    }
    to_create = [
        UnitSuccession(old_id=o, new_id=n, is_partial=p)
        for (o, n), p in wanted.items()
        if (o, n) not in existing
    ]
    UnitSuccession.objects.bulk_create(to_create, batch_size=5000)
    changed = [
        (o, n, p) for (o, n), p in wanted.items() if (o, n) in existing and existing[(o, n)] != p
    ]
    for o, n, p in changed:
        UnitSuccession.objects.filter(old_id=o, new_id=n).update(is_partial=p)
    return len(to_create), len(wanted)
