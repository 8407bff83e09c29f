"""The scans' packed counts (several counts per bigint) equal the plain one-count-per-aggregate
scans, on both national questionnaires (multiple choice, perception levels, profile groups)."""

import random

import pandas as pd
import pytest

from reports import indices
from reports.engine import FIELD_MAX, overflows, tally_frame, tally_sql
from reports.tests.conftest import make_results_campaign, random_answers
from surveys.models import ANSWER_COLUMNS
from surveys.services.questionnaires import questionnaires_load_national
from surveys.tests.factories import make_response


def _tallies(spec, campaign):
    """(cut, key, tally) of every cut, as the scans give them."""
    scans = indices._scans(spec, campaign, 0, 10**12)
    frame = tally_frame(spec, scans, indices.stratum_weights(campaign))
    return [(row.pop("cut"), row.pop("key"), row) for row in frame.to_dict("records")]


@pytest.mark.parametrize("which", [0, 1], ids=["sipas-2017", "sipas-2023"])
def test_packed_scans_count_what_plain_scans_count(world, monkeypatch, which):
    questionnaire = questionnaires_load_national()[which]
    agencies = [world.phu_vang, world.phu_thuan, world.huong_tra]
    campaign = make_results_campaign(
        world.home_affairs, questionnaire=questionnaire, scope=agencies
    )
    rng = random.Random(which)
    random_answers(campaign, agencies, rng, 80)
    spec = indices.questionnaire_spec(questionnaire)
    packed = _tallies(spec, campaign)
    # A group too large for a packed field makes the scans run again unpacked.
    monkeypatch.setattr(indices, "overflows", lambda *frames: True)
    plain = _tallies(spec, campaign)

    assert [(cut, key) for cut, key, _t in packed] == [(cut, key) for cut, key, _t in plain]
    for (_cut, _key, got), (cut, key, want) in zip(packed, plain, strict=True):
        assert {name: got[name] for name in want} == want, (cut, key)
        # Fields of a packed column beyond the item's last level stay empty.
        assert all(got[name] == 0 for name in set(got) - set(want)), (cut, key)
    assert plain[0][2]["responses"] == sum(1 for _ in campaign.responses.filter(status="valid"))


def test_a_group_larger_than_a_field_is_an_overflow(world):
    questionnaire = questionnaires_load_national()[0]
    spec = indices.questionnaire_spec(questionnaire)
    assert tally_sql(spec).columns[0].names == ("responses",)
    fits, too_large = pd.DataFrame({"responses": [FIELD_MAX]}), pd.DataFrame({"responses": [1]})
    too_large.loc[1] = FIELD_MAX + 1
    assert not overflows(fits, fits.iloc[:0])
    assert overflows(fits, too_large)


def test_an_answer_beyond_the_plain_columns_is_read_from_the_array(world):
    questionnaire = questionnaires_load_national()[0]
    agencies = [world.phu_vang]
    campaign = make_results_campaign(
        world.home_affairs, questionnaire=questionnaire, scope=agencies
    )
    item = questionnaire.items.get(code="2.1")
    late = ANSWER_COLUMNS + 2
    questionnaire.items.filter(pk=item.pk).update(position=late)
    for value in [5, 4, 1, None]:
        scores = [None] * late
        scores[late - 1] = value
        make_response(campaign, world.phu_vang, scores)
    spec = indices.questionnaire_spec(questionnaire)

    assert f"scores[{late}]" in tally_sql(spec).sql
    cut, _key, tally = _tallies(spec, campaign)[0]
    assert cut == "campaign"
    assert (tally["responses"], tally["n:2.1"], tally["pos:2.1"]) == (4, 3, 2)


@pytest.mark.parametrize("which", [0, 1], ids=["sipas-2017", "sipas-2023"])
def test_profile_and_procedure_cuts_count_their_own_answers(world, which):
    questionnaire = questionnaires_load_national()[which]
    agencies = [world.phu_vang, world.huong_tra]
    campaign = make_results_campaign(
        world.home_affairs, questionnaire=questionnaire, scope=agencies
    )
    random_answers(campaign, agencies, random.Random(10 + which), 120)
    spec = indices.questionnaire_spec(questionnaire)
    tallies = {(cut, key): tally for cut, key, tally in _tallies(spec, campaign)}
    valid = [r.scores for r in campaign.responses.filter(status="valid")]

    def answer(scores, item):
        return scores[item.position - 1] if len(scores) >= item.position else None

    counted = [i for i in spec.items if i.role not in ("profile", "procedure")]
    assert spec.group_items
    for kind, item in spec.group_items:
        for level in item.levels:
            group = [s for s in valid if answer(s, item) == level]
            key = str(level) if kind == "procedure" else f"{item.code}={level}"
            if not group:
                assert (kind, key) not in tallies
                continue
            tally = tallies[(kind, key)]
            assert tally["responses"] == len(group), key
            for other in counted:
                given = [a for a in (answer(s, other) for s in group) if a is not None]
                assert tally[f"n:{other.code}"] == len(given), (key, other.code)
                if other.is_multi:
                    for option in other.levels:
                        chosen = sum(1 for a in given if a & (1 << (option - 1)))
                        assert tally[f"lvl:{other.code}:{option}"] == chosen, (key, other.code)
                elif other.positive:
                    positive = sum(1 for a in given if a in other.positive)
                    assert tally[f"pos:{other.code}"] == positive, (key, other.code)


@pytest.mark.parametrize("weighted", [False, True], ids=["plain", "weighted"])
@pytest.mark.parametrize("which", [0, 1], ids=["sipas-2017", "sipas-2023"])
def test_profile_answers_grouped_apart_or_together_count_the_same(
    world, monkeypatch, which, weighted
):
    # A small scan groups by each profile answer apart, a large one by all of them together.
    questionnaire = questionnaires_load_national()[which]
    agencies = [world.phu_vang, world.phu_thuan, world.huong_tra]
    campaign = make_results_campaign(
        world.home_affairs, questionnaire=questionnaire, scope=agencies
    )
    campaign.weighted = weighted
    random_answers(campaign, agencies, random.Random(which + 7), 80)
    spec = indices.questionnaire_spec(questionnaire)
    apart = _tallies(spec, campaign)
    monkeypatch.setattr(indices, "SEPARATE_SETS_MAX", -1)
    together = _tallies(spec, campaign)

    assert "GROUPING SETS" in tally_sql(spec, separate=True).sql
    assert apart == together


@pytest.mark.parametrize("separate", [False, True], ids=["together", "apart"])
@pytest.mark.parametrize("which", [0, 1], ids=["sipas-2017", "sipas-2023"])
def test_channel_and_agency_cuts_count_their_own_answers(world, monkeypatch, which, separate):
    # The channel is grouped with the procedure, the agency with the other unit columns.
    questionnaire = questionnaires_load_national()[which]
    agencies = [world.phu_vang, world.huong_tra]
    campaign = make_results_campaign(
        world.home_affairs, questionnaire=questionnaire, scope=agencies
    )
    random_answers(campaign, agencies, random.Random(20 + which), 90)
    monkeypatch.setattr(indices, "SEPARATE_SETS_MAX", 10**6 if separate else -1)
    spec = indices.questionnaire_spec(questionnaire)
    tallies = {(cut, key): tally for cut, key, tally in _tallies(spec, campaign)}
    valid = list(campaign.responses.filter(status="valid"))
    scored = [i for i in spec.items if i.positive and not i.is_multi and i.role != "procedure"]

    groups = {("channel", c): [r for r in valid if r.channel == c] for c in ("online", "paper")}
    groups |= {("agency", str(a.pk)): [r for r in valid if r.agency_id == a.pk] for a in agencies}
    for (cut, key), group in groups.items():
        tally = tallies[(cut, key)]
        assert tally["responses"] == len(group), (cut, key)
        for item in scored:
            given = [r.scores[item.position - 1] for r in group]
            given = [a for a in given if a is not None]
            assert tally[f"n:{item.code}"] == len(given), (cut, key, item.code)
            positive = sum(1 for a in given if a in item.positive)
            assert tally[f"pos:{item.code}"] == positive, (cut, key, item.code)
    channels = [key for cut, key in tallies if cut == "channel"]
    assert sorted(channels) == sorted({r.channel for r in valid})
