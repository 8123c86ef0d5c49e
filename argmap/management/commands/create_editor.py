"""Create (or report) an editor account: a staff user in the Editors group."""

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

DEMO_USERNAME = "editor"
DEMO_PASSWORD = "argmap-demo-editor"  # noqa: S105 - printed on purpose for the local demo


class Command(BaseCommand):
    help = "Create an editor (staff, in the Editors group). With --demo, the demo editor of `make run`."

    def add_arguments(self, parser):
        parser.add_argument("--username", default=DEMO_USERNAME)
        parser.add_argument("--password", help="Default: the demo password (only with --demo).")
        parser.add_argument("--demo", action="store_true", help="Create the demo editor and print its credentials.")

    def handle(self, *args, username, password, demo, **options):
        if demo and not settings.DEBUG:
            # The demo password is public (printed, in the code): never on a real site.
            raise CommandError("--demo is for local development only (DEBUG on); give --username and --password.")
        if password is None:
            if not demo:
                raise CommandError("Give --password (or --demo for the local demo account).")
            password = DEMO_PASSWORD
        with transaction.atomic():
            group = Group.objects.get(name="Editors")
            user, created = User.objects.get_or_create(username=username, defaults={"is_staff": True})
            if created:
                user.set_password(password)
                user.save()
            user.groups.add(group)
        if created or user.check_password(password):
            self.stdout.write(f"Editor: {username} / password: {password}")
        else:
            self.stdout.write(f"Editor: {username} (existing account; its password was changed and is kept)")
