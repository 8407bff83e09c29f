"""Each answer's tallies (see surveys.models): the counted fields of its questionnaire version,
in plain bigint columns t1 … t48 that a row trigger writes from `scores`, and an aggregate that
adds them up.

A field is 0 or 1 for one answer, and sits at bits 0, 21 or 42 of its column: a column's sum
over a group is its three fields' sums side by side while the group has fewer than 2**21
answers (the index engine uses them only for fewer answers than that in all). Written by the
database, they are right on every write path (form, kiosk, paper import, COPY) with no code of
their own; the ORM never sees the columns. A version without counted fields leaves them NULL.

`surveys_tally_sum` adds bigints with int8pl into a bigint kept by value: sum(bigint) keeps a
128-bit state allocated per group, which at 12,000 groups costs more than the sums.
"""

import django.contrib.postgres.fields
from django.db import migrations, models

# Fixed here: surveys.models.TALLY_COLUMNS may grow in a later migration, never shrink.
COLUMNS = 48
BITS = 21
PER_COLUMN = 3

_assign = "\n    ".join(f"NEW.t{k} := t[{k}];" for k in range(1, COLUMNS + 1))

FORWARD = f"""
ALTER TABLE surveys_response {", ".join(f"ADD COLUMN t{k} bigint" for k in range(1, COLUMNS + 1))};
CREATE AGGREGATE surveys_tally_sum(bigint) (
    SFUNC = int8pl, STYPE = bigint, COMBINEFUNC = int8pl, PARALLEL = SAFE
);
CREATE FUNCTION surveys_response_tallies() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    t bigint[];
BEGIN
    -- The kinds are surveys.models.TallyKind: 0 every answer, 1 answered, 2 value in the
    -- mask, 3 options (a bit mask) meeting the mask.
    SELECT array_agg(packed ORDER BY col) INTO t FROM (
        SELECT (f.i - 1) / {PER_COLUMN} AS col,
               sum((CASE f.kind
                        WHEN 0 THEN 1
                        WHEN 1 THEN (a.v IS NOT NULL)::int
                        WHEN 2 THEN CASE WHEN a.v BETWEEN 0 AND 62
                                         THEN ((f.mask >> a.v) & 1)::int ELSE 0 END
                        ELSE (coalesce(a.v & f.mask, 0) <> 0)::int
                    END)::bigint << ({BITS} * ((f.i - 1) % {PER_COLUMN}))::int)::bigint AS packed
        FROM surveys_questionnaire q
        CROSS JOIN LATERAL unnest(q.tally_slots, q.tally_kinds, q.tally_masks)
            WITH ORDINALITY AS f(slot, kind, mask, i)
        CROSS JOIN LATERAL (SELECT NEW.scores[f.slot] AS v) a
        WHERE q.id = NEW.questionnaire_id
        GROUP BY 1
    ) c;
    {_assign}
    RETURN NEW;
END
$$;
CREATE TRIGGER surveys_response_tallies BEFORE INSERT OR UPDATE OF scores, questionnaire_id
    ON surveys_response FOR EACH ROW EXECUTE FUNCTION surveys_response_tallies();
"""

BACKWARD = f"""
DROP TRIGGER surveys_response_tallies ON surveys_response;
DROP FUNCTION surveys_response_tallies();
DROP AGGREGATE surveys_tally_sum(bigint);
ALTER TABLE surveys_response {", ".join(f"DROP COLUMN t{k}" for k in range(1, COLUMNS + 1))};
"""


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0005_response_count"),
    ]

    operations = [
        migrations.AddField(
            model_name="questionnaire",
            name="tally_names",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(max_length=80), default=list, editable=False
            ),
        ),
        migrations.AddField(
            model_name="questionnaire",
            name="tally_slots",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.SmallIntegerField(), default=list, editable=False
            ),
        ),
        migrations.AddField(
            model_name="questionnaire",
            name="tally_kinds",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.SmallIntegerField(), default=list, editable=False
            ),
        ),
        migrations.AddField(
            model_name="questionnaire",
            name="tally_masks",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.BigIntegerField(), default=list, editable=False
            ),
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
