"""An import job keeps its report (created, reused, problems and notes with their places),
which the API's job resource (/api/v1/imports/<id>/) serves."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("argmap", "0015_published_rows"),
    ]

    operations = [
        migrations.AddField(
            model_name="importjob",
            name="report",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text="The finished import's report: created, reused, and its problems and notes with their places.",
            ),
        ),
    ]
