"""A publication's whole-map documents, stored gzip-compressed (published_documents.py)."""

import django.db.models.deletion
from django.db import migrations, models


def store_uncompressed(apps, schema_editor):
    """On PostgreSQL, keep the (already gzip-compressed) bytes out of line but not compressed
    again, so that reading a chunk with substring() reads only that chunk's pages."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE argmap_publicationdocument ALTER COLUMN gzip SET STORAGE EXTERNAL")


class Migration(migrations.Migration):
    dependencies = [
        ("argmap", "0016_import_job_report"),
    ]

    operations = [
        migrations.CreateModel(
            name="PublicationDocument",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=32)),
                ("slug", models.SlugField(max_length=100)),
                ("content_type", models.CharField(max_length=100)),
                ("filename", models.CharField(blank=True, max_length=200)),
                ("size", models.BigIntegerField()),
                ("compressed_size", models.BigIntegerField()),
                ("gzip", models.BinaryField()),
                (
                    "publication",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="documents",
                        to="argmap.publication",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("publication", "name"), name="publication_document_unique")
                ],
            },
        ),
        migrations.RunPython(store_uncompressed, migrations.RunPython.noop),
    ]
