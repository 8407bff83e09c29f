"""The codes and kinds of a campaign's figures are kept once on its IndexRun instead of on each
of its cuts (the same on every cut a run writes): the database parsed 70 strings twice per cut,
a fifth of storing it. Cuts carried over by 0007 keep their own (IndexCut.codes not NULL), and
the view reports_indexresult reads a cut's own codes when it has them, else its run's."""

import django.contrib.postgres.fields
from django.db import migrations, models

VIEW = """
CREATE OR REPLACE VIEW reports_indexresult AS
SELECT c.campaign_id, c.cut, c.cut_key, f.code, (coalesce(c.kinds, r.kinds))[f.i] AS kind,
       nullif(c.figure_values[f.i], 'NaN') AS value, c.ns[f.i] AS n,
       nullif(c.positives[f.i], -1) AS positive, nullif(c.lows[f.i], 'NaN') AS low,
       nullif(c.highs[f.i], 'NaN') AS high, c.low_ns[f.i] AS low_n,
       CASE WHEN c.rates[f.i] = -1 THEN coalesce(c.extras[f.i], '{}')
            ELSE jsonb_build_object('rate', nullif(c.rates[f.i], 'NaN'))
                 || coalesce(c.extras[f.i], '{}')
       END AS extra,
       c.engine_version, c.data_version
FROM reports_indexcut c
LEFT JOIN reports_indexrun r ON r.campaign_id = c.campaign_id
CROSS JOIN LATERAL unnest(coalesce(c.codes, r.codes)) WITH ORDINALITY AS f(code, i)
WHERE c.ns[f.i] >= 0;
"""

# Back: every cut gets its run's codes again, and the view reads them from the cut alone.
BACKWARD = """
UPDATE reports_indexcut c SET codes = r.codes, kinds = r.kinds
FROM reports_indexrun r WHERE r.campaign_id = c.campaign_id AND c.codes IS NULL;
CREATE OR REPLACE VIEW reports_indexresult AS
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


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0007_index_cuts"),
    ]

    operations = [
        migrations.AddField(
            model_name="indexrun",
            name="codes",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(max_length=40), blank=True, default=list
            ),
        ),
        migrations.AddField(
            model_name="indexrun",
            name="kinds",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(max_length=12), blank=True, default=list
            ),
        ),
        migrations.AlterField(
            model_name="indexcut",
            name="codes",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(max_length=40), null=True
            ),
        ),
        migrations.AlterField(
            model_name="indexcut",
            name="kinds",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(max_length=12), null=True
            ),
        ),
        migrations.RunSQL(VIEW, BACKWARD),
    ]
