"""`python -m benchmarks`: argmap's speed figures (see benchmarks/__init__.py)."""

import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from benchmarks.bench import main  # noqa: E402 - the models need django.setup() first

main(sys.argv[1:], separate=True)
