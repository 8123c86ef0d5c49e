"""Write the stored documents of publications that have none yet (those made before
migration 0017, or whose worker never ran): their map, analysis and exports, compressed."""

from django.core.management.base import BaseCommand, CommandError

from argmap.api.documents import store_documents
from argmap.models import Publication, Topic


class Command(BaseCommand):
    help = (
        "Write the stored, compressed documents (map, analysis, exports) of each published topic's latest "
        "publication, or of every publication with --all; those already written are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="Only these topics (by slug).")
        parser.add_argument("--all", action="store_true", help="Every publication, not only the latest of each topic.")

    def handle(self, *args, slugs, all, **options):
        topics = Topic.objects.published()
        if slugs:
            topics = topics.filter(slug__in=slugs)
            missing = sorted(set(slugs) - set(topics.values_list("slug", flat=True)))
            if missing:
                raise CommandError(f"No published topic {', '.join(missing)}.")
        publications = Publication.objects.without_documents().filter(topic__in=topics).order_by("topic_id", "number")
        if not all:
            latest = {}
            for publication in publications:
                latest[publication.topic_id] = publication
            publications = list(latest.values())
        for publication in publications:
            outcome = store_documents(publication.pk)
            written = sum(1 for state in outcome.values() if state == "stored")
            self.stdout.write(f"{publication}: {written} written, {len(outcome) - written} kept")
