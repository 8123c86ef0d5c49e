"""A publication's analysis plan: which rows its topic's analysis page reads, worked out once
at publish (published_map.analysis_plan), so that the page reads them in one query."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("argmap", "0021_public_records_of_shared_objects"),
    ]

    operations = [
        migrations.AddField(
            model_name="publication",
            name="analysis_plan",
            field=models.JSONField(blank=True, editable=False, null=True),
        ),
    ]
