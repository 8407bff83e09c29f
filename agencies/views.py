"""Officials manage agencies in the browser: list, detail, create, edit, (de)activate."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agencies import selectors, services
from agencies.access import Perm, get_access, get_agency_for_user, require
from agencies.forms import AgencyFilterForm, AgencyForm
from agencies.models import AdminUnit, Agency, Membership


@login_required
def agency_list(request: HttpRequest) -> HttpResponse:
    access = require(request, Perm.VIEW)
    form = AgencyFilterForm(request.GET or None)
    filters = {}
    if form.is_valid():
        filters = {
            "search": form.cleaned_data["q"].strip(),
            "kind": form.cleaned_data["kind"],
            "tier": form.cleaned_data["tier"],
            "active": form.active_value(),
        }
    agencies = selectors.agency_list(access=access, **filters)
    page = Paginator(agencies, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "agencies/agency_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_manage": access.has(Perm.MANAGE_AGENCIES),
        },
    )


@login_required
def agency_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agency = get_agency_for_user(request, pk)
    access = get_access(request)
    return render(
        request,
        "agencies/agency_detail.html",
        {
            "agency": agency,
            "ancestors": _ancestors(agency),
            "children": selectors.agency_children(access=access, agency=agency),
            # An official sees the parent's name, but its page is outside the scope (a 404).
            "parent_in_scope": agency.parent is not None and access.can(Perm.VIEW, agency.parent),
            "can_manage": access.can(Perm.MANAGE_AGENCIES, agency),
        },
    )


def _ancestors(agency: Agency) -> list[Agency]:
    ids = [int(part) for part in agency.path.strip("/").split("/")[:-1] if part]
    by_id = Agency.objects.in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]


def _picker_province(request: HttpRequest, agency: Agency | None) -> AdminUnit | None:
    """The province whose units the form offers: the agency's, the one asked, or the only one."""
    if agency is not None:
        return agency.province
    access = get_access(request)
    provinces = selectors.provinces_in_scope(access=access)
    wanted = request.GET.get("province") or request.POST.get("province")
    if wanted and wanted.isdigit():
        return get_object_or_404(provinces, pk=int(wanted))
    if access.province_ids() is not None and provinces.count() == 1:
        return provinces.first()
    return None


def _form(request: HttpRequest, agency: Agency | None) -> AgencyForm:
    access = get_access(request)
    province = _picker_province(request, agency)
    parents = access.agencies(Perm.MANAGE_AGENCIES).filter(is_active=True)
    if province is not None:
        parents = parents.filter(unit__era=province.era)
    if agency is not None:
        parents = parents.exclude(path__startswith=agency.path)
    return AgencyForm(
        request.POST or None,
        instance=agency,
        units=selectors.units_for_picker(province=province, access=access),
        parents=parents.select_related("unit").order_by("path"),
    )


def _check_placement(request: HttpRequest, form: AgencyForm) -> None:
    """The new place must itself be inside the user's scope, or the agency would escape it."""
    access = get_access(request)
    parent = form.cleaned_data.get("parent")
    if parent is None and not access.is_admin:
        form.add_error("parent", _("Chọn cơ quan cấp trên thuộc phạm vi của bạn."))


@login_required
def agency_create(request: HttpRequest) -> HttpResponse:
    require(request, Perm.MANAGE_AGENCIES)
    form = _form(request, None)
    if request.method == "POST" and form.is_valid():
        _check_placement(request, form)
        if not form.errors:
            try:
                agency = services.agency_create(**form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Đã tạo cơ quan “%(name)s”.") % {"name": agency.name})
                return redirect("agencies:detail", pk=agency.pk)
    return render(
        request,
        "agencies/agency_form.html",
        {
            "form": form,
            "provinces": selectors.provinces_in_scope(access=get_access(request)),
            "province": _picker_province(request, None),
            "title": _("Thêm cơ quan"),
        },
    )


@login_required
def agency_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agency = get_agency_for_user(request, pk, Perm.MANAGE_AGENCIES)
    # Read before validating: is_valid() copies the posted parent onto `agency`, and a cleared
    # parent would otherwise skip the check and detach the agency from the tree above it.
    had_parent = agency.parent_id is not None
    form = _form(request, agency)
    if request.method == "POST" and form.is_valid():
        if had_parent:
            _check_placement(request, form)
        if not form.errors:
            try:
                services.agency_update(agency=agency, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Đã lưu thay đổi."))
                return redirect("agencies:detail", pk=agency.pk)
    return render(
        request,
        "agencies/agency_form.html",
        {"form": form, "agency": agency, "title": _("Sửa cơ quan")},
    )


@login_required
@require_POST
def agency_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    agency = get_agency_for_user(request, pk, Perm.MANAGE_AGENCIES)
    active = request.POST.get("active") == "1"
    own = Membership.objects.filter(user=request.user, agency__path__startswith=agency.path)
    if not active and own.exists():
        # Deactivating one's own branch would lock the user out of it.
        raise PermissionDenied(
            _("Không thể ngừng hoạt động cơ quan của chính bạn hoặc cơ quan cấp trên của nó.")
        )
    count = services.agency_set_active(agency=agency, active=active)
    if active:
        messages.success(request, _("Đã cho cơ quan hoạt động trở lại."))
    else:
        messages.success(
            request,
            _("Đã ngừng hoạt động %(count)d cơ quan (gồm các cơ quan cấp dưới).")
            % {"count": count},
        )
    return redirect("agencies:detail", pk=agency.pk)
