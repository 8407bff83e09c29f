"""Campaign reads: who sees which campaign, the filters, and progress counted in the database."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory

from agencies.access import Access, Perm
from agencies.tests.factories import make_agency
from surveys.models import Campaign
from surveys.selectors.campaigns import (
    NATIONAL,
    campaign_list,
    campaign_progress,
    campaign_years,
    get_campaign_for_user,
    questionnaire_choices,
    scope_candidates,
)
from surveys.tests.factories import make_campaign, make_questionnaire, make_response

SCORES = [5, 4, 3, 4, 5, 4, 5]


@pytest.fixture
def hue(world):
    """Sở Nội vụ's campaign covering Phú Vang (target 10), Phú Thuận and Hương Trà (target 4)."""
    return make_campaign(
        organiser=world.home_affairs,
        code="sipas-hue-2024",
        scope=[(world.phu_vang, 10), world.phu_thuan, (world.huong_tra, 4)],
        default_target=6,
        status=Campaign.Status.OPEN,
    )


def names(campaigns) -> set[str]:
    return {c.code for c in campaigns}


def request_as(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_it_counts_valid_answers_per_scope_agency_in_one_query(
    world, hue, django_assert_num_queries
):
    for _ in range(3):
        make_response(hue, world.phu_vang, SCORES)
    make_response(hue, world.phu_vang, SCORES, channel="paper")
    make_response(hue, world.phu_vang, SCORES, status="rejected")
    make_response(hue, world.phu_thuan, SCORES, channel="kiosk")
    make_response(hue, world.huong_tra, SCORES, channel="paper")
    other = make_campaign(organiser=world.home_affairs, scope=[world.phu_vang])
    make_response(other, world.phu_vang, SCORES)
    access = Access(world.manager)  # reads the memberships
    hue = Campaign.objects.select_related("organiser").get(pk=hue.pk)  # as the views fetch it
    with django_assert_num_queries(1):
        progress = campaign_progress(campaign=hue, access=access)
    by_agency = {row.agency.name: (row.answers, row.target) for row in progress.rows}
    assert by_agency == {
        "UBND huyện Phú Vang": (4, 10),
        "UBND xã Phú Thuận": (1, 6),
        "UBND thị xã Hương Trà": (1, 4),
    }
    assert (progress.answers, progress.target, progress.partial) == (6, 20, False)
    assert progress.by_channel == [
        ("online", "Trực tuyến (đường dẫn, mã QR)", 3),
        ("paper", "Phiếu giấy", 2),
        ("kiosk", "Kiosk tại quầy", 1),
    ]
    assert progress.percent == 30


def test_it_orders_the_scope_as_a_tree(world, hue):
    rows = campaign_progress(campaign=hue, access=Access(world.manager)).rows
    assert [(row.agency.name, row.depth) for row in rows] == [
        ("UBND huyện Phú Vang", 0),
        ("UBND xã Phú Thuận", 1),
        ("UBND thị xã Hương Trà", 0),
    ]


def test_it_caps_the_percentage_once_the_target_is_reached(world):
    campaign = make_campaign(organiser=world.home_affairs, scope=[(world.phu_vang, 2)])
    for _ in range(3):
        make_response(campaign, world.phu_vang, SCORES)
    (row,) = campaign_progress(campaign=campaign, access=Access(world.manager)).rows
    assert (row.answers, row.percent, row.reached) == (3, 100, True)


def test_it_shows_an_official_only_the_progress_of_its_own_subtree(world, hue):
    make_response(hue, world.phu_vang, SCORES)
    make_response(hue, world.huong_tra, SCORES)
    make_response(hue, world.huong_tra, SCORES)
    progress = campaign_progress(campaign=hue, access=Access(world.official))
    assert [row.agency.name for row in progress.rows] == [
        "UBND huyện Phú Vang",
        "UBND xã Phú Thuận",
    ]
    assert (progress.answers, progress.target, progress.partial) == (1, 16, True)
    progress = campaign_progress(campaign=hue, access=Access(world.sibling))
    assert [row.agency.name for row in progress.rows] == ["UBND thị xã Hương Trà"]
    assert progress.answers == 2


def test_it_shows_the_supervisor_and_the_admin_the_whole_scope(world, hue):
    for user in (world.supervisor, world.admin):
        progress = campaign_progress(campaign=hue, access=Access(user))
        assert len(progress.rows) == 3 and not progress.partial


def test_it_lists_campaigns_by_organiser_or_covered_agency(world, hue):
    only_tu_ha = make_campaign(organiser=world.home_affairs, code="tu-ha", scope=[world.tu_ha])
    da_nang_office = make_agency("Sở Nội vụ Đà Nẵng", unit_code="48", parent=world.da_nang)
    make_campaign(organiser=da_nang_office, code="da-nang")
    assert names(campaign_list(access=Access(world.manager))) == {"sipas-hue-2024", "tu-ha"}
    assert names(campaign_list(access=Access(world.supervisor))) == {"sipas-hue-2024", "tu-ha"}
    assert names(campaign_list(access=Access(world.official))) == {"sipas-hue-2024"}
    assert names(campaign_list(access=Access(world.viewer))) == {"sipas-hue-2024"}
    assert names(campaign_list(access=Access(world.sibling))) == {"sipas-hue-2024", "tu-ha"}
    assert names(campaign_list(access=Access(world.outsider))) == {"da-nang"}
    assert names(campaign_list(access=Access(world.nobody))) == set()
    assert names(campaign_list(access=Access(world.admin))) == {
        "sipas-hue-2024",
        "tu-ha",
        "da-nang",
    }
    assert only_tu_ha.code not in names(campaign_list(access=Access(world.enumerator)))


def test_it_shows_a_national_campaign_to_the_agencies_it_covers_and_to_admins(world):
    make_campaign(organiser=None, code="sipas-quoc-gia", scope=[world.phu_thuan])
    assert names(campaign_list(access=Access(world.official))) == {"sipas-quoc-gia"}
    assert names(campaign_list(access=Access(world.manager))) == {"sipas-quoc-gia"}
    assert names(campaign_list(access=Access(world.admin))) == {"sipas-quoc-gia"}
    assert names(campaign_list(access=Access(world.sibling))) == set()
    assert names(campaign_list(access=Access(world.outsider))) == set()


def test_it_filters_by_year_status_organiser_and_search(world, hue):
    make_campaign(
        organiser=world.home_affairs, code="dieu-tra-2025", name="Điều tra xã hội học", year=2025
    )
    make_campaign(organiser=None, code="quoc-gia-2025", year=2025, scope=[world.phu_vang])
    access = Access(world.manager)
    assert names(campaign_list(access=access, year=2025)) == {"dieu-tra-2025", "quoc-gia-2025"}
    assert names(campaign_list(access=access, status="open")) == {"sipas-hue-2024"}
    assert names(campaign_list(access=access, organiser=world.home_affairs)) == {
        "sipas-hue-2024",
        "dieu-tra-2025",
    }
    assert names(campaign_list(access=access, organiser=NATIONAL)) == {"quoc-gia-2025"}
    assert names(campaign_list(access=access, search="xã hội")) == {"dieu-tra-2025"}
    assert names(campaign_list(access=access, search="HUE-2024")) == {"sipas-hue-2024"}
    assert campaign_years(access=access) == [2025, 2024]


def test_it_fetches_a_campaign_by_id_or_code_inside_the_scope(world, hue):
    assert get_campaign_for_user(request_as(world.official), hue.pk) == hue
    assert get_campaign_for_user(request_as(world.official), "sipas-hue-2024") == hue
    with pytest.raises(Http404):
        get_campaign_for_user(request_as(world.outsider), "sipas-hue-2024")


def test_it_refuses_management_below_the_organiser(world, hue):
    assert get_campaign_for_user(request_as(world.manager), hue.pk, Perm.MANAGE_CAMPAIGNS) == hue
    for user in (world.official, world.supervisor, world.viewer, world.sibling):
        with pytest.raises(PermissionDenied):
            get_campaign_for_user(request_as(user), hue.pk, Perm.MANAGE_CAMPAIGNS)


def test_it_lets_an_enumerator_enter_answers_for_its_covered_agency(world, hue):
    request = request_as(world.enumerator)
    assert get_campaign_for_user(request, hue.pk, Perm.ENTER_RESPONSES) == hue
    with pytest.raises(PermissionDenied):
        get_campaign_for_user(request_as(world.viewer), hue.pk, Perm.ENTER_RESPONSES)


def test_it_leaves_a_national_campaign_to_administrators(world):
    national = make_campaign(organiser=None, scope=[world.phu_vang])
    with pytest.raises(PermissionDenied):
        get_campaign_for_user(request_as(world.manager), national.pk, Perm.MANAGE_CAMPAIGNS)
    assert get_campaign_for_user(request_as(world.admin), national.pk, Perm.MANAGE_CAMPAIGNS)


def test_it_offers_published_national_and_local_questionnaires_in_scope(world):
    national = make_questionnaire(family="sipas-2017")
    national.is_national = True
    national.save()
    local = make_questionnaire(owner=world.home_affairs)
    make_questionnaire(owner=world.home_affairs, published=False)
    make_questionnaire(owner=world.da_nang)
    assert set(questionnaire_choices(access=Access(world.manager))) == {national, local}
    admin_choices = set(questionnaire_choices(access=Access(world.admin)))
    assert {national, local} < admin_choices and len(admin_choices) == 3


def test_it_offers_the_organisers_province_agencies_of_the_campaign_era(world):
    campaign = make_campaign(organiser=world.home_affairs)
    candidates = {a.name for a in scope_candidates(campaign=campaign)}
    assert candidates == {
        "UBND thành phố Huế",
        "Sở Nội vụ",
        "UBND huyện Phú Vang",
        "UBND xã Phú Thuận",
        "UBND thị xã Hương Trà",
        "UBND phường Tứ Hạ",
    }  # the Fatherland Front oversees, and Đà Nẵng is another province
    campaign.era = "2tier"
    assert list(scope_candidates(campaign=campaign)) == []
