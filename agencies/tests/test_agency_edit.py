"""Editing an agency: a manager's change stays inside the province; a move takes the subtree."""

import pytest
from django.urls import reverse

from agencies.models import Agency, AgencyKind
from agencies.tests.factories import make_agency, unit

INVALID_CHOICE = (
    "Hãy chọn một lựa chọn hợp lệ. Lựa chọn đó không phải là một trong các lựa chọn khả thi."
)


def url(agency) -> str:
    return reverse("agencies:edit", args=[agency.pk])


def data(agency, **overrides) -> dict:
    values = {
        "code": agency.code,
        "name": agency.name,
        "kind": agency.kind,
        "unit": agency.unit_id,
        "parent": agency.parent_id or "",
    }
    values.update(overrides)
    return values


def errors(response) -> dict[str, list[str]]:
    return {field: list(errs) for field, errs in response.context["form"].errors.items()}


def reload(agency) -> Agency:
    return Agency.objects.get(pk=agency.pk)


def test_it_sends_an_anonymous_visitor_to_the_login_page(world, client):
    for response in (
        client.get(url(world.phu_vang)),
        client.post(url(world.phu_vang), data(world.phu_vang, name="Đổi tên")),
    ):
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    assert reload(world.phu_vang).name == "UBND huyện Phú Vang"


@pytest.mark.parametrize("user", ["sibling", "outsider", "nobody"])
def test_it_answers_404_for_another_agency(world, as_user, user):
    client = as_user(getattr(world, user))
    assert client.get(url(world.phu_vang)).status_code == 404
    response = client.post(url(world.phu_vang), data(world.phu_vang, name="Đổi tên"))
    assert response.status_code == 404
    assert reload(world.phu_vang).name == "UBND huyện Phú Vang"


def test_it_answers_404_to_the_manager_for_another_province(world, as_user):
    assert as_user(world.manager).get(url(world.da_nang)).status_code == 404


@pytest.mark.parametrize("user", ["viewer", "supervisor", "enumerator", "official"])
def test_it_refuses_roles_that_cannot_manage_agencies(world, as_user, user):
    client = as_user(getattr(world, user))
    assert client.get(url(world.phu_vang)).status_code == 403
    response = client.post(url(world.phu_vang), data(world.phu_vang, name="Đổi tên"))
    assert response.status_code == 403
    assert "Bạn không có quyền thực hiện việc này" in response.text
    assert reload(world.phu_vang).name == "UBND huyện Phú Vang"


def test_it_shows_the_manager_the_filled_in_form(world, as_user):
    response = as_user(world.manager).get(url(world.phu_vang))
    assert response.status_code == 200
    assert "Sửa cơ quan" in response.text
    assert f'value="{world.phu_vang.code}"' in response.text
    parents = response.context["form"].fields["parent"].queryset
    # Not itself, not its own subtree: that would make a loop.
    assert world.phu_vang not in parents and world.phu_thuan not in parents
    assert world.root in parents and world.tu_ha in parents


def test_it_lets_the_manager_rename_an_agency(world, as_user):
    response = as_user(world.manager).post(
        url(world.phu_vang),
        data(world.phu_vang, name="UBND huyện Phú Vang (mới)", code="ubnd-phu-vang"),
        follow=True,
    )
    assert response.redirect_chain == [(reverse("agencies:detail", args=[world.phu_vang.pk]), 302)]
    assert "Đã lưu thay đổi." in response.text
    agency = reload(world.phu_vang)
    assert (agency.name, agency.code) == ("UBND huyện Phú Vang (mới)", "ubnd-phu-vang")
    assert agency.path == world.phu_vang.path


def test_it_lets_the_manager_change_kind_and_unit_within_the_province(world, as_user):
    response = as_user(world.manager).post(
        url(world.phu_thuan),
        data(world.phu_thuan, kind=AgencyKind.SERVICE_POINT, unit=unit("19900").pk),
    )
    assert response.status_code == 302
    agency = reload(world.phu_thuan)
    assert agency.kind == AgencyKind.SERVICE_POINT
    assert agency.unit == unit("19900")


def test_it_moves_the_whole_subtree_with_a_new_parent(world, as_user):
    desk = make_agency("Bộ phận Một cửa", unit_code="19903", parent=world.phu_thuan)
    response = as_user(world.manager).post(
        url(world.phu_thuan), data(world.phu_thuan, parent=world.huong_tra.pk)
    )
    assert response.status_code == 302
    moved = reload(world.phu_thuan)
    assert moved.parent == world.huong_tra
    assert moved.path == f"{world.huong_tra.path}{moved.pk}/"
    assert reload(desk).path == f"{moved.path}{desk.pk}/"
    # The move changes who sees it: the sibling official now, the Phú Vang official no longer.
    detail = reverse("agencies:detail", args=[desk.pk])
    assert as_user(world.sibling).get(detail).status_code == 200
    assert as_user(world.official).get(detail).status_code == 404


def test_it_lets_the_manager_keep_a_root_agency_at_the_root(world, as_user):
    response = as_user(world.manager).post(
        url(world.root), data(world.root, name="UBND thành phố Huế (tỉnh)")
    )
    assert response.status_code == 302
    root = reload(world.root)
    assert root.name == "UBND thành phố Huế (tỉnh)"
    assert root.parent is None


def test_it_refuses_to_make_a_root_agency_of_a_child_for_a_manager(world, as_user):
    # Detached from the tree, the agency would leave the scope of the officials above it.
    response = as_user(world.manager).post(url(world.phu_vang), data(world.phu_vang, parent=""))
    assert response.status_code == 200
    assert errors(response)["parent"] == ["Chọn cơ quan cấp trên thuộc phạm vi của bạn."]
    assert reload(world.phu_vang).parent == world.root


def test_it_refuses_a_parent_inside_the_own_subtree(world, as_user):
    response = as_user(world.manager).post(
        url(world.phu_vang), data(world.phu_vang, parent=world.phu_thuan.pk)
    )
    assert errors(response)["parent"] == [INVALID_CHOICE]
    assert reload(world.phu_vang).parent == world.root


def test_it_refuses_a_parent_outside_the_scope_posted_by_id(world, as_user):
    response = as_user(world.manager).post(
        url(world.phu_vang), data(world.phu_vang, parent=world.da_nang.pk)
    )
    assert errors(response)["parent"] == [INVALID_CHOICE]
    assert reload(world.phu_vang).parent == world.root


def test_it_refuses_a_unit_of_another_province(world, as_user):
    response = as_user(world.manager).post(
        url(world.phu_vang), data(world.phu_vang, unit=unit("20194").pk)
    )
    assert errors(response)["unit"] == [INVALID_CHOICE]
    assert reload(world.phu_vang).unit == unit("478")


def test_it_refuses_a_duplicate_code(world, as_user):
    response = as_user(world.manager).post(
        url(world.phu_vang), data(world.phu_vang, code=world.huong_tra.code, name="Đổi tên")
    )
    assert errors(response)["code"] == ["Cơ quan có Mã cơ quan đã tồn tại."]
    assert reload(world.phu_vang).name == "UBND huyện Phú Vang"


def test_it_requires_the_name(world, as_user):
    response = as_user(world.manager).post(url(world.phu_vang), data(world.phu_vang, name=""))
    assert errors(response)["name"] == ["Trường này là bắt buộc."]
    assert reload(world.phu_vang).name == "UBND huyện Phú Vang"


def test_it_lets_the_admin_move_an_agency_to_another_province_root(world, as_user):
    response = as_user(world.admin).post(
        url(world.da_nang), data(world.da_nang, name="UBND thành phố Đà Nẵng (mới)")
    )
    assert response.status_code == 302
    assert reload(world.da_nang).name == "UBND thành phố Đà Nẵng (mới)"
