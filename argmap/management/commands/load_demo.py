"""Load the demo map (the UK–OpenAI partnership report) from fixtures/, and publish its
topics (publishing.publish: a numbered publication with its analysis, page plan and the
API's records), so that the public pages, the API and the citable versions
(`/topics/<slug>/v/1/`) show it as they show any published map. Idempotent: run again, it
loads nothing and publishes nothing; `--force` loads the fixture again and publishes a
topic only if its map is not what its latest publication holds."""

from pathlib import Path

import orjson
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from argmap.history import record_missing_history
from argmap.models import Citation, Publication, Source, SourceText, Topic
from argmap.publishing import publish, snapshot_document

DEMO_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "uk-openai-partnership-2025.json"
# The report itself: the text of the demo's source, which its citations quote.
DEMO_SOURCE_TEXT = Path(settings.BASE_DIR) / "fixtures" / "sources" / "uk-openai-partnership-2025.txt"
DEMO_SOURCE_UID = "24c431e4-1d3d-5c08-9b1a-106214c7a70e"
DEMO_TOPICS = ["uk-openai-partnership", "ai-copyright-easing", "microsoft-openai-control"]
# Who publishes the demo: a user with publish_topic that cannot log in (no usable password), made once.
DEMO_PUBLISHER = "demo-publisher"
DEMO_NOTE = "The demo map, drawn from the July 2025 report on the UK–OpenAI partnership."


def demo_publisher():
    user, created = get_user_model().objects.get_or_create(username=DEMO_PUBLISHER)
    if created:
        user.set_unusable_password()
        user.save()
        # the permission itself, not the Reviewers group: a site may have renamed or removed it
        user.user_permissions.add(Permission.objects.get(codename="publish_topic", content_type__app_label="argmap"))
    return user


def map_changed(topic: Topic, publication: Publication) -> bool:
    """Whether the topic's map is not what `publication` holds. The topic's version and
    time of change aside: loading the fixture again moves them even when nothing changed."""
    now, then = orjson.loads(snapshot_document(topic)), orjson.loads(publication.snapshot)
    for document in (now, then):
        for name in ("version", "changed_at"):
            document["topic"].pop(name, None)
    return now != then


class Command(BaseCommand):
    help = "Load the demo map drawn from the July 2025 report on the UK–OpenAI partnership, and publish it."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Reload even if the demo topics exist (and publish what changed)."
        )

    def handle(self, *args, force=False, **options):
        present = Topic.objects.filter(slug__in=DEMO_TOPICS).count()
        if present == len(DEMO_TOPICS) and not force:
            published = self.publish_demo(changed_only=False)  # (a demo loaded before it was published)
            self.stdout.write(f"The demo map is already loaded (--force reloads it); {published}.")
            return
        with transaction.atomic():
            call_command("loaddata", str(DEMO_FIXTURE), verbosity=0)
            source = Source.objects.get(uid=DEMO_SOURCE_UID)
            text = DEMO_SOURCE_TEXT.read_text("utf-8")
            SourceText.objects.update_or_create(source=source, defaults={"text": text})
            Citation.objects.filter(source=source).check_quotes(text)
            created = record_missing_history(reason="demo map loaded")
        published = self.publish_demo(changed_only=True)
        topics = Topic.objects.filter(slug__in=DEMO_TOPICS).count()
        self.stdout.write(
            self.style.SUCCESS(f"Loaded the demo map: {topics} topics, {created} history records; {published}.")
        )

    def publish_demo(self, *, changed_only: bool) -> str:
        """Publish each demo topic that has no publication yet, and (`changed_only`) each
        whose map differs from its latest publication. Says which it published."""
        published = []
        for topic in Topic.objects.filter(slug__in=DEMO_TOPICS).order_by("slug"):
            latest = topic.publications.order_by("-number").first()
            if latest is None or (changed_only and map_changed(topic, latest)):
                publication = publish(topic, user=demo_publisher(), note=DEMO_NOTE)
                published.append(f"{topic.slug} v{publication.number}")
        return f"published {', '.join(published)}" if published else "no new publication"
