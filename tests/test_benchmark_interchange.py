"""The interchange benchmark runs (at a tiny size), so that it never rots."""

import io

import pytest
from django.core.management import call_command

from argmap.models import Topic

pytestmark = pytest.mark.django_db


def test_interchange_benchmark_reports_every_export_and_the_import():
    out = io.StringIO()
    call_command("benchmark", sizes="30", only="interchange", repeat=1, stdout=out)
    lines = out.getvalue().splitlines()
    for what in ["export json", "export aif", "export argdown", "export graphml", "export csv", "import json (checked"]:
        assert any(what in line for line in lines), what
    assert not Topic.objects.filter(slug__startswith="bench-import").exists()  # every import was rolled back
