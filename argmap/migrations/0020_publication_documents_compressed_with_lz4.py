"""A publication's snapshot and analysis (6 MB each at 10,000 claims) compressed with lz4
on PostgreSQL instead of its default pglz: writing both took 0.17-0.21 s with pglz and
0.04-0.06 s with lz4, reading them back 45 ms and 36 ms, for 5% more room
(docs/performance.md, "Publishing"). Only values written from now on are compressed so;
those already stored stay as they are, and still read the same. A server built without
lz4 keeps pglz. Nothing to do on SQLite."""

from django.db import migrations

COLUMNS = ("snapshot", "analysis")


def compress_with_lz4(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(
            f"""DO $$ BEGIN
                ALTER TABLE argmap_publication ALTER COLUMN {column} SET COMPRESSION lz4;
            EXCEPTION WHEN feature_not_supported THEN NULL;  -- a server built without lz4
            END $$""",
            params=None,
        )


def compress_as_before(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(
            f"ALTER TABLE argmap_publication ALTER COLUMN {column} SET COMPRESSION DEFAULT", params=None
        )


class Migration(migrations.Migration):
    dependencies = [("argmap", "0019_publication_page_plan")]

    operations = [migrations.RunPython(compress_with_lz4, compress_as_before)]
