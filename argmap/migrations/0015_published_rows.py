"""Each publication's map as rows (PublishedRow), so that public pages read the slice they
show: the table, a trigger that refuses to change a row once written, and the rows of
every publication made before, laid out from its snapshot and stored analysis."""

import django.db.models.deletion
import orjson
from django.db import migrations, models

MESSAGE = "argmap_publishedrow_immutable: a publication never changes; publish a correction instead"


def create_immutability_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(
            f"""CREATE TRIGGER argmap_publishedrow_immutable BEFORE UPDATE ON argmap_publishedrow
            FOR EACH ROW BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
            params=None,
        )
    elif vendor == "postgresql":
        schema_editor.execute(
            f"""CREATE FUNCTION argmap_publishedrow_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation'; END $$""",
            params=None,
        )
        schema_editor.execute(
            """CREATE TRIGGER argmap_publishedrow_immutable BEFORE UPDATE ON argmap_publishedrow
            FOR EACH ROW EXECUTE FUNCTION argmap_publishedrow_immutable()""",
            params=None,
        )


def drop_immutability_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor in ("sqlite", "postgresql"):
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS argmap_publishedrow_immutable"
            + (" ON argmap_publishedrow" if vendor == "postgresql" else ""),
            params=None,
        )
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS argmap_publishedrow_immutable()", params=None)


def store_existing_publications(apps, schema_editor):
    """The rows of every publication already made, from its snapshot: nothing is lost, and
    the snapshot stays as it was."""
    from argmap.published_map import store_rows

    Publication = apps.get_model("argmap", "Publication")
    for publication_id in Publication.objects.order_by("pk").values_list("pk", flat=True):
        snapshot, analysis = Publication.objects.values_list("snapshot", "analysis").get(pk=publication_id)
        store_rows(publication_id, orjson.loads(snapshot), orjson.loads(analysis), len(snapshot.encode()))


class Migration(migrations.Migration):
    dependencies = [
        ("argmap", "0014_source_text_and_quote_check"),
    ]

    operations = [
        migrations.CreateModel(
            name="PublishedRow",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("part", models.CharField(max_length=16)),
                ("object_id", models.BigIntegerField()),
                ("key", models.BigIntegerField(null=True)),
                ("rank", models.IntegerField(null=True)),
                ("claim", models.BigIntegerField(null=True)),
                ("strength", models.FloatField(null=True)),
                ("data", models.TextField()),
                ("layout", models.TextField(blank=True)),
                ("assessment", models.TextField(blank=True)),
                (
                    "publication",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="rows", to="argmap.publication"
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["publication", "part", "key", "rank"], name="published_row_by_key"),
                    models.Index(fields=["publication", "part", "claim"], name="published_row_by_claim"),
                ],
                "constraints": [
                    models.UniqueConstraint(fields=("publication", "part", "object_id"), name="published_row_unique")
                ],
            },
        ),
        migrations.RunPython(create_immutability_trigger, drop_immutability_trigger),
        migrations.RunPython(store_existing_publications, migrations.RunPython.noop),
    ]
