"""The shapes the national templates are written in, and the profile questions both share."""

from __future__ import annotations

from dataclasses import dataclass

from surveys.models import DEFAULT_POSITIVE, Element, Item, Questionnaire, Scale


@dataclass(frozen=True)
class ItemSpec:
    code: str
    text: str
    text_en: str
    scale: str
    role: str = Item.Role.CRITERION
    # Single and multiple choice: (Vietnamese, English) labels; their values are 1..n in order.
    options: tuple[tuple[str, str], ...] = ()
    # None: the scale's default (sat5: 4 and 5; 4-level scales: 3 and 4; yes/no: yes).
    positive_levels: tuple[int, ...] | None = None
    max_choices: int | None = None
    required: bool = False
    in_short_variant: bool = False

    def positive(self) -> list[int]:
        if self.positive_levels is not None:
            return list(self.positive_levels)
        return list(DEFAULT_POSITIVE.get(self.scale, []))

    def option_list(self) -> list[dict]:
        return [
            {"value": i, "label": vi, "label_en": en}
            for i, (vi, en) in enumerate(self.options, start=1)
        ]


@dataclass(frozen=True)
class ElementSpec:
    code: str
    name: str
    name_en: str
    kind: str
    items: tuple[ItemSpec, ...]
    aspect: str | None = None  # the code of its aspect


@dataclass(frozen=True)
class AspectSpec:
    code: str
    name: str
    name_en: str


@dataclass(frozen=True)
class TemplateSpec:
    family: str
    version: int
    title: str
    title_en: str
    intro: str
    intro_en: str
    estimated_minutes: int
    element_rule: str
    overall_rule: str
    aspects: tuple[AspectSpec, ...]
    elements: tuple[ElementSpec, ...]

    def items(self) -> list[ItemSpec]:
        return [item for element in self.elements for item in element.items]


def sat5(code: str, text: str, text_en: str, *, role: str = Item.Role.CRITERION, short=False):
    """A 5-level satisfaction item (Rất không hài lòng … Rất hài lòng)."""
    return ItemSpec(code, text, text_en, Scale.SAT5, role=role, in_short_variant=short)


def single(code: str, text: str, text_en: str, options, *, role: str, positive=(), short=False):
    return ItemSpec(
        code,
        text,
        text_en,
        Scale.SINGLE,
        role=role,
        options=tuple(options),
        positive_levels=tuple(positive),
        in_short_variant=short,
    )


# --- Respondent profile, shared by both templates -------------------------------------------------
# Options as in the SIPAS form implemented for 2026 by a Hà Nội ward (sipas.md §1B, [S] S39); the
# 2017 form asked the same questions [I].

GENDER = single(
    "GT",
    "Giới tính",
    "Gender",
    [("Nam", "Male"), ("Nữ", "Female")],
    role=Item.Role.PROFILE,
)
AGE = single(
    "TUOI",
    "Độ tuổi",
    "Age group",
    [
        ("Từ 18 đến 24 tuổi", "18 to 24"),
        ("Từ 25 đến 34 tuổi", "25 to 34"),
        ("Từ 35 đến 49 tuổi", "35 to 49"),
        ("Từ 50 đến 60 tuổi", "50 to 60"),
        ("Trên 60 tuổi", "Over 60"),
    ],
    role=Item.Role.PROFILE,
)
ETHNICITY = single(
    "DANTOC",
    "Dân tộc",
    "Ethnic group",
    [("Kinh", "Kinh"), ("Dân tộc khác", "Other ethnic group")],
    role=Item.Role.PROFILE,
)
EDUCATION = single(
    "HOCVAN",
    "Trình độ học vấn",
    "Education",
    [
        ("Tiểu học (cấp I)", "Primary school"),
        ("Trung học cơ sở (cấp II)", "Lower secondary school"),
        ("Trung học phổ thông (cấp III)", "Upper secondary school"),
        ("Trung cấp, cao đẳng, dạy nghề", "Vocational training, college"),
        ("Đại học, trên đại học", "University or postgraduate"),
        ("Khác", "Other"),
    ],
    role=Item.Role.PROFILE,
)
OCCUPATION = single(
    "NGHE",
    "Nghề nghiệp",
    "Occupation",
    [
        ("Nghỉ hưu", "Retired"),
        ("Không đi làm (ở nhà)", "Not working (at home)"),
        (
            "Làm công việc tự do (không ký hợp đồng lao động)",
            "Self-employed (no labour contract)",
        ),
        ("Học sinh, sinh viên", "Pupil or student"),
        (
            "Làm việc tại tổ chức, doanh nghiệp trong khu vực tư",
            "Working for a private organisation or business",
        ),
        (
            "Làm việc tại cơ quan, tổ chức, doanh nghiệp trong khu vực công",
            "Working for a public agency, organisation or enterprise",
        ),
        ("Khác", "Other"),
    ],
    role=Item.Role.PROFILE,
)

COMMENT = ItemSpec(
    "YK",
    "Ý kiến khác của Ông/Bà để cơ quan hành chính nhà nước phục vụ người dân, tổ chức tốt hơn "
    "(nếu có)",
    "Any other comment to help state administrative agencies serve people and organisations "
    "better (optional)",
    Scale.TEXT,
    role=Item.Role.COMMENT,
    in_short_variant=True,
)

INDEX = Element.Kind.INDEX
PERCEPTION = Element.Kind.PERCEPTION
EXPECTATION = Element.Kind.EXPECTATION
PROFILE = Element.Kind.PROFILE
OTHER = Element.Kind.OTHER
MEAN_OF_ITEMS = Questionnaire.ElementRule.MEAN_OF_ITEMS
