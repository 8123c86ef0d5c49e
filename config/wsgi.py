"""WSGI entry point: `gunicorn config.wsgi` in production."""

import os

from django.core.wsgi import get_wsgi_application

from config.garbage import collect_less_often

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

collect_less_often()  # the cyclic garbage collector, tuned for the whole process (config/garbage.py)
