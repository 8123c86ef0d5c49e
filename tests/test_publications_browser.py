"""The review flow in a real browser (issue 16): an editor submits a topic, the reviewer
reads the diff, sends it back with a comment; the editor fixes it and submits again; the
reviewer publishes; the public page shows the new version."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from argmap.models import Claim, ReviewStep, TopicStatus
from argmap.publishing import publish
from tests.factories import ClaimFactory, LinkFactory, PositionFactory, TopicFactory
from tests.test_site_browser import browser, page  # noqa: F401 - the fixtures

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


def log_in(tab, live_server, username):
    tab.goto(live_server.url + reverse("admin:login"))
    tab.fill("#id_username", username)
    tab.fill("#id_password", PASSWORD)
    tab.click("input[type=submit]")


def test_submit_diff_send_back_fix_and_publish(live_server, page):  # noqa: F811
    # A flush takes the groups away: a superuser holds every permission, publish_topic included.
    reviewer = User.objects.create_superuser("reviewer", "reviewer@example.org", PASSWORD)
    topic = TopicFactory(title="Deepen the partnership?", slug="partnership", status=TopicStatus.DRAFT)
    yes = PositionFactory(topic=topic, title="Yes: deepen it", order=1)
    LinkFactory(claim=ClaimFactory(topic=topic, text="The UK lags in AI investment."), target_position=yes)
    publish(topic, user=reviewer, note="First version")
    draft = ClaimFactory(topic=topic, text="A claim with a typo in it, unsourcde.")
    LinkFactory(claim=draft, target_position=yes, polarity="opposes")

    log_in(page, live_server, "reviewer")
    # Submit: the topic list's action.
    page.goto(live_server.url + reverse("admin:argmap_topic_changelist"))
    page.check(f"input[name=_selected_action][value='{topic.pk}']")
    page.select_option("select[name=action]", "submit_for_review")
    page.click("button[name=index]")
    assert "submitted for review" in page.text_content("ul.messagelist")
    # The queue, then the diff.
    page.goto(live_server.url + reverse("admin:argmap_publication_changelist"))
    page.click("#waiting-for-review a")
    summary = page.text_content(".review-summary")
    assert "1 new claim against “Yes: deepen it”" in summary
    assert "A claim with a typo in it, unsourcde." in page.text_content(".review-diff")
    # Send back with a comment.
    page.fill("#id_comment", "Fix the typo first.")
    page.click("input[name=_send_back]")
    assert "was sent back" in page.text_content("ul.messagelist")
    assert ReviewStep.objects.latest_for(topic).comment == "Fix the typo first."
    # The editor fixes it (in the claim's form) and submits again.
    page.goto(live_server.url + reverse("admin:argmap_claim_change", args=[draft.pk]))
    page.fill("#id_text", "A claim without a typo.")
    page.click("input[name=_save]")
    page.wait_for_selector("ul.messagelist")
    assert Claim.objects.get(pk=draft.pk).text == "A claim without a typo."
    page.goto(live_server.url + reverse("admin:argmap_topic_changelist"))
    page.check(f"input[name=_selected_action][value='{topic.pk}']")
    page.select_option("select[name=action]", "submit_for_review")
    page.click("button[name=index]")
    page.wait_for_selector("ul.messagelist")
    # Publish.
    page.goto(live_server.url + reverse("admin:argmap_publication_review", args=[topic.pk]))
    assert "A claim without a typo." in page.text_content(".review-diff")
    page.fill("#id_note", "An objection added")
    page.click("input[name=_publish]")
    assert "as version 2" in page.text_content("ul.messagelist")
    # The public reads version 2.
    page.context.clear_cookies()
    page.goto(live_server.url + topic.get_absolute_url())
    page.wait_for_selector(".topic-header")
    assert "A claim without a typo." in page.content()
    assert "Version 2, published" in page.text_content(".topic-header")
    actions = list(ReviewStep.objects.filter(topic=topic).order_by("id").values_list("action", flat=True))
    assert actions == ["published", "submitted", "sent_back", "submitted", "published"]
