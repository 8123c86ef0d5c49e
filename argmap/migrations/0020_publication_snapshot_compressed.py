"""A publication's snapshot and analysis kept zlib-compressed (models.CompressedTextField).

A 1,000,000-claim map's snapshot is over a gigabyte of JSON: PostgreSQL refuses a value,
or a message, that large, so such a map could not be published. Compressed, it is about a
tenth of that. The columns become binary: new ones are added, each publication's text is
copied into them compressed, the old ones dropped and the new ones given their names. The
immutability trigger of migration 0010 is dropped first and made again last (SQLite drops
a table's triggers when it rebuilds the table, as it does to drop a column)."""

import importlib

from django.db import migrations, models

import argmap.models

publications = importlib.import_module("argmap.migrations.0010_publications")


def compress(apps, schema_editor):
    Publication = apps.get_model("argmap", "Publication")
    rows = Publication.objects.using(schema_editor.connection.alias)
    for row in rows.only("pk", "snapshot", "analysis").iterator(chunk_size=1):
        rows.filter(pk=row.pk).update(compressed_snapshot=row.snapshot, compressed_analysis=row.analysis)


def decompress(apps, schema_editor):
    Publication = apps.get_model("argmap", "Publication")
    rows = Publication.objects.using(schema_editor.connection.alias)
    for row in rows.only("pk", "compressed_snapshot", "compressed_analysis").iterator(chunk_size=1):
        rows.filter(pk=row.pk).update(snapshot=row.compressed_snapshot, analysis=row.compressed_analysis)


class Migration(migrations.Migration):
    dependencies = [
        ("argmap", "0019_publication_page_plan"),
    ]

    operations = [
        migrations.RunPython(publications.drop_immutability_trigger, publications.create_immutability_trigger),
        migrations.AddField(
            model_name="publication",
            name="compressed_snapshot",
            field=argmap.models.CompressedTextField(null=True),
        ),
        migrations.AddField(
            model_name="publication",
            name="compressed_analysis",
            field=argmap.models.CompressedTextField(null=True),
        ),
        # (nullable on the way: undone, the old columns come back empty before `decompress` fills them)
        migrations.AlterField(
            model_name="publication", name="snapshot", field=models.TextField(editable=False, null=True)
        ),
        migrations.AlterField(
            model_name="publication", name="analysis", field=models.TextField(editable=False, null=True)
        ),
        migrations.RunPython(compress, decompress),
        migrations.RemoveField(model_name="publication", name="snapshot"),
        migrations.RemoveField(model_name="publication", name="analysis"),
        migrations.RenameField(model_name="publication", old_name="compressed_snapshot", new_name="snapshot"),
        migrations.RenameField(model_name="publication", old_name="compressed_analysis", new_name="analysis"),
        migrations.AlterField(model_name="publication", name="snapshot", field=argmap.models.CompressedTextField()),
        migrations.AlterField(model_name="publication", name="analysis", field=argmap.models.CompressedTextField()),
        migrations.RunPython(publications.create_immutability_trigger, publications.drop_immutability_trigger),
    ]
