"""Shortcuts for the interchange tests: export and import in one call, a map seen through
its texts (what survives every format), and a check that the database did not change."""

import io
from contextlib import contextmanager

from django.apps import apps

from argmap.interchange import export_map, import_map
from argmap.models import (
    Citation,
    Claim,
    Link,
    Position,
    Publication,
    Relationship,
    ReviewStep,
    Salience,
    Source,
    Stakeholder,
    Stance,
    Topic,
)


def exported(topic, format="json") -> bytes:
    return b"".join(export_map(topic, format).content)


def imported(content, format="json", **options):
    report = import_map(io.BytesIO(content), format, **options)
    assert report.ok, report.problems[:5]
    return report


def problems(content, format="json", **options) -> list[str]:
    """The problems an import reports, checking that it wrote nothing at all."""
    with database_unchanged():
        report = import_map(io.BytesIO(content), format, **options)
    assert not report.ok
    assert report.topic is None
    return [str(problem) for problem in report.problems]


def empty_the_database():
    """Delete every map object and publication (history stays), as if the import went to a
    new database."""
    for model in (ReviewStep, Publication, Stance, Citation, Link, Salience, Relationship, Claim, Position, Topic):
        model.objects.all().delete()
    Stakeholder.objects.update(parent=None)
    Stakeholder.objects.all().delete()
    Source.objects.all().delete()


def snapshot() -> dict:
    """How many rows every argmap table (history included) has, and every topic's version."""
    counts = {model._meta.label: model.objects.count() for model in apps.get_app_config("argmap").get_models()}
    return {**counts, "versions": list(Topic.objects.order_by("pk").values_list("pk", "version"))}


@contextmanager
def database_unchanged():
    before = snapshot()
    yield
    assert snapshot() == before


def argument(topic) -> set[tuple[str, str, str]]:
    """The topic's links as (claim text, target text, polarity): what every format keeps."""
    links = Link.objects.filter(claim__topic=topic).select_related("claim", "target_claim", "target_position")
    return {
        (
            link.claim.text,
            link.target_position.title if link.target_position_id else link.target_claim.text,
            link.polarity,
        )
        for link in links
    }


def statements(topic) -> tuple[set[str], set[str]]:
    """The topic's position titles and claim texts."""
    return set(topic.positions.values_list("title", flat=True)), set(topic.claims.values_list("text", flat=True))
