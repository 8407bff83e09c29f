"""Campaign writes: creation, optimistic locking, the scope, and every status transition."""

import datetime
from itertools import product

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from agencies.models import Era
from agencies.tests.factories import make_agency
from surveys.models import Campaign, CampaignAgency, CampaignTransition, Questionnaire
from surveys.services.campaigns import (
    TRANSITIONS,
    campaign_create,
    campaign_set_scope,
    campaign_transition,
    campaign_update,
)
from surveys.tests.factories import make_campaign, make_questionnaire

Status = Campaign.Status
TODAY = timezone.localdate()
CONFLICT = "Đợt khảo sát vừa được người khác thay đổi sau khi bạn mở trang này"


@pytest.fixture
def draft(world):
    return make_campaign(
        organiser=world.home_affairs, code="sipas-hue-2024", scope=[world.phu_vang, world.tu_ha]
    )


def messages(exc_info) -> list[str]:
    return exc_info.value.messages


def error_dict(exc_info) -> dict[str, list[str]]:
    return exc_info.value.message_dict


def basics(world, **overrides):
    values = {
        "code": "dieu-tra-2025",
        "name": "Điều tra xã hội học năm 2025",
        "year": 2025,
        "organiser": world.home_affairs,
        "questionnaire": make_questionnaire(),
        "era": Era.THREE_TIER,
        "channels": ["online", "kiosk"],
        "opens_on": datetime.date(2025, 8, 1),
        "closes_on": datetime.date(2025, 9, 30),
        "default_target": 120,
        "by": world.manager,
    }
    return values | overrides


def assert_unchanged(campaign: Campaign) -> None:
    fresh = Campaign.objects.get(pk=campaign.pk)
    assert (fresh.status, fresh.lock_version) == (campaign.status, campaign.lock_version)
    assert not CampaignTransition.objects.filter(campaign=campaign).exists()


# --- Creation and edits -----------------------------------------------------------------------


def test_it_creates_a_draft_campaign(world):
    campaign = campaign_create(**basics(world))
    assert campaign.status == Status.DRAFT
    assert campaign.created_by == world.manager
    assert (campaign.channels, campaign.default_target, campaign.lock_version) == (
        ["online", "kiosk"],
        120,
        0,
    )


def test_it_refuses_a_duplicate_code(world, draft):
    with pytest.raises(ValidationError) as exc:
        campaign_create(**basics(world, code="sipas-hue-2024"))
    assert error_dict(exc) == {
        "code": ["Mã đợt này đã được dùng cho một đợt khảo sát khác; hãy chọn mã khác."]
    }
    assert Campaign.objects.count() == 1


def test_it_refuses_a_closing_date_before_the_opening_date(world):
    with pytest.raises(ValidationError) as exc:
        campaign_create(**basics(world, closes_on=datetime.date(2025, 7, 31)))
    assert error_dict(exc) == {"closes_on": ["Ngày kết thúc phải cùng ngày hoặc sau ngày bắt đầu."]}
    assert not Campaign.objects.exists()


@pytest.mark.parametrize("target", [0, -5, 100_001])
def test_it_refuses_a_target_out_of_range(world, target):
    with pytest.raises(ValidationError) as exc:
        campaign_create(**basics(world, default_target=target))
    assert error_dict(exc) == {"default_target": ["Số phiếu cần thu phải từ 1 đến 100.000."]}


def test_it_refuses_a_local_questionnaire_of_another_province(world):
    da_nang = make_questionnaire(owner=world.da_nang)
    with pytest.raises(ValidationError) as exc:
        campaign_create(**basics(world, questionnaire=da_nang))
    assert "questionnaire" in error_dict(exc)


def test_it_updates_with_the_current_lock_version(draft):
    version = draft.lock_version
    campaign_update(campaign=draft, lock_version=version, name="SIPAS Huế", default_target=80)
    draft.refresh_from_db()
    assert (draft.name, draft.default_target, draft.lock_version) == ("SIPAS Huế", 80, version + 1)


def test_it_refuses_a_save_started_from_an_older_version(world, draft):
    """Two officials opened the edit page at the same version; the second save is refused."""
    version = draft.lock_version
    first = Campaign.objects.get(pk=draft.pk)
    second = Campaign.objects.get(pk=draft.pk)
    campaign_update(campaign=first, lock_version=version, name="Tên của người thứ nhất")
    with pytest.raises(ValidationError) as exc:
        campaign_update(campaign=second, lock_version=version, name="Tên của người thứ hai")
    assert exc.value.code == "conflict"
    assert messages(exc)[0].startswith(CONFLICT)
    assert Campaign.objects.get(pk=draft.pk).name == "Tên của người thứ nhất"


def test_it_refuses_a_duplicate_code_on_edit(world, draft):
    other = make_campaign(organiser=world.home_affairs, code="khac")
    with pytest.raises(ValidationError) as exc:
        campaign_update(campaign=other, lock_version=other.lock_version, code="sipas-hue-2024")
    assert list(error_dict(exc)) == ["code"]


def test_it_keeps_code_questionnaire_organiser_and_era_once_open(world, draft):
    campaign_transition(campaign=draft, to_status=Status.OPEN, by=world.manager)
    for field, value in [
        ("code", "ma-moi"),
        ("questionnaire", make_questionnaire()),
        ("era", Era.TWO_TIER),
        ("organiser", world.root),
    ]:
        with pytest.raises(ValidationError) as exc:
            campaign_update(campaign=draft, lock_version=draft.lock_version, **{field: value})
        assert error_dict(exc) == {field: ["Không đổi được khi đợt khảo sát đã mở."]}
    campaign_update(
        campaign=draft,
        lock_version=draft.lock_version,
        code=draft.code,
        closes_on=TODAY + datetime.timedelta(days=60),
    )
    assert Campaign.objects.get(pk=draft.pk).closes_on == TODAY + datetime.timedelta(days=60)


@pytest.mark.parametrize("status", [Status.PUBLISHED, Status.ARCHIVED])
def test_it_refuses_to_edit_a_published_or_archived_campaign(world, status):
    campaign = make_campaign(organiser=world.home_affairs, status=status)
    with pytest.raises(ValidationError) as exc:
        campaign_update(campaign=campaign, lock_version=campaign.lock_version, name="Khác")
    assert "không sửa được nữa" in messages(exc)[0]


# --- Scope ------------------------------------------------------------------------------------


def scope_of(campaign) -> dict[str, int | None]:
    return {row.agency.name: row.target for row in campaign.scope.select_related("agency")}


def test_it_sets_and_replaces_the_scope_with_targets(world, draft):
    campaign_set_scope(
        campaign=draft,
        targets={world.phu_vang: 50, world.phu_thuan: None, world.huong_tra: 30},
        lock_version=draft.lock_version,
    )
    assert scope_of(draft) == {
        "UBND huyện Phú Vang": 50,
        "UBND xã Phú Thuận": None,
        "UBND thị xã Hương Trà": 30,
    }
    campaign_set_scope(campaign=draft, targets={world.huong_tra: 40}, lock_version=None)
    assert scope_of(draft) == {"UBND thị xã Hương Trà": 40}
    assert draft.lock_version == 3  # creation's scope, then these two


def test_it_replaces_only_the_branch_being_edited(world, draft):
    campaign_set_scope(campaign=draft, targets={world.phu_thuan: 20}, within=world.phu_vang)
    assert scope_of(draft) == {"UBND xã Phú Thuận": 20, "UBND phường Tứ Hạ": None}
    with pytest.raises(ValidationError) as exc:
        campaign_set_scope(campaign=draft, targets={world.tu_ha: 5}, within=world.phu_vang)
    assert messages(exc) == [
        "“UBND phường Tứ Hạ” không thuộc nhánh “UBND huyện Phú Vang” đang sửa."
    ]


def test_it_refuses_agencies_of_another_province_or_era(world, draft):
    da_nang = make_agency("UBND quận Hải Châu", unit_code="492", parent=world.da_nang)
    new_era = make_agency("UBND phường Thuận Hóa", unit_code="46", era=Era.TWO_TIER)
    with pytest.raises(ValidationError) as exc:
        campaign_set_scope(campaign=draft, targets={da_nang: None, new_era: None})
    assert messages(exc) == [
        "“UBND quận Hải Châu” không thuộc tỉnh của cơ quan tổ chức.",
        "“UBND phường Thuận Hóa” không thuộc danh mục đơn vị hành chính của đợt "
        "(3 cấp (tỉnh – huyện – xã, đến 30/6/2025)).",
        "“UBND phường Thuận Hóa” không thuộc tỉnh của cơ quan tổ chức.",
    ]
    assert scope_of(draft) == {"UBND huyện Phú Vang": None, "UBND phường Tứ Hạ": None}


def test_it_refuses_a_target_below_one_in_the_scope(world, draft):
    with pytest.raises(ValidationError) as exc:
        campaign_set_scope(campaign=draft, targets={world.phu_vang: -3})
    assert messages(exc) == ["Số phiếu cần thu của “UBND huyện Phú Vang” phải từ 1 đến 100.000."]


def test_it_refuses_a_scope_change_from_an_older_version(world, draft):
    version = draft.lock_version
    campaign_set_scope(campaign=draft, targets={world.phu_vang: 10}, lock_version=version)
    with pytest.raises(ValidationError) as exc:
        campaign_set_scope(campaign=draft, targets={world.tu_ha: 10}, lock_version=version)
    assert exc.value.error_list[0].code == "conflict"
    assert scope_of(draft) == {"UBND huyện Phú Vang": 10}


@pytest.mark.parametrize("status", [s for s in Status.values if s != Status.DRAFT])
def test_it_refuses_a_scope_change_once_open(world, status):
    campaign = make_campaign(organiser=world.home_affairs, scope=[world.phu_vang], status=status)
    with pytest.raises(ValidationError) as exc:
        campaign_set_scope(
            campaign=campaign, targets={world.huong_tra: 10}, lock_version=campaign.lock_version
        )
    assert messages(exc) == [
        f"Không thể thay đổi phạm vi khảo sát khi đợt khảo sát đang ở trạng thái "
        f"“{Status(status).label}”; chỉ sửa được phạm vi của đợt còn là bản nháp."
    ]
    assert scope_of(campaign) == {"UBND huyện Phú Vang": None}


# --- Transitions ------------------------------------------------------------------------------


def test_it_opens_a_ready_draft_and_records_who_and_when(world, draft):
    before = draft.lock_version
    campaign_transition(campaign=draft, to_status=Status.OPEN, by=world.manager, note="Theo KH 12")
    assert draft.status == Status.OPEN
    assert Campaign.objects.get(pk=draft.pk).lock_version == before + 1
    (row,) = CampaignTransition.objects.filter(campaign=draft)
    assert (row.from_status, row.to_status, row.by, row.note) == (
        Status.DRAFT,
        Status.OPEN,
        world.manager,
        "Theo KH 12",
    )
    assert timezone.now() - row.at < datetime.timedelta(minutes=1)


def test_it_refuses_to_open_without_a_published_questionnaire(world):
    draft_form = make_questionnaire(published=False, title="Phiếu nháp")
    campaign = make_campaign(
        organiser=world.home_affairs, questionnaire=draft_form, scope=[world.phu_vang]
    )
    with pytest.raises(ValidationError) as exc:
        campaign_transition(campaign=campaign, to_status=Status.OPEN, by=world.manager)
    assert messages(exc) == [
        "Phiếu khảo sát “Phiếu nháp (v1)” chưa được ban hành; chỉ mở được với phiếu đã ban hành."
    ]
    assert_unchanged(campaign)


def test_it_refuses_to_open_without_a_scope(world):
    campaign = make_campaign(organiser=world.home_affairs)
    with pytest.raises(ValidationError) as exc:
        campaign_transition(campaign=campaign, to_status=Status.OPEN, by=world.manager)
    assert messages(exc) == ["Chưa chọn cơ quan nào trong phạm vi khảo sát."]
    assert_unchanged(campaign)


def test_it_refuses_to_open_without_a_channel(world):
    campaign = make_campaign(organiser=world.home_affairs, scope=[world.phu_vang], channels=())
    with pytest.raises(ValidationError) as exc:
        campaign_transition(campaign=campaign, to_status=Status.OPEN, by=world.manager)
    assert messages(exc) == ["Chưa chọn kênh thu thập nào (trực tuyến, kiosk, phiếu giấy…)."]
    assert_unchanged(campaign)


def test_it_refuses_to_open_with_agencies_of_another_era(world, draft):
    campaign_update(campaign=draft, lock_version=draft.lock_version, era=Era.TWO_TIER)
    with pytest.raises(ValidationError) as exc:
        campaign_transition(campaign=draft, to_status=Status.OPEN, by=world.manager)
    assert messages(exc) == [
        "2 cơ quan trong phạm vi không thuộc danh mục đơn vị hành chính của đợt "
        "(2 cấp (tỉnh – xã, từ 01/7/2025)): UBND huyện Phú Vang, UBND phường Tứ Hạ."
    ]
    assert_unchanged(draft)


def test_it_refuses_to_open_with_an_inactive_agency(world, draft):
    world.tu_ha.is_active = False
    world.tu_ha.save()
    with pytest.raises(ValidationError) as exc:
        campaign_transition(campaign=draft, to_status=Status.OPEN, by=world.manager)
    assert messages(exc) == ["1 cơ quan trong phạm vi đã ngừng hoạt động: UBND phường Tứ Hạ."]


def test_it_refuses_to_open_after_the_closing_date(world):
    campaign = make_campaign(
        organiser=world.home_affairs,
        scope=[world.phu_vang],
        opens_on=datetime.date(2024, 8, 1),
        closes_on=datetime.date(2024, 9, 30),
    )
    with pytest.raises(ValidationError) as exc:
        campaign_transition(campaign=campaign, to_status=Status.OPEN, by=world.manager)
    assert messages(exc) == [
        "Ngày kết thúc (30/09/2024) đã qua; hãy sửa ngày kết thúc trước khi mở đợt khảo sát."
    ]
    assert_unchanged(campaign)


def test_it_gives_every_reason_at_once(world):
    campaign = make_campaign(
        organiser=world.home_affairs,
        questionnaire=make_questionnaire(published=False, title="Nháp"),
        channels=(),
        closes_on=TODAY - datetime.timedelta(days=1),
        opens_on=TODAY - datetime.timedelta(days=9),
    )
    with pytest.raises(ValidationError) as exc:
        campaign_transition(campaign=campaign, to_status=Status.OPEN, by=world.manager)
    assert len(messages(exc)) == 4


def test_it_closes_an_open_campaign(world):
    campaign = make_campaign(organiser=world.home_affairs, scope=[world.phu_vang], status="open")
    campaign_transition(campaign=campaign, to_status=Status.CLOSED, by=world.manager)
    assert Campaign.objects.get(pk=campaign.pk).status == Status.CLOSED
    assert CampaignTransition.objects.get(campaign=campaign).from_status == Status.OPEN


def test_it_reopens_a_closed_campaign_before_its_closing_date(world):
    campaign = make_campaign(organiser=world.home_affairs, scope=[world.phu_vang], status="closed")
    campaign_transition(campaign=campaign, to_status=Status.OPEN, by=world.manager)
    assert Campaign.objects.get(pk=campaign.pk).status == Status.OPEN


def test_it_refuses_to_reopen_after_the_closing_date(world):
    campaign = make_campaign(
        organiser=world.home_affairs,
        scope=[world.phu_vang],
        status="closed",
        opens_on=TODAY - datetime.timedelta(days=40),
        closes_on=TODAY - datetime.timedelta(days=10),
    )
    with pytest.raises(ValidationError) as exc:
        campaign_transition(campaign=campaign, to_status=Status.OPEN, by=world.manager)
    assert "đã qua; hãy sửa ngày kết thúc" in messages(exc)[0]
    assert_unchanged(campaign)


def test_it_refuses_to_publish_before_the_indices_are_computed(world):
    campaign = make_campaign(organiser=world.home_affairs, scope=[world.phu_vang], status="closed")
    with pytest.raises(ValidationError) as exc:
        campaign_transition(campaign=campaign, to_status=Status.PUBLISHED, by=world.manager)
    assert messages(exc) == [
        "Chưa tính chỉ số hài lòng cho đợt khảo sát này; chỉ công bố được sau khi đã tính chỉ số."
    ]
    assert_unchanged(campaign)


def test_it_publishes_once_the_indices_are_computed(world, monkeypatch):
    monkeypatch.setattr("reports.selectors.campaign_indices_ready", lambda campaign: True)
    campaign = make_campaign(organiser=world.home_affairs, scope=[world.phu_vang], status="closed")
    campaign_transition(campaign=campaign, to_status=Status.PUBLISHED, by=world.manager)
    assert Campaign.objects.get(pk=campaign.pk).status == Status.PUBLISHED


@pytest.mark.parametrize("status", [Status.CLOSED, Status.PUBLISHED])
def test_it_archives_a_closed_or_published_campaign(world, status):
    campaign = make_campaign(organiser=world.home_affairs, scope=[world.phu_vang], status=status)
    campaign_transition(campaign=campaign, to_status=Status.ARCHIVED, by=world.admin)
    row = CampaignTransition.objects.get(campaign=campaign)
    assert (row.from_status, row.to_status, row.by) == (status, Status.ARCHIVED, world.admin)


REFUSED = [
    (origin, target)
    for origin, target in product(Status.values, Status.values)
    if target not in TRANSITIONS[origin]
]


@pytest.mark.parametrize(("origin", "target"), REFUSED)
def test_it_refuses_every_move_the_workflow_does_not_have(world, origin, target):
    campaign = make_campaign(organiser=world.home_affairs, scope=[world.phu_vang], status=origin)
    with pytest.raises(ValidationError) as exc:
        campaign_transition(campaign=campaign, to_status=target, by=world.manager)
    assert messages(exc) == [
        f"Không thể chuyển đợt khảo sát từ “{Status(origin).label}” sang “{Status(target).label}”."
    ]
    assert_unchanged(campaign)


def test_it_refuses_an_unknown_status(world, draft):
    with pytest.raises(ValidationError) as exc:
        campaign_transition(campaign=draft, to_status="deleted", by=world.manager)
    assert messages(exc) == ["Trạng thái “deleted” không tồn tại."]


def test_it_opens_once_when_two_officials_press_open(world, draft):
    stale = Campaign.objects.get(pk=draft.pk)
    campaign_transition(campaign=draft, to_status=Status.OPEN, by=world.manager)
    with pytest.raises(ValidationError) as exc:
        campaign_transition(campaign=stale, to_status=Status.OPEN, by=world.admin)
    assert messages(exc) == [
        "Không thể chuyển đợt khảo sát từ “Đang khảo sát” sang “Đang khảo sát”."
    ]
    assert CampaignTransition.objects.filter(campaign=draft).count() == 1


def test_it_makes_an_edit_started_before_a_transition_refuse_to_save(world, draft):
    version = draft.lock_version
    campaign_transition(campaign=draft, to_status=Status.OPEN, by=world.manager)
    stale = Campaign.objects.get(pk=draft.pk)
    with pytest.raises(ValidationError) as exc:
        campaign_update(campaign=stale, lock_version=version, name="Đổi tên")
    assert exc.value.code == "conflict"


def test_it_lets_a_questionnaire_that_is_not_national_be_run_by_its_province(world):
    local = make_questionnaire(owner=world.home_affairs)
    assert local.status == Questionnaire.Status.PUBLISHED
    campaign = campaign_create(**basics(world, questionnaire=local))
    assert campaign.questionnaire == local
    assert CampaignAgency.objects.filter(campaign=campaign).count() == 0
