"""Who may do what: every endpoint × anonymous / authenticated without permission /
editor × every method. Anyone reads; only editors write; a refused write stores nothing."""

import pytest
from django.urls import reverse

from argmap.models import Topic
from tests.api.resources import CHANGES, RESOURCES, deletable_object, new_body, public_object

pytestmark = pytest.mark.django_db

EXPECTED = {
    # method:          anonymous, outsider, editor
    "list": (200, 200, 200),
    "head": (200, 200, 200),
    "options": (200, 200, 200),
    "retrieve": (200, 200, 200),
    "create": (401, 403, 201),
    "update": (401, 403, 200),
    "partial_update": (401, 403, 200),
    "destroy": (401, 403, 204),
}
WHO = ["anonymous", "outsider_api", "editor_api"]


def snapshot(model):
    return sorted(model.objects.values_list("pk", "updated_at"))


@pytest.mark.parametrize("method", list(EXPECTED))
@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
@pytest.mark.parametrize("who", WHO)
def test_permission_matrix(request, who, resource, method, editor_api):
    client = request.getfixturevalue(who)
    if method in {"list", "head", "options"}:
        public_object(resource.name)
        url, body, etag = resource.list_url(), None, None
    elif method == "retrieve":
        url, body, etag = resource.detail_url(public_object(resource.name)), None, None
    elif method == "create":
        url, body, etag = resource.list_url(), new_body(resource.name), None
    else:
        url = resource.detail_url(deletable_object(resource.name))
        current = editor_api.get(url)  # the ETag as an editor would read it
        field, value = CHANGES[resource.name]
        body, etag = current.json() | {field: value}, current.headers["ETag"]
        if method == "partial_update":
            body = {field: value}
    before = snapshot(resource.model)

    verb = {"list": "get", "retrieve": "get", "create": "post", "update": "put", "partial_update": "patch"}
    call = getattr(client, verb.get(method, method.replace("destroy", "delete")))
    response = call(url, body, format="json", headers={"If-Match": etag} if etag else {})

    expected = EXPECTED[method][WHO.index(who)]
    assert response.status_code == expected, response.content
    if expected in {401, 403}:
        assert response.json()["detail"]
        assert snapshot(resource.model) == before


@pytest.mark.parametrize("who", WHO)
def test_anyone_may_read_a_published_map_and_nobody_may_write_to_it(request, who):
    client = request.getfixturevalue(who)
    topic = public_object("topic")
    url = reverse("api:topic-map", args=[topic.slug])
    assert client.get(url).status_code == 200
    assert client.head(url).status_code == 200
    assert client.post(url, {}, format="json").status_code in {401, 403, 405}
    assert client.delete(url).status_code in {401, 403, 405}
    assert Topic.objects.filter(pk=topic.pk).exists()


def test_an_editor_signed_in_to_the_admin_may_write_with_the_session_and_its_csrf_token(editor):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(editor)
    body = new_body("source")
    assert client.post(reverse("api:source-list"), body, format="json").status_code == 403  # no CSRF token
    client.get(reverse("admin:index"))
    token = client.cookies["csrftoken"].value
    response = client.post(reverse("api:source-list"), body, format="json", headers={"X-CSRFToken": token})
    assert response.status_code == 201
