"""A campaign's figures are stored one row per cut (reports_indexcut, arrays of figures, and the
counts behind them), and read one row per figure through the view reports_indexresult, which has
the columns of the table it replaces. The figures already stored are carried over."""

import django.contrib.postgres.fields
import django.db.models.deletion
from django.db import migrations, models

# NaN and -1 stand for NULL in the numeric arrays (see IndexCut); a rate of -1: no rate at all.
# The codes unnested with their positions, the other arrays read by subscript: PostgreSQL tests
# the code first and reads the other arrays only at the figures that pass (a ranking reads one
# figure of each cut: about 2.5 ms for Huế's 173 agencies, against 11.5 ms when every array was
# unnested). A subscript into an array kept compressed would decompress it again each time:
# rows up to a page stay uncompressed.
VIEW = """
ALTER TABLE reports_indexcut SET (toast_tuple_target = 8160);
CREATE VIEW reports_indexresult AS
SELECT c.campaign_id, c.cut, c.cut_key, f.code, c.kinds[f.i] AS kind,
       nullif(c.figure_values[f.i], 'NaN') AS value, c.ns[f.i] AS n,
       nullif(c.positives[f.i], -1) AS positive, nullif(c.lows[f.i], 'NaN') AS low,
       nullif(c.highs[f.i], 'NaN') AS high, c.low_ns[f.i] AS low_n,
       CASE WHEN c.rates[f.i] = -1 THEN coalesce(c.extras[f.i], '{}')
            ELSE jsonb_build_object('rate', nullif(c.rates[f.i], 'NaN'))
                 || coalesce(c.extras[f.i], '{}')
       END AS extra,
       c.engine_version, c.data_version
FROM reports_indexcut c
CROSS JOIN LATERAL unnest(c.codes) WITH ORDINALITY AS f(code, i)
WHERE c.ns[f.i] >= 0;
"""

FORWARD = (
    """
INSERT INTO reports_indexcut (
    campaign_id, cut, cut_key, figures, codes, kinds, figure_values, ns, positives, lows, highs,
    low_ns, rates, extras, engine_version, data_version)
SELECT campaign_id, cut, cut_key, count(*), array_agg(code ORDER BY code),
       array_agg(kind ORDER BY code),
       array_agg(coalesce(value, 'NaN') ORDER BY code), array_agg(n ORDER BY code),
       array_agg(coalesce(positive, -1) ORDER BY code),
       array_agg(coalesce(low, 'NaN') ORDER BY code),
       array_agg(coalesce(high, 'NaN') ORDER BY code), array_agg(low_n ORDER BY code),
       array_agg(CASE WHEN NOT extra ? 'rate' THEN -1
                      ELSE coalesce((extra ->> 'rate')::float8, 'NaN') END ORDER BY code),
       array_agg(nullif(extra - 'rate', '{}') ORDER BY code),
       min(engine_version), min(data_version)
FROM reports_indexresult GROUP BY campaign_id, cut, cut_key;
DROP TABLE reports_indexresult;
"""
    + VIEW
)

BACKWARD = """
CREATE TABLE reports_indexresult_table AS SELECT * FROM reports_indexresult;
DROP VIEW reports_indexresult;
ALTER TABLE reports_indexresult_table RENAME TO reports_indexresult;
ALTER TABLE reports_indexresult
    ALTER COLUMN cut SET NOT NULL, ALTER COLUMN cut_key SET NOT NULL,
    ALTER COLUMN code SET NOT NULL, ALTER COLUMN kind SET NOT NULL, ALTER COLUMN n SET NOT NULL,
    ALTER COLUMN low_n SET NOT NULL, ALTER COLUMN extra SET NOT NULL,
    ALTER COLUMN engine_version SET NOT NULL, ALTER COLUMN data_version SET NOT NULL,
    ALTER COLUMN campaign_id SET NOT NULL,
    ADD CONSTRAINT reports_indexresult_n_check CHECK (n >= 0),
    ADD CONSTRAINT reports_indexresult_positive_check CHECK (positive >= 0),
    ADD CONSTRAINT reports_indexresult_pkey PRIMARY KEY (campaign_id, cut, cut_key, code);
CREATE INDEX reports_ind_campaig_6856c1_idx ON reports_indexresult (campaign_id, cut, code);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0006_indexresult_composite_pk"),
        ("surveys", "0004_answer_columns"),
    ]

    operations = [
        migrations.CreateModel(
            name="IndexCut",
            fields=[
                ("pk", models.CompositePrimaryKey("campaign", "cut", "cut_key", blank=True, editable=False, primary_key=True, serialize=False)),
                ("cut", models.CharField(max_length=16, verbose_name="lát cắt")),
                ("cut_key", models.CharField(blank=True, max_length=60, verbose_name="khoá lát cắt")),
                ("figures", models.PositiveIntegerField()),
                ("codes", django.contrib.postgres.fields.ArrayField(base_field=models.CharField(max_length=40))),
                ("kinds", django.contrib.postgres.fields.ArrayField(base_field=models.CharField(max_length=12))),
                ("figure_values", django.contrib.postgres.fields.ArrayField(base_field=models.FloatField())),
                ("ns", django.contrib.postgres.fields.ArrayField(base_field=models.IntegerField())),
                ("positives", django.contrib.postgres.fields.ArrayField(base_field=models.IntegerField())),
                ("lows", django.contrib.postgres.fields.ArrayField(base_field=models.FloatField())),
                ("highs", django.contrib.postgres.fields.ArrayField(base_field=models.FloatField())),
                ("low_ns", django.contrib.postgres.fields.ArrayField(base_field=models.BooleanField())),
                ("rates", django.contrib.postgres.fields.ArrayField(base_field=models.FloatField())),
                ("extras", django.contrib.postgres.fields.ArrayField(base_field=models.JSONField(null=True))),
                ("engine_version", models.CharField(max_length=10)),
                ("data_version", models.CharField(max_length=60)),
                ("counts", models.BinaryField(null=True)),
                ("campaign", models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="surveys.campaign")),
            ],
            options={
                "verbose_name": "kết quả một lát cắt",
                "verbose_name_plural": "kết quả các lát cắt",
            },
        ),
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(FORWARD, BACKWARD)],
            state_operations=[
                migrations.RemoveIndex(model_name="indexresult", name="reports_ind_campaig_6856c1_idx"),
                migrations.AlterField(
                    model_name="indexresult",
                    name="campaign",
                    field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name="index_results", to="surveys.campaign"),
                ),
                migrations.AlterModelOptions(
                    name="indexresult",
                    options={"managed": False, "verbose_name": "kết quả chỉ số", "verbose_name_plural": "kết quả chỉ số"},
                ),
            ],
        ),
        # The counts behind the figures now live on each cut's row (IndexCut.counts), their
        # names on the run: a campaign's single file of every cut's counts was read and written
        # whole on every update (13 MB for 63 provinces). Results stored before carry no counts,
        # so their next update recomputes them in full.
        migrations.AddField(
            model_name="indexrun",
            name="tally_names",
            field=django.contrib.postgres.fields.ArrayField(base_field=models.CharField(max_length=80), blank=True, default=list),
        ),
        migrations.DeleteModel(name="IndexTally"),
    ]
