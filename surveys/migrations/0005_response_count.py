"""Answers per campaign kept by the database (surveys.ResponseCount): statement triggers with
transition tables add what each INSERT or COPY into surveys_response writes and take away what
each DELETE removes, one row per campaign and shard (the backend's pid modulo 16). The counts of
the answers already stored are written once here."""

import django.db.models.deletion
from django.db import migrations, models

SHARDS = 16

FORWARD = f"""
CREATE FUNCTION surveys_response_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO surveys_responsecount AS c (campaign_id, shard, n)
        SELECT campaign_id, pg_backend_pid() % {SHARDS}, count(*) FROM counted_rows
        GROUP BY campaign_id ORDER BY campaign_id
        ON CONFLICT (campaign_id, shard) DO UPDATE SET n = c.n + excluded.n;
    ELSE
        INSERT INTO surveys_responsecount AS c (campaign_id, shard, n)
        SELECT campaign_id, pg_backend_pid() % {SHARDS}, -count(*) FROM counted_rows
        GROUP BY campaign_id ORDER BY campaign_id
        ON CONFLICT (campaign_id, shard) DO UPDATE SET n = c.n + excluded.n;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER surveys_response_count_insert AFTER INSERT ON surveys_response
    REFERENCING NEW TABLE AS counted_rows
    FOR EACH STATEMENT EXECUTE FUNCTION surveys_response_counted();
CREATE TRIGGER surveys_response_count_delete AFTER DELETE ON surveys_response
    REFERENCING OLD TABLE AS counted_rows
    FOR EACH STATEMENT EXECUTE FUNCTION surveys_response_counted();
INSERT INTO surveys_responsecount (campaign_id, shard, n)
SELECT campaign_id, 0, count(*) FROM surveys_response GROUP BY campaign_id;
"""

BACKWARD = """
DROP TRIGGER surveys_response_count_delete ON surveys_response;
DROP TRIGGER surveys_response_count_insert ON surveys_response;
DROP FUNCTION surveys_response_counted();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0004_answer_columns"),
    ]

    operations = [
        migrations.CreateModel(
            name="ResponseCount",
            fields=[
                ("pk", models.CompositePrimaryKey("campaign", "shard", blank=True, editable=False, primary_key=True, serialize=False)),
                ("shard", models.SmallIntegerField()),
                ("n", models.BigIntegerField(default=0)),
                ("campaign", models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="surveys.campaign")),
            ],
            options={
                "verbose_name": "số phiếu của đợt",
                "verbose_name_plural": "số phiếu của đợt",
            },
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
