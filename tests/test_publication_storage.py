"""A publication's snapshot and analysis are stored compressed (models.CompressedTextField,
migration 0020): a 1,000,000-claim map's JSON is more than PostgreSQL takes in one value.
Python code reads them as text; the migration compresses what was stored before it, and
its reverse gives the text back."""

import zlib

import orjson
import pytest
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from argmap.models import Publication
from argmap.publishing import publish
from tests.factories import ClaimFactory, LinkFactory, PositionFactory, ReviewerFactory, TopicFactory

BEFORE = ("argmap", "0019_publication_page_plan")
AFTER = ("argmap", "0020_publication_snapshot_compressed")


def stored_bytes(publication_id: int, column: str) -> bytes:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM argmap_publication WHERE id = %s", [publication_id])  # noqa: S608
        return bytes(cursor.fetchone()[0])


@pytest.mark.django_db
def test_the_snapshot_and_analysis_are_stored_compressed_and_read_back_as_text():
    topic = TopicFactory()
    position = PositionFactory(topic=topic)
    for n in range(40):
        claim = ClaimFactory(topic=topic, text=f"Claim number {n} about public compute.")
        LinkFactory(claim=claim, target_position=position)
    publication = publish(topic, user=ReviewerFactory())
    publication = Publication.objects.get(pk=publication.pk)
    assert isinstance(publication.snapshot, str)
    assert len(orjson.loads(publication.snapshot)["claims"]) == 40
    assert "evaluation" in orjson.loads(publication.analysis)
    for column, text in (("snapshot", publication.snapshot), ("analysis", publication.analysis)):
        raw = stored_bytes(publication.pk, column)
        assert zlib.decompress(raw).decode() == text
        assert len(raw) < len(text.encode()) / 3  # the claims repeat themselves: it compresses well


@pytest.mark.django_db
def test_a_compressed_publication_still_never_changes_in_the_database():
    publication = publish(TopicFactory(), user=ReviewerFactory())
    with pytest.raises(DatabaseError), transaction.atomic():
        Publication.objects.filter(pk=publication.pk).update(snapshot='{"format": "forged"}')
    with pytest.raises(DatabaseError), transaction.atomic():
        Publication.objects.filter(pk=publication.pk).update(analysis="{}")
    assert Publication.objects.get(pk=publication.pk).snapshot == publication.snapshot


@pytest.mark.slow  # (migrates back and forth)
@pytest.mark.django_db(transaction=True)
def test_the_migration_compresses_the_text_stored_before_it_and_its_reverse_restores_it():
    executor = MigrationExecutor(connection)
    try:
        executor.migrate([BEFORE])
        old = executor.loader.project_state([BEFORE]).apps
        topic = old.get_model("argmap", "Topic").objects.create(title="Old", slug="old", question="Should it?")
        snapshot, analysis = '{"format": "argmap", "claims": []}', '{"evaluation": {}}'
        old.get_model("argmap", "Publication").objects.create(
            topic=topic, number=1, snapshot=snapshot, analysis=analysis
        )

        executor = MigrationExecutor(connection)
        executor.migrate([AFTER])
        # (the model as of AFTER: later migrations may add columns that are not there yet)
        compressed = executor.loader.project_state([AFTER]).apps.get_model("argmap", "Publication")
        publication = compressed.objects.get(topic_id=topic.pk)
        assert (publication.snapshot, publication.analysis) == (snapshot, analysis)
        assert zlib.decompress(stored_bytes(publication.pk, "snapshot")).decode() == snapshot
        with pytest.raises(DatabaseError), transaction.atomic():  # the trigger is made again
            compressed.objects.filter(pk=publication.pk).update(snapshot="{}")

        executor = MigrationExecutor(connection)
        executor.migrate([BEFORE])
        with connection.cursor() as cursor:
            cursor.execute("SELECT snapshot, analysis FROM argmap_publication WHERE topic_id = %s", [topic.pk])
            assert cursor.fetchone() == (snapshot, analysis)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
