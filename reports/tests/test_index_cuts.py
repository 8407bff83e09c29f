"""Stored figures: one IndexCut row of arrays per cut, written with binary COPY and read one
figure per row through the view reports_indexresult, give back exactly the column-wise figures
(reports.tests.figures_long.figures_frame) of the same tallies, NULLs and `extra` included."""

import json
import math
import random

import numpy as np
import pandas as pd
import pytest

from reports import indices
from reports.engine import tally_frame
from reports.figures import NONE, NUMBERS, _grid
from reports.models import IndexCut, IndexResult, IndexRun
from reports.tests.conftest import make_results_campaign, random_answers
from reports.tests.figures_long import figures_frame
from surveys.models import CampaignAgency
from surveys.services.questionnaires import questionnaires_load_national

FIELDS = ("kind", "value", "n", "positive", "low", "high", "low_n", "extra")


def _stored(campaign) -> dict:
    return {
        (r.cut, r.cut_key, r.code): tuple(getattr(r, f) for f in FIELDS)
        for r in IndexResult.objects.filter(campaign=campaign)
    }


def _expected(campaign, min_n) -> dict:
    spec = indices.questionnaire_spec(campaign.questionnaire)
    _version, max_id = indices.campaign_data_version(campaign)
    scans = indices._scans(spec, campaign, 0, max_id)
    frame = figures_frame(spec, tally_frame(spec, scans, indices.stratum_weights(campaign)), min_n)
    expected = {}
    for row in frame.itertuples(index=False):
        values = {
            "kind": row.kind,
            "value": _number(row.value),
            "n": int(row.n),
            "positive": None if pd.isna(row.positive) else int(row.positive),
            "low": _number(row.low),
            "high": _number(row.high),
            "low_n": bool(row.low_n),
            "extra": json.loads(row.extra),
        }
        expected[(row.cut, row.key, row.code)] = tuple(values[f] for f in FIELDS)
    return expected


def _number(value):
    return None if value is None or math.isnan(value) else value


@pytest.mark.parametrize("weighted", [False, True], ids=["plain", "weighted"])
@pytest.mark.parametrize("which", [0, 1], ids=["sipas-2017", "sipas-2023"])
def test_the_view_gives_back_the_figures_computed(world, min_n, which, weighted):
    questionnaire = questionnaires_load_national()[which]
    agencies = [world.phu_vang, world.phu_thuan, world.huong_tra, world.tu_ha]
    campaign = make_results_campaign(
        world.home_affairs, questionnaire=questionnaire, scope=agencies
    )
    if weighted:
        campaign.weighted = True
        campaign.save()
        CampaignAgency.objects.filter(campaign=campaign, agency=world.huong_tra).update(weight=2.5)
    random_answers(campaign, agencies[:3], random.Random(which * 2 + weighted), 40)

    run = indices.indices_compute(campaign=campaign)

    stored, expected = _stored(campaign), _expected(campaign, min_n)
    assert stored == expected
    assert run.rows == len(expected)
    # One row per cut, whatever the number of figures.
    cuts = {(cut, key) for cut, key, _code in expected}
    assert IndexCut.objects.filter(campaign=campaign).count() == len(cuts)
    assert sum(IndexCut.objects.filter(campaign=campaign).values_list("figures", flat=True)) == (
        len(expected)
    )


def test_a_campaign_without_answers_stores_figures_without_values(world, min_n):
    campaign = make_results_campaign(world.home_affairs, scope=[world.phu_vang])

    indices.indices_compute(campaign=campaign)

    overall = IndexResult.objects.get(campaign=campaign, cut="campaign", code="OVERALL")
    item = IndexResult.objects.get(campaign=campaign, cut="campaign", code="1.1")
    assert (overall.value, overall.n, overall.low, overall.extra) == (None, 0, None, {})
    assert (item.value, item.n, item.positive, item.extra) == (None, 0, 0, {"rate": None})
    assert _stored(campaign) == _expected(campaign, min_n)


def test_a_figure_the_cut_does_not_have_is_left_out(world, min_n):
    # Profile questions are counted for the whole campaign only: an agency has no such figure.
    questionnaire = questionnaires_load_national()[0]
    campaign = make_results_campaign(
        world.home_affairs, questionnaire=questionnaire, scope=[world.phu_vang]
    )
    random_answers(campaign, [world.phu_vang], random.Random(3), 10)
    indices.indices_compute(campaign=campaign)

    profile = questionnaire.items.filter(role="profile").exclude(position=None).first()
    cut = IndexCut.objects.get(campaign=campaign, cut="agency", cut_key=str(world.phu_vang.pk))
    numbers = np.frombuffer(bytes(cut.numbers), dtype=">i4").reshape(-1, len(NUMBERS))
    assert -1 in numbers[:, NUMBERS.index("n")]  # stored, marked as absent
    assert not IndexResult.objects.filter(
        campaign=campaign, cut="agency", code=profile.code
    ).exists()
    assert IndexResult.objects.filter(campaign=campaign, cut="campaign", code=profile.code).exists()


def test_deleting_a_campaign_deletes_its_figures(world, min_n):
    # A campaign with answers cannot be deleted (they are protected); one without can.
    campaign = make_results_campaign(world.home_affairs, scope=[world.phu_vang])
    indices.indices_compute(campaign=campaign)
    assert IndexCut.objects.filter(campaign=campaign).exists()

    campaign.delete()

    assert not IndexCut.objects.exists()
    assert not IndexResult.objects.exists()


def test_a_cut_with_codes_of_its_own_is_read_by_them(world, min_n):
    # Cuts carried over by migration 0007 have their own codes; the engine's have the run's.
    questionnaire = questionnaires_load_national()[0]
    agencies = [world.phu_vang, world.huong_tra]
    campaign = make_results_campaign(
        world.home_affairs, questionnaire=questionnaire, scope=agencies
    )
    random_answers(campaign, agencies, random.Random(4), 30)
    indices.indices_compute(campaign=campaign)
    stored = _stored(campaign)
    run = IndexRun.objects.get(campaign=campaign)
    assert not IndexCut.objects.filter(campaign=campaign, codes__isnull=False).exists()
    key = ("agency", str(world.phu_vang.pk))

    IndexCut.objects.filter(campaign=campaign, cut=key[0], cut_key=key[1]).update(
        codes=run.codes, kinds=run.kinds
    )
    IndexRun.objects.filter(pk=run.pk).update(codes=[], kinds=[])

    assert {k: v for k, v in _stored(campaign).items() if k[:2] == key} == {
        k: v for k, v in stored.items() if k[:2] == key
    }
    assert not [k for k in _stored(campaign) if k[:2] != key]  # the others: by the run's codes


def test_a_figure_off_the_grid_of_four_decimals_is_refused():
    # The view reads a percentage back as k / 10000: only a number rounded as the engine
    # rounds it comes back the same.
    assert _grid(np.array([84.1234, np.nan, 100.0, 0.0])).tolist() == [841234, NONE, 1000000, 0]
    with pytest.raises(ValueError):
        _grid(np.array([84.12345]))
