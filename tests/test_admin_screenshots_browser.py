"""Screenshots of an editor's workflow on the demo map, at desktop width, for
docs/editing.md: the map editor, the "add a reason" form with the source's text open to
pick a quote, the undo notice, the source's text with its quoted passages, and the review
page's diff. `make screenshots` writes them to docs/screenshots/ (ARGMAP_SCREENSHOTS), the
suite to test-artifacts/screenshots/."""

import os
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission, User
from django.core.management import call_command
from django.urls import reverse

from argmap.management.commands.create_editor import DEMO_PASSWORD, DEMO_USERNAME
from argmap.management.commands.load_demo import DEMO_SOURCE_UID
from argmap.models import Claim, Source
from argmap.publishing import publish, submit_for_review
from tests.test_admin_browser import editors_group  # noqa: F401 - fixture
from tests.test_site_browser import (  # noqa: F401 - fixtures: Chromium, and the demo map
    SCREENSHOTS,
    Problems,
    browser,
    demo,
    save_screenshot,
)

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORT = {"width": 1280, "height": 800}
SHOTS = ["editing-map", "editing-add-reason", "editing-undo", "editing-source-text", "editing-review"]
# A sentence of the demo report's fourth paragraph, picked as the new reason's quote.
PASSAGE = "the UK has lagged behind"


def select_passage(page, passage: str) -> None:
    """Select `passage` in the quote picker, as a mouse would, and let go of the button."""
    page.evaluate(
        """passage => {
          const picker = document.querySelector('.wb-quote-picker');
          const walker = document.createTreeWalker(picker, NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const at = node.data.indexOf(passage);
            if (at < 0) continue;
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + passage.length);
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
            node.parentElement.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
            return;
          }
          throw new Error('passage not in the text: ' + passage);
        }""",
        passage,
    )


def test_screenshots_of_the_editors_workflow_at_desktop_width(live_server, browser, demo, editors_group):  # noqa: F811
    folder = Path(os.environ.get("ARGMAP_SCREENSHOTS") or SCREENSHOTS)
    folder.mkdir(parents=True, exist_ok=True)
    # The demo editor of `make run`, here also a reviewer so that one account walks through.
    call_command("create_editor", username=DEMO_USERNAME, password=DEMO_PASSWORD, verbosity=0)
    editor = User.objects.get(username=DEMO_USERNAME)
    editor.user_permissions.add(Permission.objects.get(codename="publish_topic"))
    publish(demo, user=editor, note="First version")  # so the review shows only the new reason
    source = Source.objects.get(uid=DEMO_SOURCE_UID)
    position = demo.positions.order_by("order").first()

    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    problems = Problems(page)
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    page.goto(live_server.url + reverse("admin:login"))
    page.fill("#id_username", DEMO_USERNAME)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))

    # 1. The topic's page: the map editor, the tree with its stances.
    page.goto(live_server.url + reverse("admin:argmap_topic_change", args=[demo.pk]))
    page.evaluate("() => document.getElementById('map-editor').scrollIntoView()")
    save_screenshot(page.screenshot(), folder / "editing-map.png")

    # 2. "add a reason against" a position, the quote picked from the source's text.
    item = page.locator(f"#wb-position-{position.pk}")
    item.locator(":scope > .wb-actions a.wb-add", has_text="against").click()
    form = item.locator(":scope > form.wb-reason")
    form.wait_for()
    form.locator("[name=text]").fill("The UK still lags behind in AI investment.")
    form.locator("[name=source]").select_option(str(source.pk))
    form.locator("button.wb-pick-quote").click()
    form.locator(".wb-quote-picker p[data-n='4']").wait_for()
    select_passage(page, PASSAGE)
    assert form.locator("[name=quote]").input_value() == PASSAGE
    assert form.locator("[name=locator]").input_value().startswith("¶4, characters ")
    form.evaluate("form => form.scrollIntoView()")
    # The picker scrolls on its own: bring the picked paragraph, its selection shown, to its top.
    form.locator(".wb-quote-picker p[data-n='4']").evaluate(
        "p => { const picker = p.closest('.wb-quote-picker');"
        " picker.scrollTop += p.getBoundingClientRect().top - picker.getBoundingClientRect().top; }"
    )
    save_screenshot(page.screenshot(), folder / "editing-add-reason.png")

    # 3. Saved: the new reason in the tree, and the undo notice.
    form.locator("button[type=submit]").click()
    page.wait_for_function(
        "id => document.querySelectorAll(`#wb-position-${id} > .wb-children > li`).length > 0", arg=position.pk
    )
    undo = page.locator("form.wb-undo")
    undo.wait_for()
    assert "The UK still lags behind in AI investment." in undo.inner_text()
    page.evaluate("() => document.getElementById('map-editor').scrollIntoView()")
    save_screenshot(page.screenshot(), folder / "editing-undo.png")
    assert Claim.objects.filter(topic=demo, text="The UK still lags behind in AI investment.").exists()

    # 4. The source's text, each quoted passage highlighted and linked to its claim.
    page.goto(live_server.url + reverse("admin:argmap_source_text", args=[source.pk]))
    assert page.locator("mark").count() > 0
    save_screenshot(page.screenshot(), folder / "editing-source-text.png")

    # 5. Submitted for review: the reviewer's page with what changed since the last publication.
    submit_for_review(demo, user=editor)
    page.goto(live_server.url + reverse("admin:argmap_publication_review", args=[demo.pk]))
    assert "The UK still lags behind in AI investment." in page.text_content(".review-diff")
    save_screenshot(page.screenshot(), folder / "editing-review.png")

    context.close()
    assert problems.items == []
    written = {path.name: path.stat().st_size for path in folder.glob("editing-*.png")}
    assert set(written) == {f"{name}.png" for name in SHOTS}
    assert all(0 < size < 400_000 for size in written.values()), written
