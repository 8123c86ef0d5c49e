from django.apps import AppConfig


class ArgmapConfig(AppConfig):
    name = "argmap"
    verbose_name = "argument maps"
