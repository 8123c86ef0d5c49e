"""Publication records for topics, stakeholders, sources and relationships too
(api/public_records.py): a shared object has one record per topic whose latest
publication includes it, so a record names its publication (the public sees the most
recent one), and a list of topics or stakeholders is ordered by title or name.

The records written before (migration 0018) hold no topic and no shared objects: they are
deleted, and their topics read live, as any topic published before records existed, until
their next publication writes them whole. (They are derived from the live map at publish;
nothing of the history is in them.)"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("argmap", "0020_publication_snapshot_compressed"),
    ]

    operations = [
        migrations.RunSQL("DELETE FROM argmap_publicrecord", migrations.RunSQL.noop),
        migrations.RemoveConstraint(model_name="publicrecord", name="public_record_unique"),
        migrations.AddField(
            model_name="publicrecord",
            name="publication",
            field=models.ForeignKey(
                default=None, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="argmap.publication"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="publicrecord",
            name="sort_key",
            field=models.CharField(blank=True, default="", max_length=300),
        ),
        migrations.AddField(
            model_name="publicrecord",
            name="slug",
            field=models.CharField(blank=True, default="", max_length=100),
        ),
        migrations.AddConstraint(
            model_name="publicrecord",
            constraint=models.UniqueConstraint(
                fields=("part", "object_id", "topic"), name="public_record_unique_per_topic"
            ),
        ),
        migrations.AddIndex(
            model_name="publicrecord",
            index=models.Index(fields=["part", "sort_key", "object_id"], name="public_record_by_name"),
        ),
        migrations.AddIndex(
            model_name="publicrecord",
            index=models.Index(fields=["part", "slug"], name="public_record_by_slug"),
        ),
    ]
