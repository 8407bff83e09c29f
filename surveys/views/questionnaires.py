"""Officials' questionnaire screens: list, detail, preview, clone, versions, publish and editing.

Every view starts with an access helper (surveys.access): a questionnaire outside the user's
scope is a 404, a role too low to change it a 403. A published questionnaire, or a locked core
part of a clone, is refused with a message and a redirect to its page, and nothing changes (the
services refuse it too, whatever a form sends).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agencies.access import Perm, get_access, require
from agencies.models import Membership
from surveys.access import (
    can_edit,
    get_element_for_user,
    get_item_for_user,
    get_questionnaire_for_user,
)
from surveys.forms.questionnaires import (
    CloneForm,
    ElementForm,
    ItemForm,
    QuestionnaireFilterForm,
    QuestionnaireForm,
)
from surveys.forms.response import ResponseForm
from surveys.models import Element, Item, Questionnaire
from surveys.selectors import questionnaires as selectors
from surveys.services import questionnaires as services


def _detail(questionnaire: Questionnaire, anchor: str = "") -> HttpResponse:
    url = reverse("questionnaires:detail", args=[questionnaire.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


def _refuse_published(request: HttpRequest, questionnaire: Questionnaire) -> HttpResponse | None:
    if not questionnaire.is_published:
        return None
    messages.error(
        request,
        _("Phiếu đã ban hành nên không thể sửa. Hãy tạo phiên bản mới để thay đổi."),
    )
    return _detail(questionnaire)


def _refuse_locked(request: HttpRequest, obj: Element | Item) -> HttpResponse | None:
    if not services.is_locked(obj):
        return None
    if isinstance(obj, Item):
        message = _(
            "Câu hỏi %(code)s thuộc phần lõi quốc gia nên không thể sửa, xóa hay di chuyển."
        )
    else:
        message = _("Phần %(code)s thuộc lõi quốc gia nên không thể sửa, xóa hay di chuyển.")
    messages.error(request, message % {"code": obj.code})
    return _detail(obj.questionnaire)


def _error_messages(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _form_page(request: HttpRequest, form, title: str, questionnaire: Questionnaire, **extra):
    return render(
        request,
        "surveys/questionnaires/form.html",
        {"form": form, "title": title, "questionnaire": questionnaire, **extra},
    )


# --- Reading --------------------------------------------------------------------------------------


@login_required
def questionnaire_list(request: HttpRequest) -> HttpResponse:
    access = require(request, Perm.VIEW)
    form = QuestionnaireFilterForm(
        request.GET or None, families=selectors.questionnaire_families(access=access)
    )
    filters = {}
    if form.is_valid():
        filters = {
            "search": form.cleaned_data["q"].strip(),
            "status": form.cleaned_data["status"],
            "family": form.cleaned_data["family"],
            "origin": form.cleaned_data["origin"],
        }
    questionnaires = selectors.questionnaire_list(access=access, **filters)
    page = Paginator(questionnaires, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "surveys/questionnaires/list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_clone": access.has(Perm.MANAGE_CAMPAIGNS),
        },
    )


@login_required
def questionnaire_detail(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = get_questionnaire_for_user(request, pk)
    access = get_access(request)
    structure = selectors.questionnaire_structure(questionnaire=questionnaire)
    editable = can_edit(access, questionnaire)
    draft = not questionnaire.is_published
    versions = list(selectors.questionnaire_versions(access=access, questionnaire=questionnaire))
    latest = max((v.version for v in versions), default=questionnaire.version)
    return render(
        request,
        "surveys/questionnaires/detail.html",
        {
            "questionnaire": questionnaire,
            "structure": structure,
            "versions": versions,
            "can_edit": editable and draft,
            "can_new_version": editable and not draft and questionnaire.version == latest,
            "can_clone": not draft and access.has(Perm.MANAGE_CAMPAIGNS),
            "locks": not questionnaire.is_national,
            "problems": selectors.questionnaire_problems(
                questionnaire=questionnaire, structure=structure
            )
            if editable and draft
            else [],
        },
    )


@login_required
def questionnaire_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The citizen's form, rendered by the same code; a submission is checked, never saved."""
    questionnaire = get_questionnaire_for_user(request, pk)
    short = request.GET.get("short") == "1"
    # A blank submission is still a submission: every question may be optional.
    data = request.POST if request.method == "POST" else None
    form = ResponseForm(data, questionnaire=questionnaire, short=short)
    checked = request.method == "POST" and form.is_valid()
    return render(
        request,
        "surveys/questionnaires/preview.html",
        {
            "form": form,
            "questionnaire": questionnaire,
            "short": short,
            "checked": checked,
            "answered": sum(v is not None for v in form.scores()) if checked else 0,
            "action": request.get_full_path(),
        },
    )


# --- Whole questionnaires -------------------------------------------------------------------------


def _owners(request: HttpRequest):
    """Agencies the user may give a questionnaire to: its own first, then down the tree."""
    access = get_access(request)
    own = Membership.objects.filter(user=request.user, agency=OuterRef("pk"))
    return (
        access.agencies(Perm.MANAGE_CAMPAIGNS)
        .filter(is_active=True)
        .annotate(own=Exists(own))
        .order_by("-own", "path", "name")
    )


@login_required
def questionnaire_clone(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_questionnaire_for_user(request, pk)
    require(request, Perm.MANAGE_CAMPAIGNS)
    if not source.is_published:
        messages.error(request, _("Chỉ sao chép được phiếu đã ban hành."))
        return _detail(source)
    owners = _owners(request)
    form = CloneForm(
        request.POST or None,
        owners=owners,
        initial={"owner": owners.values_list("pk", flat=True).first(), "title": source.title},
    )
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.questionnaire_clone(source=source, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Đã tạo phiếu địa phương “%(title)s” (bản nháp) từ “%(source)s”.")
                % {"title": copy.title, "source": source.title},
            )
            return _detail(copy)
    return _form_page(
        request,
        form,
        _("Sao chép thành phiếu địa phương"),
        source,
        intro=_(
            "Phiếu mới là bản nháp thuộc cơ quan bạn chọn. Các câu hỏi thuộc lõi quốc gia được "
            "giữ nguyên và khóa; bạn có thể thêm phần (mô-đun) và câu hỏi địa phương."
        ),
    )


@login_required
@require_POST
def questionnaire_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = get_questionnaire_for_user(request, pk, Perm.MANAGE_CAMPAIGNS)
    try:
        new = services.questionnaire_new_version(source=questionnaire)
    except ValidationError as exc:
        _error_messages(request, exc)
        return _detail(questionnaire)
    messages.success(
        request,
        _("Đã tạo bản nháp phiên bản %(version)d. Phiên bản %(old)d vẫn giữ nguyên.")
        % {"version": new.version, "old": questionnaire.version},
    )
    return _detail(new)


@login_required
def questionnaire_publish(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = get_questionnaire_for_user(request, pk, Perm.MANAGE_CAMPAIGNS)
    if questionnaire.is_published:
        messages.error(request, _("Phiếu này đã được ban hành."))
        return _detail(questionnaire)
    if request.method == "POST":
        try:
            services.questionnaire_publish(questionnaire=questionnaire, user=request.user)
        except ValidationError as exc:
            _error_messages(request, exc)
        else:
            messages.success(
                request,
                _("Đã ban hành phiếu “%(title)s”, phiên bản %(version)d.")
                % {"title": questionnaire.title, "version": questionnaire.version},
            )
            return _detail(questionnaire)
    structure = selectors.questionnaire_structure(questionnaire=questionnaire)
    return render(
        request,
        "surveys/questionnaires/publish.html",
        {
            "questionnaire": questionnaire,
            "structure": structure,
            "problems": selectors.questionnaire_problems(
                questionnaire=questionnaire, structure=structure
            ),
        },
    )


@login_required
def questionnaire_edit(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = get_questionnaire_for_user(request, pk, Perm.MANAGE_CAMPAIGNS)
    if refused := _refuse_published(request, questionnaire):
        return refused
    form = QuestionnaireForm(request.POST or None, instance=questionnaire)
    if request.method == "POST" and form.is_valid():
        try:
            services.questionnaire_update(questionnaire=questionnaire, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã lưu thay đổi."))
            return _detail(questionnaire)
    return _form_page(request, form, _("Sửa thông tin phiếu"), questionnaire)


@login_required
def questionnaire_delete(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = get_questionnaire_for_user(request, pk, Perm.MANAGE_CAMPAIGNS)
    if refused := _refuse_published(request, questionnaire):
        return refused
    if request.method == "POST":
        try:
            services.questionnaire_delete(questionnaire=questionnaire)
        except ValidationError as exc:
            _error_messages(request, exc)
            return _detail(questionnaire)
        messages.success(
            request, _("Đã xóa bản nháp “%(title)s”.") % {"title": questionnaire.title}
        )
        return redirect("questionnaires:list")
    return render(
        request,
        "surveys/questionnaires/confirm_delete.html",
        {
            "questionnaire": questionnaire,
            "title": _("Xóa bản nháp"),
            "message": _(
                "Xóa bản nháp “%(title)s” (phiên bản %(version)d) cùng toàn bộ phần và câu hỏi "
                "của nó? Không thể hoàn tác."
            )
            % {"title": questionnaire.title, "version": questionnaire.version},
        },
    )


# --- Elements -------------------------------------------------------------------------------------


def _element_form(request: HttpRequest, questionnaire: Questionnaire, **kwargs) -> ElementForm:
    aspects = questionnaire.aspects.order_by("order", "id")
    if not questionnaire.is_national:
        aspects = aspects.filter(is_core=False)  # a local module stays out of core aspects
    return ElementForm(request.POST or None, aspects=aspects, **kwargs)


@login_required
def element_create(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = get_questionnaire_for_user(request, pk, Perm.MANAGE_CAMPAIGNS)
    if refused := _refuse_published(request, questionnaire):
        return refused
    form = _element_form(request, questionnaire)
    if request.method == "POST" and form.is_valid():
        try:
            element = services.element_create(questionnaire=questionnaire, **form.cleaned())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Đã thêm phần %(code)s. Tiếp theo, thêm câu hỏi cho phần này.")
                % {"code": element.code},
            )
            return _detail(questionnaire, f"el-{element.pk}")
    return _form_page(request, form, _("Thêm phần (mô-đun)"), questionnaire)


@login_required
def element_edit(request: HttpRequest, pk: int) -> HttpResponse:
    element = get_element_for_user(request, pk, Perm.MANAGE_CAMPAIGNS)
    questionnaire = element.questionnaire
    if refused := _refuse_published(request, questionnaire) or _refuse_locked(request, element):
        return refused
    form = _element_form(request, questionnaire, initial=ElementForm.initial_for(element))
    if request.method == "POST" and form.is_valid():
        try:
            services.element_update(element=element, **form.cleaned())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã lưu phần %(code)s.") % {"code": element.code})
            return _detail(questionnaire, f"el-{element.pk}")
    return _form_page(request, form, _("Sửa phần %(code)s") % {"code": element.code}, questionnaire)


@login_required
def element_delete(request: HttpRequest, pk: int) -> HttpResponse:
    element = get_element_for_user(request, pk, Perm.MANAGE_CAMPAIGNS)
    return _delete(
        request,
        element,
        lambda: services.element_delete(element=element),
        done=_("Đã xóa phần %(code)s.") % {"code": element.code},
        anchor="",
        title=_("Xóa phần %(code)s") % {"code": element.code},
        # Counted only when the confirmation page is shown.
        question=lambda: (
            _("Xóa phần “%(name)s” cùng %(n)d câu hỏi của nó?")
            % {"name": element.name, "n": element.items.count()}
        ),
    )


def _delete(request: HttpRequest, obj, delete, *, done, anchor, title, question) -> HttpResponse:
    """Confirm, then delete an element or an item of a draft, unless it is locked core."""
    questionnaire = obj.questionnaire
    if refused := _refuse_published(request, questionnaire) or _refuse_locked(request, obj):
        return refused
    if request.method == "POST":
        try:
            delete()
        except ValidationError as exc:
            _error_messages(request, exc)
        else:
            messages.success(request, done)
        return _detail(questionnaire, anchor)
    return render(
        request,
        "surveys/questionnaires/confirm_delete.html",
        {"questionnaire": questionnaire, "title": title, "message": question()},
    )


@login_required
@require_POST
def element_move(request: HttpRequest, pk: int) -> HttpResponse:
    element = get_element_for_user(request, pk, Perm.MANAGE_CAMPAIGNS)
    return _move(
        request,
        element,
        lambda direction: services.element_move(element=element, direction=direction),
        f"el-{element.pk}",
    )


def _move(request: HttpRequest, obj, move, anchor: str) -> HttpResponse:
    """Move an element or an item one place up or down, unless it is published or locked."""
    questionnaire = obj.questionnaire
    if refused := _refuse_published(request, questionnaire) or _refuse_locked(request, obj):
        return refused
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        messages.error(request, _("Hướng di chuyển không hợp lệ."))
        return _detail(questionnaire)
    try:
        move(direction)
    except ValidationError as exc:
        _error_messages(request, exc)
    return _detail(questionnaire, anchor)


# --- Items ----------------------------------------------------------------------------------------


def _item_form(request: HttpRequest, questionnaire: Questionnaire, **kwargs) -> ItemForm:
    elements = questionnaire.elements.order_by("order", "id")
    if not questionnaire.is_national:
        elements = elements.filter(is_core=False)  # core sections take no local questions
    return ItemForm(request.POST or None, elements=elements, **kwargs)


@login_required
def item_create(request: HttpRequest, pk: int) -> HttpResponse:
    element = get_element_for_user(request, pk, Perm.MANAGE_CAMPAIGNS)
    questionnaire = element.questionnaire
    if refused := _refuse_published(request, questionnaire):
        return refused
    if services.is_locked(element):
        messages.error(
            request,
            _(
                "Không thể thêm câu hỏi vào phần %(code)s thuộc lõi quốc gia. Hãy thêm một phần "
                "(mô-đun) địa phương rồi thêm câu hỏi vào đó."
            )
            % {"code": element.code},
        )
        return _detail(questionnaire)
    form = _item_form(request, questionnaire, initial={"element": element.pk})
    if request.method == "POST" and form.is_valid():
        try:
            item = services.item_create(**form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã thêm câu hỏi %(code)s.") % {"code": item.code})
            return _detail(questionnaire, f"el-{item.element_id}")
    return _form_page(
        request, form, _("Thêm câu hỏi vào phần %(code)s") % {"code": element.code}, questionnaire
    )


@login_required
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item_for_user(request, pk, Perm.MANAGE_CAMPAIGNS)
    questionnaire = item.questionnaire
    if refused := _refuse_published(request, questionnaire) or _refuse_locked(request, item):
        return refused
    form = _item_form(request, questionnaire, initial=ItemForm.initial_for(item))
    if request.method == "POST" and form.is_valid():
        try:
            services.item_update(item=item, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã lưu câu hỏi %(code)s.") % {"code": item.code})
            return _detail(questionnaire, f"el-{item.element_id}")
    return _form_page(
        request,
        form,
        _("Sửa câu hỏi %(code)s") % {"code": item.code},
        questionnaire,
        position=item.position,
    )


@login_required
def item_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item_for_user(request, pk, Perm.MANAGE_CAMPAIGNS)
    return _delete(
        request,
        item,
        lambda: services.item_delete(item=item),
        done=_("Đã xóa câu hỏi %(code)s.") % {"code": item.code},
        anchor=f"el-{item.element_id}",
        title=_("Xóa câu hỏi %(code)s") % {"code": item.code},
        question=lambda: _("Xóa câu hỏi “%(text)s”?") % {"text": item.text},
    )


@login_required
@require_POST
def item_move(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item_for_user(request, pk, Perm.MANAGE_CAMPAIGNS)
    return _move(
        request,
        item,
        lambda direction: services.item_move(item=item, direction=direction),
        f"item-{item.pk}",
    )
