from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class ArgmapConfig(AppConfig):
    name = "argmap"
    verbose_name = "argument maps"


class ArgmapAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with argmap's site (scoped, labelled autocomplete) as admin.site."""

    default = False  # argmap's own app is ArgmapConfig; settings name this one
    default_site = "argmap.workbench.ArgmapAdminSite"
