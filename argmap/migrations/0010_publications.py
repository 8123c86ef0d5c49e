"""Publications (issue 16): the Publication, ReviewStep and Reply tables, the publish_topic
permission, a trigger that refuses to change a publication once made (DOMAIN.md, rule 10),
and the Reviewers group, who may publish; Editors may read publications and submit a
topic for review."""

from django.contrib.auth.management import create_permissions
from django.db import migrations, models

import argmap.models
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings

REVIEWERS = "Reviewers"
EDITORS = "Editors"
FROZEN = ("topic_id", "number", "published_at", "note", "is_correction", "correction_note", "changes", "claim_count",
          "snapshot", "analysis")  # fmt: skip
MESSAGE = "argmap_publication_immutable: a publication never changes; publish a correction instead"


def create_immutability_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(
            f"""CREATE TRIGGER argmap_publication_immutable BEFORE UPDATE OF {", ".join(FROZEN)}
            ON argmap_publication FOR EACH ROW
            BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
            params=None,
        )
    elif vendor == "postgresql":
        changed = " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in FROZEN)
        schema_editor.execute(
            f"""CREATE FUNCTION argmap_publication_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF {changed} THEN
                    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
                END IF;
                RETURN NEW;
            END $$""",
            params=None,
        )
        schema_editor.execute(
            """CREATE TRIGGER argmap_publication_immutable BEFORE UPDATE ON argmap_publication
            FOR EACH ROW EXECUTE FUNCTION argmap_publication_immutable()""",
            params=None,
        )


def drop_immutability_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor in ("sqlite", "postgresql"):
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS argmap_publication_immutable"
            + (" ON argmap_publication" if vendor == "postgresql" else ""),
            params=None,
        )
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS argmap_publication_immutable()", params=None)


def create_reviewers_group(apps, schema_editor):
    alias = schema_editor.connection.alias
    app_config = apps.get_app_config("argmap")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=alias)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission").objects.using(alias).filter(content_type__app_label="argmap")
    reviewers, _ = Group.objects.using(alias).get_or_create(name=REVIEWERS)
    reviewers.permissions.add(
        *Permission.filter(
            codename__in=[
                "publish_topic", "view_topic", "add_publication", "view_publication", "add_reviewstep",
                "view_reviewstep", "view_reply", "change_reply",
            ]
        )
    )  # fmt: skip
    editors = Group.objects.using(alias).filter(name=EDITORS).first()
    if editors is not None:
        editors.permissions.add(
            *Permission.filter(codename__in=["view_publication", "add_reviewstep", "view_reviewstep", "view_reply"])
        )


def remove_reviewers_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.using(schema_editor.connection.alias).filter(name=REVIEWERS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("argmap", "0009_versions_of_the_topics_that_use_it"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="topic",
            options={
                "ordering": ["title"],
                "permissions": [("publish_topic", "Can publish a topic (review and publish its map)")],
            },
        ),
        migrations.CreateModel(
            name="Publication",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.PositiveIntegerField(editable=False)),
                ("published_at", models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                (
                    "note",
                    argmap.models.BoundedTextField(
                        blank=True, help_text="What this publication brings, for readers.", max_length=2000
                    ),
                ),
                ("is_correction", models.BooleanField(default=False)),
                (
                    "correction_note",
                    argmap.models.BoundedTextField(
                        blank=True, help_text="What was wrong, and what is now right.", max_length=2000
                    ),
                ),
                (
                    "changes",
                    argmap.models.BoundedTextField(
                        blank=True, help_text="What changed since the previous one, in words.", max_length=5000
                    ),
                ),
                ("claim_count", models.PositiveIntegerField(default=0)),
                ("snapshot", models.TextField(editable=False)),
                ("analysis", models.TextField(editable=False)),
                (
                    "publisher",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "reviewer",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "topic",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="publications", to="argmap.topic"
                    ),
                ),
            ],
            options={
                "ordering": ["topic", "-number"],
                "get_latest_by": "number",
            },
        ),
        migrations.CreateModel(
            name="ReviewStep",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "action",
                    models.CharField(
                        choices=[
                            ("submitted", "submitted for review"),
                            ("sent_back", "sent back"),
                            ("published", "published"),
                        ],
                        max_length=12,
                    ),
                ),
                ("comment", argmap.models.BoundedTextField(blank=True, max_length=2000)),
                (
                    "topic_version",
                    models.PositiveBigIntegerField(help_text="The topic's version when the step was taken."),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                (
                    "publication",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="argmap.publication",
                    ),
                ),
                (
                    "topic",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="review_steps", to="argmap.topic"
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
                "ordering": ["topic", "-created_at", "-id"],
            },
        ),
        migrations.AddConstraint(
            model_name="publication",
            constraint=models.UniqueConstraint(
                fields=("topic", "number"),
                name="publication_number_unique_per_topic",
                violation_error_message="This topic already has a publication with this number.",
            ),
        ),
        migrations.AddConstraint(
            model_name="publication",
            constraint=models.CheckConstraint(condition=models.Q(("number__gte", 1)), name="publication_number_from_1"),
        ),
        migrations.AddConstraint(
            model_name="publication",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("is_correction", False), models.Q(("correction_note", ""), _negated=True), _connector="OR"
                ),
                name="publication_correction_says_what",
                violation_error_message="A correction says what it corrects.",
            ),
        ),
        migrations.AddConstraint(
            model_name="reviewstep",
            constraint=models.CheckConstraint(
                condition=models.Q(("action__in", ["submitted", "sent_back", "published"])),
                name="reviewstep_action_valid",
            ),
        ),
        migrations.CreateModel(
            name="Reply",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", argmap.models.BoundedCharField(max_length=200)),
                ("role", argmap.models.BoundedCharField(help_text="Their role at the stakeholder.", max_length=200)),
                ("email", models.EmailField(help_text="Never shown.", max_length=254)),
                ("text", argmap.models.BoundedTextField(max_length=5000, verbose_name="reply as received")),
                ("link", argmap.models.WebURLField(blank=True, max_length=2000)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "waiting for moderation"),
                            ("accepted", "accepted"),
                            ("declined", "declined"),
                        ],
                        db_index=True,
                        default="pending",
                        max_length=10,
                    ),
                ),
                (
                    "edited_text",
                    argmap.models.BoundedTextField(
                        blank=True,
                        help_text="The reply as shown, if a reviewer edited it (the original is kept).",
                        max_length=5000,
                    ),
                ),
                ("decline_reason", argmap.models.BoundedTextField(blank=True, max_length=2000)),
                ("received_at", models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                ("decided_at", models.DateTimeField(blank=True, editable=False, null=True)),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "stance",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="replies", to="argmap.stance"
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "replies",
                "ordering": ["-received_at", "-id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("status__in", ["pending", "accepted", "declined"])),
                        name="reply_status_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("status", "declined"), _negated=True),
                            models.Q(("decline_reason", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="reply_declined_with_reason",
                        violation_error_message="Say why the reply is declined.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("link", ""),
                            ("link__istartswith", "http://"),
                            ("link__istartswith", "https://"),
                            _connector="OR",
                        ),
                        name="reply_link_http_only",
                        violation_error_message="Only http:// and https:// addresses are allowed.",
                    ),
                ],
            },
        ),
        migrations.RunPython(create_immutability_trigger, drop_immutability_trigger),
        migrations.RunPython(create_reviewers_group, remove_reviewers_group),
    ]
