"""The JSON API (Django REST framework) under /api/v1/: every part of the map readable by
anyone, writable by editors, documented by OpenAPI at /api/schema/."""
