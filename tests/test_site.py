"""The public site, through Django's test client: what each page shows, that drafts stay
hidden (404), that hostile text stays text, and what each page costs in queries, pinned
at two map sizes."""

import re
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from argmap.models import Claim, Link, Polarity, Stakeholder, Topic, TopicStatus, web_url
from argmap.publishing import publish
from argmap.sitemaps import SITEMAPS, ClaimSitemap
from argmap.synthetic import generate_map
from benchmarks.bench import main
from tests.factories import (
    CitationFactory,
    ClaimFactory,
    LinkFactory,
    PositionFactory,
    RelationshipFactory,
    ReviewerFactory,
    SalienceFactory,
    SourceFactory,
    StakeholderFactory,
    StanceFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert('x')</script> \"quoted\" & 'single' \u202etxet lmth\u202c 🧪 O’Brien"


@pytest.fixture(autouse=True)
def empty_page_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def debate():
    """A small published map: two positions, claims for and against (one used twice), a
    stated stance, a citation, salience and a relationship; and a draft topic beside it."""
    topic = TopicFactory(title="Copyright for AI", slug="copyright-ai", question="Should the UK ease copyright?")
    yes = PositionFactory(topic=topic, title="Yes, ease it", order=1)
    no = PositionFactory(topic=topic, title="No, keep it", order=2)
    # Base scores an editor set (with a reason), so that the figures shown do not depend on the evidence.
    even = "An even estimate, for the tests."
    growth = ClaimFactory(topic=topic, text="Easing copyright helps AI growth.", score_reason=even)
    harm = ClaimFactory(topic=topic, text="Easing copyright harms creators' livelihoods.", score_reason=even)
    evidence = ClaimFactory(topic=topic, text="Creative industries are worth billions.", score_reason=even)
    LinkFactory(claim=growth, target_position=yes)
    LinkFactory(claim=harm, target_position=yes, polarity=Polarity.OPPOSES)
    LinkFactory(claim=harm, target_position=no)  # used in two places
    LinkFactory(claim=evidence, target_position=None, target_claim=harm)
    source = SourceFactory(title="The July report", url="https://example.org/july")
    CitationFactory(claim=harm, source=source, quote="could undermine the rights of creators")
    creators = StakeholderFactory(name="Creative industries", slug="creative-industries")
    government = StakeholderFactory(name="UK Government", slug="uk-government", kind="government")
    StanceFactory(
        stakeholder=creators, position=no, stance="supports", basis="stated", quote="Protect us", source=source
    )
    StanceFactory(
        stakeholder=creators, position=None, claim=harm, stance="supports", basis="paraphrased", source=source
    )
    SalienceFactory(topic=topic, stakeholder=creators, power=2, interest=5)
    SalienceFactory(topic=topic, stakeholder=government, power=5, interest=4)
    RelationshipFactory(from_stakeholder=government, to_stakeholder=creators, kind="regulates", source=source)

    draft = TopicFactory(title="Secret draft", slug="secret-draft", status=TopicStatus.DRAFT)
    hidden = ClaimFactory(topic=draft, text="A claim nobody may read yet.")
    hidden_source = SourceFactory(title="Draft-only source")
    CitationFactory(claim=hidden, source=hidden_source)
    insider = StakeholderFactory(name="Draft-only body", slug="draft-only-body")
    StanceFactory(stakeholder=insider, position=PositionFactory(topic=draft), source=hidden_source)
    return {
        "topic": topic,
        "yes": yes,
        "no": no,
        "growth": growth,
        "harm": harm,
        "evidence": evidence,
        "source": source,
        "creators": creators,
        "government": government,
        "draft": draft,
        "hidden": hidden,
        "hidden_source": hidden_source,
        "insider": insider,
    }


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


# ---------------------------------------------------------------------------
# What the pages show
# ---------------------------------------------------------------------------


def test_home_lists_published_topics_with_counts_and_a_search_box(client, debate):
    html = page(client, reverse("argmap:home"))
    assert "Copyright for AI" in html
    assert "Should the UK ease copyright?" in html
    assert "2 positions" in html
    assert "3 claims" in html
    assert "2 stakeholders" in html
    assert 'action="/search/"' in html
    assert "Secret draft" not in html


def test_topic_page_shows_positions_holders_and_the_argument_tree(client, debate):
    html = page(client, debate["topic"].get_absolute_url())
    assert "Should the UK ease copyright?" in html
    assert f'id="position-{debate["yes"].pk}"' in html
    assert "1 for · 1 against" in html  # under "Yes, ease it"
    assert f'id="claim-{debate["harm"].pk}"' in html
    assert f'id="claim-{debate["evidence"].pk}"' in html  # nested under the claim it supports
    assert "Protect us" in html
    assert "stated" in html
    assert 'href="#source-1"' in html
    assert 'id="source-1"' in html
    assert 'href="https://example.org/july"' in html
    assert "Power 5" in html
    assert "UK Government" in html
    assert "regulates" in html  # relationships
    assert 'id="graph-data" type="application/json"' in html
    assert "/api/docs/" in html


def test_a_claim_used_in_two_places_is_shown_once_with_its_other_use(client, debate):
    html = page(client, debate["topic"].get_absolute_url())
    harm = debate["harm"]
    assert html.count(f'id="claim-{harm.pk}"') == 1
    assert f'href="#claim-{harm.pk}"' in html  # the reference where it is used again
    assert "Also supports" in html
    assert f'href="#position-{debate["no"].pk}"' in html


def test_graph_data_has_a_node_per_position_and_claim_and_an_edge_per_link(client, debate):
    html = page(client, debate["topic"].get_absolute_url())
    import json

    data = json.loads(re.search(r'<script id="graph-data" type="application/json">(.*?)</script>', html, re.S)[1])
    assert len(data["nodes"]) == 2 + 3
    assert len(data["edges"]) == Link.objects.filter(claim__topic=debate["topic"]).count()
    assert {edge["polarity"] for edge in data["edges"]} == {"supports", "opposes"}


def test_claim_page_shows_what_it_argues_its_arguments_sources_and_holders(client, debate):
    html = page(client, debate["harm"].get_absolute_url())
    assert "Easing copyright harms creators" in html
    assert "Yes, ease it" in html
    assert "No, keep it" in html
    assert "Creative industries are worth billions." in html  # an argument for it
    assert "could undermine the rights of creators" in html  # the citation's quote
    assert "Creative industries" in html
    assert "paraphrased" in html
    assert "last changed" in html


def test_stakeholder_list_and_page_show_kind_parent_relationships_and_stances(client, debate):
    debate["creators"].parent = debate["government"]
    debate["creators"].save()
    listing = page(client, reverse("argmap:stakeholder-list"))
    assert "Creative industries" in listing
    assert "UK Government" in listing
    assert "Draft-only body" not in listing
    html = page(client, debate["creators"].get_absolute_url())
    assert "Part of" in html
    assert "UK Government" in html
    assert "regulates" in html
    assert "No, keep it" in html
    assert "Protect us" in html
    assert "Claims they assert" in html
    assert "Easing copyright harms creators" in html
    assert "power 2 of 5, interest 5 of 5" in html


def test_source_page_lists_every_published_claim_that_cites_it(client, debate):
    html = page(client, debate["source"].get_absolute_url())
    assert "The July report" in html
    assert "Easing copyright harms creators" in html
    assert "Creative industries" in html  # a stance it records
    assert "A claim nobody may read yet." not in html


def test_feed_is_atom_with_an_entry_per_published_topic(client, debate):
    response = client.get(reverse("argmap:feed"))
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert "Copyright for AI" in body
    assert "Secret draft" not in body
    debate["topic"].refresh_from_db()
    assert f"urn:argmap:topic:copyright-ai:version:{debate['topic'].version}" in body


def sitemap(client) -> str:
    """Every section of the sitemap that its index lists, one after the other."""
    index = page(client, reverse("argmap:sitemap"))
    assert index.count("<sitemap>") >= len(SITEMAPS)
    return "".join(
        page(client, url.removeprefix("http://testserver")) for url in re.findall(r"<loc>(.*?)</loc>", index)
    )


def test_sitemap_lists_public_pages_only(client, debate):
    body = sitemap(client)
    assert reverse("argmap:home") in body
    assert debate["topic"].get_absolute_url() in body
    assert debate["harm"].get_absolute_url() in body
    assert debate["creators"].get_absolute_url() in body
    assert debate["source"].get_absolute_url() in body
    for hidden in ("draft", "hidden", "hidden_source", "insider"):
        assert debate[hidden].get_absolute_url() not in body


def test_sitemap_lists_what_the_latest_publication_holds(client):
    """Of a topic read from its records: the claims, stakeholders and sources its latest
    publication holds, dated by it; a claim added since is not listed, one deleted since
    still is (its page is the publication's), until the next publication."""
    reviewer = ReviewerFactory(username="reviewer")
    topic = TopicFactory(slug="published-map", status=TopicStatus.DRAFT)
    kept, deleted = ClaimFactory(topic=topic), ClaimFactory(topic=topic)
    stance = StanceFactory(topic=topic, position=PositionFactory(topic=topic))
    first = publish(topic, user=reviewer, note="First")
    added = ClaimFactory(topic=topic)
    deleted_url = deleted.get_absolute_url()
    deleted.delete()
    draft = ClaimFactory(topic=TopicFactory(status=TopicStatus.DRAFT))
    body = sitemap(client)
    for listed in (topic, kept, stance.stakeholder, stance.source):
        assert f"http://testserver{listed.get_absolute_url()}</loc>" in body, listed
    assert f"http://testserver{deleted_url}</loc>" in body
    assert f"http://testserver{added.get_absolute_url()}</loc>" not in body
    assert f"http://testserver{draft.get_absolute_url()}</loc>" not in body
    assert body.count(f"<lastmod>{first.published_at.date().isoformat()}</lastmod>") >= 4
    topic.refresh_from_db()
    publish(topic, user=reviewer, note="Second")
    body = sitemap(client)
    assert f"http://testserver{added.get_absolute_url()}</loc>" in body
    assert f"http://testserver{deleted_url}</loc>" not in body
    topic.status = TopicStatus.DRAFT
    topic.save()
    body = sitemap(client)
    for hidden in (topic, kept, added, stance.stakeholder, stance.source):
        assert f"http://testserver{hidden.get_absolute_url()}</loc>" not in body, hidden


# ---------------------------------------------------------------------------
# Drafts stay hidden
# ---------------------------------------------------------------------------


def test_every_page_of_a_draft_is_404_for_the_public(client, debate):
    draft = debate["draft"]
    for url in [
        draft.get_absolute_url(),
        reverse("argmap:topic-embed", kwargs={"slug": draft.slug}),
        reverse("argmap:topic-branch", kwargs={"slug": draft.slug, "pk": debate["hidden"].pk}),
        reverse("argmap:topic-path", kwargs={"slug": draft.slug, "pk": debate["hidden"].pk}),
        debate["hidden"].get_absolute_url(),
        debate["insider"].get_absolute_url(),
        debate["hidden_source"].get_absolute_url(),
    ]:
        page(client, url, status=404)


def test_search_never_finds_what_belongs_to_drafts_only(client, debate):
    for word in ["nobody", "Draft-only", "Secret"]:
        html = page(client, f"{reverse('argmap:search')}?q={word}")
        assert "Nothing found" in html, word


def test_editors_see_drafts_marked_as_such(editor_client, debate):
    html = page(editor_client, debate["draft"].get_absolute_url())
    assert "only editors see this page" in html


# ---------------------------------------------------------------------------
# Search
# ---------------------------------------------------------------------------


def test_search_finds_a_claim_by_a_word_and_groups_results_by_kind(client, debate):
    html = page(client, f"{reverse('argmap:search')}?q=creators")
    assert "<h2" in html
    assert "Claims" in html
    assert debate["harm"].get_absolute_url() in html
    assert "<mark>creators</mark>" in html.replace("<mark>Creators</mark>", "<mark>creators</mark>")
    stakeholders = page(client, f"{reverse('argmap:search')}?q=government")
    assert "Stakeholders" in stakeholders
    assert debate["government"].get_absolute_url() in stakeholders


def test_search_escapes_hostile_text_in_snippets(client):
    claim = LinkFactory(claim__text=f"Danger {HOSTILE} danger").claim
    html = page(client, f"{reverse('argmap:search')}?q=danger")
    assert claim.get_absolute_url() in html
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html


def test_search_with_an_over_long_query_is_a_400_naming_the_field(client):
    response = client.get(reverse("argmap:search"), {"q": "x" * 201})
    assert response.status_code == 400
    assert "at most 200 characters" in response.content.decode()


def test_search_with_a_nul_character_is_a_400_not_a_500(client):
    response = client.get(reverse("argmap:search"), {"q": "copy\x00right"})
    assert response.status_code == 400


def test_search_is_two_queries_whatever_it_finds(client, django_assert_num_queries, debate):
    generate_map(claims=60, seed=3, publish=True)
    # Whether topics without records remain (`debate`'s does), then one UNION ALL of topics,
    # claims, stakeholders and sources: of the records, and of the live rows of such topics.
    with django_assert_num_queries(2):
        assert "hit--claim" in page(client, f"{reverse('argmap:search')}?q=public")


def test_search_on_postgresql_matches_word_forms_and_ranks(client, on_postgresql, debate):
    if not on_postgresql:
        pytest.skip("full-text search runs on PostgreSQL; SQLite matches the words as typed")
    ClaimFactory(topic=debate["topic"], text="Creator creator creator: livelihoods of creators matter.")
    html = page(client, f"{reverse('argmap:search')}?q=creator")
    first, second = re.findall(r'<li class="hit hit--claim">\s*<a href="(/claims/\d+/)"', html)[:2]
    assert first != debate["harm"].get_absolute_url()  # the claim saying it most ranks first
    assert second == debate["harm"].get_absolute_url()  # "creators'" matched "creator"


def test_search_indexes_exist_on_postgresql_only(on_postgresql):
    with connection.cursor() as cursor:
        indexes = {
            index
            for table in ("argmap_claim", "argmap_topic")
            for index in connection.introspection.get_constraints(cursor, table)
        }
    assert ("argmap_claim_document" in indexes) == on_postgresql  # migration 0012 (0004's are replaced)
    assert ("argmap_topic_document" in indexes) == on_postgresql
    assert "argmap_claim_search" not in indexes


# ---------------------------------------------------------------------------
# Query budgets: constant in the size of the map
# ---------------------------------------------------------------------------


@pytest.fixture(params=[20, 200], ids=["20-claims", "200-claims"])
def sized_map(request):
    generated = generate_map(claims=request.param, seed=7, publish=True)
    topic = generated.topic
    claim = Claim.objects.filter(topic=topic, links__target_position__isnull=False).order_by("pk").first()
    stakeholder = Stakeholder.objects.filter(saliences__topic=topic).order_by("pk").first()
    source = topic.claims.filter(citations__isnull=False).order_by("pk").first().citations.first().source
    return {"topic": topic, "claim": claim, "stakeholder": stakeholder, "source": source}


def test_topic_page_costs_two_queries_at_any_size(client, django_assert_num_queries, sized_map):
    with django_assert_num_queries(2):  # the topic; its whole map (loading.load_map)
        response = client.get(sized_map["topic"].get_absolute_url())
    assert response.status_code == 200


def test_home_and_stakeholder_list_cost_one_query_at_any_size(client, django_assert_num_queries, sized_map):
    with django_assert_num_queries(2):  # the site version; the topics, with their counts as subqueries
        client.get(reverse("argmap:home"))
    with django_assert_num_queries(1):  # the public stakeholders, with their parents joined
        client.get(reverse("argmap:stakeholder-list"))


def test_claim_and_stakeholder_pages_cost_few_queries_at_any_size(client, django_assert_num_queries, sized_map):
    claim, stakeholder = sized_map["claim"], sized_map["stakeholder"]
    replies = 1 if claim.stances.exists() else 0  # the replies accepted, if any stance on it
    # A topic published before publications existed is read live: its rows in the latest
    # publications (none); the claim and its topic; loading.load_claim
    with django_assert_num_queries(3 + replies):
        assert client.get(claim.get_absolute_url()).status_code == 200
    # the stakeholder and its parent; its rows in the latest publications (none); whether a
    # topic without publications holds it; loading.load_stakeholder
    with django_assert_num_queries(4):
        assert client.get(stakeholder.get_absolute_url()).status_code == 200
    publish(sized_map["topic"], user=ReviewerFactory(username="reviewer"))
    # As published (published_map.claim_page): the rows about the claim; the rows they name
    with django_assert_num_queries(2 + replies):
        assert client.get(claim.get_absolute_url()).status_code == 200
    # the stakeholder and its parent; its rows; the rows they name (stakeholder_page); its parts
    with django_assert_num_queries(4):
        assert client.get(stakeholder.get_absolute_url()).status_code == 200


def test_source_and_position_pages_cost_few_queries_at_any_size(client, django_assert_num_queries, sized_map):
    source = sized_map["source"]
    # Read live (no publication yet): the source with its text; its rows in the latest
    # publications (none); whether a topic without publications holds it; the claims citing
    # it; the stances it records
    with django_assert_num_queries(5):
        assert client.get(source.get_absolute_url()).status_code == 200
    topic = publish(sized_map["topic"], user=ReviewerFactory(username="reviewer")).topic
    # As published: the source with its text; its rows, its citations' and stances'; the
    # rows they name (published_map.source_page)
    with django_assert_num_queries(3):
        assert client.get(source.get_absolute_url()).status_code == 200
    position = topic.positions.order_by("order", "pk").first()
    stances = 1 if position.stances.exists() else 0  # the replies accepted, if any stance on it
    # the topic and its latest publication; the position's rows; the rows they name
    with django_assert_num_queries(3 + stances):
        url = reverse("argmap:position-detail", args=[topic.slug, position.pk])
        assert client.get(f"{url}?start=20").status_code == 200


def test_feed_and_sitemap_cost_a_fixed_number_of_queries(client, django_assert_num_queries, sized_map):
    # the publications of published topics (their topics joined); the published topics without one
    with django_assert_num_queries(2):
        client.get(reverse("argmap:feed"))
    with django_assert_num_queries(1):  # how many items each section has, and their latest change
        assert client.get(reverse("argmap:sitemap")).status_code == 200
    for section in SITEMAPS:
        url = reverse("argmap:sitemap-section", kwargs={"section": section})
        with django_assert_num_queries(0 if section == "pages" else 2):  # the paginator's count, then the page
            assert client.get(url).status_code == 200


def test_the_sitemap_is_split_into_pages_within_the_protocols_limit(client, sized_map, monkeypatch):
    # At most 50,000 addresses per file (Sitemap.limit): a section with more is listed in
    # the index once per page; here with 5 per page.
    monkeypatch.setattr(ClaimSitemap, "limit", 5)
    index = page(client, reverse("argmap:sitemap"))
    claims = Claim.objects.published().count()
    pages = -(-claims // 5)
    claims_url = reverse("argmap:sitemap-section", kwargs={"section": "claims"})
    assert index.count(f"{claims_url}</loc>") == 1
    assert index.count(f"{claims_url}?p=") == pages - 1
    listed = "".join(page(client, f"{claims_url}?p={number}") for number in range(1, pages + 1))
    assert listed.count("<url>") == claims
    first, last = Claim.objects.published().order_by("pk")[:: claims - 1]
    assert first.get_absolute_url() in listed
    assert last.get_absolute_url() in listed
    page(client, f"{claims_url}?p={pages + 1}", status=404)
    page(client, f"{claims_url}?p=two", status=404)
    page(client, reverse("argmap:sitemap-section", kwargs={"section": "drafts"}), status=404)


def test_branch_and_path_cost_two_queries_at_any_size(client, django_assert_num_queries, sized_map):
    topic, claim = sized_map["topic"], sized_map["claim"]
    with django_assert_num_queries(2):  # the topic; its whole map
        assert (
            client.get(reverse("argmap:topic-branch", kwargs={"slug": topic.slug, "pk": claim.pk})).status_code == 200
        )
    with django_assert_num_queries(2):  # the topic; its whole map
        assert client.get(reverse("argmap:topic-path", kwargs={"slug": topic.slug, "pk": claim.pk})).status_code == 200


# ---------------------------------------------------------------------------
# Conditional GET and the page cache
# ---------------------------------------------------------------------------


def test_topic_page_answers_a_conditional_get_with_304_after_one_query(client, django_assert_num_queries, debate):
    topic = debate["topic"]
    topic.refresh_from_db()  # the triggers raised its version as the map was built
    response = client.get(topic.get_absolute_url())
    assert response["ETag"] == topic.etag
    assert response["Cache-Control"] == "public, max-age=60, s-maxage=300, stale-while-revalidate=600"
    with django_assert_num_queries(1):  # the topic's version
        response = client.get(topic.get_absolute_url(), HTTP_IF_NONE_MATCH=topic.etag)
    assert response.status_code == 304
    response = client.get(topic.get_absolute_url(), HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert response.status_code == 304


def test_cached_topic_page_is_served_without_reading_the_map(client, django_assert_num_queries, debate):
    url = debate["topic"].get_absolute_url()
    first = client.get(url).content
    with django_assert_num_queries(1):  # the topic's version; the page comes from the cache
        second = client.get(url).content
    assert first == second


def test_a_change_to_the_map_shows_at_once(client, debate):
    url = debate["topic"].get_absolute_url()
    old_etag = client.get(url)["ETag"]
    LinkFactory(claim=ClaimFactory(topic=debate["topic"], text="A brand-new argument."), target_position=debate["no"])
    response = client.get(url, HTTP_IF_NONE_MATCH=old_etag)
    assert response.status_code == 200
    assert "A brand-new argument." in response.content.decode()


# ---------------------------------------------------------------------------
# Large maps: the tree loads deep branches on demand
# ---------------------------------------------------------------------------


def test_a_large_tree_renders_within_its_budget_and_links_the_rest(client, settings, debate):
    settings.TOPIC_TREE_BUDGET = 2
    topic, harm, evidence = debate["topic"], debate["harm"], debate["evidence"]
    html = page(client, topic.get_absolute_url())
    assert f'id="claim-{harm.pk}"' in html
    assert f'id="claim-{evidence.pk}"' not in html
    branch_url = reverse("argmap:topic-branch", kwargs={"slug": topic.slug, "pk": harm.pk})
    assert f'data-branch-url="{branch_url}"' in html
    fragment = page(client, branch_url)
    assert f'id="claim-{evidence.pk}"' in fragment
    assert "<html" not in fragment
    path = client.get(reverse("argmap:topic-path", kwargs={"slug": topic.slug, "pk": evidence.pk})).json()
    assert path == {"path": [harm.pk, evidence.pk]}


def test_branch_of_a_claim_of_another_topic_is_404(client, debate):
    other = ClaimFactory()
    page(client, reverse("argmap:topic-branch", kwargs={"slug": debate["topic"].slug, "pk": other.pk}), status=404)
    page(client, reverse("argmap:topic-path", kwargs={"slug": debate["topic"].slug, "pk": other.pk}), status=404)


# ---------------------------------------------------------------------------
# Security: headers, no inline script, hostile text
# ---------------------------------------------------------------------------


class ScriptsAndHandlers(HTMLParser):
    """Collects inline scripts, event-handler attributes, style attributes and hrefs."""

    def __init__(self):
        super().__init__()
        self.inline_scripts, self.handlers, self.styles, self.hrefs = [], [], [], []
        self._in_script = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.handlers += [name for name in attrs if name.startswith("on")]
        self.styles += [attrs["style"]] if "style" in attrs else []
        self.hrefs += [attrs["href"]] if attrs.get("href") is not None else []
        if tag == "script":
            self._in_script = attrs

    def handle_data(self, data):
        # JSON and JSON-LD are data blocks, which browsers never run.
        data_block = self._in_script is not None and self._in_script.get("type") in (
            "application/json",
            "application/ld+json",
        )
        if self._in_script is not None and data.strip() and not data_block:
            self.inline_scripts.append(data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = None


def public_urls(debate):
    topic = debate["topic"]
    return [
        reverse("argmap:home"),
        topic.get_absolute_url(),
        reverse("argmap:topic-embed", kwargs={"slug": topic.slug}),
        debate["harm"].get_absolute_url(),
        reverse("argmap:stakeholder-list"),
        debate["creators"].get_absolute_url(),
        debate["source"].get_absolute_url(),
        f"{reverse('argmap:search')}?q=copyright",
    ]


def test_pages_have_a_strict_csp_and_no_inline_script_or_style(client, debate):
    for url in public_urls(debate):
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy
        assert "object-src 'none'" in policy
        parsed = ScriptsAndHandlers()
        parsed.feed(response.content.decode())
        assert parsed.inline_scripts == [], url
        assert parsed.handlers == [], url
        assert parsed.styles == [], url


def test_only_the_embed_view_may_be_framed(client, debate):
    topic = debate["topic"]
    page_response = client.get(topic.get_absolute_url())
    assert page_response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page_response["Content-Security-Policy"]
    embed = client.get(reverse("argmap:topic-embed", kwargs={"slug": topic.slug}))
    assert "X-Frame-Options" not in embed
    assert "frame-ancestors *" in embed["Content-Security-Policy"]
    assert "Copyright for AI" in embed.content.decode()


@pytest.fixture
def hostile_map():
    topic = TopicFactory(title=HOSTILE[:200], slug="hostile", question=HOSTILE, summary=HOSTILE)
    position = PositionFactory(topic=topic, title=HOSTILE[:200], summary=HOSTILE)
    claim = ClaimFactory(topic=topic, text=HOSTILE)
    LinkFactory(claim=claim, target_position=position)
    LinkFactory(claim=ClaimFactory(topic=topic, text=f"Reply: {HOSTILE}"), target_claim=claim, target_position=None)
    source = SourceFactory(title=HOSTILE[:300], publisher=HOSTILE[:200], url='https://example.org/"><script>x</script>')
    CitationFactory(claim=claim, source=source, quote=HOSTILE, locator=HOSTILE[:200])
    stakeholder = StakeholderFactory(name=HOSTILE[:200], slug="hostile-body", summary=HOSTILE)
    StanceFactory(
        stakeholder=stakeholder, position=position, basis="stated", quote=HOSTILE, note=HOSTILE, source=source
    )
    SalienceFactory(topic=topic, stakeholder=stakeholder, rationale=HOSTILE)
    return {"topic": topic, "claim": claim, "source": source, "stakeholder": stakeholder}


def test_hostile_text_renders_as_text_on_every_page(client, hostile_map):
    topic = hostile_map["topic"]
    for url in [
        reverse("argmap:home"),
        topic.get_absolute_url(),
        reverse("argmap:topic-embed", kwargs={"slug": topic.slug}),
        hostile_map["claim"].get_absolute_url(),
        hostile_map["stakeholder"].get_absolute_url(),
        hostile_map["source"].get_absolute_url(),
        reverse("argmap:stakeholder-list"),
        f"{reverse('argmap:search')}?q=quoted",
    ]:
        html = page(client, url)
        assert "<script>alert" not in html, url
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html, url
        assert "\u202etxet lmth\u202c" in html, url  # stored and shown exactly
        assert "🧪" in html, url
        parsed = ScriptsAndHandlers()
        parsed.feed(html)
        assert parsed.inline_scripts == [], url
        assert parsed.handlers == [], url


def test_only_http_links_are_rendered():
    assert web_url("https://example.org/a") == "https://example.org/a"
    assert web_url("HTTP://EXAMPLE.ORG") == "HTTP://EXAMPLE.ORG"
    for hostile in [
        "javascript:alert(1)",
        " javascript:alert(1)",
        "data:text/html,x",
        "vbscript:x",
        "//evil",
        "",
        None,
    ]:
        assert web_url(hostile) == ""


def test_a_non_http_url_that_reached_the_database_is_not_rendered_as_a_link(client, debate):
    # The database refuses such URLs; a row from before the rule is simulated by dropping it.
    source = debate["source"]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA ignore_check_constraints = ON")
            cursor.execute("UPDATE argmap_source SET url = 'javascript:alert(1)' WHERE id = %s", [source.pk])
            cursor.execute("PRAGMA ignore_check_constraints = OFF")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE argmap_source DROP CONSTRAINT source_url_http_only")
            cursor.execute("UPDATE argmap_source SET url = 'javascript:alert(1)' WHERE id = %s", [source.pk])
    for url in [debate["topic"].get_absolute_url(), source.get_absolute_url(), debate["harm"].get_absolute_url()]:
        assert "javascript:" not in page(client, url), url


# ---------------------------------------------------------------------------
# The demo map reads well
# ---------------------------------------------------------------------------


def test_every_demo_page_answers_200(client):
    call_command("load_demo", verbosity=0)
    urls = [reverse("argmap:home"), reverse("argmap:stakeholder-list"), reverse("argmap:sitemap")]
    urls += [reverse("argmap:sitemap-section", kwargs={"section": section}) for section in SITEMAPS]
    for topic in Topic.objects.published():
        urls += [topic.get_absolute_url(), reverse("argmap:topic-embed", kwargs={"slug": topic.slug})]
        urls += [claim.get_absolute_url() for claim in topic.claims.all()]
    urls += [stakeholder.get_absolute_url() for stakeholder in Stakeholder.objects.public()]
    for url in urls:
        page(client, url)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)  # the raw baseline reads through a connection of its own
def test_site_benchmark_runs_at_a_tiny_size(capsys):
    main(["--sizes", "30", "--only", "site", "--repeat", "1"])
    output = capsys.readouterr().out
    assert "topic page, uncached" in output
    assert "conditional GET (304)" in output


def test_the_admin_may_use_inline_styles_but_never_inline_scripts(editor_client):
    policy = editor_client.get(reverse("admin:index"))["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "script-src 'self';" in policy


def test_an_editor_sees_published_pages_uncached_and_drafts_stay_private(client, editor, debate):
    client.force_login(editor)
    assert client.get(debate["topic"].get_absolute_url())["Cache-Control"] == "private, no-cache"
    draft = TopicFactory(status=TopicStatus.DRAFT)
    assert client.get(draft.get_absolute_url())["Cache-Control"] == "private, no-cache"


def test_public_cache_lifetimes_come_from_settings(client, settings, debate):
    settings.PUBLIC_MAX_AGE, settings.PUBLIC_S_MAXAGE, settings.PUBLIC_STALE_WHILE_REVALIDATE = 5, 50, 500
    cache_control = client.get(debate["topic"].get_absolute_url())["Cache-Control"]
    assert cache_control == "public, max-age=5, s-maxage=50, stale-while-revalidate=500"
