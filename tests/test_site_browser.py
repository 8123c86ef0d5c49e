"""The public site in a real browser: Debian's headless Chromium driven by Playwright,
against the live test server. The tree opens at a #claim- link (loading deep branches),
the graph draws every claim and opens one on a click, search finds a claim, the analysis
(strength bars, badges, whys, cruxes, the coalition matrix) is there, the keyboard
reaches every control, axe-core finds nothing serious, and hostile text runs no script.

Screenshots of the main pages at desktop and phone widths (the topic page's analysis, a
position's why and the grid apart too) are saved to test-artifacts/screenshots/ for
people to look at.
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from argmap.models import Claim, Link, Position, Stakeholder, Topic
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

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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


def test_graph_draws_every_claim_and_position_and_a_click_opens_the_claim(live_server, page, demo):
    page.goto(live_server.url + demo.get_absolute_url())
    page.wait_for_function("window.argmapGraph !== undefined")
    expected = Claim.objects.filter(topic=demo).count() + Position.objects.filter(topic=demo).count()
    assert page.evaluate("window.argmapGraph.nodes().length") == expected
    assert page.evaluate("window.argmapGraph.edges().length") == Link.objects.filter(claim__topic=demo).count()
    page.evaluate("document.getElementById('graph-canvas').scrollIntoView({block: 'start'})")
    # Cytoscape.js caches where its canvas is; after scrolling, make it look again.
    page.evaluate("window.argmapGraph.resize()")
    page.wait_for_timeout(300)
    claim_id, x, y = page.evaluate(
        """() => { const node = window.argmapGraph.nodes("[kind = 'claim']")[0];
        const box = document.getElementById('graph-canvas').getBoundingClientRect();
        const at = node.renderedPosition(); return [node.data('claim'), box.x + at.x, box.y + at.y]; }"""
    )
    page.mouse.click(x, y)
    page.wait_for_url(re.compile(rf"/claims/{claim_id}/$"))
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


def test_screenshots_of_the_main_pages_at_desktop_and_phone_widths(live_server, browser, demo):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    claim = deep_claim(demo)
    stakeholder = Stakeholder.objects.get(slug="uk-government")
    shots = {
        "home": reverse("argmap:home"),
        "topic-tree": demo.get_absolute_url(),
        "topic-graph": demo.get_absolute_url() + "#graph",
        "topic-analysis": demo.get_absolute_url() + "#analysis",
        "claim": claim.get_absolute_url(),
        "stakeholder": stakeholder.get_absolute_url(),
    }
    for width_name, viewport in [("desktop", DESKTOP), ("phone", PHONE)]:
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        problems = Problems(page)
        for name, url in shots.items():
            page.goto(live_server.url + url)
            if name == "topic-graph":
                page.wait_for_function("window.argmapGraph !== undefined")
                page.locator("#graph").screenshot(path=SCREENSHOTS / f"{name}-{width_name}.png")
            elif name == "topic-analysis":
                page.locator("#analysis").screenshot(path=SCREENSHOTS / f"{name}-{width_name}.png")
                page.locator(".position").first.evaluate("p => p.querySelector('details.why').open = true")
                page.locator(".position").first.screenshot(path=SCREENSHOTS / f"topic-why-{width_name}.png")
                page.locator("#stakeholders").screenshot(path=SCREENSHOTS / f"topic-grid-{width_name}.png")
            else:
                page.screenshot(path=SCREENSHOTS / f"{name}-{width_name}.png", full_page=True)
        context.close()
        assert problems.items == []
    assert len(list(SCREENSHOTS.glob("*.png"))) >= 16
