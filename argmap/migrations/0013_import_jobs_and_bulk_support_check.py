"""Import jobs (ImportJob: imports run in the background, their status and progress), and
the support rule checked once per bulk write.

A bulk writer of a new topic may check the support rule once, for the whole map,
instead of the trigger of migration 0002 walking the link table on every statement
(argmap/bulk.py, `support_checked_at_the_end`, says why that is safe): with the
transaction-local setting `argmap.support_checked` on, the trigger skips the walk. Its
same-topic check of every new link still runs. Edits through the admin and the API never
set it, so the database still refuses a single link that would close a circle.
"""

import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

RULES = importlib.import_module("argmap.migrations.0002_database_rules")

CHECK_SUPPORT = "IF EXISTS (\n                WITH RECURSIVE reach"
# The walk is the function's last check: with the setting on, it returns before it.
SKIP_WHEN_CHECKED = (
    "IF current_setting('argmap.support_checked', true) = 'on' THEN\n"
    "                RETURN NULL;\n"
    "            END IF;\n"
    "            " + CHECK_SUPPORT
)


def link_rules(*, skippable: bool) -> str:
    """The function of 0002, with or without the skip."""
    for statement in RULES.postgresql_statements():
        if "FUNCTION argmap_link_rules()" in statement:
            statement = statement.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")
            if skippable:
                if CHECK_SUPPORT not in statement:
                    raise RuntimeError("migration 0002's support check is not where 0014 expects it")
                statement = statement.replace(CHECK_SUPPORT, SKIP_WHEN_CHECKED)
            return statement
    raise RuntimeError("migration 0002 has no argmap_link_rules function")


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(link_rules(skippable=True), params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(link_rules(skippable=False), params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("argmap", "0012_keyset_and_search_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.CreateModel(
            name="ImportJob",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("started_at", models.DateTimeField(blank=True, null=True)),
                ("finished_at", models.DateTimeField(blank=True, null=True)),
                ("name", models.CharField(blank=True, help_text="The file's name, as uploaded.", max_length=255)),
                ("format", models.CharField(max_length=20)),
                (
                    "options",
                    models.JSONField(
                        blank=True, default=dict, help_text="slug, new_uids and limit, as import_map takes them."
                    ),
                ),
                (
                    "file",
                    models.CharField(
                        help_text="Where the file waits for the worker (removed once imported).", max_length=500
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[("queued", "queued"), ("running", "running"), ("done", "done"), ("failed", "failed")],
                        default="queued",
                        max_length=10,
                    ),
                ),
                ("stage", models.CharField(blank=True, max_length=20)),
                ("done", models.BigIntegerField(default=0)),
                ("total", models.BigIntegerField(default=0)),
                (
                    "worker",
                    models.CharField(blank=True, help_text="host:pid of the process running it.", max_length=300),
                ),
                ("problems", models.JSONField(blank=True, default=list)),
                ("summary", models.TextField(blank=True)),
                (
                    "topic",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="argmap.topic",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("status__in", ["queued", "running", "done", "failed"])),
                        name="importjob_status_valid",
                    )
                ],
            },
        ),
    ]
