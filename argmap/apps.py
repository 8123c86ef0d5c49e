from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class ArgmapConfig(AppConfig):
    name = "argmap"
    verbose_name = "argument maps"

    def ready(self):
        from django.db.models.signals import post_save

        from argmap import publishing, purging, tasks
        from argmap.api import public_records
        from argmap.models import Publication

        post_save.connect(purging.purge_after_publishing, sender=Publication, dispatch_uid="argmap.purging")
        post_save.connect(tasks.draw_preview_after_publishing, sender=Publication, dispatch_uid="argmap.preview")
        post_save.connect(tasks.documents_after_publishing, sender=Publication, dispatch_uid="argmap.documents")
        publishing.published.connect(
            public_records.records_after_publishing, sender=Publication, dispatch_uid="argmap.public_records"
        )


class ArgmapAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with argmap's site (scoped, labelled autocomplete) as admin.site."""

    default = False  # argmap's own app is ArgmapConfig; settings name this one
    default_site = "argmap.workbench.ArgmapAdminSite"
