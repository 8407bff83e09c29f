"""The incremental update: folding new answers into stored results gives exactly the figures of a
full recompute, and anything other than added answers falls back to the full recompute."""

import pytest

from reports import indices
from reports.indices import indices_compute, indices_update
from reports.models import IndexCut, IndexResult, IndexRun
from reports.tests.conftest import make_results_campaign
from surveys.models import Response
from surveys.services.questionnaires import questionnaires_load_national
from surveys.services.responses import response_set_status
from surveys.tests.factories import make_response

FIELDS = ("kind", "value", "n", "positive", "low", "high", "low_n", "extra")


def _results(campaign):
    return {
        (r.cut, r.cut_key, r.code): tuple(getattr(r, f) for f in FIELDS)
        for r in IndexResult.objects.filter(campaign=campaign)
    }


def _scores(questionnaire, seed):
    items = list(questionnaire.items.exclude(position=None))
    scores = [None] * max(i.position for i in items)
    for n, item in enumerate(items):
        values = [v for v, _vi, _en in item.levels()]
        if values and (seed + n) % 7:
            scores[item.position - 1] = values[(seed * 3 + n) % len(values)]
    return scores


@pytest.fixture
def campaign(world, settings):
    settings.INDEX_MIN_N = 3
    questionnaire = questionnaires_load_national()[0]
    scope = [world.phu_vang, world.phu_thuan, world.huong_tra]
    campaign = make_results_campaign(world.home_affairs, questionnaire=questionnaire, scope=scope)
    for seed in range(12):
        make_response(campaign, scope[seed % 2], _scores(questionnaire, seed))
    indices_compute(campaign=campaign)
    return campaign


def _add(campaign, world, seeds):
    agencies = [world.phu_vang, world.huong_tra, world.tu_ha]
    for seed in seeds:
        make_response(
            campaign, agencies[seed % 3], _scores(campaign.questionnaire, seed), channel="paper"
        )


def test_new_answers_are_folded_in_to_the_figures_of_a_full_recompute(world, campaign, monkeypatch):
    _add(campaign, world, range(100, 109))
    full_calls = []
    monkeypatch.setattr(indices, "indices_compute", lambda **kw: full_calls.append(kw))

    run = indices_update(campaign=campaign)
    updated = _results(campaign)

    assert full_calls == []  # the incremental path ran
    assert run.status == IndexRun.Status.DONE
    assert run.watermark == Response.objects.filter(campaign=campaign).latest("pk").pk
    assert run.rows == len(updated)
    monkeypatch.undo()
    indices_compute(campaign=campaign)
    assert updated == _results(campaign)
    # A cut that only the new answers reach (a new agency, a new channel) is there too.
    assert ("channel", "paper", "OVERALL") in updated
    assert ("agency", str(world.tu_ha.pk), "OVERALL") in updated


def test_many_new_answers_are_folded_in_from_the_grouped_scan(world, campaign, monkeypatch):
    # Past SEPARATE_SETS_MAX new answers the update reads them through the recompute's grouped
    # scan (engine.tally_frame), not cut by cut: the same figures.
    _add(campaign, world, range(100, 109))
    monkeypatch.setattr(indices, "SEPARATE_SETS_MAX", 0)
    direct = []
    monkeypatch.setattr(indices, "_direct", lambda *a: direct.append(a))
    full_calls = []
    monkeypatch.setattr(indices, "indices_compute", lambda **kw: full_calls.append(kw))

    indices_update(campaign=campaign)
    updated = _results(campaign)

    assert direct == [] and full_calls == []
    monkeypatch.undo()
    indices_compute(campaign=campaign)
    assert updated == _results(campaign)


def test_the_cuts_new_answers_reach_carry_the_new_data_version(world, campaign):
    before = IndexResult.objects.filter(campaign=campaign).first().data_version
    make_response(campaign, world.huong_tra, _scores(campaign.questionnaire, 200))
    run = indices_update(campaign=campaign)
    versions = dict(
        IndexResult.objects.filter(campaign=campaign, code="OVERALL").values_list(
            "cut_key", "data_version"
        )
    )
    assert versions[""] == versions[str(world.huong_tra.pk)] == run.data_version
    # Phú Vang got no new answer: its figures stand, stamped with the data they came from.
    assert versions[str(world.phu_vang.pk)] == before


def _assert_update_equals_recompute(campaign):
    run = indices_update(campaign=campaign)
    updated = _results(campaign)
    assert run.rows == len(updated)
    indices_compute(campaign=campaign)
    assert updated == _results(campaign)


def test_answers_that_reach_every_cut_replace_them_all(world, campaign):
    # The same twelve answers again: every cut they made is reached.
    scope = [world.phu_vang, world.phu_thuan]
    for seed in range(12):
        make_response(campaign, scope[seed % 2], _scores(campaign.questionnaire, seed))

    _assert_update_equals_recompute(campaign)


def test_answers_that_reach_some_cuts_replace_only_those(world, campaign):
    make_response(campaign, world.huong_tra, _scores(campaign.questionnaire, 300))

    _assert_update_equals_recompute(campaign)


def test_nothing_new_changes_nothing(world, campaign):
    before = _results(campaign)
    run = indices_update(campaign=campaign)
    assert run.status == IndexRun.Status.DONE
    assert _results(campaign) == before


def test_a_rejection_recomputes_everything(world, campaign):
    _add(campaign, world, [300, 301])
    indices_update(campaign=campaign)
    target = Response.objects.filter(campaign=campaign).order_by("pk").first()
    response_set_status(
        response=target, status=Response.Status.REJECTED, by=world.manager, reason="Trùng"
    )
    run = indices_update(campaign=campaign)
    updated = _results(campaign)
    indices_compute(campaign=campaign)
    assert updated == _results(campaign)
    assert run.data_version.split(".")[2] != "0"


def test_an_answer_committed_behind_the_watermark_recomputes_everything(world, campaign):
    # As if a transaction holding a lower id committed after the last run: the counts disagree.
    late = make_response(campaign, world.phu_vang, _scores(campaign.questionnaire, 400))
    top = make_response(campaign, world.phu_vang, _scores(campaign.questionnaire, 401))
    IndexRun.objects.filter(campaign=campaign).update(watermark=top.pk)
    run = indices.IndexRun.objects.get(campaign=campaign)
    assert indices._only_added(campaign, run, indices.campaign_data_version(campaign)[0]) is False
    indices_update(campaign=campaign)
    overall = IndexResult.objects.get(campaign=campaign, cut="campaign", code="OVERALL")
    assert overall.n == Response.objects.filter(campaign=campaign, status="valid").count()
    assert late.pk < top.pk


def test_two_updates_in_a_row_add_to_the_counts_the_first_one_kept(world, campaign, monkeypatch):
    _add(campaign, world, range(200, 204))
    indices_update(campaign=campaign)
    _add(campaign, world, range(204, 209))
    full_calls = []
    monkeypatch.setattr(indices, "indices_compute", lambda **kw: full_calls.append(kw))

    indices_update(campaign=campaign)
    updated = _results(campaign)

    assert full_calls == []
    monkeypatch.undo()
    indices_compute(campaign=campaign)
    assert updated == _results(campaign)


@pytest.mark.parametrize("missing", ["names", "counts", "late counts", "other names"])
def test_results_without_their_kept_counts_are_recomputed_in_full(
    world, campaign, monkeypatch, missing
):
    # Results written before the counts were kept on each cut (or by a weighted run) have none
    # to add to; counts of other names cannot be added to.
    run = IndexRun.objects.get(campaign=campaign)
    if missing == "names":
        IndexRun.objects.filter(campaign=campaign).update(tally_names=[])
    elif missing == "counts":
        IndexCut.objects.filter(campaign=campaign, cut="campaign").update(counts=None)
    elif missing == "late counts":  # the profile cuts come last: the second half's deletion
        IndexCut.objects.filter(campaign=campaign, cut="profile").update(counts=None)
    else:
        names = [run.tally_names[1], run.tally_names[0], *run.tally_names[2:]]
        IndexRun.objects.filter(campaign=campaign).update(tally_names=names)
    _add(campaign, world, [400])
    stored = sorted(IndexCut.objects.filter(campaign=campaign).values_list("cut", "cut_key"))
    full_calls = []
    monkeypatch.setattr(indices, "indices_compute", lambda **kw: full_calls.append(kw))

    indices_update(campaign=campaign)

    assert full_calls == [{"campaign": campaign}]
    # Nothing of the update stays behind: the stored cuts it took are put back.
    assert sorted(IndexCut.objects.filter(campaign=campaign).values_list("cut", "cut_key")) == (
        stored
    )


def test_a_weighted_run_keeps_no_counts(world, campaign):
    campaign.weighted = True
    campaign.save(update_fields=["weighted"])

    run = indices_compute(campaign=campaign)

    assert run.tally_names == []
    assert set(IndexCut.objects.filter(campaign=campaign).values_list("counts", flat=True)) == {
        None
    }


def _update_in_full(campaign, monkeypatch):
    """indices_update, which must recompute in full; the run, once its results are checked
    against a recompute's."""
    full = []
    original = indices.indices_compute
    monkeypatch.setattr(indices, "indices_compute", lambda **kw: full.append(kw) or original(**kw))

    run = indices_update(campaign=campaign)

    assert len(full) == 1
    updated = _results(campaign)
    monkeypatch.undo()
    indices_compute(campaign=campaign)
    assert updated == _results(campaign)
    return run


def test_results_whose_run_has_no_codes_are_recomputed_in_full(world, campaign, monkeypatch):
    # Stored before the codes of the figures were kept on the run (reports migration 0008).
    IndexRun.objects.filter(campaign=campaign).update(codes=[], kinds=[])
    _add(campaign, world, range(300, 304))

    run = _update_in_full(campaign, monkeypatch)

    assert run.codes and run.codes[-1] == "OVERALL"


def test_results_whose_run_has_no_levels_are_recomputed_in_full(world, campaign, monkeypatch):
    # Carried over by reports migration 0009: their level shares are stored on the cuts, and
    # the run does not say where the view would find their counts.
    IndexRun.objects.filter(campaign=campaign).update(levels=[])
    _add(campaign, world, range(300, 304))

    run = _update_in_full(campaign, monkeypatch)

    assert len(run.levels) == len(run.codes)


def test_a_cut_whose_name_holds_a_separator_is_recomputed_in_full(world, campaign, monkeypatch):
    # The update names the cuts it takes in one text; a name that could break it is not sent.
    _add(campaign, world, range(300, 304))
    monkeypatch.setattr(indices, "KEY_SEP", "a")  # every kind of cut has an "a" in its name

    _update_in_full(campaign, monkeypatch)


def test_counts_that_would_outgrow_their_field_are_recomputed_in_full(world, campaign, monkeypatch):
    # Kept as int32: a cut of the second half (the profile cuts come last) whose counts would
    # pass 2**31 - 1 stops the update while its first half is being written, and puts back
    # every cut it took.
    run = IndexRun.objects.get(campaign=campaign)
    full = b"\xff\xff\xff\x7f" * len(run.tally_names)
    IndexCut.objects.filter(campaign=campaign, cut="profile").update(counts=full)
    _add(campaign, world, [400])
    stored = sorted(IndexCut.objects.filter(campaign=campaign).values_list("cut", "cut_key"))
    full_calls = []
    monkeypatch.setattr(indices, "indices_compute", lambda **kw: full_calls.append(kw))
    written = []
    write = indices._write
    monkeypatch.setattr(indices, "_write", lambda *a, **kw: written.append(1) or write(*a, **kw))

    indices_update(campaign=campaign)

    assert written and full_calls == [{"campaign": campaign}]
    assert sorted(IndexCut.objects.filter(campaign=campaign).values_list("cut", "cut_key")) == (
        stored
    )
