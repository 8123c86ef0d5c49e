"""The public site in a real browser: Debian's headless Chromium driven by Playwright,
against the live test server. The tree opens at a #claim- link (loading deep branches),
the graph draws every claim and opens one on a click, search finds a claim, the analysis
(strength bars, badges, whys, cruxes, the coalition matrix) is there, the keyboard
reaches every control, axe-core finds nothing serious, and hostile text runs no script.

Screenshots of the main pages at desktop and phone widths (the topic page's analysis, a
position's why and the grid apart too) are saved to test-artifacts/screenshots/ for
people to look at.
"""

import io
import os
import re
import shutil
import unicodedata
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from argmap.models import Claim, Link, Position, Relationship, Source, Stakeholder, Stance, Topic
from tests.factories import (
    CitationFactory,
    ClaimFactory,
    LinkFactory,
    PositionFactory,
    SourceFactory,
    StakeholderFactory,
    StanceFactory,
    TopicFactory,
)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        message = "Chromium is missing: install Debian's chromium package (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in the test's thread, which makes Django
    # refuse database access from it ("you cannot call this from an async context").
    # Only while these tests run: `check --deploy` rightly refuses the variable.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class Problems:
    """What the page should never do: open a dialog, log an error, throw, or violate the CSP."""

    def __init__(self, page):
        self.items = []
        page.on("dialog", lambda dialog: (self.items.append(f"dialog: {dialog.message}"), dialog.dismiss()))
        page.on("pageerror", lambda error: self.items.append(f"page error: {error}"))
        page.on("console", lambda message: message.type == "error" and self.items.append(f"console: {message.text}"))


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.problems = Problems(page)
    yield page
    context.close()


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", verbosity=0)
    return Topic.objects.get(slug="uk-openai-partnership")


def deep_claim(topic) -> Claim:
    """A claim that argues about another claim (so it sits in a branch of the tree)."""
    return Claim.objects.filter(topic=topic, links__target_claim__links__target_position__isnull=False).first()


def test_tree_opens_at_a_claim_link_and_expands_on_click(live_server, page, demo):
    claim = deep_claim(demo)
    page.goto(f"{live_server.url}{demo.get_absolute_url()}#claim-{claim.pk}")
    target = page.locator(f"#claim-{claim.pk}")
    target.wait_for(state="visible")
    assert target.is_visible()
    assert "is-target" in target.get_attribute("class")
    # Every <details> around it is open.
    assert page.evaluate(
        """id => { let n = document.getElementById(id); while (n) { if (n.tagName === 'DETAILS' && !n.open)
        return false; n = n.parentElement; } return true; }""",
        f"claim-{claim.pk}",
    )
    # A closed claim opens on a click on its summary, showing the claims below it.
    closed = page.locator("li.argument > details:not([open]) > summary").first
    closed.click()
    assert page.locator("li.argument > details[open] > summary").count() >= 1
    assert page.problems.items == []


def test_a_claim_link_into_an_unloaded_branch_loads_it(live_server, page, settings, transactional_db):
    settings.TOPIC_TREE_BUDGET = 2
    topic = TopicFactory()
    position = PositionFactory(topic=topic)
    chain = [ClaimFactory(topic=topic, text=f"Link {i} of a long chain of reasons.") for i in range(6)]
    LinkFactory(claim=chain[0], target_position=position)
    for parent, child in zip(chain, chain[1:], strict=False):
        LinkFactory(claim=child, target_position=None, target_claim=parent)
    page.goto(live_server.url + topic.get_absolute_url())
    assert page.locator(f"#claim-{chain[-1].pk}").count() == 0  # beyond the budget: not rendered
    page.goto(f"{live_server.url}{topic.get_absolute_url()}#claim-{chain[-1].pk}")
    page.locator(f"#claim-{chain[-1].pk}").wait_for(state="visible")
    assert page.problems.items == []


# Predicates are functions, never expressions: Playwright evaluates an expression with
# eval() while it polls, which the pages' Content-Security-Policy refuses.


def open_graph(page, url):
    page.goto(url)
    page.wait_for_function("() => window.argmapGraph !== undefined")
    page.evaluate("document.getElementById('graph-canvas').scrollIntoView({block: 'start'})")
    # Cytoscape.js caches where its canvas is; after scrolling, make it look again.
    page.evaluate("window.argmapGraph.resize()")
    page.wait_for_timeout(300)


def click_node(page, selector: str):
    """Click the first node matching a Cytoscape selector; its id and claim id."""
    node_id, claim_id, x, y = page.evaluate(
        """selector => { const cy = window.argmapGraph; const node = cy.nodes(selector)[0];
        cy.center(node);
        const box = document.getElementById('graph-canvas').getBoundingClientRect();
        const at = node.renderedPosition(); return [node.id(), node.data('claim'), box.x + at.x, box.y + at.y]; }""",
        selector,
    )
    page.mouse.click(x, y)
    return node_id, claim_id


def test_graph_draws_every_claim_and_position_and_a_click_focuses_then_opens_the_claim(live_server, page, demo):
    open_graph(page, live_server.url + demo.get_absolute_url())
    expected = Claim.objects.filter(topic=demo).count() + Position.objects.filter(topic=demo).count()
    assert page.evaluate("window.argmapGraph.nodes().length") == expected
    assert page.evaluate("window.argmapGraph.edges().length") == Link.objects.filter(claim__topic=demo).count()
    _, claim_id = click_node(page, "[kind = 'claim']")
    panel = page.locator(".graph-focus")
    panel.wait_for(state="visible")
    assert Claim.objects.get(pk=claim_id).text in panel.inner_text()
    panel.get_by_role("link", name="Open this claim").click()
    page.wait_for_url(re.compile(rf"/claims/{claim_id}/$"))
    assert page.problems.items == []


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_graph_labels_are_at_least_12_pixels_whole_words_at_the_default_zoom(live_server, browser, demo, viewport):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    open_graph(page, live_server.url + demo.get_absolute_url())
    labels = page.evaluate(
        """() => { const cy = window.argmapGraph;
        return cy.nodes().map(n => [
            parseFloat(n.style('font-size')) * cy.zoom(), n.data('label'), n.data('text')]); }"""
    )
    context.close()
    assert labels
    for rendered_size, label, text in labels:
        assert rendered_size >= 12, (rendered_size, text)
        # Wrapped at spaces only: the same words, none cut or dropped.
        assert label.split() == text.split()


def test_graph_zoom_buttons_and_keys_change_the_scale(live_server, page, demo):
    open_graph(page, live_server.url + demo.get_absolute_url())
    zoom = page.evaluate("window.argmapGraph.zoom()")
    graph = page.locator("#graph")  # the stakeholder network has its own zoom buttons
    graph.get_by_role("button", name="Zoom in").click()
    zoomed_in = page.evaluate("window.argmapGraph.zoom()")
    assert zoomed_in > zoom
    graph.get_by_role("button", name="Zoom out").click()
    graph.get_by_role("button", name="Zoom out").click()
    assert page.evaluate("window.argmapGraph.zoom()") < zoomed_in
    page.focus("#graph-canvas")
    before = page.evaluate("window.argmapGraph.zoom()")
    page.keyboard.press("+")
    assert page.evaluate("window.argmapGraph.zoom()") > before
    graph.get_by_role("button", name="Reset").click()
    assert page.evaluate("window.argmapGraph.zoom()") >= 1
    assert page.problems.items == []


def test_graph_focus_hides_everything_but_the_neighbourhood_and_escape_shows_it_again(live_server, page, demo):
    open_graph(page, live_server.url + demo.get_absolute_url())
    node_id, _ = click_node(page, "[kind = 'position']")
    page.locator(".graph-focus").wait_for(state="visible")
    visible, neighbourhood, total = page.evaluate(
        """id => { const cy = window.argmapGraph; const node = cy.getElementById(id);
        return [cy.nodes(':visible').map(n => n.id()).sort(),
                node.closedNeighborhood().nodes().map(n => n.id()).sort(), cy.nodes().length]; }""",
        node_id,
    )
    assert visible == neighbourhood
    assert len(visible) < total
    page.focus("#graph-canvas")
    page.keyboard.press("Escape")
    page.wait_for_function("n => window.argmapGraph.nodes(':visible').length === n", arg=total)
    assert page.locator(".graph-focus").is_hidden()
    assert page.problems.items == []


def test_graph_filters_hide_opposition_and_show_what_a_stakeholder_holds(live_server, page, demo):
    open_graph(page, live_server.url + demo.get_absolute_url())
    page.get_by_label("against (−)").uncheck()
    # The filter applies on the checkbox's change event: wait for it (a timeout fails the test).
    page.wait_for_function("() => window.argmapGraph.edges(\"[polarity = 'opposes']:visible\").length === 0")
    assert page.evaluate("window.argmapGraph.edges(\"[polarity = 'supports']:visible\").length") > 0
    page.get_by_label("against (−)").check()
    holder = Stance.objects.filter(topic=demo, claim__isnull=False, stance="supports").first()
    held = set(
        Stance.objects.filter(
            topic=demo, stakeholder=holder.stakeholder, claim__isnull=False, stance__in=["supports", "conditional"]
        ).values_list("claim_id", flat=True)
    )
    page.select_option("#graph-holder", f"s{holder.stakeholder_id}")
    visible = "window.argmapGraph.nodes(\"[kind = 'claim']:visible\").map(n => n.data('claim'))"
    for _ in range(50):  # the filter applies on the select's change event: give it a moment
        shown = page.evaluate(visible)
        if len(shown) <= len(held):
            break
        page.wait_for_timeout(100)
    assert holder.claim_id in shown
    assert set(shown) <= held
    assert page.problems.items == []


def test_search_finds_a_claim_by_a_word_from_its_text(live_server, page, demo):
    page.goto(live_server.url + reverse("argmap:home"))
    page.fill("#home-search", "livelihoods")
    page.press("#home-search", "Enter")
    page.wait_for_url(re.compile(r"/search/\?q=livelihoods"))
    hit = page.locator("li.hit--claim a").first
    claim = Claim.objects.get(pk=int(re.search(r"/claims/(\d+)/", hit.get_attribute("href"))[1]))
    assert "livelihoods" in claim.text
    assert page.locator("li.hit--claim mark").count() >= 1


def test_keyboard_alone_reaches_every_control(live_server, page, demo):
    page.goto(live_server.url + demo.get_absolute_url())
    controls = page.evaluate(
        """() => Array.from(document.querySelectorAll('a[href], button, input, summary'))
        .filter(e => e.checkVisibility()).length"""
    )
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # focus is visible
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    reached = set()
    for _ in range(controls + 40):
        page.keyboard.press("Tab")
        reached.add(page.evaluate("(() => { const e = document.activeElement; return e.outerHTML.slice(0, 120) })()"))
    visible = page.evaluate(
        """() => Array.from(document.querySelectorAll('a[href], button, input, summary'))
        .filter(e => e.checkVisibility()).map(e => e.outerHTML.slice(0, 120))"""
    )
    missing = [control for control in visible if control not in reached]
    assert missing == [], (len(visible), controls, sorted(reached))
    # A summary opens its claim with the keyboard.
    page.focus("li.argument > details:not([open]) > summary")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.parentElement.open")


def test_the_analysis_is_there_and_the_keyboard_reaches_and_opens_it(live_server, page, demo):
    page.goto(live_server.url + demo.get_absolute_url())
    position = Position.objects.filter(topic=demo).order_by("order", "pk").first()
    header = page.locator(f"#position-{position.pk} .position-header")
    assert header.locator("meter.strength-bar").count() == 1
    assert header.locator(".standing").inner_text().strip() in {
        "✓ well supported", "! an objection is unanswered", "? contested", "· unsourced", "~ fragile"
    }  # fmt: skip
    why = header.locator("details.why")
    assert not why.locator(".why-body").is_visible()
    # Tab from the position's title link area until its "Why" has the focus, then open it.
    page.focus(f"#position-{position.pk} .position-header details.why > summary")
    page.keyboard.press("Enter")
    assert why.locator(".why-body").is_visible()
    assert "A position starts at 0.50: even odds." in why.inner_text()
    # The claims shown each carry a bar and a badge; the analysis section its cruxes and the matrix.
    assert page.locator("li.argument meter.strength-bar").count() == Claim.objects.filter(topic=demo).count()
    assert page.locator("#analysis .position-standing").count() == Position.objects.filter(topic=demo).count()
    assert page.locator("#analysis ol.cruxes li").count() >= 1
    matrix = page.locator("table.coalition-matrix")
    assert matrix.locator("caption").is_visible()
    assert matrix.locator("th[scope=row] a").count() >= 2
    # The matrix's scrolling region takes the focus (for arrow keys on a phone-width table).
    page.focus("#analysis .table-wrap")
    assert page.evaluate("document.activeElement.classList.contains('table-wrap')")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('table.coalition-matrix') !== null")
    assert page.problems.items == []


def test_a_large_maps_analysis_loads_into_its_page_after_the_tree(live_server, page, settings, demo):
    settings.TOPIC_ANALYSIS_INLINE_CLAIMS = 5  # the demo's first topic has 14 claims
    page.goto(live_server.url + demo.get_absolute_url())
    # The placeholder gives way to the analysis page's section: cruxes and the matrix.
    page.locator("#analysis table.coalition-matrix").wait_for(state="visible")
    assert page.locator("section[data-analysis-url]").count() == 0
    assert page.locator("#analysis .position-standing").count() == Position.objects.filter(topic=demo).count()
    assert page.locator("#analysis ol.cruxes li").count() >= 1
    # A position's link in the loaded section stays on this page.
    link = page.locator("#analysis .position-standing h4 a").first
    link.click()
    assert page.url.startswith(live_server.url + demo.get_absolute_url() + "#position-")
    assert page.problems.items == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_violation_on_any_page(live_server, browser, demo, scheme):
    from axe_playwright_python.sync_playwright import Axe

    claim = deep_claim(demo)
    stakeholder = Stakeholder.objects.public().order_by("pk").first()
    source = claim.citations.first().source
    urls = [
        reverse("argmap:home"),
        demo.get_absolute_url(),
        reverse("argmap:topic-embed", kwargs={"slug": demo.slug}),
        reverse("argmap:topic-analysis", kwargs={"slug": demo.slug}),
        claim.get_absolute_url(),
        reverse("argmap:stakeholder-list"),
        stakeholder.get_absolute_url(),
        source.get_absolute_url(),
        f"{reverse('argmap:search')}?q=copyright",
    ]
    context = browser.new_context(viewport=DESKTOP, color_scheme=scheme)
    page = context.new_page()
    axe = Axe()
    serious = {}
    for url in urls:
        page.goto(live_server.url + url)
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        violations = axe.run(page).response["violations"]
        found = [
            f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in violations if v["impact"] in ("serious", "critical")
        ]
        if found:
            serious[url] = found
    context.close()
    assert serious == {}


@pytest.fixture
def hostile(transactional_db):
    script = "<script>alert('owned')</script><img src=x onerror=alert('img')>"
    text = f"{script} \"quotes\" 'single' \u202eRTL\u202c 🧪 {script}"
    topic = TopicFactory(title=text[:200], slug="hostile", question=text[:500], summary=text)
    position = PositionFactory(topic=topic, title=text[:200], summary=text)
    claim = ClaimFactory(topic=topic, text=text)
    LinkFactory(claim=claim, target_position=position)
    LinkFactory(claim=ClaimFactory(topic=topic, text=text), target_position=None, target_claim=claim)
    source = SourceFactory(title=text[:300], url='https://example.org/?q="><script>alert(1)</script>')
    CitationFactory(claim=claim, source=source, quote=text)
    stakeholder = StakeholderFactory(name=text[:200], slug="hostile-body", summary=text)
    StanceFactory(stakeholder=stakeholder, position=position, basis="stated", quote=text, source=source)
    return {"topic": topic, "claim": claim, "stakeholder": stakeholder, "source": source}


def test_a_page_full_of_hostile_text_runs_no_script(live_server, page, hostile):
    topic = hostile["topic"]
    for url in [
        reverse("argmap:home"),
        topic.get_absolute_url(),
        reverse("argmap:topic-embed", kwargs={"slug": topic.slug}),
        hostile["claim"].get_absolute_url(),
        hostile["stakeholder"].get_absolute_url(),
        hostile["source"].get_absolute_url(),
        f"{reverse('argmap:search')}?q=quotes",
    ]:
        page.goto(live_server.url + url)
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        page.wait_for_timeout(100)
        assert page.locator("text=<script>alert('owned')</script>").count() >= 1, url  # shown as text
    assert page.problems.items == []


def save_screenshot(png: bytes, path: Path, tallest: int = 2400) -> None:
    """A screenshot as the docs keep it: no taller than `tallest` pixels, in 64 colours
    (text and flat colours lose nothing a reader sees, and the files are a third the size)."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    image = image.crop((0, 0, image.width, min(image.height, tallest)))
    image.quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


def test_screenshots_of_every_page_kind_at_desktop_and_phone_widths(live_server, browser, demo):
    """Every kind of public page at both widths, for people to look at: `make screenshots`
    writes them to docs/screenshots/ (ARGMAP_SCREENSHOTS), the suite to test-artifacts/."""
    folder = Path(os.environ.get("ARGMAP_SCREENSHOTS") or SCREENSHOTS)
    folder.mkdir(parents=True, exist_ok=True)
    claim = deep_claim(demo)
    position = demo.positions.order_by("order").first()
    stakeholder = Stakeholder.objects.get(slug="openai")
    source = Source.objects.filter(citations__claim__topic=demo).first()
    # name: (address, the part to photograph: None for the first screen, "page" for all of it)
    shots = {
        "home": (reverse("argmap:home"), "page"),
        "topic": (demo.get_absolute_url(), None),
        "topic-arguments": (demo.get_absolute_url(), "#positions"),
        "topic-graph": (demo.get_absolute_url(), "#graph"),
        "topic-analysis": (demo.get_absolute_url(), "#analysis"),
        "topic-stakeholders": (demo.get_absolute_url(), "#stakeholders"),
        "topic-stakeholder-list": (reverse("argmap:topic-stakeholders", args=[demo.slug]), "page"),
        "position": (reverse("argmap:position-detail", args=[demo.slug, position.pk]), "page"),
        "claim": (claim.get_absolute_url(), "page"),
        "stakeholders": (reverse("argmap:stakeholder-list"), "page"),
        "stakeholder": (stakeholder.get_absolute_url(), "page"),
        "source": (source.get_absolute_url(), "page"),
        "search": (reverse("argmap:search") + "?q=copyright", "page"),
        "embed-claim": (reverse("argmap:claim-embed", args=[claim.pk]), "page"),
    }
    for width_name, viewport in [("desktop", DESKTOP), ("phone", PHONE)]:
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        problems = Problems(page)
        for name, (url, part) in shots.items():
            page.goto(live_server.url + url)
            if part == "#graph":
                page.wait_for_function("() => window.argmapGraph !== undefined")
            if part == "#stakeholders":
                page.wait_for_function("() => window.argmapNetwork !== undefined")
            if part is None:
                png = page.screenshot()
            elif part == "page":
                png = page.screenshot(full_page=True)
            else:
                png = page.locator(part).screenshot()
            save_screenshot(png, folder / f"{name}-{width_name}.png")
        context.close()
        assert problems.items == []
    preview = folder / "topic-preview.png"
    preview.write_bytes(Client().get(reverse("argmap:topic-preview", args=[demo.slug])).content)
    written = {f"{name}-{width}.png" for name in shots for width in ("desktop", "phone")} | {"topic-preview.png"}
    assert {path.name for path in folder.glob("*.png")} >= written


@pytest.fixture
def blog_page(browser):
    """A page for another site's origin. Chromium refuses a page that came from no address
    (Playwright serves it) loading from a loopback one (the test server): a check for
    private networks that a real site and a public argmap never meet, switched off here."""
    other = browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=[*CHROMIUM_ARGS, "--disable-features=LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests"],
    )
    page = other.new_page()
    page.problems = Problems(page)
    yield page
    other.close()


def test_an_embedded_claim_sizes_its_frame_on_another_sites_page(live_server, blog_page, demo):
    page = blog_page
    claim = Claim.objects.filter(topic=demo, citations__isnull=False).first()
    embed = live_server.url + reverse("argmap:claim-embed", args=[claim.pk])
    script = live_server.url + "/static/argmap/embed.js"
    # Another site's page, with the code argmap offers to copy (served by Playwright itself).
    html = (
        f'<h1>A blog</h1><iframe src="{embed}" title="claim" width="600" height="150"></iframe>'
        f'<script async src="{script}"></script>'
    )
    page.route("http://blog.example/", lambda route: route.fulfill(body=html, content_type="text/html"))
    page.goto("http://blog.example/")
    page.wait_for_function("() => document.querySelector('iframe').style.height !== ''")
    height = page.evaluate("document.querySelector('iframe').clientHeight")  # inside its border
    content = page.frame_locator("iframe").locator("body").evaluate("b => b.ownerDocument.documentElement.scrollHeight")
    assert height == pytest.approx(content, abs=2)
    assert height > 150
    # A message from any other origin is ignored.
    page.evaluate("window.postMessage({argmap: 'height', height: 5}, '*')")
    page.wait_for_timeout(200)
    assert page.evaluate("document.querySelector('iframe').clientHeight") == height
    assert page.problems.items == []


def test_the_network_draws_every_relationship_of_the_demo_map(live_server, page, demo):
    topic = Topic.objects.get(slug="microsoft-openai-control")
    page.goto(live_server.url + topic.get_absolute_url())
    page.wait_for_function("() => window.argmapNetwork !== undefined")
    drawn = page.evaluate("window.argmapNetwork.edges().map(e => e.data('relationships')).flat()")
    ids = [int(node_id[1:]) for node_id in page.evaluate("window.argmapNetwork.nodes().map(n => n.id())")]
    expected = Relationship.objects.filter(from_stakeholder__in=ids, to_stakeholder__in=ids)
    assert sorted(drawn) == sorted(expected.values_list("pk", flat=True))
    sizes = page.evaluate(
        "window.argmapNetwork.nodes().map(n => parseFloat(n.style('font-size')) * window.argmapNetwork.zoom())"
    )
    assert min(sizes) >= 12
    assert page.problems.items == []


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, PHONE], ids=["desktop", "phone"])
def test_the_positions_and_the_stance_matrix_are_on_the_first_screen(live_server, browser, demo, viewport):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    try:
        for topic in Topic.objects.filter(status="published"):
            page.goto(live_server.url + topic.get_absolute_url())
            bottoms = page.evaluate(
                """() => ['.position-cards', '.stance-matrix'].map(
                    s => document.querySelector(s).getBoundingClientRect().bottom)"""
            )
            assert max(bottoms) <= viewport["height"], (topic.slug, bottoms)
            assert page.locator(".position-card").count() == topic.positions.count()
            assert page.locator(".position-card .standing-words").first.is_visible()
    finally:
        context.close()


def test_the_focused_view_works_without_javascript_and_with_the_back_button(live_server, browser, demo):
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    page = context.new_page()
    try:
        position = demo.positions.order_by("order").first()
        page.goto(live_server.url + demo.get_absolute_url())
        page.locator(f"#position-{position.pk}").get_by_role("link", name="open it on its own").click()
        page.wait_for_url(re.compile(rf"/positions/{position.pk}/$"))
        assert page.locator("h1").inner_text() == position.title
        first = page.locator(".focus-list a").first
        text = first.inner_text()
        first.click()
        page.wait_for_url(re.compile(r"/claims/\d+/$"))
        assert page.locator("h1").inner_text() == text
        # The breadcrumb leads back up; so does the browser's back button.
        assert page.locator("nav.breadcrumb a").count() == 2
        page.go_back()
        page.wait_for_url(re.compile(rf"/positions/{position.pk}/$"))
        page.keyboard.press("Tab")  # the keyboard reaches the links
        page.locator("nav.breadcrumb a").first.click()
        page.wait_for_url(re.compile(rf"{demo.get_absolute_url()}$"))
    finally:
        context.close()


def test_printing_a_topic_gives_every_claim_and_source_in_the_pdf(live_server, page, demo, tmp_path):
    from pypdf import PdfReader

    page.goto(live_server.url + demo.get_absolute_url())
    page.emulate_media(media="print")
    path = tmp_path / "topic.pdf"
    page.pdf(path=str(path), format="A4", print_background=False)
    # NFKC undoes the fonts' ligatures ("ﬂ" in "reﬂects"), as a reader's search would.
    text = unicodedata.normalize(
        "NFKC", " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(path).pages)
    )
    for claim in Claim.objects.filter(topic=demo):
        assert " ".join(claim.text.split())[:60] in text, claim.text
    for source in Source.objects.filter(citations__claim__topic=demo).distinct():
        assert source.url in text.replace(" ", "") or source.url.replace("https://", "") in text.replace(" ", "")
    for stakeholder in Stakeholder.objects.filter(stances__position__topic=demo).distinct():
        assert stakeholder.name in text
