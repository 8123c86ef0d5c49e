"""Verdicts a reader can trust (issue 13): a topic says whether its positions are
alternatives; claims have a kind and, for facts, a check with the source that settles
it, and an editor's base score counts with a stated reason; links and relationships say
whether the source draws them or an editor inferred them.

The demo topics are set as the report reads: on the partnership, "deepen it" and "only
with safeguards" may be held together (the report's own closing balances the two); on
copyright and on Microsoft's investment, the answers exclude each other.
"""

import importlib

import argmap.models
import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


COMBINED_DEMO_TOPICS = ["uk-openai-partnership"]

# SQLite rebuilds the claim, link and relationship tables to add these columns and
# constraints, which breaks the rule triggers of 0002 and 0005 that name them: they are
# dropped first and made again at the end (PostgreSQL alters the tables in place).
RULES = importlib.import_module("argmap.migrations.0002_database_rules")
KEPT_TOPIC = importlib.import_module("argmap.migrations.0005_topic_kept_on_links_citations_stances")


def drop_sqlite_rules(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        RULES.drop_rules(apps, schema_editor)


def create_sqlite_rules(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        RULES.create_rules(apps, schema_editor)
        KEPT_TOPIC.create_rules(apps, schema_editor)


def set_demo_topics(apps, schema_editor):
    Topic = apps.get_model("argmap", "Topic")
    Topic.objects.filter(slug__in=COMBINED_DEMO_TOPICS).update(alternatives=False)


class Migration(migrations.Migration):
    dependencies = [
        ("argmap", "0007_versions_from_the_kept_topic"),
    ]

    operations = [
        migrations.RunPython(drop_sqlite_rules, create_sqlite_rules),
        migrations.AddField(
            model_name="claim",
            name="fact_check",
            field=models.CharField(
                choices=[
                    ("unchecked", "unchecked"),
                    ("confirmed", "confirmed"),
                    ("disputed", "disputed"),
                    ("false", "false"),
                ],
                db_default="unchecked",
                default="unchecked",
                help_text="For a fact: where it stands against the record. “False” needs the source that settles it.",
                max_length=12,
                verbose_name="check",
            ),
        ),
        migrations.AddField(
            model_name="claim",
            name="kind",
            field=models.CharField(
                choices=[
                    ("fact", "fact (a report of what happened or what is)"),
                    ("interpretation", "interpretation (a reading of facts)"),
                    ("value", "value (what ought to be)"),
                    ("prediction", "prediction (what will happen)"),
                ],
                db_default="interpretation",
                default="interpretation",
                max_length=16,
            ),
        ),
        migrations.AddField(
            model_name="claim",
            name="score_reason",
            field=argmap.models.BoundedTextField(
                blank=True,
                db_default="",
                help_text="Why the editor's base score overrides the one derived from the evidence (shown to readers).",
                max_length=1000,
            ),
        ),
        migrations.AddField(
            model_name="claim",
            name="settled_by",
            field=models.ForeignKey(
                blank=True,
                help_text="The source that settles the check (required for “false”).",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="settled_claims",
                to="argmap.source",
            ),
        ),
        migrations.AddField(
            model_name="historicalclaim",
            name="fact_check",
            field=models.CharField(
                choices=[
                    ("unchecked", "unchecked"),
                    ("confirmed", "confirmed"),
                    ("disputed", "disputed"),
                    ("false", "false"),
                ],
                db_default="unchecked",
                default="unchecked",
                help_text="For a fact: where it stands against the record. “False” needs the source that settles it.",
                max_length=12,
                verbose_name="check",
            ),
        ),
        migrations.AddField(
            model_name="historicalclaim",
            name="kind",
            field=models.CharField(
                choices=[
                    ("fact", "fact (a report of what happened or what is)"),
                    ("interpretation", "interpretation (a reading of facts)"),
                    ("value", "value (what ought to be)"),
                    ("prediction", "prediction (what will happen)"),
                ],
                db_default="interpretation",
                default="interpretation",
                max_length=16,
            ),
        ),
        migrations.AddField(
            model_name="historicalclaim",
            name="score_reason",
            field=argmap.models.BoundedTextField(
                blank=True,
                db_default="",
                help_text="Why the editor's base score overrides the one derived from the evidence (shown to readers).",
                max_length=1000,
            ),
        ),
        migrations.AddField(
            model_name="historicalclaim",
            name="settled_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                help_text="The source that settles the check (required for “false”).",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="argmap.source",
            ),
        ),
        migrations.AddField(
            model_name="historicallink",
            name="basis",
            field=models.CharField(
                choices=[("stated", "stated (the source draws it)"), ("inferred", "inferred by an editor")],
                db_default="stated",
                default="stated",
                help_text="Stated: the source draws this connection itself. Inferred: an editor's reading.",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="historicalrelationship",
            name="basis",
            field=models.CharField(
                choices=[("stated", "stated (the source draws it)"), ("inferred", "inferred by an editor")],
                db_default="stated",
                default="stated",
                help_text="Stated: the source reports this tie. Inferred: an editor's reading.",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="historicaltopic",
            name="alternatives",
            field=models.BooleanField(
                db_default=True,
                default=True,
                help_text="Its positions are alternatives: at most one of them is the answer. Untick if they may be combined.",
            ),
        ),
        migrations.AddField(
            model_name="link",
            name="basis",
            field=models.CharField(
                choices=[("stated", "stated (the source draws it)"), ("inferred", "inferred by an editor")],
                db_default="stated",
                default="stated",
                help_text="Stated: the source draws this connection itself. Inferred: an editor's reading.",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="relationship",
            name="basis",
            field=models.CharField(
                choices=[("stated", "stated (the source draws it)"), ("inferred", "inferred by an editor")],
                db_default="stated",
                default="stated",
                help_text="Stated: the source reports this tie. Inferred: an editor's reading.",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="topic",
            name="alternatives",
            field=models.BooleanField(
                db_default=True,
                default=True,
                help_text="Its positions are alternatives: at most one of them is the answer. Untick if they may be combined.",
            ),
        ),
        migrations.AlterField(
            model_name="claim",
            name="base_score",
            field=models.FloatField(
                default=0.5,
                help_text="The editor's base score (0 to 1). It counts only with a reason; without one the base score is derived from the claim's evidence (docs/analysis.md).",
                validators=[
                    django.core.validators.MinValueValidator(0.0),
                    django.core.validators.MaxValueValidator(1.0),
                ],
            ),
        ),
        migrations.AlterField(
            model_name="historicalclaim",
            name="base_score",
            field=models.FloatField(
                default=0.5,
                help_text="The editor's base score (0 to 1). It counts only with a reason; without one the base score is derived from the claim's evidence (docs/analysis.md).",
                validators=[
                    django.core.validators.MinValueValidator(0.0),
                    django.core.validators.MaxValueValidator(1.0),
                ],
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind__in", ["fact", "interpretation", "value", "prediction"])),
                name="claim_kind_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(("fact_check__in", ["unchecked", "confirmed", "disputed", "false"])),
                name="claim_fact_check_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind", "fact"), ("fact_check", "unchecked"), _connector="OR"),
                name="claim_checked_only_if_fact",
                violation_error_message="Only a fact is checked.",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("fact_check", "false"), _negated=True), ("settled_by__isnull", False), _connector="OR"
                ),
                name="claim_false_needs_settling_source",
                violation_error_message="A fact checked false needs the source that settles it.",
            ),
        ),
        migrations.AddConstraint(
            model_name="link",
            constraint=models.CheckConstraint(
                condition=models.Q(("basis__in", ["stated", "inferred"])), name="link_basis_valid"
            ),
        ),
        migrations.AddConstraint(
            model_name="relationship",
            constraint=models.CheckConstraint(
                condition=models.Q(("basis__in", ["stated", "inferred"])), name="relationship_basis_valid"
            ),
        ),
        migrations.RunPython(create_sqlite_rules, drop_sqlite_rules),
        migrations.RunPython(set_demo_topics, migrations.RunPython.noop),
    ]
