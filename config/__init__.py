# The Celery application is made with Django, so that tasks find it (config/celery.py).
from config.celery import app as celery_app

__all__ = ["celery_app"]
