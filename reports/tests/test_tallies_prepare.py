"""Each answer carries its tallies once its published version's counted fields are set: the
scans add them up instead of testing every answer again, and count exactly what the answers
say whatever the path (fields set before or after the answers, answers missing them, answers
changed)."""

import random

import pytest
from django.db import connection

from reports import indices
from reports.engine import (
    FIELD_MAX,
    TALLIED,
    ElementSpec,
    ItemSpec,
    Spec,
    tally_fields,
    tally_frame,
)
from reports.tests.conftest import (
    make_results_campaign,
    random_answers,
    stored_figures,
    untally,
)
from surveys.models import TALLY_COLUMNS, Response, TallyKind
from surveys.services.questionnaires import questionnaires_load_national
from surveys.tests.factories import make_questionnaire, make_response


def _tallies(response: Response) -> list[int | None]:
    with connection.cursor() as cursor:
        columns = ", ".join(f"t{k}" for k in range(1, TALLY_COLUMNS + 1))
        cursor.execute(f"SELECT {columns} FROM surveys_response WHERE id = %s", [response.pk])  # noqa: S608
        return list(cursor.fetchone())


def _field(response: Response, name: str) -> int:
    """The value of the counted field `name` in the answer's tallies."""
    index = response.questionnaire.tally_names.index(name)
    packed = _tallies(response)[index // 3]
    return (packed >> (21 * (index % 3))) & FIELD_MAX


def _frames(spec, campaign, answers):
    scans = indices._scans(spec, campaign, 0, 10**12, answers)
    frame = tally_frame(spec, scans, indices.stratum_weights(campaign))
    return frame.sort_values(["cut", "key"]).reset_index(drop=True)


@pytest.fixture
def national(world):
    questionnaire = questionnaires_load_national()[0]
    agencies = [world.phu_vang, world.huong_tra]
    campaign = make_results_campaign(
        world.home_affairs, questionnaire=questionnaire, scope=agencies
    )
    return campaign, agencies


def test_it_sets_the_fields_once_and_tallies_the_answers_already_there(world, national):
    campaign, _agencies = national
    questionnaire = campaign.questionnaire
    item = questionnaire.items.get(code="2.1")  # satisfaction, 4 and 5 positive
    before = make_response(campaign, world.phu_vang, _scores_with(item, 5))
    assert _tallies(before)[0] is None  # no fields yet: nothing to tally

    indices.tallies_prepare(questionnaire=questionnaire)
    after = make_response(campaign, world.huong_tra, _scores_with(item, 2))
    blank = make_response(campaign, world.huong_tra, _scores_with(item, None))

    assert questionnaire.tally_names[0] == TALLIED
    assert questionnaire.tally_kinds[0] == TallyKind.EVERY
    for response, answered, positive in [(before, 1, 1), (after, 1, 0), (blank, 0, 0)]:
        response.refresh_from_db()
        assert _field(response, TALLIED) == 1
        assert _field(response, "n:2.1") == answered
        assert _field(response, "pos:2.1") == positive
    names = list(questionnaire.tally_names)
    indices.tallies_prepare(questionnaire=questionnaire)
    questionnaire.refresh_from_db()
    assert questionnaire.tally_names == names


def test_a_changed_answer_gets_new_tallies(world, national):
    campaign, _agencies = national
    questionnaire = campaign.questionnaire
    indices.tallies_prepare(questionnaire=questionnaire)
    item = questionnaire.items.get(code="2.1")
    response = make_response(campaign, world.phu_vang, _scores_with(item, 1))
    assert _field(response, "pos:2.1") == 0

    Response.objects.filter(pk=response.pk).update(scores=_scores_with(item, 4))

    assert _field(response, "pos:2.1") == 1


def test_a_draft_gets_no_fields(world):
    questionnaire = make_questionnaire(published=False)

    indices.tallies_prepare(questionnaire=questionnaire)

    questionnaire.refresh_from_db()
    assert questionnaire.tally_names == [] and questionnaire.tally_slots == []


@pytest.mark.parametrize("weighted", [False, True], ids=["plain", "weighted"])
@pytest.mark.parametrize("which", [0, 1], ids=["sipas-2017", "sipas-2023"])
def test_stored_tallies_count_what_the_answers_count(world, which, weighted):
    # Multiple choice, perception levels, profile groups, the procedure and the channel.
    questionnaire = questionnaires_load_national()[which]
    agencies = [world.phu_vang, world.phu_thuan, world.huong_tra]
    campaign = make_results_campaign(
        world.home_affairs, questionnaire=questionnaire, scope=agencies
    )
    campaign.weighted = weighted
    random_answers(campaign, agencies, random.Random(30 + which), 80)
    indices.tallies_prepare(questionnaire=questionnaire)
    spec = indices.questionnaire_spec(questionnaire)
    assert "surveys_tally_sum" in indices.tally_sql(spec, stored=questionnaire.tally_names).sql

    stored = _frames(spec, campaign, answers=80)
    counted = _frames(spec, campaign, answers=0)  # not known: no stored tallies

    assert TALLIED not in stored.columns
    assert set(counted.columns) - set(stored.columns) == set()
    assert sorted(stored.columns) == sorted(counted.columns)
    assert stored[counted.columns].equals(counted)


def test_answers_without_tallies_are_counted_from_their_answers_and_then_tallied(world, national):
    campaign, agencies = national
    random_answers(campaign, agencies, random.Random(3), 60)
    indices.indices_compute(campaign=campaign)
    figures = stored_figures(campaign)
    untally(campaign, 7)

    indices.indices_compute(campaign=campaign)

    assert stored_figures(campaign) == figures
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM surveys_response WHERE campaign_id = %s AND t1 IS NULL",
            [campaign.pk],
        )
        assert cursor.fetchone() == (0,)


def test_the_fields_stop_where_the_columns_do():
    items = tuple(
        ItemSpec(f"{k}", k, "sat5", "criterion", "1", positive=(4, 5), levels=(1, 2, 3, 4, 5))
        for k in range(1, 101)
    )
    wide = ItemSpec("M", 101, "multi", "criterion", "1", levels=tuple(range(1, 70)), is_multi=True)
    element = ElementSpec("1", None, "index", None, tuple(i.code for i in items))
    spec = Spec((*items, wide), (element,), (), "mean", "elements", None, ())

    fields = tally_fields(spec)

    # The tallied field, then n and positive of as many items as fit, each item whole.
    assert len(fields) == 1 + 2 * ((TALLY_COLUMNS * 3 - 1) // 2)
    assert {f.name.split(":")[1] for f in fields[1:]} == {f"{k}" for k in range(1, 72)}
    assert not [f for f in fields if f.name.startswith("lvl:M")]  # options past a bigint's bits


def _scores_with(item, value):
    scores = [None] * item.position
    scores[item.position - 1] = value
    return scores
