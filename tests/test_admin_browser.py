"""The editors' admin in a real browser (Debian's headless Chromium driven by Playwright,
against the live test server): undo is clicked through as an editor would, and the data
is checked after each step."""

import importlib
import re
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from argmap.models import Citation, Claim, Link
from tests.factories import CitationFactory, ClaimFactory, EditorFactory, LinkFactory, PositionFactory
from tests.test_site_browser import browser, page  # noqa: F401 - fixtures: Chromium, and a fresh page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's


@pytest.fixture(autouse=True)
def editors_group():
    """The Editors group of the migrations, which the flush after an earlier transactional
    test took away."""
    migration = importlib.import_module("argmap.migrations.0003_editors_group")
    migration.create_editors_group(apps, SimpleNamespace(connection=connection))


@pytest.fixture
def editor_page(live_server, page):  # noqa: F811 - the imported fixture
    editor = EditorFactory(username="browser-editor")
    # The admin's pages name no icon, so Chromium asks for /favicon.ico: not a fault of ours.
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    page.goto(live_server.url + reverse("admin:login"))
    page.fill("#id_username", editor.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))
    page.editor = editor
    page.base = live_server.url
    return page


def test_an_editor_reverts_a_claim_to_an_earlier_version_from_its_history(editor_page):
    tab = editor_page
    claim = ClaimFactory(text="The original wording")
    claim.text = "A careless edit"
    claim.save()
    original = claim.history.earliest()
    tab.goto(tab.base + reverse("admin:argmap_claim_history", args=[claim.pk]))
    tab.click(f"a[href$='/history/{original.history_id}/']")
    tab.wait_for_url(re.compile(rf"/history/{original.history_id}/$"))
    assert tab.input_value("#id_text") == "The original wording"
    tab.click("input[name=_save]")
    tab.wait_for_url(re.compile(r"/admin/argmap/claim/$"))
    assert "Someone else changed" not in tab.content()
    assert tab.locator("ul.messagelist li.success").count() == 1
    claim.refresh_from_db()
    assert claim.text == "The original wording"
    assert claim.history.latest().history_user == tab.editor
    assert tab.problems.items == []


def test_an_editor_deletes_a_claim_and_restores_it_with_its_links_and_citations(editor_page):
    tab = editor_page
    position = PositionFactory()
    claim = ClaimFactory(topic=position.topic, text="Deleted by mistake")
    LinkFactory(claim=claim, target_position=position, polarity="opposes")
    CitationFactory(claim=claim, quote="the words", locator="paragraph 3")
    pk = claim.pk
    tab.goto(tab.base + reverse("admin:argmap_claim_change", args=[pk]))
    tab.click("a.deletelink")
    tab.click("input[type=submit]")  # "Yes, I'm sure"
    tab.wait_for_url(re.compile(r"/admin/argmap/claim/$"))
    assert not Claim.objects.filter(pk=pk).exists()
    tab.click("text=Deleted claims")
    tab.click(f"#deleted-claim-{pk} button")
    tab.wait_for_url(re.compile(rf"/admin/argmap/claim/{pk}/change/$"))
    assert "with 1 link(s) and 1 citation(s)" in tab.locator("ul.messagelist li.success").inner_text()
    claim = Claim.objects.get(pk=pk)
    assert claim.text == "Deleted by mistake"
    assert [(link.polarity, link.target) for link in Link.objects.filter(claim=claim)] == [("opposes", position)]
    assert [(c.quote, c.locator) for c in Citation.objects.filter(claim=claim)] == [("the words", "paragraph 3")]
    assert tab.problems.items == []
