"""Import a map from a file (argmap JSON, AIF, Argdown, GraphML or CSV) as a new topic."""

import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from argmap.interchange import FORMATS, import_map
from argmap.management.progress import ProgressBar

SHOWN_PROBLEMS = 200


class Command(BaseCommand):
    help = (
        "Import a map as a new topic: every rule is checked first and every problem reported with its line, "
        "node or row; nothing is written unless the whole file is valid."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The file to import (- reads standard input).")
        parser.add_argument("--format", choices=FORMATS, required=True)
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report; write nothing.")
        parser.add_argument("--user", help="Record the import in history as this user (a username).")
        parser.add_argument("--slug", help="The new topic's slug (default: the file's, or its name).")
        parser.add_argument("--title", help="The new topic's title (default: the file's, or its name).")
        parser.add_argument("--question", help="The new topic's question (default: the file's, or the title).")
        parser.add_argument(
            "--new-uids",
            action="store_true",
            help="Give the topic's objects new uids: to import a second copy of a map this database already has.",
        )

    def handle(self, *args, file, format, dry_run, user, slug, title, question, new_uids, verbosity, **options):
        importer = None
        if user:
            importer = get_user_model().objects.filter(username=user).first()
            if importer is None:
                raise CommandError(f"No user “{user}”.")
        progress = ProgressBar(self.stderr._out, quiet=verbosity == 0)
        try:
            stream = sys.stdin.buffer if file == "-" else open(file, "rb")  # noqa: SIM115 - closed below
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        try:
            report = import_map(
                stream,
                format,
                user=importer,
                dry_run=dry_run,
                name="standard input" if file == "-" else None,
                slug=slug,
                title=title,
                question=question,
                new_uids=new_uids,
                progress=progress,
            )
        finally:
            progress.finish()
            if stream is not sys.stdin.buffer:
                stream.close()
        for problem in report.problems[:SHOWN_PROBLEMS]:
            self.stderr.write(f"  {problem}")
        if len(report.problems) > SHOWN_PROBLEMS:
            self.stderr.write(f"  … and {len(report.problems) - SHOWN_PROBLEMS:,} more problems.")
        if not report.ok:
            raise CommandError(report.summary())
        for note in report.notes:
            self.stdout.write(f"  note: {note}")
        self.stdout.write(self.style.SUCCESS(report.summary()))
        if report.topic is not None:
            self.stdout.write(f"The topic is {report.topic.status}: {report.topic.get_absolute_url()}")
