"""Rankings among peers: ties, low-n and no-data rows, the reader's scope, one query."""

import pytest

from agencies.access import Access
from reports.selectors import EVERYTHING, ranking, result_scope
from reports.tests.conftest import BLANK, answer, compute, share

DISTRICT = "ubnd_huyen"


def table(rows, group=DISTRICT):
    return [(r.name, r.rank, r.value) for r in rows if r.group == group]


@pytest.fixture
def ranked(world, hue, districts):
    """Districts at 100, 75, 75 and 50 %: ranks 1, 2, 2, 4."""
    thuan_hoa, phong_dien = districts
    share(hue, thuan_hoa, 4, 0)
    share(hue, world.phu_vang, 3, 1)
    share(hue, world.huong_tra, 3, 1)
    share(hue, phong_dien, 2, 2)
    return hue


def test_it_gives_ties_the_same_place_and_skips_the_next(world, ranked):
    compute(ranked)
    assert table(ranking(ranked, "agency")) == [
        ("UBND quận Thuận Hóa", 1, 100.0),
        ("UBND huyện Phú Vang", 2, 75.0),
        ("UBND thị xã Hương Trà", 2, 75.0),
        ("UBND thị xã Phong Điền", 4, 50.0),
    ]


def test_it_ranks_units_of_one_tier_with_their_names(world, ranked):
    compute(ranked)
    rows = ranking(ranked, "district")
    assert [(r.name, r.rank, r.peers) for r in rows] == [
        ("Quận Thuận Hóa", 1, 4),
        ("Huyện Phú Vang", 2, 4),
        ("Thị xã Hương Trà", 2, 4),
        ("Thị xã Phong Điền", 4, 4),
    ]
    assert rows[0].parent_name == "Thành phố Huế"
    assert rows[1].object_id == world.phu_vang.unit_id


def test_it_ranks_agencies_among_agencies_of_the_same_kind(world, ranked):
    share(ranked, world.phu_thuan, 0, 3)
    compute(ranked)
    communes = [r for r in ranking(ranked, "agency") if r.group == "ubnd_xa"]
    assert [(r.name, r.rank, r.peers, r.value) for r in communes] == [
        ("UBND xã Phú Thuận", 1, 1, 0.0)
    ]
    assert communes[0].group_label == "UBND cấp xã"


def test_it_leaves_low_n_rows_out_by_default(world, hue, districts):
    thuan_hoa, phong_dien = districts
    share(hue, thuan_hoa, 3, 1)
    share(hue, world.phu_vang, 2, 2)
    share(hue, phong_dien, 2, 0)  # 100 %, but n = 2 < 3
    compute(hue)
    assert table(ranking(hue, "agency")) == [
        ("UBND quận Thuận Hóa", 1, 75.0),
        ("UBND huyện Phú Vang", 2, 50.0),
    ]


def test_it_shows_low_n_rows_unranked_after_the_others_when_asked(world, hue, districts):
    thuan_hoa, phong_dien = districts
    share(hue, thuan_hoa, 3, 1)
    share(hue, world.phu_vang, 2, 2)
    share(hue, phong_dien, 2, 0)
    compute(hue)
    rows = [r for r in ranking(hue, "agency", include_low_n=True) if r.group == DISTRICT]
    assert [(r.name, r.rank, r.low_n) for r in rows] == [
        ("UBND quận Thuận Hóa", 1, False),
        ("UBND huyện Phú Vang", 2, False),
        ("UBND thị xã Phong Điền", None, True),
    ]
    assert rows[0].peers == 2 and rows[2].value == 100.0


def test_it_never_ranks_a_row_without_data(world, hue, districts):
    thuan_hoa, phong_dien = districts
    share(hue, thuan_hoa, 1, 3)
    answer(hue, phong_dien, BLANK, 3)  # enough answers, every item blank
    compute(hue)
    rows = table(ranking(hue, "agency"))
    assert rows == [("UBND quận Thuận Hóa", 1, 25.0), ("UBND thị xã Phong Điền", None, None)]


def test_it_returns_only_the_officials_rows_with_their_place_among_all(world, ranked):
    compute(ranked)
    scope = result_scope(campaign=ranked, access=Access(world.official))
    assert not scope.whole
    assert table(ranking(ranked, "agency", scope=scope)) == [("UBND huyện Phú Vang", 2, 75.0)]
    districts = ranking(ranked, "district", scope=scope)
    assert [(r.name, r.rank, r.peers) for r in districts] == [("Huyện Phú Vang", 2, 4)]
    assert (
        ranking(ranked, "district", scope=result_scope(campaign=ranked, access=Access(None))) == []
    )


def test_it_shows_the_manager_every_row(world, ranked):
    compute(ranked)
    scope = result_scope(campaign=ranked, access=Access(world.manager))
    assert scope is EVERYTHING
    assert len(table(ranking(ranked, "agency", scope=scope))) == 4


def test_it_ranks_in_one_query(world, ranked, django_assert_num_queries):
    compute(ranked)
    scope = result_scope(campaign=ranked, access=Access(world.official))
    with django_assert_num_queries(1):
        ranking(ranked, "agency", include_low_n=True, scope=scope)


def test_it_is_empty_before_any_answer(world, hue):
    compute(hue)
    assert ranking(hue, "agency") == []
    assert ranking(hue, "commune", include_low_n=True) == []
