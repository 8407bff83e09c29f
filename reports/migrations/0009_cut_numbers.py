"""A cut's figures are one bytea, `numbers` (seven int32 per figure), instead of seven arrays of
numbers; the level shares and counts of a distribution are no longer written as JSON beside
them when the cut keeps its counts: the view builds them from those counts (IndexRun.levels).

PostgreSQL reads an array of numbers a call per element when it stores it: the 23,376 cuts of
the national benchmark took it 1.35 to 1.44 s to COPY as arrays with their JSON, 0.23 s as one
bytea without it. The figures already stored are carried over; going back deletes them (the
next run recomputes them)."""

from importlib import import_module

import django.contrib.postgres.fields
from django.db import migrations, models

# Big-endian int32 at a byte offset of a bytea (0 is the first byte). Single expressions, so
# that PostgreSQL inlines them into the view's query.
FUNCTIONS = [
    """
CREATE FUNCTION reports_int4(data bytea, at integer) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT (get_byte(data, at) << 24) | (get_byte(data, at + 1) << 16)
       | (get_byte(data, at + 2) << 8) | get_byte(data, at + 3)
$$
""",
    # The same, little-endian: the counts kept on a cut (IndexCut.counts).
    """
CREATE FUNCTION reports_int4le(data bytea, at integer) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT get_byte(data, at) | (get_byte(data, at + 1) << 8)
       | (get_byte(data, at + 2) << 16) | (get_byte(data, at + 3) << 24)
$$
""",
    # A percentage from its ten-thousandths (reports.figures.NONE: none). k / 10000 in float8
    # is the very number the engine rounded to four decimals.
    """
CREATE FUNCTION reports_percent(k integer) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT nullif(k, -2147483648) / 10000::double precision
$$
""",
    # A distribution's "shares" and "counts", from the counts kept on its cut: `levels` is the
    # figure's element of IndexRun.levels ([level, index into the counts] per level, -1: never
    # counted), `n` the figure's n. The shares are rounded as the engine rounds them (round4
    # of 100 * count / n, in float8). NULL when the figure is not a distribution.
    """
CREATE FUNCTION reports_levels(counts bytea, levels jsonb, n integer) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT jsonb_build_object(
           'shares', jsonb_object_agg(
               l.level,
               CASE WHEN n > 0 THEN floor(100 * l.count::double precision / n * 10000 + 0.5) / 10000
               END),
           'counts', jsonb_object_agg(l.level, l.count))
FROM (SELECT e ->> 0 AS level,
             CASE WHEN (e ->> 1)::int < 0 THEN 0 ELSE reports_int4le(counts, 4 * (e ->> 1)::int) END
                 AS count
      FROM jsonb_array_elements(levels) AS e) AS l
HAVING count(*) > 0
$$
""",
]

DROP_FUNCTIONS = [
    "DROP FUNCTION reports_levels(bytea, jsonb, integer)",
    "DROP FUNCTION reports_percent(integer)",
    "DROP FUNCTION reports_int4le(bytea, integer)",
    "DROP FUNCTION reports_int4(bytea, integer)",
]

# The view of migration 0008, over the arrays.
OLD_VIEW = import_module("reports.migrations.0008_figure_codes_on_run").VIEW

# The arrays packed into `numbers`, figure by figure (reports.figures.NUMBERS).
CARRY = [
    """
CREATE FUNCTION pg_temp.reports_grid(v double precision) RETURNS bytea LANGUAGE sql AS $$
SELECT int4send(CASE WHEN v = 'NaN' THEN -2147483648 ELSE round(v * 10000)::int END)
$$
""",
    """
UPDATE reports_indexcut c SET numbers = coalesce((
    SELECT string_agg(
               pg_temp.reports_grid(c.figure_values[i]) || int4send(c.ns[i])
               || int4send(c.positives[i]) || pg_temp.reports_grid(c.lows[i])
               || pg_temp.reports_grid(c.highs[i]) || pg_temp.reports_grid(c.rates[i])
               || int4send(c.low_ns[i]::int),
               ''::bytea ORDER BY i)
    FROM generate_subscripts(c.ns, 1) AS i), ''::bytea)
""",
]

# One row per figure of every cut, as before. The figure's numbers are read where the code
# passes (a ranking reads one figure of each cut): figure i's seven int32 (28 bytes) start at
# byte 28 * (i - 1); -10000 is a rate of -1 (no rate), -2147483648 NONE.
VIEW = """
CREATE VIEW reports_indexresult AS
SELECT c.campaign_id, c.cut, c.cut_key, f.code, (coalesce(c.kinds, r.kinds))[f.i] AS kind,
       reports_percent(x.value) AS value, x.n, nullif(x.positive, -1) AS positive,
       reports_percent(x.low) AS low, reports_percent(x.high) AS high, x.low_n = 1 AS low_n,
       CASE WHEN x.rate = -10000 THEN '{}'::jsonb
            ELSE jsonb_build_object('rate', reports_percent(x.rate))
       END || coalesce(c.extras[f.i], reports_levels(c.counts, r.levels -> (p.i - 1), x.n), '{}')
       AS extra,
       c.engine_version, c.data_version
FROM reports_indexcut c
LEFT JOIN reports_indexrun r ON r.campaign_id = c.campaign_id
CROSS JOIN LATERAL unnest(coalesce(c.codes, r.codes)) WITH ORDINALITY AS f(code, i)
CROSS JOIN LATERAL (SELECT f.i::int AS i, 28 * (f.i::int - 1) AS at) AS p
CROSS JOIN LATERAL (
    SELECT reports_int4(c.numbers, p.at) AS value, reports_int4(c.numbers, p.at + 4) AS n,
           reports_int4(c.numbers, p.at + 8) AS positive, reports_int4(c.numbers, p.at + 12) AS low,
           reports_int4(c.numbers, p.at + 16) AS high, reports_int4(c.numbers, p.at + 20) AS rate,
           reports_int4(c.numbers, p.at + 24) AS low_n
) AS x
WHERE x.n >= 0;
"""

# Going back: the figures go (the next run recomputes them), and so does what said they were
# up to date.
FORGET = ["DELETE FROM reports_indexcut", "UPDATE reports_indexrun SET data_version = ''"]

ARRAYS = ["figure_values", "ns", "positives", "lows", "highs", "low_ns", "rates"]


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0008_figure_codes_on_run"),
    ]

    operations = [
        migrations.AddField(
            model_name="indexcut", name="numbers", field=models.BinaryField(null=True)
        ),
        migrations.RunSQL(
            ["DROP VIEW reports_indexresult", *FUNCTIONS, *CARRY],
            [*DROP_FUNCTIONS, OLD_VIEW],
        ),
        *(migrations.RemoveField(model_name="indexcut", name=name) for name in ARRAYS),
        migrations.AlterField(model_name="indexcut", name="numbers", field=models.BinaryField()),
        migrations.AlterField(
            model_name="indexcut",
            name="extras",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.JSONField(null=True), null=True, size=None
            ),
        ),
        migrations.RunSQL(migrations.RunSQL.noop, FORGET),
        migrations.AddField(
            model_name="indexrun",
            name="levels",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.RunSQL([VIEW], ["DROP VIEW reports_indexresult"]),
    ]
