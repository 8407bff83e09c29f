"""The national variant of the benchmark's world: every province of the 3-tier era, one campaign.

    python -m bench --national --size 1000000 --only recompute

Campaign "bench-vn" (national: no organiser), SIPAS 2017, over the agencies of all 63
provinces, each province shaped like the Huế world (bench/world.py) so that a national run is
"63 provinces like Huế" and its figures compare with the provincial ones:

    per province   UBND tỉnh, its Trung tâm Phục vụ hành chính công, 15 Sở    17 × 63  =  1,071
    per district   UBND huyện and its Bộ phận Một cửa                          2 × 696  =  1,392
    per commune    UBND xã                                                     1 × 10,051 = 10,051
                                                                                   about 12,500

The 15 departments are the common ones of Decree 24/2014 (as amended by Decree 107/2020) that
receive citizens' files; the Office and the Inspectorate, which do not, are left out. Every
commune is in: the commune's one-stop desk is where most citizens meet the administration, and
the per-agency cuts are what makes a national recompute heavy. With 1,000,000 answers that is
about 68 answers per commune and 200 per provincial agency (answers_copy weighs province-tier
agencies 3 to 1), close to the sample sizes a SIPAS round aims at.

The ~12,500 agencies are written in a few bulk statements (agencies_bulk) instead of
agency_create's two writes and lookups each; the rows are the same (bench/tests checks it).
Answers come from world.answers_copy, like the Huế world's.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import connection, transaction

from agencies.models import AdminUnit, Agency, AgencyKind, Era, Tier
from bench import world
from surveys.models import Campaign

CODE = "bench-vn"
PREFIX = "vn-"
DEPARTMENTS = [
    ("noi-vu", "Sở Nội vụ", AgencyKind.HOME_AFFAIRS),
    ("tu-phap", "Sở Tư pháp", AgencyKind.DEPARTMENT),
    ("khdt", "Sở Kế hoạch và Đầu tư", AgencyKind.DEPARTMENT),
    ("tai-chinh", "Sở Tài chính", AgencyKind.DEPARTMENT),
    ("cong-thuong", "Sở Công Thương", AgencyKind.DEPARTMENT),
    ("nnptnt", "Sở Nông nghiệp và Phát triển nông thôn", AgencyKind.DEPARTMENT),
    ("gtvt", "Sở Giao thông vận tải", AgencyKind.DEPARTMENT),
    ("xay-dung", "Sở Xây dựng", AgencyKind.DEPARTMENT),
    ("tnmt", "Sở Tài nguyên và Môi trường", AgencyKind.DEPARTMENT),
    ("tttt", "Sở Thông tin và Truyền thông", AgencyKind.DEPARTMENT),
    ("ldtbxh", "Sở Lao động – Thương binh và Xã hội", AgencyKind.DEPARTMENT),
    ("vhttdl", "Sở Văn hóa, Thể thao và Du lịch", AgencyKind.DEPARTMENT),
    ("khcn", "Sở Khoa học và Công nghệ", AgencyKind.DEPARTMENT),
    ("gddt", "Sở Giáo dục và Đào tạo", AgencyKind.DEPARTMENT),
    ("y-te", "Sở Y tế", AgencyKind.DEPARTMENT),
]

# (code, name, kind, unit, index of the parent among the earlier specs, or None for a root)
Spec = tuple[str, str, str, AdminUnit, int | None]


def build(*, size: int, keep: bool, code: str = CODE, seed: int = 20243) -> Campaign:
    """The national campaign `code` with `size` answers over every province (built once)."""
    return world.build(
        size=size,
        keep=keep,
        code=code,
        seed=seed,
        make_agencies=_agencies,
        name="Đợt đo hiệu năng toàn quốc",
        national=True,
    )


def specs() -> list[Spec]:
    """The national tree, parents before children (see the module's docstring)."""
    units = AdminUnit.objects.filter(era=Era.THREE_TIER)
    districts: dict[int, list[AdminUnit]] = defaultdict(list)
    for district in units.filter(tier=Tier.DISTRICT).order_by("code"):
        districts[district.province_id].append(district)
    communes: dict[int, list[AdminUnit]] = defaultdict(list)
    for commune in units.filter(tier=Tier.COMMUNE).order_by("code"):
        communes[commune.district_id].append(commune)
    out: list[Spec] = []
    for province in units.filter(tier=Tier.PROVINCE).order_by("code"):
        p = province.code
        root = len(out)
        out.append(
            (f"{PREFIX}{p}-ubnd", f"UBND {province.name}", AgencyKind.PEOPLES_COMMITTEE_PROVINCE,
             province, None)
        )  # fmt: skip
        out.append(
            (f"{PREFIX}{p}-ttpv", f"Trung tâm Phục vụ hành chính công {province.short_name}",
             AgencyKind.SERVICE_CENTRE, province, root)
        )  # fmt: skip
        for slug, name, kind in DEPARTMENTS:
            out.append(
                (f"{PREFIX}{p}-{slug}", f"{name} {province.short_name}", kind, province, root)
            )
        for district in districts[province.pk]:
            d = district.code
            ubnd = len(out)
            out.append(
                (f"{PREFIX}h-{d}", f"UBND {district.name}",
                 AgencyKind.PEOPLES_COMMITTEE_DISTRICT, district, root)
            )  # fmt: skip
            out.append(
                (f"{PREFIX}mc-{d}", f"Một cửa {district.name}", AgencyKind.ONE_STOP_DESK,
                 district, ubnd)
            )  # fmt: skip
            for commune in communes[district.pk]:
                out.append(
                    (f"{PREFIX}x-{commune.code}", f"UBND {commune.name}",
                     AgencyKind.PEOPLES_COMMITTEE_COMMUNE, commune, ubnd)
                )  # fmt: skip
    return out


def _agencies() -> list[Agency]:
    """The national agencies, made once (in one transaction: all of them or none)."""
    existing = list(
        Agency.objects.filter(code__startswith=PREFIX).select_related("unit").order_by("path")
    )
    if existing:
        return existing
    return agencies_bulk(specs())


@transaction.atomic
def agencies_bulk(rows: list[Spec]) -> list[Agency]:
    """Create agencies as agencies.services.agency_create does, in a handful of statements.

    agency_create saves each agency twice (the path ends with the id, known only after the
    INSERT) and looks up the unit's province: about five statements per agency, minutes for
    12,500. Here the ids are drawn from the table's sequence first, so each row is complete
    (path, province) when it is inserted. The units must be AdminUnit instances; their
    province_id is read from them, with no query.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [Agency._meta.db_table, len(rows)],
        )
        ids = [pk for (pk,) in cursor.fetchall()]
    out: list[Agency] = []
    for pk, (code, name, kind, unit, parent_at) in zip(ids, rows, strict=True):
        parent = out[parent_at] if parent_at is not None else None
        # agency_create's rules: a parent of the same era; the province copied from the unit.
        if parent is not None and parent.unit.era != unit.era:
            raise ValueError(f"{code}: parent {parent.code} is of another era")
        out.append(
            Agency(
                pk=pk, code=code, name=name, kind=kind, unit=unit, parent=parent, is_active=True,
                path=f"{parent.path if parent else '/'}{pk}/",
                province_id=unit.pk if unit.tier == Tier.PROVINCE else unit.province_id,
            )
        )  # fmt: skip
    Agency.objects.bulk_create(out, batch_size=5000)
    return out
