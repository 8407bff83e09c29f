"""The officials' campaign overview: state of the run, progress, figures, charts, rankings."""

from django.urls import reverse

from reports.tests.conftest import answer, compute


def url(campaign) -> str:
    return reverse("reports:campaign", args=[campaign.pk])


def test_it_sends_an_anonymous_visitor_to_the_login_page(results, client):
    response = client.get(url(results))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_hides_the_campaign_from_the_outsider(world, results, as_user):
    assert as_user(world.outsider).get(url(results)).status_code == 404
    assert as_user(world.nobody).get(url(results)).status_code == 404


def test_it_shows_the_manager_every_figure(world, results, as_user):
    response = as_user(world.manager).get(url(results))
    assert response.status_code == 200
    text = response.text
    assert "70,00 %" in text and "n = 13" in text
    assert "Chỉ số theo yếu tố" in text and "1. Yếu tố 1" in text
    assert "Đã thu 13/400 phiếu hợp lệ (3%)" in text  # the blank answers count as answers
    assert "Số liệu đã cập nhật" in text and "Chỉ số tính lúc" in text
    assert "So với SIPAS Huế 2023" in text


def test_it_draws_a_chart_per_element_with_a_table_for_screen_readers(world, results, as_user):
    response = as_user(world.manager).get(url(results))
    text = response.text
    for chart in ("c-elements", "c-element-1", "c-element-2"):
        assert f'data-chart="{chart}"' in text
        assert f'<script id="{chart}" type="application/json">' in text
    assert text.count("Xem số liệu dạng bảng") == 3
    assert "vendor/chart.js/chart.umd.min.js" in text and "js/charts.js" in text
    assert "jsdelivr" not in text and "unpkg" not in text and "cdnjs" not in text
    chart = next(c for c in response.context["item_charts"] if c.id == "c-element-1")
    assert chart.data["labels"] == ["1.1", "1.2"] and chart.data["values"] == [70.0, 70.0]


def test_it_ranks_agencies_and_units_with_the_change_since_last_year(world, results, as_user):
    response = as_user(world.manager).get(url(results))
    tables = {t.cut: t for t in response.context["rankings"]}
    assert set(tables) == {"district", "commune", "agency"}
    agencies = [(r.name, r.rank, r.low_n) for r in tables["agency"].rows]
    assert ("UBND huyện Phú Vang", 1, False) in agencies
    assert ("UBND thị xã Hương Trà", 2, False) in agencies
    assert ("UBND xã Phú Thuận", None, True) in agencies
    phu_vang = next(r for r in tables["agency"].rows if r.name == "UBND huyện Phú Vang")
    assert phu_vang.change.delta == 25.0
    text = response.text
    assert "▲ +25,00" in text
    assert reverse("reports:agency", args=[results.pk, world.phu_vang.pk]) in text


def test_it_greys_low_n_rows_and_says_no_data_rather_than_zero(world, results, as_user):
    text = as_user(world.manager).get(url(results)).text
    assert 'class="table-secondary text-body-secondary low-n"' in text
    assert "Chưa đủ cỡ mẫu tối thiểu (n &lt; 3): không xếp hạng" in text
    tu_ha = text[text.index("UBND phường Tứ Hạ") :]
    tu_ha = tu_ha[: tu_ha.index("</tr>")]
    assert "Không có dữ liệu" in tu_ha and "%" not in tu_ha


def test_it_shows_the_official_only_their_own_agencies(world, results, as_user):
    response = as_user(world.official).get(url(results))
    assert response.status_code == 200
    text = response.text
    assert "UBND huyện Phú Vang" in text and "UBND xã Phú Thuận" in text
    assert "UBND thị xã Hương Trà" not in text and "Tứ Hạ" not in text
    assert "70,00 %" not in text  # the campaign's own figure spans other agencies
    assert "Hạng được tính trong toàn bộ đợt khảo sát" in text
    assert "Tính lại chỉ số" not in text


def test_it_shows_the_sibling_only_theirs(world, results, as_user):
    text = as_user(world.sibling).get(url(results)).text
    assert "UBND thị xã Hương Trà" in text and "UBND huyện Phú Vang" not in text


def test_it_lets_a_viewer_read_without_the_recompute_button(world, results, as_user):
    response = as_user(world.viewer).get(url(results))
    assert response.status_code == 200
    assert reverse("reports:recompute", args=[results.pk]) not in response.text


def test_it_offers_the_manager_a_recompute_button(world, results, as_user):
    text = as_user(world.manager).get(url(results)).text
    assert reverse("reports:recompute", args=[results.pk]) in text


def test_it_says_when_new_answers_are_not_counted_yet(world, results, as_user):
    answer(results, world.phu_vang, [5, 5, 5, 5, 5])
    text = as_user(world.manager).get(url(results)).text
    assert "Đang cập nhật" in text and "Số liệu đã cập nhật" not in text


def test_it_shows_an_empty_state_for_a_campaign_without_answers(world, hue, as_user):
    response = as_user(world.manager).get(url(hue))
    assert response.status_code == 200
    assert "Chưa có phiếu trả lời hợp lệ" in response.text
    assert "Chưa tính chỉ số" in response.text
    compute(hue)
    response = as_user(world.manager).get(url(hue))
    assert "Chưa có phiếu trả lời hợp lệ" in response.text
    assert "chart.umd.min.js" not in response.text


def test_it_keeps_its_query_count_bounded(world, results, as_user, django_assert_max_num_queries):
    client = as_user(world.manager)
    with django_assert_max_num_queries(40):
        client.get(url(results))
