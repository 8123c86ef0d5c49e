"""The analysis on the public topic page, through Django's test client: a strength bar, a
standing badge and a "why" for every position and claim shown (in the page, its lazily
loaded branches and the embed view), the cruxes of each position, the coalition matrix
as a table and the quadrants of the power/interest grid; all from the page's one query
of the map."""

import re
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.urls import reverse

from argmap.models import Claim
from tests.factories import ClaimFactory, LinkFactory
from tests.test_site import debate, page  # noqa: F401  (the site's fixture and helper)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_page_cache():
    cache.clear()
    yield
    cache.clear()


class Tables(HTMLParser):
    """The page's tables: caption, column headers, row headers and cell texts."""

    def __init__(self):
        super().__init__()
        self.tables, self._cell, self._in_caption = [], None, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.tables.append({"class": attrs.get("class"), "caption": "", "cols": [], "rows": [], "groups": []})
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        elif tag in ("th", "td") and self.tables:
            self._cell = {"tag": tag, "scope": attrs.get("scope"), "class": attrs.get("class") or "", "text": ""}

    def handle_data(self, data):
        if self._in_caption:
            self.tables[-1]["caption"] += data
        elif self._cell is not None:
            self._cell["text"] += data

    def handle_endtag(self, tag):
        if tag == "caption":
            self._in_caption = False
        elif tag in ("th", "td") and self._cell is not None:
            cell, self._cell = self._cell, None
            cell["text"] = " ".join(cell["text"].split())
            table = self.tables[-1]
            if cell["scope"] == "col":
                table["cols"].append(cell["text"])
            elif cell["scope"] == "rowgroup":
                table["groups"].append(cell["text"])
            else:
                table["rows"][-1].append(cell)


def tables(html: str) -> dict[str, dict]:
    parser = Tables()
    parser.feed(html)
    return {table["class"]: table for table in parser.tables}


def test_every_position_and_claim_shown_has_a_strength_bar_a_badge_and_a_why(client, debate):  # noqa: F811
    html = page(client, debate["topic"].get_absolute_url())
    claims = Claim.objects.filter(topic=debate["topic"]).count()
    assert html.count('<meter class="strength-bar"') == 2 + claims + 2  # positions and claims; positions again
    assert html.count('<details class="why">') == 2 + claims
    # "Yes, ease it": one supporter (0.5) and one opponent ("harm", 0.75 with its supporter) against it.
    yes = html[html.index(f'id="position-{debate["yes"].pk}"') :]
    assert 'value="0.38"' in yes[:3000]
    # The public reads plain words; the formal label stays in the why.
    assert (
        '<span class="standing standing--rejected"><span aria-hidden="true">!</span> an objection is unanswered</span>'
        in yes
    )
    assert "<summary>Why 0.38, rejected?</summary>" in yes
    assert "Its one supporter counts 0.50 for it and its one opponent counts 0.75 against it;" in yes
    assert "opposition is stronger by 0.25, which lowers it to 0.38." in yes
    assert f'<a href="#claim-{debate["harm"].pk}">Easing copyright harms creators&#x27; livelihoods.</a>' in yes
    assert "Rejected: this claim against it stands unanswered (it is accepted):" in yes


def test_the_analysis_section_gives_each_positions_standing_and_cruxes(client, debate):  # noqa: F811
    html = page(client, debate["topic"].get_absolute_url())
    section = html[html.index('id="analysis"') : html.index('<section id="positions"')]
    assert '<a href="#analysis">Cruxes and coalitions</a>' in html
    assert section.index("Yes, ease it") < section.index("No, keep it")
    assert "Cruxes, the claims that would change it most:" in section
    # Rejecting "harm" would let "Yes, ease it" stand again (0.75), beside "No, keep it": the
    # positions are alternatives, so both standing leaves each undecided. A crux that flips it.
    harm = section.index(f'href="#claim-{debate["harm"].pk}"')
    assert "would change its standing" in section[harm : harm + 400]
    assert "If this claim were rejected: 0.75, undecided." in section[harm : harm + 600]
    assert reverse("api:topic-evaluation", args=[debate["topic"].slug]) in section


def test_the_coalition_matrix_is_a_table_readable_without_colour(client, debate):  # noqa: F811
    html = page(client, debate["topic"].get_absolute_url())
    matrix = tables(html)["coalition-matrix"]
    assert matrix["caption"] == "Stances on each position, by coalition"
    assert "Each stakeholder’s recorded stance on each position." in html
    assert matrix["cols"] == ["Stakeholder", "Yes, ease it", "No, keep it"]
    assert matrix["groups"] == ["No coalition: no two stakeholders agree at least 0.75"]
    rows = [[cell["text"] for cell in row] for row in matrix["rows"] if row]
    assert rows == [["Creative industries", "· no stance", "+ supports"]]
    headers = [row[0] for row in matrix["rows"] if row]
    assert [(cell["tag"], cell["scope"]) for cell in headers] == [("th", "row")]
    assert "stance-cell--supports" in matrix["rows"][-1][2]["class"]
    assert re.search(r'class="legend heat-legend" aria-label="Key to the table">.*with conditions.*opposes', html, re.S)
    assert "Involved, with no recorded stance on a position:" in html  # the government: salience only


def test_the_grid_names_its_quadrants_and_lists_who_is_in_each(client, debate):  # noqa: F811
    html = page(client, debate["topic"].get_absolute_url())
    grid = tables(html)["power-grid"]
    names = [cell["text"] for row in grid["rows"] for cell in row if cell["tag"] == "td"]
    assert names[0] == "keep satisfied"  # power 5, interest 1
    assert names[3] == "manage closely UK Government"  # power 5, interest 4: the government (5, 4)
    assert "quadrant--manage-closely" in grid["rows"][1][4]["class"]
    assert re.search(r"<dt>Manage closely</dt><dd><a [^>]*>UK Government</a>", html)
    assert re.search(r"<dt>Keep informed</dt><dd><a [^>]*>Creative industries</a>", html)  # power 2, interest 5


def test_a_branch_loaded_later_carries_the_strengths_and_whys_of_its_claims(client, settings, debate):  # noqa: F811
    settings.TOPIC_TREE_BUDGET = 2
    topic, harm, evidence = debate["topic"], debate["harm"], debate["evidence"]
    assert f'id="claim-{evidence.pk}"' not in page(client, topic.get_absolute_url())
    fragment = page(client, reverse("argmap:topic-branch", kwargs={"slug": topic.slug, "pk": harm.pk}))
    assert f'id="claim-{evidence.pk}"' in fragment
    assert fragment.count('<meter class="strength-bar"') == 1
    assert "<summary>Why 0.50, accepted?</summary>" in fragment


def test_the_why_links_a_claim_not_on_the_page_to_its_own_page(client, settings, debate):  # noqa: F811
    settings.TOPIC_TREE_BUDGET = 2
    html = page(client, debate["topic"].get_absolute_url())
    harm_why = html[html.index(f'id="claim-{debate["harm"].pk}"') :]
    assert f'<a href="/claims/{debate["evidence"].pk}/">Creative industries are worth billions.</a>' in harm_why


def test_the_embed_view_shows_strengths_but_not_the_analysis_section(client, debate):  # noqa: F811
    html = page(client, reverse("argmap:topic-embed", kwargs={"slug": debate["topic"].slug}))
    assert '<meter class="strength-bar"' in html
    assert '<details class="why">' in html
    assert 'id="analysis"' not in html


def test_the_page_follows_a_change_to_the_map(client, debate):  # noqa: F811
    url = debate["topic"].get_absolute_url()
    before = page(client, url)
    LinkFactory(claim=ClaimFactory(topic=debate["topic"], text="A new objection."), target_position=debate["no"],
                polarity="opposes")  # fmt: skip
    after = page(client, url)
    no = after[after.index(f'id="position-{debate["no"].pk}"') :]
    assert "A new objection." in no
    assert '<span class="standing standing--rejected">' in no[:3000]
    assert (
        '<span class="standing standing--rejected">'
        not in before[before.index(f'id="position-{debate["no"].pk}"') :][:3000]
    )


# A large map's cruxes and coalitions come from a page of their own


def test_a_large_maps_page_defers_its_cruxes_and_coalitions_to_the_analysis_page(client, settings, debate):  # noqa: F811
    settings.TOPIC_ANALYSIS_INLINE_CLAIMS = 2  # the debate has 3 claims
    topic = debate["topic"]
    html = page(client, topic.get_absolute_url())
    analysis_url = reverse("argmap:topic-analysis", args=[topic.slug])
    section = html[html.index('id="analysis"') : html.index('<section id="positions"')]
    assert f'data-analysis-url="{analysis_url}"' in section
    assert f'<a href="{analysis_url}">a page of their own</a>' in section
    assert "coalition-matrix" not in html
    assert "Cruxes, the claims that would change it most:" not in html
    assert "<summary>Why 0.38, rejected?</summary>" in html  # the tree keeps its strengths and whys


def test_the_analysis_page_holds_the_cruxes_and_the_coalition_matrix(client, debate):  # noqa: F811
    topic = debate["topic"]
    html = page(client, reverse("argmap:topic-analysis", args=[topic.slug]))
    section = html[html.index('id="analysis"') :]
    assert "Cruxes, the claims that would change it most:" in section
    assert tables(html)["coalition-matrix"]["cols"] == ["Stakeholder", "Yes, ease it", "No, keep it"]
    # Positions link to the topic page; claims, not on this page, to their own pages.
    assert f'href="{topic.get_absolute_url()}#position-{debate["yes"].pk}"' in section
    assert f'href="/claims/{debate["harm"].pk}/"' in section


def test_the_analysis_page_is_hidden_for_drafts_and_answers_304(client, debate):  # noqa: F811
    topic = debate["topic"]
    url = reverse("argmap:topic-analysis", args=[topic.slug])
    first = client.get(url)
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    topic.unpublish()
    topic.save()
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("claims", [20, 200])
def test_the_analysis_page_costs_two_queries_whatever_the_size(client, django_assert_num_queries, claims):
    from argmap.synthetic import generate_map

    topic = generate_map(claims=claims, seed=3, publish=True).topic
    with django_assert_num_queries(2):  # the topic by slug; its whole map in one query
        page(client, reverse("argmap:topic-analysis", args=[topic.slug]))
