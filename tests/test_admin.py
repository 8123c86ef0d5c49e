"""The editors' admin: every page loads in a constant number of queries, rules broken in
a form come back as form errors (never a 500), history is kept with its editor, and a
change made by someone else meanwhile is never silently overwritten."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from argmap.models import (
    Citation,
    Claim,
    Link,
    Polarity,
    Position,
    Relationship,
    Salience,
    Source,
    Stakeholder,
    Stance,
    Topic,
    TopicStatus,
)
from argmap.synthetic import generate_map
from tests.factories import ClaimFactory, PositionFactory, ReviewerFactory, SalienceFactory, SourceFactory, TopicFactory

pytestmark = pytest.mark.django_db

# Every page starts with the same three queries: the session, the user, and the user's
# permissions (one query: argmap.backends.ModelBackendOneQuery). Change, add and history
# pages also look up the model's ContentType (cached across requests in production; the
# test clears the cache so that the count does not depend on test order).
# Then, per page:
#   changelist: COUNT(*) + the page of rows (related names and counts joined or
#               subqueried into the same query) + the topic filter's choices where the
#               list filters by topic.
#   change: the object (with its related objects) + one query per inline (+ one more
#           ContentType per inline model, for its "change" links); a topic's page also
#           reads its gaps panel from the cache (never the whole map: the panel is
#           built by its own page, loaded after this one), and four queries more for
#           the map editor (argmap.workbench.map_level).
#   history: the object + COUNT of its history + the history rows, with the objects
#            their foreign keys point at joined in.
EXPECTED = {
    # model:        changelist, add, change, history
    # topic change: 2 inlines (positions, salience: its first 25 rows) and a COUNT of the
    # salience rows; the map editor's first level (positions, a slice of the links to them
    # with their claims, how many argue about each claim shown, the stances)
    "topic": (5, 4, 13, 7),
    "position": (6, 4, 6, 7),  # change: 1 inline (stances); changelist: topic filter
    "claim": (6, 4, 8, 7),  # change: 3 inlines (links, citations, stances)
    "link": (6, 4, 5, 7),  # changelist: topic filter
    "stakeholder": (6, 4, 7, 7),  # change: 2 inlines; changelist: the stances of its page's rows
    "stance": (5, 4, 5, 7),
    "source": (6, 4, 6, 7),  # changelist: the citations of its page's rows; change: the source's text
    "citation": (6, 4, 5, 7),
    "relationship": (5, 4, 5, 7),
    "salience": (6, 4, 5, 7),
}
MODELS = [Topic, Position, Claim, Link, Stakeholder, Stance, Source, Citation, Relationship, Salience]


def count_queries(client, url) -> int:
    ContentType.objects.clear_cache()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def admin_url(model, page, *args):
    return reverse(f"admin:argmap_{model._meta.model_name}_{page}", args=args)


def page_queries(client, model) -> tuple[int, ...]:
    obj = model.objects.order_by("pk").first()
    return (
        count_queries(client, admin_url(model, "changelist")),
        count_queries(client, admin_url(model, "add")),
        count_queries(client, admin_url(model, "change", obj.pk)),
        count_queries(client, admin_url(model, "history", obj.pk)),
    )


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.model_name)
def test_every_admin_page_loads_in_constant_queries(editor_client, model):
    generate_map(claims=20, seed=1, slug="small")
    small = page_queries(editor_client, model)
    generate_map(claims=400, seed=2, slug="large")
    obj = model.objects.order_by("pk").first()
    for _ in range(5):  # a longer history, too
        obj.save()
    large = page_queries(editor_client, model)
    assert small == large == EXPECTED[model._meta.model_name]


def test_a_topics_page_lists_its_gaps_each_linking_where_it_is_fixed(editor_client):
    from django.core.management import call_command

    call_command("load_demo", verbosity=0)
    topic = Topic.objects.get(slug="uk-openai-partnership")
    gaps = editor_client.get(gaps_url(topic)).context["gaps"]
    institute = Stakeholder.objects.get(slug="uk-ai-security-institute")
    safeguards = Position.objects.get(title__startswith="Only with safeguards")
    assert gaps["total"] == 6  # with the government's stance on "the UK's desire to compete", inferred
    assert gaps["claims"] == {"items": [], "more": 0, "count": 0}
    assert gaps["stakeholders"]["items"][0]["url"] == admin_url(Stakeholder, "change", institute.pk)
    assert gaps["stakeholders"]["items"][0]["add_stance"] == f"{admin_url(Stance, 'add')}?stakeholder={institute.pk}"
    assert [p["url"] for p in gaps["positions"]["items"]] == [admin_url(Position, "change", safeguards.pk)]
    assert gaps["positions"]["items"][0]["add_link"].endswith(f"?polarity=opposes&target_position={safeguards.pk}")
    inferred = Stance.objects.filter(basis="inferred", topic=topic).order_by("pk")
    assert [s["url"] for s in gaps["stances"]["items"]] == [admin_url(Stance, "change", s.pk) for s in inferred]
    html = editor_client.get(admin_url(Topic, "change", topic.pk)).content.decode()
    assert "Gaps: what to research next" in html
    assert "High-interest stakeholders without a stance (2)" in html
    assert f'href="{admin_url(Stakeholder, "change", institute.pk)}"' in html


def test_the_gaps_panel_lists_a_few_and_counts_the_rest(editor_client):
    topic = TopicFactory()
    ClaimFactory.create_batch(30, topic=topic)
    gaps = editor_client.get(gaps_url(topic)).context["gaps"]
    assert (len(gaps["claims"]["items"]), gaps["claims"]["more"], gaps["claims"]["count"]) == (25, 5, 30)
    assert "and 5 more" in editor_client.get(gaps_url(topic, fragment=1)).content.decode()


def gaps_url(topic, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return admin_url(Topic, "gaps", topic.pk) + (f"?{query}" if query else "")


def test_the_gaps_panel_is_built_once_per_version_of_the_map(editor_client):
    topic = TopicFactory()
    ClaimFactory.create_batch(3, topic=topic)
    url = gaps_url(topic)
    first = count_queries(editor_client, url)
    again = count_queries(editor_client, url)
    assert again == first - 1  # the whole map is not read again: the panel comes from the cache
    ClaimFactory(topic=topic)  # a new version of the map
    response = editor_client.get(url)
    assert response.context["gaps"]["claims"]["count"] == 4


def test_the_topics_page_shows_a_built_gaps_panel_and_never_builds_one(editor_client):
    topic = TopicFactory()
    ClaimFactory.create_batch(3, topic=topic)
    page = admin_url(Topic, "change", topic.pk)
    response = editor_client.get(page)
    assert response.context["gaps"] is None  # not built for this version: loaded after the page
    html = response.content.decode()
    assert f'data-fragment="{gaps_url(topic)}?fragment=1"' in html
    assert f'<a href="{gaps_url(topic)}">Show what to research next</a>' in html  # without the script
    fragment = editor_client.get(gaps_url(topic, fragment=1)).content.decode()
    assert fragment.lstrip().startswith('<section class="module gaps-panel" id="gaps"')
    assert "Claims without a source (3)" in fragment
    response = editor_client.get(page)  # built now: on the page itself, read from the cache
    assert response.context["gaps"]["claims"]["count"] == 3
    assert "Claims without a source (3)" in response.content.decode()


def test_the_gaps_of_another_topic_id_are_not_found(editor_client):
    assert editor_client.get(admin_url(Topic, "gaps", 987654)).status_code == 404


def test_a_big_topics_page_shows_the_first_salience_rows_and_links_to_the_rest(editor_client):
    topic = TopicFactory()
    SalienceFactory.create_batch(30, topic=topic)
    response = editor_client.get(admin_url(Topic, "change", topic.pk))
    salience = next(f for f in response.context["inline_admin_formsets"] if f.formset.model is Salience)
    assert salience.formset.initial_form_count() == 10
    shown = [form.instance for form in salience.formset.initial_forms]
    assert shown == sorted(shown, key=lambda row: (-row.power, -row.interest, row.pk))  # the most powerful
    assert response.context["salience_more"]["count"] == 30
    assert f"{admin_url(Salience, 'changelist')}?topic__id__exact={topic.pk}" in response.content.decode()


def test_a_topic_with_nothing_missing_says_so(editor_client):
    topic = TopicFactory()
    html = editor_client.get(gaps_url(topic, fragment=1)).content.decode()
    assert "Nothing missing" in html
    assert "Gaps" not in editor_client.get(admin_url(Topic, "add")).content.decode()


def test_admin_index_lists_every_model_for_an_editor(editor_client):
    response = editor_client.get(reverse("admin:index"))
    assert response.status_code == 200
    for model in MODELS:
        assert admin_url(model, "changelist") in response.content.decode()


# Permissions


def test_staff_without_the_editors_group_can_neither_read_nor_write(outsider_client):
    claim = ClaimFactory()
    assert outsider_client.get(admin_url(Claim, "changelist")).status_code == 403
    assert outsider_client.get(admin_url(Claim, "change", claim.pk)).status_code == 403
    response = outsider_client.post(admin_url(Claim, "add"), {"topic": claim.topic_id, "text": "sneaky"})
    assert response.status_code == 403
    assert not Claim.objects.filter(text="sneaky").exists()


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(admin_url(Claim, "changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


# Rules broken in a form are form errors


def post_link(client, **fields):
    data = {"polarity": Polarity.SUPPORTS, "target_position": "", "target_claim": "", "basis": "stated", **fields}
    return client.post(admin_url(Link, "add"), data)


def test_cross_topic_link_is_a_form_error(editor_client):
    claim, other = ClaimFactory(), ClaimFactory()
    response = post_link(editor_client, claim=claim.pk, target_claim=other.pk)
    assert response.status_code == 200
    assert "a link must stay within" in response.context["adminform"].form.errors["target_claim"][0]
    assert not Link.objects.exists()


def test_support_cycle_is_a_form_error(editor_client):
    a = ClaimFactory()
    b = ClaimFactory(topic=a.topic)
    Link.objects.create(claim=a, target_claim=b, polarity=Polarity.SUPPORTS)
    response = post_link(editor_client, claim=b.pk, target_claim=a.pk)
    assert response.status_code == 200
    assert "circle of support" in response.context["adminform"].form.errors["target_claim"][0]
    assert Link.objects.count() == 1


def test_self_link_is_a_form_error(editor_client):
    claim = ClaimFactory()
    response = post_link(editor_client, claim=claim.pk, target_claim=claim.pk, polarity=Polarity.OPPOSES)
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == ["A claim cannot support or oppose itself."]


def test_mutual_opposition_is_saved(editor_client):
    a = ClaimFactory()
    b = ClaimFactory(topic=a.topic)
    Link.objects.create(claim=a, target_claim=b, polarity=Polarity.OPPOSES)
    response = post_link(editor_client, claim=b.pk, target_claim=a.pk, polarity=Polarity.OPPOSES)
    assert response.status_code == 302
    assert Link.objects.count() == 2


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "not a url"])
def test_bad_source_url_is_a_form_error(editor_client, url):
    response = editor_client.post(admin_url(Source, "add"), {"title": "A report", "url": url, "kind": "news_report"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["url"] == ["Enter a valid URL."]
    assert not Source.objects.exists()


def test_nul_byte_is_a_form_error(editor_client):
    topic = TopicFactory()
    response = editor_client.post(admin_url(Claim, "add"), {**inline_management(), "topic": topic.pk, "text": "a\x00b"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["text"] == ["Null characters are not allowed."]


def inline_management(**rows):
    data = {}
    for prefix in ["links", "citations", "stances"]:
        data |= {f"{prefix}-TOTAL_FORMS": rows.get(prefix, 0), f"{prefix}-INITIAL_FORMS": 0}
        data |= {f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000}
    return data


def test_new_claim_with_an_inline_link_to_another_topic_is_a_form_error(editor_client):
    topic = TopicFactory(title="Copyright")
    elsewhere = PositionFactory()
    data = inline_management(links=1) | {
        "topic": topic.pk,
        "text": "A new claim",
        "base_score": "0.5",
        "links-0-polarity": "supports",
        "links-0-target_position": elsewhere.pk,
    }
    response = editor_client.post(admin_url(Claim, "add"), data)
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.errors
    assert errors[0]["target_position"] == ["The target belongs to another topic; a link must stay within “Copyright”."]
    assert not Claim.objects.filter(text="A new claim").exists()


def test_new_claim_with_its_links_and_citation_is_saved_with_history(editor_client, editor):
    position = PositionFactory()
    source = SourceFactory()
    data = inline_management(links=1, citations=1) | {
        "topic": position.topic_id,
        "text": "Public services get faster",
        "kind": "interpretation",
        "fact_check": "unchecked",
        "base_score": "0.6",
        "links-0-polarity": "supports",
        "links-0-basis": "stated",
        "links-0-target_position": position.pk,
        "citations-0-source": source.pk,
        "citations-0-quote": "more efficient and effective taxpayer-funded services",
        "citations-0-locator": "paragraph 2",
    }
    response = editor_client.post(admin_url(Claim, "add"), data)
    assert response.status_code == 302
    claim = Claim.objects.get(text="Public services get faster")
    assert claim.links.get().target == position
    assert claim.history.get().history_user == editor
    assert claim.links.get().history.get().history_user == editor
    assert claim.citations.get().history.get().history_type == "+"


# History, revert and conflicts


def test_change_and_delete_are_kept_in_history_with_the_editor(editor_client, editor):
    source = SourceFactory(title="Old title")
    change = admin_url(Source, "change", source.pk)
    form = editor_client.get(change).context["adminform"].form
    data = {"title": "New title", "url": source.url, "kind": source.kind, "loaded_at": form["loaded_at"].value()}
    assert editor_client.post(change, data).status_code == 302
    assert editor_client.post(admin_url(Source, "delete", source.pk), {"post": "yes"}).status_code == 302
    records = list(Source.history.filter(id=source.pk).order_by("history_date"))
    assert [r.history_type for r in records] == ["+", "~", "-"]
    assert [r.title for r in records] == ["Old title", "New title", "New title"]
    assert records[1].history_user == editor
    assert records[2].history_user == editor


def test_history_page_shows_the_diff(editor_client):
    source = SourceFactory(title="Old title")
    source.title = "New title"
    source.save()
    response = editor_client.get(admin_url(Source, "history", source.pk))
    content = response.content.decode()
    assert "Old title" in content
    assert "New title" in content


def test_an_earlier_version_can_be_restored(editor_client):
    claim = ClaimFactory(text="The original wording")
    claim.text = "A careless edit"
    claim.save()
    original = claim.history.earliest()
    url = reverse("admin:argmap_claim_simple_history", args=[claim.pk, original.history_id])
    data = editor_client.get(url).context["adminform"].form.initial | inline_management()
    data = {k: v for k, v in data.items() if v is not None}
    data["topic"] = claim.topic_id
    response = editor_client.post(url, data)
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.text == "The original wording"
    assert claim.history.count() == 3


def test_a_change_made_meanwhile_by_someone_else_is_not_overwritten(editor_client):
    source = SourceFactory(title="Before")
    change = admin_url(Source, "change", source.pk)
    loaded_at = editor_client.get(change).context["adminform"].form["loaded_at"].value()
    Source.objects.filter(pk=source.pk).update(title="Their change")  # a second editor, meanwhile
    Source.objects.get(pk=source.pk).save()  # refreshes updated_at as any save would
    response = editor_client.post(
        change, {"title": "My change", "url": source.url, "kind": source.kind, "loaded_at": loaded_at}
    )
    assert response.status_code == 200
    assert "Someone else changed this source" in response.context["adminform"].form.non_field_errors()[0]
    source.refresh_from_db()
    assert source.title == "Their change"


def test_publish_and_unpublish_actions_keep_history(client):
    reviewer = ReviewerFactory(username="reviewer")
    client.force_login(reviewer)
    topic = TopicFactory(status=TopicStatus.DRAFT)
    changelist = admin_url(Topic, "changelist")
    response = client.post(changelist, {"action": "publish", "_selected_action": [topic.pk]})
    review = reverse("admin:argmap_publication_review", args=[topic.pk])
    assert response.status_code == 302
    assert response["Location"] == review
    client.post(review, {"note": "First", "_publish": "Publish"})
    topic.refresh_from_db()
    assert topic.status == TopicStatus.PUBLISHED
    assert topic.published_at is not None
    assert topic.publications.get().note == "First"
    client.post(changelist, {"action": "unpublish", "_selected_action": [topic.pk]})
    topic.refresh_from_db()
    assert topic.status == TopicStatus.DRAFT
    assert [r.status for r in topic.history.order_by("history_date")] == ["draft", "published", "draft"]
    assert topic.history.latest().history_user == reviewer


def test_editors_without_publish_topic_cannot_publish_from_the_admin(editor_client):
    topic = TopicFactory(status=TopicStatus.DRAFT)
    changelist = admin_url(Topic, "changelist")
    editor_client.post(changelist, {"action": "publish", "_selected_action": [topic.pk]})
    assert editor_client.post(reverse("admin:argmap_publication_review", args=[topic.pk]), {}).status_code == 403
    response = editor_client.get(admin_url(Topic, "change", topic.pk))
    assert "status" not in response.context["adminform"].form.fields  # read-only for them
    topic.refresh_from_db()
    assert topic.status == TopicStatus.DRAFT
    assert not topic.publications.exists()


def test_view_on_site_points_at_the_public_page(editor_client):
    claim = ClaimFactory()
    response = editor_client.get(admin_url(Claim, "change", claim.pk))
    assert "View on site" in response.content.decode()
    assert claim.get_absolute_url() == f"/claims/{claim.pk}/"


def test_claim_topic_is_read_only_once_created(editor_client):
    claim = ClaimFactory()
    form = editor_client.get(admin_url(Claim, "change", claim.pk)).context["adminform"].form
    assert "topic" not in form.fields


def test_repeated_failed_logins_are_throttled(client, editor):
    from django.core.cache import caches

    caches["throttle"].clear()
    login = reverse("admin:login")
    for _ in range(5):
        response = client.post(login, {"username": "editor", "password": "wrong"})
        assert "Please enter the correct username and password" in response.content.decode()
    response = client.post(login, {"username": "editor", "password": "correct horse battery staple"})
    assert response.status_code == 200
    assert "Too many failed attempts to log in. Wait 15 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session
    caches["throttle"].clear()
    response = client.post(login, {"username": "editor", "password": "correct horse battery staple"})
    assert response.status_code == 302
