"""Publish a topic from the command line, as a reviewer would in the admin."""

import time

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from argmap.models import Topic
from argmap.publishing import publish


class Command(BaseCommand):
    help = "Publish a topic's map as its next version (snapshot and analysis), as USER (who needs publish_topic)."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The topic's slug.")
        parser.add_argument(
            "--user", required=True, help="The reviewer's username (with the publish_topic permission)."
        )
        parser.add_argument("--note", default="", help="A note for readers.")
        parser.add_argument("--correction", default="", help="Mark it a correction, saying what was wrong.")

    def handle(self, *args, slug, user, note, correction, **options):
        topic = Topic.objects.filter(slug=slug).first()
        if topic is None:
            raise CommandError(f"No topic “{slug}”.")
        reviewer = get_user_model().objects.filter(username=user).first()
        if reviewer is None:
            raise CommandError(f"No user “{user}”.")
        started = time.perf_counter()
        try:
            publication = publish(
                topic, user=reviewer, note=note, is_correction=bool(correction), correction_note=correction
            )
        except (PermissionDenied, ValidationError) as error:
            raise CommandError(str(error)) from None
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Published “{topic.slug}” as version {publication.number} ({publication.claim_count:,} claims) "
                f"in {seconds:.2f} s: {publication.get_absolute_url()}"
            )
        )
