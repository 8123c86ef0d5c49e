"""History tables keep only the indexes argmap reads them by (the object's id, the date,
the user), their user without a foreign key constraint (Django still sets it to NULL
when the user is deleted), and the topic that the database keeps on links, citations
and stances (0005) loses its own foreign key constraint: the triggers derive it from the claim or position,
whose constraints already guarantee it. Each was a cost of every import, paid per row.

The constraint is dropped on PostgreSQL only: on SQLite, Django would rebuild the three
tables to drop it, and with them the rule triggers of migrations 0002 and 0005 (SQLite
checks foreign keys once per transaction there, not row by row as PostgreSQL does).
"""

import argmap.models
import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models


def drop_topic_constraints(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name in ("Link", "Citation", "Stance"):
        model = apps.get_model("argmap", model_name)
        column = model._meta.get_field("topic").column
        for name in schema_editor._constraint_names(model, [column], foreign_key=True):
            schema_editor.execute(schema_editor._delete_fk_sql(model, name))


def restore_topic_constraints(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name in ("Link", "Citation", "Stance"):
        model = apps.get_model("argmap", model_name)
        field = model._meta.get_field("topic")
        schema_editor.execute(schema_editor._create_fk_sql(model, field, "_fk_%(to_table)s_%(to_column)s"))


class Migration(migrations.Migration):
    dependencies = [
        ("argmap", "0005_topic_kept_on_links_citations_stances"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="citation",
                    name="topic",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="argmap.topic",
                    ),
                ),
                migrations.AlterField(
                    model_name="link",
                    name="topic",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="argmap.topic",
                    ),
                ),
                migrations.AlterField(
                    model_name="stance",
                    name="topic",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="argmap.topic",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop_topic_constraints, restore_topic_constraints)],
        ),
        migrations.AlterField(
            model_name="historicalcitation",
            name="claim",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="argmap.claim",
            ),
        ),
        migrations.AlterField(
            model_name="historicalcitation",
            name="source",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="argmap.source",
            ),
        ),
        migrations.AlterField(
            model_name="historicalcitation",
            name="uid",
            field=argmap.models.UidField(default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name="historicalclaim",
            name="topic",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="argmap.topic",
            ),
        ),
        migrations.AlterField(
            model_name="historicalclaim",
            name="uid",
            field=argmap.models.UidField(default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name="historicallink",
            name="claim",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="argmap.claim",
            ),
        ),
        migrations.AlterField(
            model_name="historicallink",
            name="target_claim",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="argmap.claim",
            ),
        ),
        migrations.AlterField(
            model_name="historicallink",
            name="target_position",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="argmap.position",
            ),
        ),
        migrations.AlterField(
            model_name="historicallink",
            name="uid",
            field=argmap.models.UidField(default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name="historicalposition",
            name="topic",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="argmap.topic",
            ),
        ),
        migrations.AlterField(
            model_name="historicalposition",
            name="uid",
            field=argmap.models.UidField(default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name="historicalrelationship",
            name="from_stakeholder",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="argmap.stakeholder",
            ),
        ),
        migrations.AlterField(
            model_name="historicalrelationship",
            name="source",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="argmap.source",
            ),
        ),
        migrations.AlterField(
            model_name="historicalrelationship",
            name="to_stakeholder",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="argmap.stakeholder",
            ),
        ),
        migrations.AlterField(
            model_name="historicalrelationship",
            name="uid",
            field=argmap.models.UidField(default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name="historicalsalience",
            name="stakeholder",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="argmap.stakeholder",
            ),
        ),
        migrations.AlterField(
            model_name="historicalsalience",
            name="topic",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="argmap.topic",
            ),
        ),
        migrations.AlterField(
            model_name="historicalsalience",
            name="uid",
            field=argmap.models.UidField(default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name="historicalsource",
            name="uid",
            field=argmap.models.UidField(default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name="historicalstakeholder",
            name="parent",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                help_text="Part of…",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="argmap.stakeholder",
            ),
        ),
        migrations.AlterField(
            model_name="historicalstakeholder",
            name="slug",
            field=models.SlugField(db_index=False, max_length=100),
        ),
        migrations.AlterField(
            model_name="historicalstance",
            name="claim",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="argmap.claim",
            ),
        ),
        migrations.AlterField(
            model_name="historicalstance",
            name="position",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="argmap.position",
            ),
        ),
        migrations.AlterField(
            model_name="historicalstance",
            name="source",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                help_text="Where the stance is recorded (required unless inferred).",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="argmap.source",
            ),
        ),
        migrations.AlterField(
            model_name="historicalstance",
            name="stakeholder",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="argmap.stakeholder",
            ),
        ),
        migrations.AlterField(
            model_name="historicalstance",
            name="uid",
            field=argmap.models.UidField(default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name="historicaltopic",
            name="slug",
            field=models.SlugField(db_index=False, max_length=100),
        ),
        migrations.AlterField(
            model_name="historicaltopic",
            name="status",
            field=models.CharField(
                choices=[
                    ("draft", "draft"),
                    ("in_review", "in review"),
                    ("published", "published"),
                    ("archived", "archived"),
                ],
                default="draft",
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="historicalcitation",
            name="history_user",
            field=models.ForeignKey(
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="historicalclaim",
            name="history_user",
            field=models.ForeignKey(
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="historicallink",
            name="history_user",
            field=models.ForeignKey(
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="historicalposition",
            name="history_user",
            field=models.ForeignKey(
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="historicalrelationship",
            name="history_user",
            field=models.ForeignKey(
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="historicalsalience",
            name="history_user",
            field=models.ForeignKey(
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="historicalsource",
            name="history_user",
            field=models.ForeignKey(
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="historicalstakeholder",
            name="history_user",
            field=models.ForeignKey(
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="historicalstance",
            name="history_user",
            field=models.ForeignKey(
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="historicaltopic",
            name="history_user",
            field=models.ForeignKey(
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
