"""The column-wise figures (reports.figures) equal engine.figures_from_tally, cut by cut, on
random tallies of both national questionnaires, weighted or not, with empty cuts among them."""

import json
import random

import pandas as pd
import pytest

from reports.engine import figures_from_tally
from reports.indices import questionnaire_spec
from reports.tests.figures_long import figures_frame
from surveys.services.questionnaires import questionnaires_load_national

MIN_N = 30


def _random_tally(spec, rng, weighted: bool) -> dict:
    responses = rng.choice([0, 1, 5, 29, 30, 200])
    tally = {"responses": responses}
    for item in spec.items:
        n = rng.randint(0, responses) if responses else 0
        if item.role in ("profile", "procedure") and rng.random() < 0.7:
            n = 0  # their distribution exists in the campaign cut only
        tally[f"n:{item.code}"] = n
        if item.positive and not item.is_multi:
            pos = rng.randint(0, n) if n else 0
            tally[f"pos:{item.code}"] = pos
            if weighted:
                w = rng.choice([0.5, 1.0, 3.0])
                tally[f"w:n:{item.code}"] = n * w
                tally[f"w:pos:{item.code}"] = pos * w
                tally[f"w2:n:{item.code}"] = n * w * w
                tally[f"w2:pos:{item.code}"] = pos * w * w
        left = n
        for v in item.levels:
            count = rng.randint(0, left) if left else 0
            tally[f"lvl:{item.code}:{v}"] = count
            left -= count if not item.is_multi else 0
    return tally


def _approx(a, b):
    if a is None or b is None:
        return a is None and b is None
    return a == pytest.approx(b, abs=1e-9)


@pytest.mark.parametrize("weighted", [False, True], ids=["plain", "weighted"])
@pytest.mark.parametrize("which", [0, 1], ids=["sipas-2017", "sipas-2023"])
def test_column_wise_figures_equal_the_reference(db, which, weighted):
    spec = questionnaire_spec(questionnaires_load_national()[which])
    rng = random.Random(which * 10 + weighted)
    tallies = [("agency", str(i), _random_tally(spec, rng, weighted)) for i in range(40)]
    frame = pd.DataFrame([{"cut": c, "key": k, **t} for c, k, t in tallies]).fillna(0)
    got = figures_frame(spec, frame, MIN_N)

    expected = []
    for cut, key, tally in tallies:
        for fig in figures_from_tally(spec, tally, MIN_N):
            expected.append((cut, key, fig))
    assert len(got) == len(expected)
    for row, (cut, key, fig) in zip(got.itertuples(index=False), expected, strict=True):
        where = (cut, key, fig.code)
        assert (row.cut, row.key, row.code, row.kind) == (cut, key, fig.code, fig.kind), where
        assert row.n == fig.n and bool(row.low_n) == fig.low_n, where
        assert (None if pd.isna(row.positive) else int(row.positive)) == fig.positive, where
        for name in ("value", "low", "high"):
            mine = getattr(row, name)
            assert _approx(None if pd.isna(mine) else mine, getattr(fig, name)), (where, name)
        extra = json.loads(row.extra)
        assert extra.keys() == fig.extra.keys(), where
        for name, want in fig.extra.items():
            if isinstance(want, dict):
                assert extra[name].keys() == want.keys(), (where, name)
                assert all(_approx(extra[name][k], want[k]) for k in want), (where, name)
            elif isinstance(want, bool):
                assert extra[name] is want
            else:
                assert _approx(extra[name], want), (where, name)
