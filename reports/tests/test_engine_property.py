"""The engine's figures equal a plain pandas computation on random data (hypothesis)."""

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports.engine import figures_from_tally, tally_sql
from reports.indices import questionnaire_spec
from surveys.tests.factories import make_questionnaire

answers = st.lists(
    st.tuples(
        st.sampled_from(["online", "paper", "kiosk"]),
        st.lists(st.one_of(st.none(), st.integers(1, 5)), min_size=5, max_size=5),
    ),
    min_size=0,
    max_size=40,
)


@pytest.fixture(scope="module")
def spec(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            q = make_questionnaire(elements=2, items_per_element=2)
            built = questionnaire_spec(q)
            transaction.set_rollback(True)
    return built


def tally_in_python(spec, rows):
    """What the SQL tally computes, for the campaign cut, done by pandas."""
    frame = pd.DataFrame([s for _c, s in rows], columns=[i.code for i in spec.items], dtype="Int64")
    tally = {"responses": len(rows)}
    for item in spec.items:
        col = frame[item.code] if len(rows) else pd.Series([], dtype="Int64")
        tally[f"n:{item.code}"] = int(col.notna().sum())
        tally[f"pos:{item.code}"] = int(col.isin(item.positive).sum())
    return tally


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=answers)
def test_it_matches_pandas_on_random_answers(spec, rows):
    figures = {f.code: f for f in figures_from_tally(spec, tally_in_python(spec, rows), 30)}
    frame = pd.DataFrame([s for _c, s in rows], columns=[i.code for i in spec.items], dtype="float")
    item_share = {}
    for item in spec.items:
        answered = frame[item.code].dropna() if len(rows) else pd.Series([], dtype=float)
        share = 100 * answered.isin([4, 5]).mean() if len(answered) else None
        item_share[item.code] = share
        got = figures[item.code].value
        assert (got is None) == (share is None)
        if share is not None:
            assert got == pytest.approx(share, abs=1e-3)
    elements = []
    for e in ("1", "2"):
        parts = [v for k, v in item_share.items() if k.startswith(f"{e}.") and v is not None]
        expected = sum(parts) / len(parts) if parts else None
        got = figures[f"E:{e}"].value
        assert (got is None) == (expected is None)
        if expected is not None:
            assert got == pytest.approx(expected, abs=1e-3)
            elements.append(expected)
    overall = figures["OVERALL"].value
    if elements:
        assert overall == pytest.approx(sum(elements) / len(elements), abs=1e-3)
    else:
        assert overall is None


def test_it_scans_the_answers_once_for_both_groupings(spec):
    scan = tally_sql(spec)
    assert scan.sql.count("FROM surveys_response") == 1
    # A second grouping only for questionnaires with profile or procedure questions.
    assert ("GROUPING SETS" in scan.sql) == bool(spec.group_items)
    assert scan.fine[0] == "agency_id" and scan.columns[0].names == ("responses",)
