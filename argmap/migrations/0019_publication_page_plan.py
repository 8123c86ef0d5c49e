"""A publication's page plan: which rows its topic page reads, worked out once at publish
(published_map.topic_plan), so that the page reads them in one query."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("argmap", "0018_public_records"),
    ]

    operations = [
        migrations.AddField(
            model_name="publication",
            name="page_plan",
            field=models.JSONField(blank=True, editable=False, null=True),
        ),
    ]
