"""A write the API would misread is refused, not guessed at: a field it does not know is a
400 naming it, and an id followed by a format suffix other than .json is no address."""

import pytest
from django.urls import reverse

from argmap.models import Claim, Link
from tests.api.resources import CHANGES, RESOURCES, deletable_object, new_body
from tests.factories import ClaimFactory, LinkFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_an_unknown_field_in_a_create_is_a_400_naming_it(editor_api, resource):
    model, body = resource.model, new_body(resource.name)
    before = model.objects.count()
    response = editor_api.post(resource.list_url(), {**body, "colour": "red"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["colour"]
    assert response.json()["colour"][0].startswith("No such field; the fields you may write are ")
    assert model.objects.count() == before


@pytest.mark.parametrize("method", ["put", "patch"])
@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_a_misspelt_field_in_a_change_is_a_400_and_nothing_changes(editor_api, resource, method):
    obj = deletable_object(resource.name)
    url = resource.detail_url(obj)
    read = editor_api.get(url)
    field, value = CHANGES[resource.name]
    body = {**read.json(), f"{field}x": value} if method == "put" else {f"{field}x": value}
    response = getattr(editor_api, method)(url, body, format="json", headers={"If-Match": read["ETag"]})
    assert response.status_code == 400
    assert list(response.json()) == [f"{field}x"]
    assert editor_api.get(url)["ETag"] == read["ETag"]


def test_read_only_fields_sent_back_as_read_are_accepted(editor_api):
    claim = ClaimFactory()
    url = reverse("api:claim-detail", args=[claim.pk])
    read = editor_api.get(url)
    body = {**read.json(), "text": "A changed reason."}  # id, uid, created_at… as they were
    response = editor_api.put(url, body, format="json", headers={"If-Match": read["ETag"]})
    assert response.status_code == 200
    assert Claim.objects.get(pk=claim.pk).text == "A changed reason."


def test_an_unknown_field_in_an_import_is_a_400_naming_it(editor_api):
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = {"file": SimpleUploadedFile("map.json", b"{}"), "format": "json", "dryrun": "false"}
    response = editor_api.post(reverse("api:import-list"), body, format="multipart")
    assert response.status_code == 400
    assert list(response.json()) == ["dryrun"]


@pytest.mark.parametrize("suffix", [".0", ".1", ".xml", ".api", ".zip"])
def test_an_id_with_a_format_suffix_is_a_404_not_an_alias(editor_api, anonymous, suffix):
    link = LinkFactory()
    path = reverse("api:link-detail", args=[link.pk]).rstrip("/") + suffix + "/"
    assert anonymous.get(path).status_code == 404
    response = editor_api.delete(path, headers={"If-Match": "*"})
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert Link.objects.filter(pk=link.pk).exists()


def test_the_json_suffix_still_names_the_object_in_json(anonymous):
    link = LinkFactory()
    path = reverse("api:link-detail", args=[link.pk]).rstrip("/") + ".json"
    response = anonymous.get(path)
    assert response.status_code == 200
    assert response.json()["id"] == link.pk
