"""Questionnaires (versioned data), campaigns, and responses stored for fast aggregation.

Storage of answers: every scored or coded answer of a response lives in one `smallint[]`
column, `Response.scores`, at the position its item was given when the questionnaire was built
(`Item.position`, 1-based as in PostgreSQL arrays). A blank is NULL. A multiple-choice answer is a
bit mask (option value v sets bit v-1). So a campaign's per-item counts, for any cut, come from
one scan of `surveys_response` with one `scores[k]` expression per item, and no join to an answer
table of thirty rows per response. Free text is kept apart, in `ResponseText`.

PostgreSQL also keeps a plain column per slot, `s1` … `s128` (stored generated columns, always
equal to `scores[k]`; migration 0004), which the index engine reads: an array subscript costs
about three times a plain column. The ORM never sees them; `answer_column` names the one to read.

Each answer also carries its tallies (migration 0006): for a published version whose counted
fields are set (`Questionnaire.tally_names`, set by the index engine), the 0/1 counts the engine
sums for that answer (answered item 3? at a positive level? chose option 2?), packed three to a
bigint in the plain columns `t1` … `t48`. A trigger writes them from `scores` on every insert
and on every change of `scores`, whatever the path (form, kiosk, paper import, COPY). Summing
them is a third cheaper than testing every answer again in each scan.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import AdminUnit, Agency, Era

# Slots with a plain generated column (migration 0004); later slots are read from the array.
ANSWER_COLUMNS = 128
# Bigint columns of tallies on each response (migration 0006), three fields of TALLY_FIELD_BITS
# bits each: a sum of a field over at most 2**TALLY_FIELD_BITS - 1 answers fits in it.
TALLY_COLUMNS = 48
TALLY_FIELD_BITS = 21
TALLY_FIELDS_PER_COLUMN = 3


def tally_column(index: int) -> str:
    """SQL name of the tally column holding counted field `index` (0-based)."""
    return f"t{index // TALLY_FIELDS_PER_COLUMN + 1}"


class TallyKind:
    """How a counted field reads one answer (the trigger of migration 0006 does the same)."""

    EVERY = 0  # 1 for every response: how many responses carry their tallies
    ANSWERED = 1  # 1 when the slot is not blank
    LEVEL = 2  # 1 when the slot's value v (0 to 62) has bit v of the mask set
    OPTION = 3  # 1 when the slot's bit mask (a multiple choice) shares a bit with the mask


def answer_column(position: int) -> str:
    """SQL for the answer in slot `position` of a response (1-based, as Item.position)."""
    position = int(position)
    if 1 <= position <= ANSWER_COLUMNS:
        return f"s{position}"
    return f"scores[{position}]"


# --- Scales ---------------------------------------------------------------------------------------


class Scale(models.TextChoices):
    SAT5 = "sat5", _("Mức độ hài lòng (5 mức)")
    INTEREST4 = "interest4", _("Mức độ quan tâm (4 mức)")
    SUIT4 = "suit4", _("Mức độ phù hợp (4 mức)")
    DESIRE4 = "desire4", _("Mức độ mong muốn (4 mức)")
    YESNO = "yesno", _("Có / Không")
    SINGLE = "single", _("Chọn một")
    MULTI = "multi", _("Chọn nhiều")
    NUMBER = "number", _("Số")
    TEXT = "text", _("Văn bản tự do")


# Labels of the fixed scales: (value, Vietnamese, English). Values are what `scores` stores.
SCALE_LEVELS: dict[str, list[tuple[int, str, str]]] = {
    Scale.SAT5: [
        (1, "Rất không hài lòng", "Very dissatisfied"),
        (2, "Không hài lòng", "Dissatisfied"),
        (3, "Bình thường", "Neutral"),
        (4, "Hài lòng", "Satisfied"),
        (5, "Rất hài lòng", "Very satisfied"),
    ],
    Scale.INTEREST4: [
        (1, "Không quan tâm", "Not interested"),
        (2, "Khá quan tâm", "Somewhat interested"),
        (3, "Quan tâm", "Interested"),
        (4, "Rất quan tâm", "Very interested"),
    ],
    Scale.SUIT4: [
        (1, "Không phù hợp", "Not suitable"),
        (2, "Khá phù hợp", "Somewhat suitable"),
        (3, "Phù hợp", "Suitable"),
        (4, "Rất phù hợp", "Very suitable"),
    ],
    Scale.DESIRE4: [
        (1, "Không mong muốn", "Not wanted"),
        (2, "Khá mong muốn", "Somewhat wanted"),
        (3, "Mong muốn", "Wanted"),
        (4, "Rất mong muốn", "Strongly wanted"),
    ],
    Scale.YESNO: [(1, "Có", "Yes"), (2, "Không", "No")],
}
DEFAULT_POSITIVE: dict[str, list[int]] = {
    Scale.SAT5: [4, 5],
    Scale.INTEREST4: [3, 4],
    Scale.SUIT4: [3, 4],
    Scale.DESIRE4: [3, 4],
    Scale.YESNO: [1],
}
MAX_MULTI_OPTIONS = 15  # a bit mask in a smallint
SMALLINT_MAX = 32767


# --- Questionnaires -------------------------------------------------------------------------------


class Questionnaire(models.Model):
    """One version of a questionnaire. A published version never changes again."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Bản nháp")
        PUBLISHED = "published", _("Đã ban hành")

    class ElementRule(models.TextChoices):
        MEAN_OF_ITEMS = "mean", _("Trung bình các tiêu chí")
        GENERAL_ITEM = "general", _("Câu hỏi hài lòng chung của yếu tố")

    class OverallRule(models.TextChoices):
        MEAN_OF_ELEMENTS = "elements", _("Trung bình các yếu tố")
        MEAN_OF_ASPECTS = "aspects", _("Trung bình các khía cạnh")
        OVERALL_ITEM = "item", _("Câu hỏi hài lòng chung")

    family = models.SlugField(_("họ phiếu"), max_length=40)
    version = models.PositiveSmallIntegerField(_("phiên bản"), default=1)
    title = models.CharField(_("tên phiếu"), max_length=200)
    title_en = models.CharField(_("tên phiếu (tiếng Anh)"), max_length=200, blank=True)
    intro = models.TextField(_("lời giới thiệu"), blank=True)
    intro_en = models.TextField(_("lời giới thiệu (tiếng Anh)"), blank=True)
    estimated_minutes = models.PositiveSmallIntegerField(_("thời gian trả lời (phút)"), default=10)
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    is_national = models.BooleanField(_("mẫu quốc gia"), default=False)
    based_on = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="derived",
        verbose_name=_("dựa trên"),
    )
    owner = models.ForeignKey(
        Agency,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="questionnaires",
        verbose_name=_("cơ quan sở hữu"),
        help_text=_("Để trống với mẫu quốc gia."),
    )
    element_rule = models.CharField(
        _("cách tính chỉ số yếu tố"),
        max_length=10,
        choices=ElementRule.choices,
        default=ElementRule.MEAN_OF_ITEMS,
    )
    overall_rule = models.CharField(
        _("cách tính chỉ số chung"),
        max_length=10,
        choices=OverallRule.choices,
        default=OverallRule.MEAN_OF_ELEMENTS,
    )
    published_at = models.DateTimeField(_("ngày ban hành"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The counted fields of each answer's tallies (see the module's docstring), set once on a
    # published version by the index engine (reports.indices.tallies_prepare), never changed
    # after: field i is named tally_names[i] and reads slot tally_slots[i] (0: none) as
    # tally_kinds[i] (TallyKind) says, with tally_masks[i]. Empty: answers carry no tallies.
    tally_names = ArrayField(models.CharField(max_length=80), default=list, editable=False)
    tally_slots = ArrayField(models.SmallIntegerField(), default=list, editable=False)
    tally_kinds = ArrayField(models.SmallIntegerField(), default=list, editable=False)
    tally_masks = ArrayField(models.BigIntegerField(), default=list, editable=False)

    class Meta:
        verbose_name = _("phiếu khảo sát")
        verbose_name_plural = _("phiếu khảo sát")
        ordering = ["family", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["family", "version"], name="questionnaire_family_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def next_position(self) -> int:
        """The next free slot in Response.scores; slots are never reused within a version."""
        top = self.items.aggregate(top=models.Max("position"))["top"]
        return (top or 0) + 1


class Aspect(models.Model):
    """A group of elements (khía cạnh), e.g. policy and service in SIPAS 2023."""

    questionnaire = models.ForeignKey(Questionnaire, models.CASCADE, related_name="aspects")
    code = models.CharField(_("mã"), max_length=20)
    name = models.CharField(_("tên"), max_length=200)
    name_en = models.CharField(_("tên (tiếng Anh)"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    is_core = models.BooleanField(_("thuộc phần lõi quốc gia"), default=False)

    class Meta:
        verbose_name = _("khía cạnh")
        verbose_name_plural = _("khía cạnh")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="aspect_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class Element(models.Model):
    """A section of the questionnaire. Index elements (yếu tố) count in the indices."""

    class Kind(models.TextChoices):
        INDEX = "index", _("Yếu tố đo lường")
        PERCEPTION = "perception", _("Nhận định, đánh giá")
        EXPECTATION = "expectation", _("Nhu cầu, mong đợi")
        PROFILE = "profile", _("Thông tin người trả lời")
        OTHER = "other", _("Khác")

    questionnaire = models.ForeignKey(Questionnaire, models.CASCADE, related_name="elements")
    aspect = models.ForeignKey(
        Aspect,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="elements",
        verbose_name=_("khía cạnh"),
    )
    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices, default=Kind.INDEX)
    code = models.CharField(_("mã"), max_length=20)
    name = models.CharField(_("tên"), max_length=200)
    name_en = models.CharField(_("tên (tiếng Anh)"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    is_core = models.BooleanField(_("thuộc phần lõi quốc gia"), default=False)

    class Meta:
        verbose_name = _("yếu tố / phần")
        verbose_name_plural = _("yếu tố / phần")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="element_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class Item(models.Model):
    """One question. `code` is stable across versions; `position` is its slot in Response.scores."""

    class Role(models.TextChoices):
        CRITERION = "criterion", _("Tiêu chí")
        GENERAL = "general", _("Hài lòng chung của yếu tố")
        OVERALL = "overall", _("Hài lòng chung")
        PERCEPTION = "perception", _("Nhận định")
        EXPECTATION = "expectation", _("Mong đợi")
        PROFILE = "profile", _("Thông tin người trả lời")
        PROCEDURE = "procedure", _("Lĩnh vực thủ tục")
        COMMENT = "comment", _("Ý kiến khác")
        OTHER = "other", _("Khác")

    questionnaire = models.ForeignKey(Questionnaire, models.CASCADE, related_name="items")
    element = models.ForeignKey(
        Element, models.CASCADE, related_name="items", verbose_name=_("yếu tố / phần")
    )
    code = models.CharField(_("mã câu hỏi"), max_length=20)
    role = models.CharField(
        _("vai trò"), max_length=12, choices=Role.choices, default=Role.CRITERION
    )
    text = models.TextField(_("nội dung"))
    text_en = models.TextField(_("nội dung (tiếng Anh)"), blank=True)
    scale = models.CharField(_("thang đo"), max_length=10, choices=Scale.choices)
    # For single and multiple choice: [{"value": 1, "label": "...", "label_en": "..."}, ...]
    options = models.JSONField(_("phương án"), default=list, blank=True)
    positive_levels = ArrayField(
        models.SmallIntegerField(), verbose_name=_("mức tính là tích cực"), default=list, blank=True
    )
    max_choices = models.PositiveSmallIntegerField(_("số lựa chọn tối đa"), null=True, blank=True)
    min_value = models.IntegerField(_("giá trị nhỏ nhất"), null=True, blank=True)
    max_value = models.IntegerField(_("giá trị lớn nhất"), null=True, blank=True)
    required = models.BooleanField(_("bắt buộc"), default=False)
    is_core = models.BooleanField(_("thuộc phần lõi quốc gia"), default=False)
    in_short_variant = models.BooleanField(_("có trong phiếu rút gọn (kiosk)"), default=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    position = models.PositiveSmallIntegerField(
        _("vị trí lưu"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("câu hỏi")
        verbose_name_plural = _("câu hỏi")
        ordering = ["element__order", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="item_code_unique"),
            models.UniqueConstraint(
                fields=["questionnaire", "position"], name="item_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:60]}"

    @property
    def is_general(self) -> bool:
        return self.role == self.Role.GENERAL

    @property
    def stores_text(self) -> bool:
        return self.scale == Scale.TEXT

    def levels(self) -> list[tuple[int, str, str]]:
        """The allowed values with their Vietnamese and English labels."""
        if self.scale in SCALE_LEVELS:
            return SCALE_LEVELS[self.scale]
        if self.scale in (Scale.SINGLE, Scale.MULTI):
            return [
                (int(o["value"]), o["label"], o.get("label_en") or o["label"]) for o in self.options
            ]
        return []

    def accepts(self, value: int) -> bool:
        """Whether `value` is a valid stored value for this item (bit mask for MULTI)."""
        if self.scale == Scale.NUMBER:
            low = self.min_value if self.min_value is not None else 0
            high = self.max_value if self.max_value is not None else SMALLINT_MAX
            return low <= value <= high
        allowed = {v for v, _vi, _en in self.levels()}
        if self.scale == Scale.MULTI:
            chosen = [v for v in allowed if value & (1 << (v - 1))]
            full = sum(1 << (v - 1) for v in chosen)
            return value > 0 and full == value and len(chosen) <= (self.max_choices or len(allowed))
        return value in allowed


# --- Campaigns ------------------------------------------------------------------------------------


class Channel(models.TextChoices):
    ONLINE = "online", _("Trực tuyến (đường dẫn, mã QR)")
    KIOSK = "kiosk", _("Kiosk tại quầy")
    PAPER = "paper", _("Phiếu giấy")
    PHONE = "phone", _("Điện thoại")


class Campaign(models.Model):
    """A survey round: which questionnaire, which agencies, which channels, when, how many."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Nháp")
        OPEN = "open", _("Đang khảo sát")
        CLOSED = "closed", _("Đã kết thúc")
        PUBLISHED = "published", _("Đã công bố")
        ARCHIVED = "archived", _("Lưu trữ")

    code = models.SlugField(
        _("mã đợt"),
        max_length=50,
        unique=True,
        help_text=_("Dùng trong đường dẫn công khai, ví dụ sipas-hue-2025."),
    )
    name = models.CharField(_("tên đợt khảo sát"), max_length=200)
    year = models.PositiveSmallIntegerField(_("năm"))
    organiser = models.ForeignKey(
        Agency,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="organised_campaigns",
        verbose_name=_("cơ quan tổ chức"),
        help_text=_("Để trống với đợt khảo sát quốc gia."),
    )
    questionnaire = models.ForeignKey(
        Questionnaire, models.PROTECT, related_name="campaigns", verbose_name=_("phiếu khảo sát")
    )
    era = models.CharField(
        _("danh mục đơn vị hành chính"), max_length=8, choices=Era.choices, default=Era.TWO_TIER
    )
    channels = ArrayField(
        models.CharField(max_length=8, choices=Channel.choices),
        verbose_name=_("kênh thu thập"),
        default=list,
    )
    opens_on = models.DateField(_("ngày bắt đầu"))
    closes_on = models.DateField(_("ngày kết thúc"))
    default_target = models.PositiveIntegerField(_("số phiếu cần thu mỗi cơ quan"), default=100)
    # Off by default: SIPAS publishes unweighted indices. When on, each agency of the scope is a
    # stratum and the indices are weighted by CampaignAgency.weight.
    weighted = models.BooleanField(
        _("tính chỉ số có trọng số theo tầng"),
        default=False,
        help_text=_("Mỗi cơ quan được khảo sát là một tầng, với trọng số nhập cho cơ quan đó."),
    )
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    # Optimistic locking: a save that started from an older lock_version is refused.
    lock_version = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("đợt khảo sát")
        verbose_name_plural = _("đợt khảo sát")
        ordering = ["-year", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="campaign_dates_ordered"
            ),
        ]
        indexes = [models.Index(fields=["organiser", "status", "year"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_national(self) -> bool:
        return self.organiser_id is None

    def accepts_answers(self, today=None) -> bool:
        """Open, and today (in Asia/Ho_Chi_Minh) within the dates."""
        today = today or timezone.localdate()
        return self.status == self.Status.OPEN and self.opens_on <= today <= self.closes_on


class CampaignAgency(models.Model):
    """An agency in a campaign's scope, with its target number of answers."""

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="scope")
    agency = models.ForeignKey(Agency, models.PROTECT, related_name="campaign_scopes")
    target = models.PositiveIntegerField(_("số phiếu cần thu"), null=True, blank=True)
    # The agency's stratum weight, used only when the campaign is weighted (empty: 1).
    weight = models.FloatField(
        _("trọng số"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Chỉ dùng khi đợt khảo sát bật trọng số theo tầng; để trống là 1."),
    )

    class Meta:
        verbose_name = _("cơ quan được khảo sát")
        verbose_name_plural = _("cơ quan được khảo sát")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "agency"], name="campaignagency_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} – {self.agency}"


class CampaignTransition(models.Model):
    """Who moved a campaign from one status to another, and when."""

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=12, choices=Campaign.Status.choices)
    to_status = models.CharField(max_length=12, choices=Campaign.Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("chuyển trạng thái")
        verbose_name_plural = _("chuyển trạng thái")
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.campaign}: {self.from_status} → {self.to_status}"


# --- Collection -----------------------------------------------------------------------------------


class Kiosk(models.Model):
    """A device at a service counter, registered by an official to an agency."""

    key = models.SlugField(_("mã kiosk"), max_length=40, unique=True)
    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="kiosks")
    agency = models.ForeignKey(Agency, models.PROTECT, related_name="kiosks")
    counter = models.CharField(_("quầy"), max_length=100, blank=True)
    idle_seconds = models.PositiveSmallIntegerField(_("tự quay về đầu sau (giây)"), default=90)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("kiosk")
        verbose_name_plural = _("kiosk")

    def __str__(self) -> str:
        return f"{self.agency} – {self.counter or self.key}"


class Invitation(models.Model):
    """A personal, single-use link: agency and respondent bound in advance."""

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="invitations")
    agency = models.ForeignKey(Agency, models.PROTECT, related_name="invitations")
    token = models.CharField(max_length=43, unique=True)
    respondent_code = models.CharField(_("mã người trả lời"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("thư mời")
        verbose_name_plural = _("thư mời")

    def __str__(self) -> str:
        return f"{self.campaign} – {self.respondent_code or self.pk}"


class Response(models.Model):
    """One respondent's answers, with the dimensions every index cut groups by."""

    class Status(models.TextChoices):
        VALID = "valid", _("Hợp lệ")
        REJECTED = "rejected", _("Bị loại")
        REVERIFY = "reverify", _("Đang phúc tra")

    campaign = models.ForeignKey(Campaign, models.PROTECT, related_name="responses")
    questionnaire = models.ForeignKey(Questionnaire, models.PROTECT, related_name="responses")
    agency = models.ForeignKey(Agency, models.PROTECT, related_name="responses")
    agency_kind = models.CharField(max_length=20)
    # The agency's unit and its ancestors at each tier, so roll-ups need no recursive join.
    unit = models.ForeignKey(AdminUnit, models.PROTECT, related_name="+")
    province = models.ForeignKey(AdminUnit, models.PROTECT, related_name="+")
    district = models.ForeignKey(AdminUnit, models.PROTECT, null=True, blank=True, related_name="+")
    commune = models.ForeignKey(AdminUnit, models.PROTECT, null=True, blank=True, related_name="+")
    channel = models.CharField(_("kênh"), max_length=8, choices=Channel.choices)
    kiosk = models.ForeignKey(
        Kiosk, models.PROTECT, null=True, blank=True, related_name="responses"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Single use under concurrency: the database refuses a second response for one invitation.
    invitation = models.OneToOneField(
        Invitation, models.PROTECT, null=True, blank=True, related_name="response"
    )
    respondent_code = models.CharField(_("mã phiếu"), max_length=40, blank=True)
    # One per rendered form: a refresh, back button or double click posts the same key.
    submission_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client_hash = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.VALID
    )
    scores = ArrayField(models.SmallIntegerField(null=True), verbose_name=_("điểm"), default=list)
    language = models.CharField(max_length=5, default="vi")
    started_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(_("thời điểm gửi"), default=timezone.now)
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("phiếu trả lời")
        verbose_name_plural = _("phiếu trả lời")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "respondent_code"],
                condition=~Q(respondent_code=""),
                name="response_respondent_code_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "status", "agency"]),
            # The newest answer of a campaign, and those after an index run's watermark.
            models.Index(fields=["campaign", "id"], name="response_campaign_id"),
            models.Index(fields=["campaign", "submitted_at"]),
            models.Index(fields=["campaign", "client_hash", "submitted_at"]),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.campaign.code}"


class ResponseCount(models.Model):
    """How many answers a campaign has, kept by the database: statement triggers on
    surveys_response add the rows each INSERT or COPY writes and take away those each DELETE
    removes (migration surveys/0005). The index refresh reads a campaign's count from a few rows
    instead of counting a million (40 to 90 ms). One row per campaign and shard, the shard
    the backend's pid modulo 16, so that concurrent submissions rarely wait on the same row.
    Nothing in Python writes it; a response never changes campaign."""

    pk = models.CompositePrimaryKey("campaign", "shard")
    # The primary key indexes the campaign first.
    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="+", db_index=False)
    shard = models.SmallIntegerField()
    n = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("số phiếu của đợt")
        verbose_name_plural = _("số phiếu của đợt")

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.shard}: {self.n}"


class ResponseText(models.Model):
    """Free text, kept apart from scores: stored as given, escaped wherever shown."""

    response = models.ForeignKey(Response, models.CASCADE, related_name="texts")
    item = models.ForeignKey(Item, models.PROTECT, related_name="+")
    text = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "item"], name="responsetext_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.response_id}/{self.item_id}"


class ResponseStatusChange(models.Model):
    """A rejection or restoration of a response, with who, when and why."""

    response = models.ForeignKey(Response, models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=10, choices=Response.Status.choices)
    to_status = models.CharField(max_length=10, choices=Response.Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(_("lý do"), max_length=500)

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.response_id}: {self.from_status} → {self.to_status}"
