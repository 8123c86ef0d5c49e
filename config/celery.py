"""The Celery application: `celery -A config worker` (`make worker`) runs argmap's
background tasks (argmap/tasks.py). Its settings are the CELERY_* ones in
config/settings.py; without a broker (REDIS_URL unset) tasks run eagerly, in the
process that asks for them."""

import os

from celery import Celery

from config.garbage import collect_less_often

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("argmap")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

collect_less_often()  # the cyclic garbage collector, tuned for the whole worker process (config/garbage.py)
