"""Load the demo map (the UK–OpenAI partnership report) from fixtures/. Idempotent."""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from argmap.history import record_missing_history
from argmap.models import Citation, Source, SourceText, Topic

DEMO_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "uk-openai-partnership-2025.json"
# The report itself: the text of the demo's source, which its citations quote.
DEMO_SOURCE_TEXT = Path(settings.BASE_DIR) / "fixtures" / "sources" / "uk-openai-partnership-2025.txt"
DEMO_SOURCE_UID = "24c431e4-1d3d-5c08-9b1a-106214c7a70e"
DEMO_TOPICS = ["uk-openai-partnership", "ai-copyright-easing", "microsoft-openai-control"]


class Command(BaseCommand):
    help = "Load the demo map drawn from the July 2025 report on the UK–OpenAI partnership."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Reload even if the demo topics exist.")

    def handle(self, *args, force=False, **options):
        present = Topic.objects.filter(slug__in=DEMO_TOPICS).count()
        if present == len(DEMO_TOPICS) and not force:
            self.stdout.write("The demo map is already loaded (--force reloads it).")
            return
        with transaction.atomic():
            call_command("loaddata", str(DEMO_FIXTURE), verbosity=0)
            source = Source.objects.get(uid=DEMO_SOURCE_UID)
            text = DEMO_SOURCE_TEXT.read_text("utf-8")
            SourceText.objects.update_or_create(source=source, defaults={"text": text})
            Citation.objects.filter(source=source).check_quotes(text)
            created = record_missing_history(reason="demo map loaded")
        topics = Topic.objects.filter(slug__in=DEMO_TOPICS).count()
        self.stdout.write(self.style.SUCCESS(f"Loaded the demo map: {topics} topics, {created} history records."))
