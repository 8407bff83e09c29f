"""Answers per campaign, kept by the database (surveys.ResponseCount): every way answers are
stored or removed keeps the count equal to the rows."""

import uuid

from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from surveys.models import Response, ResponseCount
from surveys.services.paper import paper_import
from surveys.tests.factories import make_response
from surveys.tests.test_paper_import import row, xlsx


def counted(campaign) -> int:
    return ResponseCount.objects.filter(campaign=campaign).aggregate(n=Sum("n"))["n"] or 0


def stored(campaign) -> int:
    return Response.objects.filter(campaign=campaign).count()


def test_each_answer_is_counted_in_its_own_campaign(world, campaign_maker):
    first, second = campaign_maker(), campaign_maker()
    for _ in range(3):
        make_response(first, world.phu_vang, [5])
    make_response(second, world.phu_vang, [4], status="rejected")

    assert (counted(first), counted(second)) == (3, 1)


def test_one_statement_of_many_rows_counts_them_all(world, campaign):
    first = make_response(campaign, world.phu_vang, [5])
    copies = []
    for _ in range(40):
        copy = Response(**{f.attname: getattr(first, f.attname) for f in Response._meta.fields})
        copy.pk, copy.submission_key = None, uuid.uuid4()
        copies.append(copy)
    with CaptureQueriesContext(connection) as queries:
        Response.objects.bulk_create(copies)
    assert len(queries) == 1  # one INSERT of 40 rows
    assert counted(campaign) == stored(campaign) == 41


def test_a_paper_import_is_counted(world, campaign):
    rows = [row(f"P{i}", world.phu_vang) for i in range(25)]
    paper_import(campaign=campaign, data=xlsx(rows), filename="phieu.xlsx", entered_by=None)
    assert counted(campaign) == stored(campaign) == 25


def test_deleted_answers_leave_the_count(world, campaign):
    for _ in range(4):
        make_response(campaign, world.phu_vang, [5])
    Response.objects.filter(pk__in=Response.objects.filter(campaign=campaign)[:3]).delete()
    assert counted(campaign) == stored(campaign) == 1
