"""Creating an agency: only a manager (or the admin), only inside the manager's province."""

import pytest
from django.urls import reverse

from agencies.models import Agency, AgencyKind, Era
from agencies.tests.factories import unit

URL = reverse("agencies:create")


def data(world, **overrides) -> dict:
    values = {
        "province": unit("46").pk,
        "code": "mot-cua-phu-thuan",
        "name": "Bộ phận Một cửa xã Phú Thuận",
        "kind": AgencyKind.ONE_STOP_DESK,
        "unit": unit("19903").pk,
        "parent": world.phu_thuan.pk,
    }
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


def errors(response) -> dict[str, list[str]]:
    return {field: list(errs) for field, errs in response.context["form"].errors.items()}


def test_it_sends_an_anonymous_visitor_to_the_login_page(world, client):
    count = Agency.objects.count()
    for response in (client.get(URL), client.post(URL, data(world))):
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    assert Agency.objects.count() == count


@pytest.mark.parametrize("user", ["viewer", "supervisor", "enumerator", "official", "nobody"])
def test_it_refuses_roles_that_cannot_manage_agencies(world, as_user, user):
    client = as_user(getattr(world, user))
    assert client.get(URL).status_code == 403
    assert client.post(URL, data(world)).status_code == 403
    assert not Agency.objects.filter(code="mot-cua-phu-thuan").exists()


def test_it_offers_the_manager_only_the_units_and_parents_of_the_province(world, as_user):
    response = as_user(world.manager).get(URL)
    assert response.status_code == 200
    assert "Thêm cơ quan" in response.text
    form = response.context["form"]
    units = form.fields["unit"].queryset
    assert units.filter(pk=unit("19903").pk).exists()
    assert not units.exclude(province=unit("46")).exclude(pk=unit("46").pk).exists()
    parents = set(form.fields["parent"].queryset.values_list("name", flat=True))
    assert "UBND thành phố Đà Nẵng" not in parents
    assert {"UBND thành phố Huế", "UBND xã Phú Thuận", "UBND phường Tứ Hạ"} <= parents
    assert [p.pk for p in response.context["provinces"]] == [unit("46").pk]


def test_it_renders_the_blank_choices_in_vietnamese(world, as_user):
    response = as_user(world.manager).get(URL)
    assert "Select an option" not in response.text
    assert "– Chọn –" in response.text


def test_it_lets_the_manager_create_an_agency_in_the_province(world, as_user):
    response = as_user(world.manager).post(URL, data(world), follow=True)
    agency = Agency.objects.get(code="mot-cua-phu-thuan")
    assert response.redirect_chain == [(reverse("agencies:detail", args=[agency.pk]), 302)]
    assert "Đã tạo cơ quan “Bộ phận Một cửa xã Phú Thuận”." in response.text
    assert agency.parent == world.phu_thuan
    assert agency.path == f"{world.phu_thuan.path}{agency.pk}/"
    assert agency.province == unit("46")
    assert agency.unit == unit("19903")
    assert agency.is_active


def test_it_puts_the_new_agency_in_the_scope_of_the_officials_above_it(world, as_user):
    as_user(world.manager).post(URL, data(world))
    agency = Agency.objects.get(code="mot-cua-phu-thuan")
    detail = reverse("agencies:detail", args=[agency.pk])
    assert as_user(world.official).get(detail).status_code == 200
    assert as_user(world.sibling).get(detail).status_code == 404


def test_it_lets_the_admin_create_a_root_agency_of_another_province(world, as_user):
    da_nang = unit("48")
    response = as_user(world.admin).post(
        URL,
        data(world, province=da_nang.pk, code="ubnd-quang-nam", name="UBND tỉnh Quảng Nam")
        | {"unit": da_nang.pk, "parent": "", "kind": AgencyKind.PEOPLES_COMMITTEE_PROVINCE},
    )
    agency = Agency.objects.get(code="ubnd-quang-nam")
    assert response.status_code == 302
    assert agency.parent is None
    assert agency.path == f"/{agency.pk}/"
    assert agency.province == da_nang


def test_it_lets_the_admin_choose_the_province_of_the_units(world, as_user):
    response = as_user(world.admin).get(URL, {"province": unit("46", Era.TWO_TIER).pk})
    units = response.context["form"].fields["unit"].queryset
    assert units.filter(pk=unit("19900", Era.TWO_TIER).pk).exists()
    assert not units.filter(era=Era.THREE_TIER).exists()
    # Parents of the other era are not offered: an agency's tree stays in one era.
    assert not response.context["form"].fields["parent"].queryset.exists()


def test_it_refuses_a_province_outside_the_scope_with_404(world, as_user):
    response = as_user(world.manager).get(URL, {"province": unit("48").pk})
    assert response.status_code == 404


def test_it_refuses_a_duplicate_code(world, as_user):
    response = as_user(world.manager).post(URL, data(world, code=world.tu_ha.code))
    assert response.status_code == 200
    assert errors(response)["code"] == ["Cơ quan có Mã cơ quan đã tồn tại."]
    assert not Agency.objects.filter(name="Bộ phận Một cửa xã Phú Thuận").exists()


def test_it_refuses_a_code_that_is_not_a_slug(world, as_user):
    response = as_user(world.manager).post(URL, data(world, code="Một cửa"))
    assert "code" in errors(response)
    assert not Agency.objects.filter(name="Bộ phận Một cửa xã Phú Thuận").exists()


def test_it_requires_code_name_kind_and_unit(world, as_user):
    count = Agency.objects.count()
    response = as_user(world.manager).post(URL, {"province": unit("46").pk})
    assert response.status_code == 200
    found = errors(response)
    for field in ("code", "name", "kind", "unit"):
        assert found[field] == ["Trường này là bắt buộc."]
    assert "Trường này là bắt buộc." in response.text
    assert Agency.objects.count() == count


def test_it_requires_a_parent_in_scope_for_a_manager(world, as_user):
    response = as_user(world.manager).post(URL, data(world, parent=""))
    assert errors(response)["parent"] == ["Chọn cơ quan cấp trên thuộc phạm vi của bạn."]
    assert not Agency.objects.filter(code="mot-cua-phu-thuan").exists()


INVALID_CHOICE = (
    "Hãy chọn một lựa chọn hợp lệ. Lựa chọn đó không phải là một trong các lựa chọn khả thi."
)


def test_it_refuses_a_parent_outside_the_scope_posted_by_id(world, as_user):
    response = as_user(world.manager).post(URL, data(world, parent=world.da_nang.pk))
    assert errors(response)["parent"] == [INVALID_CHOICE]
    assert not Agency.objects.filter(code="mot-cua-phu-thuan").exists()


def test_it_refuses_a_unit_outside_the_scope_posted_by_id(world, as_user):
    response = as_user(world.manager).post(URL, data(world, unit=unit("20194").pk))
    assert errors(response)["unit"] == [INVALID_CHOICE]
    assert not Agency.objects.filter(code="mot-cua-phu-thuan").exists()


def test_it_refuses_an_inactive_parent(world, as_user):
    Agency.objects.filter(pk=world.phu_thuan.pk).update(is_active=False)
    response = as_user(world.manager).post(URL, data(world))
    assert errors(response)["parent"] == [INVALID_CHOICE]
    assert not Agency.objects.filter(code="mot-cua-phu-thuan").exists()


def test_it_refuses_a_parent_of_the_other_era(world, as_user):
    # The admin, without a province chosen, is offered the provinces of both eras as units.
    response = as_user(world.admin).post(
        URL, data(world, province=None, unit=unit("46", Era.TWO_TIER).pk, parent=world.root.pk)
    )
    assert response.status_code == 200
    assert errors(response)["parent"] == ["Cơ quan cấp trên thuộc thời kỳ đơn vị hành chính khác."]
    assert not Agency.objects.filter(code="mot-cua-phu-thuan").exists()
