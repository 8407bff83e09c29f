"""Writes on questionnaires: national templates, clones, versions, publishing and editing.

The rules, each refused with a ValidationError in Vietnamese and nothing changed:
- a published questionnaire never changes: a change goes into a new version (a draft copy);
- in a local questionnaire (not national), the national core (`is_core`) aspects, elements and
  items cannot be edited, removed or moved, and nothing is added inside a core element: a province
  adds a local module (an element of its own) and puts its items there, so the national indices
  stay comparable;
- codes are unique within a questionnaire;
- choice items have options valued 1..n: 1 to 15 for a multiple choice (a bit mask in a
  smallint), 1 to 40 for a single choice; positive levels lie within the scale.

Storage slots: every non-text item gets a `position` in Response.scores that no item of this
version, nor of the versions it was copied from, has used; a copy keeps positions as they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import count
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import Agency
from surveys import national
from surveys.models import (
    DEFAULT_POSITIVE,
    MAX_MULTI_OPTIONS,
    SCALE_LEVELS,
    SMALLINT_MAX,
    Aspect,
    Element,
    Item,
    Questionnaire,
    Scale,
)
from surveys.selectors.questionnaires import questionnaire_problems

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\Z")
CODE_MESSAGE = gettext_lazy(
    "Mã chỉ gồm chữ cái không dấu, chữ số, dấu chấm, gạch ngang hoặc gạch dưới, bắt đầu bằng "
    "chữ cái hoặc chữ số."
)
CHOICE_SCALES = (Scale.SINGLE, Scale.MULTI)
HEADER_FIELDS = frozenset(
    {"title", "title_en", "intro", "intro_en", "estimated_minutes", "element_rule", "overall_rule"}
)
# A multiple choice is a bit mask in a smallint (MAX_MULTI_OPTIONS); a single choice is a plain
# value, kept to a list a respondent can still read through.
MAX_SINGLE_OPTIONS = 40
Direction = Literal["up", "down"]


# --- National templates ---------------------------------------------------------------------------


def questionnaires_load_national() -> list[Questionnaire]:
    """Load the national templates; one already there is left exactly as it is."""
    return [_load_template(spec) for spec in national.TEMPLATES]


@transaction.atomic
def _load_template(spec: national.TemplateSpec) -> Questionnaire:
    existing = Questionnaire.objects.filter(family=spec.family, version=spec.version).first()
    if existing is not None:
        return existing
    questionnaire = Questionnaire.objects.create(
        family=spec.family,
        version=spec.version,
        title=spec.title,
        title_en=spec.title_en,
        intro=spec.intro,
        intro_en=spec.intro_en,
        estimated_minutes=spec.estimated_minutes,
        status=Questionnaire.Status.PUBLISHED,
        is_national=True,
        owner=None,
        element_rule=spec.element_rule,
        overall_rule=spec.overall_rule,
        published_at=timezone.now(),
    )
    aspects = {
        a.code: Aspect.objects.create(
            questionnaire=questionnaire,
            code=a.code,
            name=a.name,
            name_en=a.name_en,
            order=order,
            is_core=True,
        )
        for order, a in enumerate(spec.aspects, start=1)
    }
    position = count(1)
    items: list[Item] = []
    for order, e in enumerate(spec.elements, start=1):
        element = Element.objects.create(
            questionnaire=questionnaire,
            aspect=aspects[e.aspect] if e.aspect else None,
            kind=e.kind,
            code=e.code,
            name=e.name,
            name_en=e.name_en,
            order=order,
            is_core=True,
        )
        for item_order, i in enumerate(e.items, start=1):
            # The same checks a province's item goes through: the data module cannot drift.
            fields = _clean_item_fields(
                code=i.code,
                scale=i.scale,
                options=i.option_list(),
                positive_levels=i.positive(),
                max_choices=i.max_choices,
                min_value=None,
                max_value=None,
            )
            items.append(
                Item(
                    questionnaire=questionnaire,
                    element=element,
                    code=i.code,
                    role=i.role,
                    text=i.text,
                    text_en=i.text_en,
                    scale=i.scale,
                    required=i.required,
                    is_core=True,
                    in_short_variant=i.in_short_variant,
                    order=item_order,
                    position=None if i.scale == Scale.TEXT else next(position),
                    **fields,
                )
            )
    Item.objects.bulk_create(items)
    return questionnaire


# --- Whole questionnaires -------------------------------------------------------------------------


@transaction.atomic
def questionnaire_clone(
    *,
    source: Questionnaire,
    owner: Agency,
    title: str = "",
    family: str = "",
) -> Questionnaire:
    """A draft copy owned by `owner`, in a family of its own; the national core stays locked."""
    if not source.is_published:
        raise ValidationError(_("Chỉ sao chép được phiếu đã ban hành."))
    family = family.strip() or _free_family(f"{owner.code}-{source.family}")
    if Questionnaire.objects.filter(family=family).exists():
        raise ValidationError(
            {"family": _("Họ phiếu “%(family)s” đã có, hãy chọn tên khác.") % {"family": family}}
        )
    return _copy(
        source,
        family=family,
        version=1,
        owner=owner,
        title=title.strip() or source.title,
        is_national=False,
    )


@transaction.atomic
def questionnaire_new_version(*, source: Questionnaire) -> Questionnaire:
    """A draft of the next version, copied from the latest published one of its family."""
    if not source.is_published:
        raise ValidationError(_("Chỉ tạo phiên bản mới từ phiếu đã ban hành."))
    latest = (
        Questionnaire.objects.select_for_update()
        .filter(family=source.family)
        .order_by("-version")
        .first()
    )
    if latest is not None and latest.pk != source.pk:
        if latest.status == Questionnaire.Status.DRAFT:
            raise ValidationError(
                _("Đã có bản nháp phiên bản %(version)d của phiếu này: hãy sửa bản nháp đó.")
                % {"version": latest.version}
            )
        raise ValidationError(
            _("Chỉ tạo phiên bản mới từ phiên bản mới nhất (phiên bản %(version)d).")
            % {"version": latest.version}
        )
    return _copy(
        source,
        family=source.family,
        version=source.version + 1,
        owner=source.owner,
        title=source.title,
        is_national=source.is_national,
    )


@transaction.atomic
def questionnaire_publish(*, questionnaire: Questionnaire, user: Any) -> Questionnaire:
    """Freeze a draft: from now on it only changes through a new version."""
    fresh = _lock_draft(questionnaire)
    problems = questionnaire_problems(questionnaire=fresh)
    if problems:
        raise ValidationError(problems)
    # The caller's object too, so it does not go on looking like a draft.
    for obj in (fresh, questionnaire):
        obj.status = Questionnaire.Status.PUBLISHED
        obj.published_at = fresh.published_at or timezone.now()
        obj.published_by = user
    fresh.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    return fresh


@transaction.atomic
def questionnaire_update(*, questionnaire: Questionnaire, **fields: Any) -> Questionnaire:
    """Change the header of a draft (title, introduction, rules)."""
    unknown = set(fields) - HEADER_FIELDS
    if unknown:
        raise TypeError(f"questionnaire_update() got unexpected fields {sorted(unknown)}")
    fresh = _lock_draft(questionnaire)
    for name, value in fields.items():
        setattr(fresh, name, value)
    fresh.full_clean(exclude=["family", "version", "owner", "based_on", "published_by"])
    fresh.save()
    for name, value in fields.items():
        setattr(questionnaire, name, value)
    return fresh


@transaction.atomic
def questionnaire_delete(*, questionnaire: Questionnaire) -> None:
    """Discard a draft that no campaign uses."""
    fresh = _lock_draft(questionnaire)
    if fresh.campaigns.exists():
        raise ValidationError(_("Phiếu đang được một đợt khảo sát sử dụng nên không thể xóa."))
    fresh.delete()


# --- Elements -------------------------------------------------------------------------------------


@transaction.atomic
def element_create(
    *,
    questionnaire: Questionnaire,
    code: str,
    name: str,
    name_en: str = "",
    kind: str = Element.Kind.INDEX,
    aspect: Aspect | None = None,
) -> Element:
    """Add a section (a local module, in a clone) at the end of the questionnaire."""
    fresh = _lock_draft(questionnaire)
    _check_element(fresh, code=code, aspect=aspect)
    top = fresh.elements.aggregate(top=Max("order"))["top"] or 0
    return Element.objects.create(
        questionnaire=fresh,
        code=code,
        name=name,
        name_en=name_en,
        kind=kind,
        aspect=aspect,
        order=top + 1,
        is_core=False,
    )


@transaction.atomic
def element_update(
    *,
    element: Element,
    code: str,
    name: str,
    name_en: str = "",
    kind: str = Element.Kind.INDEX,
    aspect: Aspect | None = None,
) -> Element:
    """Rename or re-type a local section."""
    fresh = _lock_draft(element.questionnaire)
    _check_unlocked(element, fresh)
    _check_element(fresh, code=code, aspect=aspect, exclude=element.pk)
    element.code, element.name, element.name_en = code, name, name_en
    element.kind, element.aspect = kind, aspect
    element.save()
    return element


@transaction.atomic
def element_delete(*, element: Element) -> None:
    """Remove a section and its questions; their storage slots are not reused."""
    fresh = _lock_draft(element.questionnaire)
    _check_unlocked(element, fresh)
    if not fresh.is_national and element.items.filter(is_core=True).exists():
        raise ValidationError(_("Phần này chứa câu hỏi thuộc lõi quốc gia nên không thể xóa."))
    element.delete()
    _renumber(Element.objects.filter(questionnaire=fresh))


@transaction.atomic
def element_move(*, element: Element, direction: Direction) -> Element:
    """Move a section one place up or down; a local module may pass between core sections."""
    fresh = _lock_draft(element.questionnaire)
    _check_unlocked(element, fresh)
    _move(Element.objects.filter(questionnaire=fresh), element, direction)
    return element


def _check_element(
    questionnaire: Questionnaire, *, code: str, aspect: Aspect | None, exclude: int | None = None
) -> None:
    errors: dict[str, str] = {}
    if not CODE_RE.match(code or ""):
        errors["code"] = str(CODE_MESSAGE)
    elif questionnaire.elements.filter(code__iexact=code).exclude(pk=exclude).exists():
        errors["code"] = _("Mã phần “%(code)s” đã có trong phiếu này.") % {"code": code}
    if aspect is not None:
        if aspect.questionnaire_id != questionnaire.pk:
            errors["aspect"] = _("Khía cạnh không thuộc phiếu này.")
        elif _locked(aspect, questionnaire):
            errors["aspect"] = _(
                "Không thể gắn phần địa phương vào khía cạnh thuộc lõi quốc gia: chỉ số của khía "
                "cạnh phải giữ như mẫu quốc gia."
            )
    if errors:
        raise ValidationError(errors)


# --- Items ----------------------------------------------------------------------------------------


@transaction.atomic
def item_create(
    *,
    element: Element,
    code: str,
    text: str,
    scale: str,
    text_en: str = "",
    role: str = Item.Role.CRITERION,
    options: list[dict] | None = None,
    positive_levels: list[int] | None = None,
    max_choices: int | None = None,
    min_value: int | None = None,
    max_value: int | None = None,
    required: bool = False,
    in_short_variant: bool = True,
) -> Item:
    """Add a question at the end of a section, with a storage slot never used before."""
    fresh = _lock_draft(element.questionnaire)
    _check_target(element, fresh)
    fields = _clean_item_fields(
        code=code,
        scale=scale,
        options=options or [],
        positive_levels=positive_levels,
        max_choices=max_choices,
        min_value=min_value,
        max_value=max_value,
    )
    _check_item_code(fresh, code)
    _check_role(fresh, element, role=role, scale=scale)
    top = element.items.aggregate(top=Max("order"))["top"] or 0
    return Item.objects.create(
        questionnaire=fresh,
        element=element,
        code=code,
        role=role,
        text=text,
        text_en=text_en,
        scale=scale,
        required=required,
        in_short_variant=in_short_variant,
        is_core=False,
        order=top + 1,
        position=None if scale == Scale.TEXT else _next_position(fresh),
        **fields,
    )


@transaction.atomic
def item_update(
    *,
    item: Item,
    element: Element,
    code: str,
    text: str,
    scale: str,
    text_en: str = "",
    role: str = Item.Role.CRITERION,
    options: list[dict] | None = None,
    positive_levels: list[int] | None = None,
    max_choices: int | None = None,
    min_value: int | None = None,
    max_value: int | None = None,
    required: bool = False,
    in_short_variant: bool = True,
) -> Item:
    """Change a local question (or move it to another local section); its slot stays put."""
    fresh = _lock_draft(item.questionnaire)
    _check_unlocked(item, fresh)
    if element.pk != item.element_id:
        _check_target(element, fresh)
    fields = _clean_item_fields(
        code=code,
        scale=scale,
        options=options or [],
        positive_levels=positive_levels,
        max_choices=max_choices,
        min_value=min_value,
        max_value=max_value,
    )
    _check_item_code(fresh, code, exclude=item.pk)
    _check_role(fresh, element, role=role, scale=scale, exclude=item.pk)
    if element.pk != item.element_id:
        top = element.items.aggregate(top=Max("order"))["top"] or 0
        item.order = top + 1
    item.position = _position_after_change(fresh, item, scale)
    item.element = element
    item.code, item.role, item.text, item.text_en, item.scale = code, role, text, text_en, scale
    item.required, item.in_short_variant = required, in_short_variant
    for name, value in fields.items():
        setattr(item, name, value)
    item.save()
    return item


@transaction.atomic
def item_delete(*, item: Item) -> None:
    """Remove a question; its storage slot is never given to another one."""
    fresh = _lock_draft(item.questionnaire)
    _check_unlocked(item, fresh)
    element_id = item.element_id
    item.delete()
    _renumber(Item.objects.filter(element_id=element_id))


@transaction.atomic
def item_move(*, item: Item, direction: Direction) -> Item:
    """Move a question one place up or down within its section."""
    fresh = _lock_draft(item.questionnaire)
    _check_unlocked(item, fresh)
    _move(Item.objects.filter(element_id=item.element_id), item, direction)
    return item


def _clean_item_fields(
    *,
    code: str,
    scale: str,
    options: list[dict],
    positive_levels: Iterable[int] | None,
    max_choices: int | None,
    min_value: int | None,
    max_value: int | None,
) -> dict[str, Any]:
    """Check what depends on the scale; return the fields to store, normalised."""
    errors: dict[str, str] = {}
    if not CODE_RE.match(code or ""):
        errors["code"] = str(CODE_MESSAGE)
    if scale not in Scale.values:
        raise ValidationError({"scale": _("Thang đo không hợp lệ.")})
    clean_options: list[dict] = []
    if scale in CHOICE_SCALES:
        clean_options, message = _clean_options(options, scale)
        if message:
            errors["options"] = message
    elif options:
        errors["options"] = _(
            "Chỉ câu hỏi chọn một hoặc chọn nhiều mới có phương án; thang đo này đã có sẵn các "
            "mức trả lời."
        )
    if scale in SCALE_LEVELS:
        levels = {v for v, _vi, _en in SCALE_LEVELS[scale]}
    else:
        levels = {o["value"] for o in clean_options}
    positive = sorted(set(positive_levels)) if positive_levels is not None else None
    if positive is None:
        positive = list(DEFAULT_POSITIVE.get(scale, []))
    if positive and scale in (Scale.NUMBER, Scale.TEXT):
        errors["positive_levels"] = _("Câu hỏi dạng số hoặc văn bản không có mức tích cực.")
    elif positive and not set(positive) <= levels and "options" not in errors:
        errors["positive_levels"] = _(
            "Mức tích cực phải là giá trị có trong thang đo: %(levels)s."
        ) % {"levels": ", ".join(str(v) for v in sorted(levels)) or "—"}
    if max_choices is not None:
        if scale != Scale.MULTI:
            errors["max_choices"] = _("Số lựa chọn tối đa chỉ dùng cho câu hỏi chọn nhiều.")
        elif clean_options and not 1 <= max_choices <= len(clean_options):
            errors["max_choices"] = _("Số lựa chọn tối đa phải từ 1 đến %(n)d.") % {
                "n": len(clean_options)
            }
    if scale == Scale.NUMBER:
        for name, value in (("min_value", min_value), ("max_value", max_value)):
            if value is not None and not 0 <= value <= SMALLINT_MAX:
                errors[name] = _("Giá trị phải từ 0 đến %(max)d.") % {"max": SMALLINT_MAX}
        if (
            min_value is not None
            and max_value is not None
            and min_value > max_value
            and "max_value" not in errors
        ):
            errors["max_value"] = _("Giá trị lớn nhất phải không nhỏ hơn giá trị nhỏ nhất.")
    elif min_value is not None or max_value is not None:
        errors["min_value" if min_value is not None else "max_value"] = _(
            "Giá trị nhỏ nhất, lớn nhất chỉ dùng cho câu hỏi dạng số."
        )
    if errors:
        raise ValidationError(errors)
    return {
        "options": clean_options,
        "positive_levels": positive,
        "max_choices": max_choices,
        "min_value": min_value if scale == Scale.NUMBER else None,
        "max_value": max_value if scale == Scale.NUMBER else None,
    }


def _clean_options(options: list[dict], scale: str) -> tuple[list[dict], str]:
    if not options:
        return [], _("Nhập ít nhất một phương án trả lời.")
    limit = MAX_MULTI_OPTIONS if scale == Scale.MULTI else MAX_SINGLE_OPTIONS
    if len(options) > limit:
        return [], _("Tối đa %(n)d phương án (bạn đã nhập %(given)d).") % {
            "n": limit,
            "given": len(options),
        }
    clean = []
    for number, option in enumerate(options, start=1):
        label = str(option.get("label") or "").strip()
        if not label:
            return [], _("Phương án %(n)d chưa có nội dung.") % {"n": number}
        if option.get("value") != number:
            return [], _("Giá trị các phương án phải lần lượt là 1, 2, … %(n)d.") % {
                "n": len(options)
            }
        clean.append(
            {"value": number, "label": label, "label_en": str(option.get("label_en") or "").strip()}
        )
    return clean, ""


def _check_item_code(questionnaire: Questionnaire, code: str, exclude: int | None = None) -> None:
    qs = questionnaire.items.filter(code__iexact=code)
    if exclude:
        qs = qs.exclude(pk=exclude)
    if qs.exists():
        raise ValidationError(
            {"code": _("Mã câu hỏi “%(code)s” đã có trong phiếu này.") % {"code": code}}
        )


def _check_role(
    questionnaire: Questionnaire,
    element: Element,
    *,
    role: str,
    scale: str,
    exclude: int | None = None,
) -> None:
    """One general question per element; one overall question per aspect (or questionnaire)."""
    if role not in Item.Role.values:
        raise ValidationError({"role": _("Vai trò không hợp lệ.")})
    if role not in (Item.Role.GENERAL, Item.Role.OVERALL):
        return
    if scale != Scale.SAT5:
        raise ValidationError(
            {"scale": _("Câu hỏi hài lòng chung phải dùng thang đo mức độ hài lòng 5 mức.")}
        )
    if role == Item.Role.GENERAL:
        others = element.items.filter(role=role)
        message = _("Phần này đã có câu hỏi hài lòng chung của yếu tố.")
    else:
        others = questionnaire.items.filter(role=role, element__aspect_id=element.aspect_id)
        message = (
            _("Khía cạnh này đã có câu hỏi hài lòng chung.")
            if element.aspect_id
            else _("Phiếu đã có câu hỏi hài lòng chung.")
        )
    if exclude:
        others = others.exclude(pk=exclude)
    if others.exists():
        raise ValidationError({"role": message})


def _position_after_change(questionnaire: Questionnaire, item: Item, scale: str) -> int | None:
    """The slot after an edit: none for text; a fresh one when a copied item changes its scale."""
    if scale == Scale.TEXT:
        return None
    if item.position is None:
        return _next_position(questionnaire)
    if scale != item.scale and item.position <= _inherited_top(questionnaire):
        # Earlier versions stored answers on the old scale in this slot: keep them apart.
        return _next_position(questionnaire)
    return item.position


def _next_position(questionnaire: Questionnaire) -> int:
    own = questionnaire.next_position() - 1
    return max(own, _inherited_top(questionnaire)) + 1


def _inherited_top(questionnaire: Questionnaire) -> int:
    """The highest slot used by the versions this one was copied from (0 if none)."""
    ancestors: list[int] = []
    current = questionnaire.based_on_id
    while current is not None and current not in ancestors:
        ancestors.append(current)
        current = (
            Questionnaire.objects.filter(pk=current).values_list("based_on_id", flat=True).first()
        )
    if not ancestors:
        return 0
    top = Item.objects.filter(questionnaire_id__in=ancestors).aggregate(top=Max("position"))
    return top["top"] or 0


# --- Shared checks and helpers --------------------------------------------------------------------


def _lock_draft(questionnaire: Questionnaire) -> Questionnaire:
    """Lock the row and re-read it: a draft published meanwhile must not change any more."""
    fresh = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    if fresh.status != Questionnaire.Status.DRAFT:
        raise ValidationError(
            _(
                "Phiếu “%(title)s” (phiên bản %(version)d) đã ban hành nên không thể thay đổi. "
                "Hãy tạo phiên bản mới để sửa."
            )
            % {"title": fresh.title, "version": fresh.version}
        )
    return fresh


def _locked(obj: Aspect | Element | Item, questionnaire: Questionnaire) -> bool:
    """National core is locked in a local questionnaire (the national one itself is the source)."""
    return obj.is_core and not questionnaire.is_national


def is_locked(obj: Aspect | Element | Item) -> bool:
    """For templates and views: whether this part is locked national core."""
    return _locked(obj, obj.questionnaire)


def _check_unlocked(obj: Element | Item, questionnaire: Questionnaire) -> None:
    if not _locked(obj, questionnaire):
        return
    if isinstance(obj, Item):
        message = _(
            "Câu hỏi %(code)s thuộc phần lõi quốc gia nên không thể sửa, xóa hay di chuyển."
        )
    else:
        message = _("Phần %(code)s thuộc lõi quốc gia nên không thể sửa, xóa hay di chuyển.")
    raise ValidationError(message % {"code": obj.code})


def _check_target(element: Element, questionnaire: Questionnaire) -> None:
    if element.questionnaire_id != questionnaire.pk:
        raise ValidationError({"element": _("Phần không thuộc phiếu này.")})
    if _locked(element, questionnaire):
        raise ValidationError(
            {
                "element": _(
                    "Không thể thêm câu hỏi vào phần %(code)s thuộc lõi quốc gia. Hãy thêm một "
                    "phần (mô-đun) địa phương rồi thêm câu hỏi vào đó."
                )
                % {"code": element.code}
            }
        )


def _renumber(queryset) -> None:
    for order, obj in enumerate(queryset.order_by("order", "id"), start=1):
        if obj.order != order:
            type(obj).objects.filter(pk=obj.pk).update(order=order)


def _move(queryset, obj, direction: Direction) -> None:
    siblings = list(queryset.order_by("order", "id"))
    index = next(i for i, s in enumerate(siblings) if s.pk == obj.pk)
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(siblings):
        return  # already first (or last): nothing to do
    siblings[index], siblings[target] = siblings[target], siblings[index]
    for order, sibling in enumerate(siblings, start=1):
        if sibling.order != order:
            type(sibling).objects.filter(pk=sibling.pk).update(order=order)
        if sibling.pk == obj.pk:
            obj.order = order


def _free_family(base: str) -> str:
    stem = slugify(base)[:36].strip("-") or "phieu"
    family, n = stem, 1
    while Questionnaire.objects.filter(family=family).exists():
        n += 1
        family = f"{stem}-{n}"
    return family


def _copy(
    source: Questionnaire,
    *,
    family: str,
    version: int,
    owner: Agency | None,
    title: str,
    is_national: bool,
) -> Questionnaire:
    """Copy aspects, elements and items as they are: codes, positions and core flags kept."""
    copy = Questionnaire.objects.create(
        family=family,
        version=version,
        title=title,
        title_en=source.title_en,
        intro=source.intro,
        intro_en=source.intro_en,
        estimated_minutes=source.estimated_minutes,
        status=Questionnaire.Status.DRAFT,
        is_national=is_national,
        based_on=source,
        owner=owner,
        element_rule=source.element_rule,
        overall_rule=source.overall_rule,
    )
    aspects = {}
    for aspect in source.aspects.order_by("order", "id"):
        old = aspect.pk
        aspect.pk = None
        aspect.questionnaire = copy
        aspect.save()
        aspects[old] = aspect
    elements = {}
    for element in source.elements.order_by("order", "id"):
        old = element.pk
        element.pk = None
        element.questionnaire = copy
        element.aspect = aspects.get(element.aspect_id) if element.aspect_id else None
        element.save()
        elements[old] = element
    items = []
    for item in source.items.order_by("order", "id"):
        item.pk = None
        item.questionnaire = copy
        item.element = elements[item.element_id]
        items.append(item)
    Item.objects.bulk_create(items)
    return copy
