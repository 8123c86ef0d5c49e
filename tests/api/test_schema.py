"""The OpenAPI document is valid, documents every endpoint, and the API keeps its
promises: schemathesis sends generated requests (valid and invalid) to every operation
as an editor, and every response must be documented and match its schema, with no
server error."""

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from argmap.synthetic import generate_map
from tests.api.resources import RESOURCES

pytestmark = pytest.mark.django_db


def test_the_schema_is_valid_openapi_without_warnings(tmp_path):
    call_command("spectacular", validate=True, fail_on_warn=True, file=str(tmp_path / "schema.yaml"))
    assert (tmp_path / "schema.yaml").read_text().startswith("openapi: 3")


def test_the_schema_documents_every_endpoint_and_error(anonymous):
    schema = anonymous.get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    for resource in RESOURCES:
        plural = resource.list_url()
        lookup = "{slug}" if resource.lookup == "slug" else "{id}"
        assert set(paths[plural]) == {"get", "post"}
        assert set(paths[f"{plural}{lookup}/"]) == {"get", "put", "patch", "delete"}
        assert {"400", "401", "403", "409", "413", "429", "503"} <= set(paths[plural]["post"]["responses"])
        assert {"412", "428"} <= set(paths[f"{plural}{lookup}/"]["patch"]["responses"])
    assert "200" in paths["/api/v1/topics/{slug}/map/"]["get"]["responses"]
    for part in ["evaluation", "coalitions", "gaps"]:
        assert {"200", "304", "400", "404"} <= set(paths[f"/api/v1/topics/{{slug}}/{part}/"]["get"]["responses"])
    what_if = {p["name"] for p in paths["/api/v1/topics/{slug}/evaluation/"]["get"]["parameters"]}
    assert {"without_stakeholder", "reject"} <= what_if
    filters = {p["name"] for p in paths["/api/v1/stances/"]["get"]["parameters"]}
    assert {"topic", "stakeholder", "stance", "basis", "held_after", "cursor", "page_size", "count"} <= filters
    assert "page" not in filters  # keyset pages (api/pagination.py), no page numbers


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_the_documentation_pages_work_offline(anonymous, url):
    response = anonymous.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/" in page  # served here, not from a CDN
    assert "cdn.jsdelivr.net" not in page
    assert "googleapis" not in page


# Loaded at collection: generating the schema reads no data.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())


@pytest.fixture
def generated_map(db):
    return generate_map(claims=15, seed=1, slug="generated", publish=True)


@pytest.fixture
def keep_the_test_transaction():
    """Requests go through the real WSGI handler, which closes a connection left inside a
    transaction: the test's own. Django's test client unhooks that too."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=5, derandomize=True, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_every_operation_keeps_to_its_documentation(case, generated_map, editor_token, keep_the_test_transaction):
    case.call_and_validate(
        headers={"Authorization": f"Token {editor_token.key}"},
        checks=[not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance],
    )


@pytest.mark.slow
def test_the_analysis_of_a_real_map_keeps_to_its_documentation(generated_map, editor_token, keep_the_test_transaction):
    """Generated slugs rarely name a topic: here each analysis endpoint answers about one."""
    from argmap.models import Claim, Stance

    claims = ",".join(str(pk) for pk in Claim.objects.order_by("pk").values_list("pk", flat=True)[:2])
    backer = Stance.objects.filter(claim__isnull=False, stance="supports").order_by("pk").first().stakeholder.slug
    for part, query in [
        ("evaluation", {}),
        ("evaluation", {"reject": claims, "without_stakeholder": backer}),
        ("evaluation", {"reject": "not-an-id"}),
        ("coalitions", {}),
        ("gaps", {}),
    ]:
        case = schema[f"/api/v1/topics/{{slug}}/{part}/"]["GET"].Case(
            path_parameters={"slug": generated_map.topic.slug}, query=query
        )
        response = case.call_and_validate(
            headers={"Authorization": f"Token {editor_token.key}"},
            checks=[not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance],
        )
        assert response.status_code == (400 if query.get("reject") == "not-an-id" else 200)
