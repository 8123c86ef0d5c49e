"""The interchange benchmark runs (at a tiny size), so that it never rots."""

import importlib
import io
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.db import connection

from argmap.models import Topic
from benchmarks.bench import main

# The raw baseline reads through a connection of its own: the test's data must be committed.
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def editors_group():
    """The Editors group of the migrations (the API upload's editor joins it), which the
    flush after an earlier transactional test took away."""
    migration = importlib.import_module("argmap.migrations.0003_editors_group")
    migration.create_editors_group(apps, SimpleNamespace(connection=connection))


def test_interchange_benchmark_reports_every_export_and_the_import_in_python_and_through_the_api():
    out = io.StringIO()
    main(["--sizes", "30", "--only", "interchange", "--repeat", "1"], write=lambda line: print(line, file=out))
    lines = out.getvalue().splitlines()
    for format in ["json", "aif", "argdown", "graphml", "csv"]:
        for what in [
            f"export {format}",
            f"of which writing {format}",
            f"GET …/export/{format}/ first after a change",
            f"GET …/export/{format}/ again (cached)",
            f"export {format} / raw (same run)",
        ]:
            assert any(what in line for line in lines), what
    for what in [
        "the map read: one query",
        "raw psycopg + orjson",
        "import json (checked",
        "import / raw",
        "POST …/imports/",
    ]:
        assert any(what in line for line in lines), what
    assert not Topic.objects.filter(slug__startswith="bench-import").exists()  # every import was rolled back
    assert not User.objects.filter(username__startswith="bench-").exists()  # so was the uploading editor
