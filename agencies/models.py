"""Administrative units of both eras, the agencies that serve citizens, and memberships (roles)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Era(models.TextChoices):
    """Which national list of units: campaigns up to 2024 use the 3-tier one."""

    THREE_TIER = "3tier", _("3 cấp (tỉnh – huyện – xã, đến 30/6/2025)")
    TWO_TIER = "2tier", _("2 cấp (tỉnh – xã, từ 01/7/2025)")


class Tier(models.IntegerChoices):
    PROVINCE = 1, _("Cấp tỉnh")
    DISTRICT = 2, _("Cấp huyện")
    COMMUNE = 3, _("Cấp xã")


class UnitKind(models.TextChoices):
    TINH = "tinh", _("Tỉnh")
    THANH_PHO_TW = "thanh_pho_tw", _("Thành phố trực thuộc trung ương")
    HUYEN = "huyen", _("Huyện")
    QUAN = "quan", _("Quận")
    THI_XA = "thi_xa", _("Thị xã")
    THANH_PHO = "thanh_pho", _("Thành phố thuộc tỉnh")
    XA = "xa", _("Xã")
    PHUONG = "phuong", _("Phường")
    THI_TRAN = "thi_tran", _("Thị trấn")
    DAC_KHU = "dac_khu", _("Đặc khu")


class AdminUnit(models.Model):
    """One unit of one era's official list, keyed by (era, code): codes were reused in 2025."""

    era = models.CharField(_("thời kỳ"), max_length=8, choices=Era.choices)
    code = models.CharField(
        _("mã"), max_length=5, help_text=_("Mã đơn vị hành chính của Cục Thống kê")
    )
    name = models.CharField(_("tên đầy đủ"), max_length=120)
    short_name = models.CharField(_("tên ngắn"), max_length=100)
    kind = models.CharField(_("loại"), max_length=16, choices=UnitKind.choices)
    tier = models.PositiveSmallIntegerField(_("cấp"), choices=Tier.choices)
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("cấp trên"),
    )
    # Ancestors stored on the row so that roll-ups by province or district need no recursive join.
    province = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("tỉnh")
    )
    district = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("huyện")
    )
    successors = models.ManyToManyField(
        "self",
        through="UnitSuccession",
        symmetrical=False,
        related_name="predecessors",
        verbose_name=_("đơn vị kế thừa"),
    )

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["era", "code"]
        constraints = [
            models.UniqueConstraint(fields=["era", "code"], name="adminunit_era_code_unique"),
        ]
        indexes = [models.Index(fields=["era", "tier", "province"])]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """The name with its province, for pickers: "Xã Phú Mậu (Thành phố Huế)"."""
        if self.tier == Tier.PROVINCE or self.province is None:
            return self.name
        return f"{self.name} – {self.province.short_name}"


class UnitSuccession(models.Model):
    """An old (3-tier) unit and a new (2-tier) unit that took over all or part of it."""

    old = models.ForeignKey(AdminUnit, models.CASCADE, related_name="successions_out")
    new = models.ForeignKey(AdminUnit, models.CASCADE, related_name="successions_in")
    # The old unit was split over several new ones: figures carried across are approximate.
    is_partial = models.BooleanField(_("chia tách một phần"), default=False)

    class Meta:
        verbose_name = _("sáp nhập đơn vị")
        verbose_name_plural = _("sáp nhập đơn vị")
        constraints = [
            models.UniqueConstraint(fields=["old", "new"], name="unitsuccession_old_new_unique"),
            models.CheckConstraint(
                condition=~Q(old=models.F("new")), name="unitsuccession_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.old} → {self.new}"


class AgencyKind(models.TextChoices):
    PEOPLES_COMMITTEE_PROVINCE = "ubnd_tinh", _("UBND cấp tỉnh")
    DEPARTMENT = "so", _("Sở, ban, ngành")
    HOME_AFFAIRS = "so_noi_vu", _("Sở Nội vụ")
    SERVICE_CENTRE = "trung_tam_phvcc", _("Trung tâm Phục vụ hành chính công")
    PEOPLES_COMMITTEE_DISTRICT = "ubnd_huyen", _("UBND cấp huyện")
    PEOPLES_COMMITTEE_COMMUNE = "ubnd_xa", _("UBND cấp xã")
    SERVICE_POINT = "diem_phvcc", _("Điểm/Chi nhánh Phục vụ hành chính công")
    ONE_STOP_DESK = "mot_cua", _("Bộ phận Một cửa")
    OVERSIGHT = "giam_sat", _("Tổ chức giám sát (MTTQ, Hội CCB)")
    OTHER = "khac", _("Khác")


class Agency(models.Model):
    """A body that serves citizens and is evaluated, or that runs or oversees the survey."""

    code = models.SlugField(_("mã cơ quan"), max_length=40, unique=True)
    name = models.CharField(_("tên cơ quan"), max_length=200)
    kind = models.CharField(_("loại cơ quan"), max_length=20, choices=AgencyKind.choices)
    unit = models.ForeignKey(
        AdminUnit, models.PROTECT, related_name="agencies", verbose_name=_("đơn vị hành chính")
    )
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("cơ quan cấp trên"),
    )
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    # Materialised ids from the root, "/3/17/52/": a subtree is one indexed prefix match.
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    # The unit's province, copied so that "the whole province" is one indexed equality.
    province = models.ForeignKey(
        AdminUnit, models.PROTECT, related_name="+", editable=False, null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")
        ordering = ["path"]
        indexes = [
            models.Index(
                fields=["path"], name="agency_path_like", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["province", "kind"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return max(self.path.count("/") - 2, 0)

    def is_within(self, other: Agency) -> bool:
        """True when self is `other` or lies under it in the agency tree."""
        return self.path.startswith(other.path)


class Role(models.TextChoices):
    ADMIN = "admin", _("Quản trị hệ thống")
    MANAGER = "manager", _("Quản lý (Sở Nội vụ)")
    OFFICIAL = "official", _("Cán bộ cơ quan")
    ENUMERATOR = "enumerator", _("Điều tra viên")
    SUPERVISOR = "supervisor", _("Giám sát (MTTQ, Hội CCB)")
    VIEWER = "viewer", _("Người xem")


class Membership(models.Model):
    """Ties a user to an agency with a role; the scope is that agency and everything under it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="memberships",
        verbose_name=_("người dùng"),
    )
    agency = models.ForeignKey(
        Agency, models.CASCADE, related_name="memberships", verbose_name=_("cơ quan")
    )
    role = models.CharField(_("vai trò"), max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency"], name="membership_user_agency_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.agency}"
