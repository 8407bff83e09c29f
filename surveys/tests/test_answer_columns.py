"""The plain answer columns s1 … s128 that PostgreSQL keeps equal to `scores[k]` (migration 0004),
on every write path the engine depends on: ORM insert, update, and COPY."""

import pytest
from django.db import connection

from surveys.models import ANSWER_COLUMNS, Response, answer_column
from surveys.tests.factories import make_response


def _columns(response_id: int, *positions: int) -> tuple:
    with connection.cursor() as cursor:
        names = ", ".join(f"s{k}" for k in positions)
        cursor.execute(f"SELECT {names} FROM surveys_response WHERE id = %s", [response_id])  # noqa: S608
        return cursor.fetchone()


def test_answer_column_names_a_plain_column_up_to_the_last_and_the_array_after():
    assert answer_column(1) == "s1"
    assert answer_column(ANSWER_COLUMNS) == f"s{ANSWER_COLUMNS}"
    assert answer_column(ANSWER_COLUMNS + 1) == f"scores[{ANSWER_COLUMNS + 1}]"


@pytest.mark.parametrize("position", [0, -3])
def test_answer_column_never_names_a_column_that_does_not_exist(position):
    assert answer_column(position) == f"scores[{position}]"


def test_columns_follow_the_scores_on_insert_and_update(world, campaign):
    scores = [5, None, 3] + [None] * 30 + [0b101]
    response = make_response(campaign, world.phu_vang, scores)
    # A slot beyond the answer's list is a blank, as scores[k] is.
    assert _columns(response.pk, 1, 2, 3, 34, 35, ANSWER_COLUMNS) == (5, None, 3, 5, None, None)

    Response.objects.filter(pk=response.pk).update(scores=[1, 2])
    assert _columns(response.pk, 1, 2, 3, 34) == (1, 2, None, None)


def test_columns_are_filled_by_copy_as_well(world, campaign):
    template = make_response(campaign, world.phu_vang, [4])
    with connection.cursor() as cursor:
        fields = (
            "campaign_id, questionnaire_id, agency_id, agency_kind, unit_id, province_id, "
            "channel, status, scores, language, submitted_at, submission_key, client_hash, "
            "respondent_code"
        )
        cursor.execute(
            f"SELECT {fields} FROM surveys_response WHERE id = %s",  # noqa: S608
            [template.pk],
        )
        row = list(cursor.fetchone())
        row[8] = [2, None, 5]
        row[11] = "6f1c1ee0-5b7e-4d59-9a57-2d1f7c6a3b10"
        with cursor.cursor.copy(f"COPY surveys_response ({fields}) FROM STDIN") as copy:
            copy.write_row(row)
        cursor.execute(
            "SELECT s1, s2, s3 FROM surveys_response WHERE submission_key = %s",
            ["6f1c1ee0-5b7e-4d59-9a57-2d1f7c6a3b10"],
        )
        assert cursor.fetchone() == (2, None, 5)
