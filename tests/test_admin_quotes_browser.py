"""Quote-first editing and undo in the map editor, in a real browser (headless Chromium,
Playwright): a quote picked from the source's text fills the quote and its locator, the
reason saves with a verbatim citation, and Undo takes exactly that reason away; the same
picker on a claim's citations."""

import re

import pytest
from django.urls import reverse

from argmap.models import Citation, Claim, Link, SourceText
from tests.factories import ClaimFactory, LinkFactory, PositionFactory, SourceFactory
from tests.test_admin_browser import editor_page, editors_group  # noqa: F401 - fixtures
from tests.test_site_browser import browser, page  # noqa: F401 - fixtures: Chromium, and a fresh page

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REPORT = "The council's report\nTraffic in the old town is unbearable.\nThe bypass would cost “forty million” pounds."


def test_an_editor_picks_a_quote_from_the_source_text_then_undoes_the_reason(editor_page):  # noqa: F811
    tab = editor_page
    position = PositionFactory(title="Build the bypass")
    source = SourceFactory(title="The council's report")
    SourceText.objects.create(source=source, text=REPORT)
    tab.goto(tab.base + reverse("admin:argmap_topic_change", args=[position.topic_id]))
    item = tab.locator(f"#wb-position-{position.pk}")
    item.locator(":scope > .wb-actions a.wb-add", has_text="against").click()
    form = item.locator(":scope > form.wb-reason")
    form.wait_for()
    form.locator("[name=text]").fill("The bypass costs too much.")
    form.locator("[name=source]").select_option(str(source.pk))
    form.locator("button.wb-pick-quote").click()
    paragraph = form.locator(".wb-quote-picker p[data-n='3']")
    paragraph.wait_for()
    paragraph.select_text()
    paragraph.dispatch_event("mouseup")
    expected = "The bypass would cost “forty million” pounds."
    start = REPORT.index(expected)
    assert form.locator("[name=quote]").input_value() == expected
    assert form.locator("[name=locator]").input_value() == f"¶3, characters {start + 1}–{start + len(expected)}"
    form.locator("button[type=submit]").click()
    tab.wait_for_function(
        "id => document.querySelectorAll(`#wb-position-${id} > .wb-children > li`).length > 0", arg=position.pk
    )
    claim = Claim.objects.get(text="The bypass costs too much.")
    citation = Citation.objects.get(claim=claim)
    assert (citation.quote, citation.quote_verbatim) == (expected, True)

    # Undo, offered at once, takes the reason away again.
    undo = tab.locator("form.wb-undo")
    assert "added the claim “The bypass costs too much.”" in undo.inner_text()
    undo.locator("button").click()
    tab.wait_for_url(re.compile(r"/change/(#map-editor)?$"))
    assert "Undone: added the claim" in tab.locator("ul.messagelist li.success").inner_text()
    assert not Claim.objects.filter(pk=claim.pk).exists()
    assert not Citation.objects.filter(pk=citation.pk).exists()
    assert tab.problems.items == []


def test_an_editor_picks_a_quote_on_a_claims_new_citation_and_saves_it(editor_page):  # noqa: F811
    tab = editor_page
    position = PositionFactory(title="Build the bypass")
    claim = ClaimFactory(topic=position.topic, text="The bypass costs too much.")
    LinkFactory(claim=claim, target_position=position, polarity="opposes")
    source = SourceFactory(title="The council's report")
    SourceText.objects.create(source=source, text=REPORT)
    tab.goto(tab.base + reverse("admin:argmap_claim_change", args=[claim.pk]))
    tab.click("#citations-group .add-row a")
    row = tab.locator("#citations-0")
    row.wait_for()
    # The source, chosen in its autocomplete as an editor does.
    row.locator(".field-source .select2-selection").click()
    tab.locator(".select2-search__field").fill("council")
    tab.locator(".select2-results__option", has_text="The council's report").click()
    row.locator("button.wb-pick-quote").click()
    paragraph = row.locator(".wb-quote-picker p[data-n='3']")
    paragraph.wait_for()
    paragraph.select_text()
    paragraph.dispatch_event("mouseup")
    expected = "The bypass would cost “forty million” pounds."
    start = REPORT.index(expected)
    locator = f"¶3, characters {start + 1}–{start + len(expected)}"
    assert row.locator("[name='citations-0-quote']").input_value() == expected
    assert row.locator("[name='citations-0-locator']").input_value() == locator
    tab.click("input[name=_save]")
    tab.wait_for_url(re.compile(r"/admin/argmap/claim/$"))
    citation = Citation.objects.get(claim=claim)
    assert (citation.source, citation.quote, citation.locator, citation.quote_verbatim) == (
        source,
        expected,
        locator,
        True,
    )
    assert citation.history.get().history_user == tab.editor
    assert tab.problems.items == []


def test_an_editor_moves_a_claim_then_undoes_the_move(editor_page):  # noqa: F811
    tab = editor_page
    yes = PositionFactory(title="Build it")
    no = PositionFactory(topic=yes.topic, title="Do not build it")
    claim = ClaimFactory(topic=yes.topic, text="Traffic is unbearable")
    link = LinkFactory(claim=claim, target_position=yes, polarity="supports")
    tab.goto(tab.base + reverse("admin:argmap_link_change", args=[link.pk]))
    tab.select_option("#id_polarity", "opposes")
    tab.click("input[name=_save]")
    tab.wait_for_url(re.compile(r"/admin/argmap/link/$"))
    tab.goto(tab.base + reverse("admin:argmap_topic_change", args=[yes.topic_id]))
    tab.locator("form.wb-undo button").click()
    tab.wait_for_url(re.compile(r"/change/(#map-editor)?$"))
    assert "Undone: moved the claim “Traffic is unbearable”." in tab.locator("ul.messagelist li.success").inner_text()
    link = Link.objects.get(pk=link.pk)
    assert (link.target_position, link.polarity) == (yes, "supports")
    assert no.topic_id == yes.topic_id
    assert tab.problems.items == []


def test_an_editor_edits_a_claims_text_in_place_then_undoes_the_edit(editor_page):  # noqa: F811
    tab = editor_page
    position = PositionFactory(title="Build it")
    claim = ClaimFactory(topic=position.topic, text="Traffic is unbearable")
    LinkFactory(claim=claim, target_position=position, polarity="supports")
    tab.goto(tab.base + reverse("admin:argmap_topic_change", args=[position.topic_id]))
    item = tab.locator(f"#wb-claim-{claim.pk}")
    item.locator(":scope > .wb-actions a.wb-edit-text").click()
    item.locator(":scope > form.wb-text-form textarea").fill("Traffic is awful")
    item.locator(":scope > form.wb-text-form button[type=submit]").click()
    undo = tab.locator("form.wb-undo")
    undo.locator("text=edited the claim “Traffic is awful”").wait_for()  # offered in place, no reload
    claim.refresh_from_db()
    assert claim.text == "Traffic is awful"
    undo.locator("button").click()
    tab.wait_for_url(re.compile(r"/change/(#map-editor)?$"))
    assert "Undone: edited the claim" in tab.locator("ul.messagelist li.success").inner_text()
    claim.refresh_from_db()
    assert claim.text == "Traffic is unbearable"
    assert claim.history.latest().history_user == tab.editor
    assert "Traffic is unbearable" in item.locator(":scope > .wb-line > .wb-text").inner_text()
    assert tab.problems.items == []


def test_an_editor_unlinks_a_claim_then_undoes_the_unlink(editor_page):  # noqa: F811
    tab = editor_page
    position = PositionFactory(title="Build it")
    claim = ClaimFactory(topic=position.topic, text="Traffic is unbearable")
    link = LinkFactory(claim=claim, target_position=position, polarity="supports")
    tab.goto(tab.base + reverse("admin:argmap_topic_change", args=[position.topic_id]))
    tab.locator(f"#wb-claim-{claim.pk} > .wb-actions a", has_text="unlink").click()
    tab.click("input[type=submit]")  # "Yes, I'm sure"
    tab.wait_for_url(re.compile(r"/admin/argmap/link/$"))
    assert not Link.objects.filter(pk=link.pk).exists()
    tab.goto(tab.base + reverse("admin:argmap_topic_change", args=[position.topic_id]))
    tab.locator("form.wb-undo button").click()
    tab.wait_for_url(re.compile(r"/change/(#map-editor)?$"))
    assert (
        "Undone: unlinked the claim “Traffic is unbearable”." in tab.locator("ul.messagelist li.success").inner_text()
    )
    restored = Link.objects.get(claim=claim)
    assert (restored.pk, restored.target_position, restored.polarity) == (link.pk, position, "supports")
    assert tab.locator(f"#wb-claim-{claim.pk}").count() == 1
    assert tab.problems.items == []


def test_a_pasted_text_too_long_to_send_is_refused_before_sending(editor_page, settings):  # noqa: F811
    tab = editor_page
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100 * 1024  # the box then takes 36 KB
    source = SourceFactory(title="A long report")
    tab.goto(tab.base + reverse("admin:argmap_source_change", args=[source.pk]))
    tab.locator("#id_text").fill("word " * 10_000)
    tab.click("input[name=_save]")
    tab.locator(".quotes-too-long").wait_for()
    assert "Upload it as a file instead (up to 5 MB)" in tab.locator(".quotes-too-long").inner_text()
    assert not SourceText.objects.filter(source=source).exists()
    assert tab.problems.items == []
