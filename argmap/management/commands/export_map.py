"""Export a topic's map to a file (or standard output) in one of the interchange formats."""

import time

from django.core.management.base import BaseCommand, CommandError

from argmap.interchange import FORMATS, export_map
from argmap.management.progress import ProgressBar
from argmap.models import Topic


class Command(BaseCommand):
    help = "Export a topic's map as argmap JSON (lossless), AIF, Argdown, GraphML or CSV (a ZIP of tables)."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The topic's slug.")
        parser.add_argument("--format", choices=FORMATS, default="json", help="Default: json (argmap's own, lossless).")
        parser.add_argument("-o", "--output", help="The file to write (default: standard output).")

    def handle(self, *args, slug, format, output, **options):
        topic = Topic.objects.filter(slug=slug).first()
        if topic is None:
            known = ", ".join(Topic.objects.order_by("slug").values_list("slug", flat=True)[:10]) or "none yet"
            raise CommandError(f"No topic “{slug}”. Topics: {known}.")
        to_stdout = output in (None, "-")
        binary_stdout = getattr(self.stdout._out, "buffer", None)
        if to_stdout and format == "csv" and (binary_stdout is None or self.stdout.isatty()):
            raise CommandError("The CSV export is a ZIP archive: give a file with -o.")
        started = time.perf_counter()
        progress = ProgressBar(self.stderr._out)
        progress("exporting", 0, 1)
        exported = export_map(topic, format)
        written = 0
        if to_stdout:
            self.stdout.flush()
            for chunk in exported.content:
                if binary_stdout is None:
                    self.stdout.write(chunk.decode(), ending="")  # a text stream (tests, call_command)
                else:
                    binary_stdout.write(chunk)
                written += len(chunk)
            if binary_stdout is not None:
                binary_stdout.flush()
        else:
            with open(output, "wb") as out:
                for chunk in exported.content:
                    out.write(chunk)
                    written += len(chunk)
        progress("exporting", 1, 1)
        progress.finish()
        seconds = time.perf_counter() - started
        place = "standard output" if to_stdout else output
        summary = (
            f"Exported “{topic.slug}” as {FORMATS[format].label} to {place}: {written:,} bytes in {seconds:.2f} s."
        )
        # On standard output the map is the output: the summary goes to standard error.
        (self.stderr if to_stdout else self.stdout).write(summary)
