"""The editors' admin in a real browser (Debian's headless Chromium driven by Playwright,
against the live test server): undo is clicked through as an editor would, and the data
is checked after each step."""

import re

import pytest
from django.urls import reverse

from tests.factories import ClaimFactory, EditorFactory
from tests.test_site_browser import browser, page  # noqa: F401 - fixtures: Chromium, and a fresh page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's


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
