"""The API's anonymous reads of a topic's objects, as its latest publication holds them
(api/public_records.py): one record per object, replaced at each publication."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("argmap", "0017_publication_documents"),
    ]

    operations = [
        migrations.CreateModel(
            name="PublicRecord",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("part", models.CharField(max_length=16)),
                ("object_id", models.BigIntegerField()),
                ("rank", models.IntegerField(default=0)),
                ("body", models.TextField()),
                ("facts", models.JSONField(default=dict)),
                (
                    "topic",
                    models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="argmap.topic"),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["part", "topic", "object_id"], name="public_record_by_topic")],
                "constraints": [models.UniqueConstraint(fields=("part", "object_id"), name="public_record_unique")],
            },
        ),
    ]
