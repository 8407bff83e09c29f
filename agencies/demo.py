"""Demo data: Thành phố Huế (3-tier era), its departments, districts and communes, and logins.

Every step is idempotent: agencies are found by code and users by username, so a second run
changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from agencies import services
from agencies.models import AdminUnit, Agency, AgencyKind, Era, Membership, Role, Tier

PROVINCE_CODE = "46"  # Thành phố Huế (Thừa Thiên Huế until 2025)
DEMO_PASSWORD = "hailong2026"  # noqa: S105 - printed for the demo, never used in production

DEPARTMENTS = [
    ("so-noi-vu", "Sở Nội vụ", AgencyKind.HOME_AFFAIRS),
    ("so-tu-phap", "Sở Tư pháp", AgencyKind.DEPARTMENT),
    ("so-tai-chinh", "Sở Tài chính", AgencyKind.DEPARTMENT),
    ("so-xay-dung", "Sở Xây dựng", AgencyKind.DEPARTMENT),
    ("so-nong-nghiep-moi-truong", "Sở Nông nghiệp và Môi trường", AgencyKind.DEPARTMENT),
    ("so-y-te", "Sở Y tế", AgencyKind.DEPARTMENT),
    ("so-giao-duc-dao-tao", "Sở Giáo dục và Đào tạo", AgencyKind.DEPARTMENT),
    ("so-cong-thuong", "Sở Công Thương", AgencyKind.DEPARTMENT),
    ("so-van-hoa-the-thao", "Sở Văn hóa, Thể thao và Du lịch", AgencyKind.DEPARTMENT),
    ("so-khoa-hoc-cong-nghe", "Sở Khoa học và Công nghệ", AgencyKind.DEPARTMENT),
    ("cong-an-tinh", "Công an thành phố (lĩnh vực hành chính)", AgencyKind.DEPARTMENT),
]
# Districts with how many of their communes get an agency of their own in the demo.
DISTRICT_COMMUNES = {
    "474": 4,
    "475": 3,
    "476": 2,
    "477": 2,
    "478": 4,
    "479": 2,
    "480": 3,
    "481": 2,
    "482": 3,
}


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    agency_code: str
    full_name: str


LOGINS = [
    DemoLogin("admin", Role.ADMIN, "ubnd-tp-hue", "Quản trị hệ thống"),
    DemoLogin("sonoivu", Role.MANAGER, "so-noi-vu", "Nguyễn Thị Lan (Sở Nội vụ)"),
    DemoLogin("canbo.phuvang", Role.OFFICIAL, "ubnd-h-478", "Trần Văn Minh (UBND huyện Phú Vang)"),
    DemoLogin("canbo.huongtra", Role.OFFICIAL, "ubnd-h-480", "Lê Thị Hoa (UBND thị xã Hương Trà)"),
    DemoLogin(
        "dieutravien", Role.ENUMERATOR, "ubnd-h-478", "Phạm Văn Nam (Bưu điện, điều tra viên)"
    ),
    DemoLogin("giamsat", Role.SUPERVISOR, "mttq-tp-hue", "Hoàng Văn Bình (Ủy ban MTTQ)"),
    DemoLogin("xem", Role.VIEWER, "ubnd-h-478", "Đặng Thị Mai (lãnh đạo, chỉ xem)"),
]


def _unit(code: str) -> AdminUnit:
    return AdminUnit.objects.get(era=Era.THREE_TIER, code=code)


def _agency(code: str, name: str, kind: str, unit: AdminUnit, parent: Agency | None) -> Agency:
    found = Agency.objects.filter(code=code).first()
    if found is not None:
        return found
    return services.agency_create(code=code, name=name, kind=kind, unit=unit, parent=parent)


@transaction.atomic
def load_agencies() -> int:
    """The province's agency tree; returns how many agencies it has."""
    province = _unit(PROVINCE_CODE)
    root = _agency(
        "ubnd-tp-hue", "UBND thành phố Huế", AgencyKind.PEOPLES_COMMITTEE_PROVINCE, province, None
    )
    _agency(
        "mttq-tp-hue", "Ủy ban MTTQ Việt Nam thành phố Huế", AgencyKind.OVERSIGHT, province, root
    )
    _agency(
        "hoi-ccb-tp-hue", "Hội Cựu chiến binh thành phố Huế", AgencyKind.OVERSIGHT, province, root
    )
    _agency(
        "ttphvcc-tp-hue",
        "Trung tâm Phục vụ hành chính công thành phố Huế",
        AgencyKind.SERVICE_CENTRE,
        province,
        root,
    )
    for code, name, kind in DEPARTMENTS:
        _agency(code, name, kind, province, root)
    districts = AdminUnit.objects.filter(era=Era.THREE_TIER, tier=Tier.DISTRICT, province=province)
    for district in districts.order_by("code"):
        ubnd = _agency(
            f"ubnd-h-{district.code}",
            f"UBND {_lower_first(district.name)}",
            AgencyKind.PEOPLES_COMMITTEE_DISTRICT,
            district,
            root,
        )
        _agency(
            f"motcua-h-{district.code}",
            f"Bộ phận Một cửa {_lower_first(district.name)}",
            AgencyKind.ONE_STOP_DESK,
            district,
            ubnd,
        )
        communes = district.children.order_by("code")[: DISTRICT_COMMUNES.get(district.code, 2)]
        for commune in communes:
            _agency(
                f"ubnd-x-{commune.code}",
                f"UBND {_lower_first(commune.name)}",
                AgencyKind.PEOPLES_COMMITTEE_COMMUNE,
                commune,
                ubnd,
            )
    return Agency.objects.filter(path__startswith=root.path).count()


def _lower_first(name: str) -> str:
    """'Huyện Phú Vang' -> 'huyện Phú Vang', as Vietnamese writes it after "UBND"."""
    return name[:1].lower() + name[1:]


@transaction.atomic
def load_logins() -> list[DemoLogin]:
    User = get_user_model()
    for login in LOGINS:
        user, created = User.objects.get_or_create(username=login.username)
        if created:
            last, _, first = login.full_name.partition(" (")[0].rpartition(" ")
            user.first_name, user.last_name = first, last
            user.set_password(DEMO_PASSWORD)
            user.is_staff = user.is_superuser = login.role == Role.ADMIN
            user.save()
        Membership.objects.get_or_create(
            user=user,
            agency=Agency.objects.get(code=login.agency_code),
            defaults={"role": login.role},
        )
    return LOGINS
