"""The questionnaire list: national templates for everyone with a role, local ones in scope."""

import pytest
from django.urls import reverse
from django.utils.timezone import localtime

from surveys.services.questionnaires import questionnaire_clone, questionnaires_load_national
from surveys.tests.factories import make_questionnaire

URL = reverse("questionnaires:list")


@pytest.fixture
def forms(world):
    sipas2017, sipas2023 = questionnaires_load_national()
    return {
        "2017": sipas2017,
        "2023": sipas2023,
        "phu_vang": questionnaire_clone(source=sipas2017, owner=world.phu_vang, title="Phú Vang"),
        "home_affairs": questionnaire_clone(source=sipas2023, owner=world.home_affairs, title="Sở"),
        "da_nang": make_questionnaire(owner=world.da_nang, title="Đà Nẵng", family="da-nang"),
    }


def listed(response) -> set[str]:
    return {q.title for q in response.context["page"].object_list}


def national(forms) -> set[str]:
    return {forms["2017"].title, forms["2023"].title}


def test_it_sends_an_anonymous_visitor_to_the_login_page(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={URL}"


def test_it_refuses_a_user_without_membership(world, as_user):
    assert as_user(world.nobody).get(URL).status_code == 403


def test_it_shows_the_manager_national_templates_and_the_whole_province(world, as_user, forms):
    response = as_user(world.manager).get(URL)
    assert response.status_code == 200
    assert listed(response) == national(forms) | {"Phú Vang", "Sở"}
    assert reverse("questionnaires:clone", args=[forms["2017"].pk]) in response.text


def test_it_shows_the_official_and_the_viewer_their_subtree_only(world, as_user, forms):
    for user in (world.official, world.viewer, world.enumerator):
        response = as_user(user).get(URL)
        assert listed(response) == national(forms) | {"Phú Vang"}
        # Cloning needs the right to manage campaigns.
        assert reverse("questionnaires:clone", args=[forms["2017"].pk]) not in response.text


def test_it_shows_the_supervisor_the_province_read_only(world, as_user, forms):
    response = as_user(world.supervisor).get(URL)
    assert listed(response) == national(forms) | {"Phú Vang", "Sở"}
    assert reverse("questionnaires:clone", args=[forms["2017"].pk]) not in response.text


def test_it_keeps_the_outsider_and_the_sibling_out_of_other_agencies(world, as_user, forms):
    assert listed(as_user(world.outsider).get(URL)) == national(forms) | {"Đà Nẵng"}
    assert listed(as_user(world.sibling).get(URL)) == national(forms)


def test_it_shows_the_admin_everything(world, as_user, forms):
    assert listed(as_user(world.admin).get(URL)) == {q.title for q in forms.values()}


def test_it_filters_by_status_origin_family_and_search(world, as_user, forms):
    client = as_user(world.manager)
    assert listed(client.get(URL, {"status": "draft"})) == {"Phú Vang", "Sở"}
    assert listed(client.get(URL, {"origin": "national"})) == national(forms)
    assert listed(client.get(URL, {"origin": "local"})) == {"Phú Vang", "Sở"}
    assert listed(client.get(URL, {"family": "sipas-2023"})) == {forms["2023"].title}
    assert listed(client.get(URL, {"q": "phú vang"})) == {"Phú Vang"}
    assert listed(client.get(URL, {"q": "Sở Nội"})) == {"Sở"}  # by owner


def test_it_offers_only_families_in_scope(world, as_user, forms):
    response = as_user(world.official).get(URL)
    families = [value for value, _label in response.context["form"].fields["family"].choices]
    assert "da-nang" not in families and forms["phu_vang"].family in families
    assert listed(as_user(world.official).get(URL, {"family": "da-nang"})) == {
        q.title for q in [forms["2017"], forms["2023"], forms["phu_vang"]]
    }


def test_it_says_when_nothing_matches(world, as_user, forms):
    response = as_user(world.manager).get(URL, {"q": "không có phiếu này"})
    assert "Không có phiếu nào khớp điều kiện lọc." in response.text


def test_it_shows_status_version_owner_and_item_count(world, as_user, forms):
    response = as_user(world.manager).get(URL)
    rows = {q.title: q for q in response.context["page"].object_list}
    assert rows["Phú Vang"].n_items == 37 and rows[forms["2023"].title].n_items == 97
    assert "Mẫu quốc gia" in response.text and "Bản nháp" in response.text
    assert localtime(forms["2017"].published_at).strftime("%d/%m/%Y") in response.text


def test_it_lists_in_a_fixed_number_of_queries(
    world, as_user, forms, django_assert_max_num_queries
):
    for i in range(10):
        make_questionnaire(owner=world.phu_thuan, title=f"Xã {i}")
    client = as_user(world.manager)
    # Session, user, memberships, families, count, one page with owners and item counts.
    with django_assert_max_num_queries(7):
        response = client.get(URL)
    assert len(listed(response)) == 14
