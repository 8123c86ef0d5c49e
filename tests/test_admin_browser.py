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

from argmap.models import Citation, Claim, Link, Position, Source, Stance, Topic
from tests.factories import (
    CitationFactory,
    ClaimFactory,
    EditorFactory,
    LinkFactory,
    PositionFactory,
    StakeholderFactory,
)
from tests.test_site_browser import browser, page  # noqa: F401 - fixtures: Chromium, and a fresh page

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

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


def add_reason(tab, node: str, polarity: str, fields: dict) -> None:
    """On the map editor, "add a reason for/against" the node (e.g. "position-3"), fill the
    form that opens in place and save it; wait for the new claim in the tree."""
    item = tab.locator(f"#wb-{node}")
    item.locator(":scope > .wb-actions a.wb-add", has_text="for" if polarity == "supports" else "against").click()
    form = item.locator(":scope > form.wb-reason")
    form.wait_for()
    before = item.locator(":scope > .wb-children > li").count()
    for name, value in fields.items():
        control = form.locator(f"[name={name}]")
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(str(value))
        else:
            control.fill(str(value))
    form.locator("button[type=submit]").click()
    tab.wait_for_function(
        "([id, n]) => document.querySelectorAll(`#wb-${id} > .wb-children > li`).length > n", arg=[node, before]
    )


def test_an_editor_builds_a_four_claim_topic_on_the_map_editor_and_publishes_it(editor_page):
    tab = editor_page
    stakeholder = StakeholderFactory(name="Creative industries")
    loads = []
    tab.on("load", lambda loaded: loads.append(loaded.url))

    # The topic and its two positions: one page to fill, one save.
    tab.goto(tab.base + reverse("admin:argmap_topic_add"))
    tab.fill("#id_title", "Copyright and AI")  # the slug follows (prepopulated_fields)
    tab.fill("#id_question", "Should the UK ease copyright rules for AI developers?")
    tab.click("#positions-group .add-row a")
    tab.click("#positions-group .add-row a")
    tab.fill("#id_positions-0-title", "Yes: ease them")
    tab.fill("#id_positions-1-title", "No: keep them")
    tab.click("input[name=_continue]")
    tab.wait_for_url(re.compile(r"/admin/argmap/topic/\d+/change/$"))
    topic = Topic.objects.get(slug="copyright-and-ai")
    yes, no = (Position.objects.get(topic=topic, title=t) for t in ("Yes: ease them", "No: keep them"))
    assert len(loads) == 2

    # Four claims, a source with a quoted citation and a stance: no page load.
    add_reason(tab, f"position-{yes.pk}", "supports", {
        "text": "AI developers need lawful access to training data.",
        "new_source_title": "The July report", "new_source_url": "https://example.org/july",
        "quote": "need lawful access", "locator": "paragraph 2",
    })  # fmt: skip
    source = Source.objects.get(title="The July report")
    first = Claim.objects.get(text__startswith="AI developers need")
    add_reason(tab, f"position-{yes.pk}", "opposes", {
        "text": "Easing copyright would undermine creators' livelihoods.", "source": source.pk,
        "quote": "undermine creators' livelihoods", "locator": "paragraph 4",
        "stakeholder": stakeholder.pk, "stance": "supports", "basis": "stated",
    })  # fmt: skip
    add_reason(tab, f"position-{no.pk}", "supports", {"text": "Licensing markets already serve AI firms."})
    add_reason(tab, f"claim-{first.pk}", "opposes", {"text": "Licensed data is available at fair prices."})
    # Text edited in place, no page load either.
    item = tab.locator(f"#wb-claim-{first.pk}")
    item.locator(":scope > .wb-actions a.wb-edit-text").click()
    item.locator(":scope > form.wb-text-form textarea").fill("AI developers need lawful access to data for training.")
    item.locator(":scope > form.wb-text-form button[type=submit]").click()
    tab.wait_for_function(
        "id => document.querySelector(`#wb-claim-${id} > .wb-line > .wb-text`).textContent.includes('for training')",
        arg=first.pk,
    )
    first.refresh_from_db()
    assert first.text == "AI developers need lawful access to data for training."
    assert len(loads) == 2  # at most one per position; none per claim

    claims = {c.text: c for c in Claim.objects.filter(topic=topic)}
    assert len(claims) == 4
    links = {(link.claim.text, link.polarity, str(link.target)) for link in Link.objects.filter(topic=topic)}
    assert ("Licensed data is available at fair prices.", "opposes", str(first)) in links
    assert ("Easing copyright would undermine creators' livelihoods.", "opposes", "Yes: ease them") in links
    citation = Citation.objects.get(claim=first)
    assert (citation.source, citation.quote, citation.locator) == (source, "need lawful access", "paragraph 2")
    stance = Stance.objects.get(stakeholder=stakeholder)
    assert stance.claim.text == "Easing copyright would undermine creators' livelihoods."
    assert {r.history_user for c in claims.values() for r in c.history.all()} == {tab.editor}

    # Publish, and read it as the public does.
    tab.select_option("#id_status", "published")
    tab.click("input[name=_continue]")
    tab.wait_for_url(re.compile(r"/admin/argmap/topic/\d+/change/$"))
    topic.refresh_from_db()
    assert topic.is_published
    reader = tab.context.browser.new_context().new_page()
    reader.goto(tab.base + topic.get_absolute_url())
    public = reader.content()
    for text in ["Yes: ease them", "No: keep them", *claims]:
        assert text.replace("'", "&#x27;") in public or text in public, text
    assert "Creative industries" in public
    reader.context.close()
    assert tab.problems.items == []
