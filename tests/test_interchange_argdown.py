"""Argdown: the reference parser (@argdown/core, run with Node) reads the export into the
same statements and support/attack relations; the import reads it back; hand-written
Argdown of the same subset imports, and what it cannot take is reported by line."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

from argmap.models import Link, Polarity, Stance, Topic
from argmap.synthetic import generate_map
from tests.factories import ClaimFactory, LinkFactory, StanceFactory
from tests.interchange import argument, exported, imported, problems, statements

pytestmark = pytest.mark.django_db

HERE = Path(__file__).parent / "argdown"
INSTALL = "install Node.js 20 and run `npm ci --prefix tests/argdown`"
AWKWARD = [
    "e.g. the U.S. spent 3.5% of $13.5bn.",
    "Shortcodes :y: .y. :+1: .->. :smile: stay text.",
    "See http://example.org/a//b and /* not a comment */ or <!-- not one either -->.",
    "#hashtag @mention @[mention] [bracket] <angle> {brace} *bold* _italic_ __strong__ \\backslash",
    "a === b ==== c, and a front matter fence:",
    "===",
    "- starts with a dash",
    "+ starts with a plus",
    "+> -> <- >< _> <_ arrows",
    "(1) numbered and 1. numbered and # heading-like",
    "[Title]: a fake definition",
    "line one\nline two\r\nline three",
    "  padded  ",
    "tab\tinside, two  spaces,  after a comma",
    "Émigrés 🧪 “quoted” \u202eRTL e\u0301 \u2028separator \x85next",
    "ends with a backslash \\",
    'JSON-ish {"uid": "x"} and YAML-ish key: value',
]


def parse_with_argdown(text: str) -> dict:
    """What the reference parser makes of `text` (see tests/argdown/parse.mjs)."""
    node = shutil.which("node")
    if node is None or not (HERE / "node_modules" / "@argdown" / "core").is_dir():
        message = f"The reference Argdown parser is not installed: {INSTALL}."
        if os.environ.get("CI"):
            pytest.fail(message + " CI must run this test.")
        pytest.skip(message)
    result = subprocess.run(  # noqa: S603 - our own script on our own export
        [node, str(HERE / "parse.mjs")], input=text.encode(), capture_output=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout)


def written(text: str) -> str:
    """The text as the statement shows it: line breaks as spaces, no white space around
    (the exact text rides in the statement's data)."""
    return text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ").strip()


def expected_statements(topic) -> tuple[dict[str, str], dict[tuple, str]]:
    """Titles as the export numbers them (P1… in position order, C1… in claim order) and their texts."""
    titles, texts = {}, {}
    for number, position in enumerate(topic.positions.order_by("order", "pk"), start=1):
        titles["position", position.pk] = f"P{number}"
        texts[f"P{number}"] = position.title
    for number, claim in enumerate(topic.claims.order_by("pk"), start=1):
        titles["claim", claim.pk] = f"C{number}"
        texts[f"C{number}"] = claim.text
    return texts, titles


def expected_relations(topic, titles) -> set[tuple[str, str, str]]:
    relations = set()
    for link in Link.objects.filter(claim__topic=topic):
        target = ("position", link.target_position_id) if link.target_position_id else ("claim", link.target_claim_id)
        kind = "support" if link.polarity == Polarity.SUPPORTS else "attack"
        relations.add((f"[{titles['claim', link.claim_id]}]", f"[{titles[target]}]", kind))
    return relations


def assert_parsed_as_the_map(topic):
    parsed = parse_with_argdown(exported(topic, "argdown").decode())
    texts, titles = expected_statements(topic)
    assert parsed["errors"] == []
    assert parsed["arguments"] == []
    # The parser keeps the space before the tags and data that follow the text.
    assert {s["title"]: s["text"].rstrip(" ") for s in parsed["statements"]} == {
        title: written(text) for title, text in texts.items()
    }
    assert all(statement["definitions"] == 1 for statement in parsed["statements"])
    assert {(r["from"], r["to"], r["type"]) for r in parsed["relations"]} == expected_relations(topic, titles)
    return parsed


@pytest.mark.slow
def test_reference_parser_reads_the_demo_map_as_its_statements_and_relations():
    call_command("load_demo", verbosity=0)
    for topic in Topic.objects.all():
        parsed = assert_parsed_as_the_map(topic)
        assert parsed["frontMatter"]["title"] == topic.title
        assert parsed["frontMatter"]["argmap"]["topic"]["question"] == topic.question


@pytest.mark.slow
def test_reference_parser_reads_a_large_deep_map_as_its_statements_and_relations():
    assert_parsed_as_the_map(generate_map(claims=400, seed=3).topic)


@pytest.mark.slow
def test_reference_parser_reads_awkward_texts_as_they_are():
    link = LinkFactory(target_position__title="Position {with} #syntax [in] it: .y.")
    topic = link.claim.topic
    for text in AWKWARD:
        ClaimFactory(topic=topic, text=text)
    parsed = assert_parsed_as_the_map(topic)
    data = {statement["title"]: statement["data"] for statement in parsed["statements"]}
    assert data["P1"]["kind"] == "position"
    assert data["C13"]["text"] == "line one\nline two\r\nline three"  # the exact text rides in the data


@pytest.mark.slow
def test_stakeholders_are_tags_and_their_stances_data():
    stance = StanceFactory(stakeholder__slug="uk-government")
    parsed = parse_with_argdown(exported(stance.position.topic, "argdown").decode())
    position = next(s for s in parsed["statements"] if s["title"] == "P1")
    assert position["tags"] == ["uk-government"]
    assert position["data"]["stances"] == {"uk-government": "supports"}
    assert parsed["frontMatter"]["argmap"]["stakeholders"]["uk-government"]["name"] == stance.stakeholder.name


def test_a_map_comes_back_with_the_same_statements_links_and_polarities():
    call_command("load_demo", verbosity=0)
    topic = Topic.objects.get(slug="uk-openai-partnership")
    for text in AWKWARD:
        LinkFactory(claim__topic=topic, claim__text=text, target_position=topic.positions.first())
    copy = imported(exported(topic, "argdown"), "argdown", slug="copy", new_uids=True).topic
    assert statements(copy) == statements(topic)
    assert argument(copy) == argument(topic)
    assert copy.title == topic.title
    assert copy.question == topic.question
    tagged = set(Stance.objects.filter(claim__topic=topic).values_list("stakeholder__slug", "claim__text", "stance"))
    assert (
        set(Stance.objects.filter(claim__topic=copy).values_list("stakeholder__slug", "claim__text", "stance"))
        == tagged
    )
    assert set(Stance.objects.filter(claim__topic=copy).values_list("basis", flat=True)) == {"inferred"}


HAND_WRITTEN = """\
# Should the council build the bypass?

// a comment line
[Build it]: The council should build the bypass.
  + [Traffic]: Traffic in the old town is unbearable. #residents
    - Traffic fell 10% since the low-emission zone. {"base_score": 0.8}
  - [Cost]: The bypass costs £40m the council does not have.
    <- The government will pay for most of it.

[Do not build it]: The council should not build the bypass.
  + [Cost]
  + [Wetland]: The route crosses a protected wetland. #(Friends of the Earth)
"""


def test_hand_written_argdown_imports_its_statements_and_relations():
    report = imported(HAND_WRITTEN.encode(), "argdown", name="bypass.argdown")
    topic = report.topic
    assert topic.title == "Should the council build the bypass?"
    assert statements(topic) == (
        {"The council should build the bypass.", "The council should not build the bypass."},
        {
            "Traffic in the old town is unbearable.",
            "Traffic fell 10% since the low-emission zone.",
            "The bypass costs £40m the council does not have.",
            "The government will pay for most of it.",
            "The route crosses a protected wetland.",
        },
    )
    assert (
        "The bypass costs £40m the council does not have.",
        "The council should not build the bypass.",
        "supports",
    ) in argument(topic)
    assert (
        "The government will pay for most of it.",
        "The bypass costs £40m the council does not have.",
        "opposes",
    ) in argument(topic)
    assert len(argument(topic)) == 6
    assert topic.claims.get(text__startswith="Traffic fell").base_score == 0.8
    assert any("#Friends of the Earth" in str(note) and "#residents" in str(note) for note in report.notes)
    parsed = parse_with_argdown(HAND_WRITTEN)
    assert len(parsed["relations"]) == 6


def test_what_the_import_cannot_take_is_reported_by_line():
    text = """\
[A]: A claim.
  +> [B]: Outgoing support is not imported.
  + <Argument>: An argument.
    + [C]: Under an argument.
[A]: Another text for A.
  + [Nowhere]
      + [D]: Fine.
    continued text
[E]: Data that is not JSON. {key: value}
"""
    assert problems(text.encode(), "argdown") == [
        "line 2: the relation “+>” is not supported; argmap imports + and - (and <+, <-)",
        "line 3: arguments (<…>) are not supported; argmap imports statements and their + and - relations",
        "line 5: [A] is defined again with another text (first on line 1)",
        "line 8: an indented line must start with + or - (a relation)",
        "line 9: data: not JSON as argmap writes it (unexpected character, expected a string key)",
        "line 6: [Nowhere] has no text; define it once as [Nowhere]: …",
    ]


def test_argdown_that_is_not_utf8_is_refused_with_its_line():
    assert problems("[A]: fine\n[B]: caf\xe9\n".encode("latin-1"), "argdown") == ["line 2: the file is not UTF-8 text"]


def test_a_position_that_argues_is_refused():
    text = '[P]: A position. {"kind": "position"}\n\n[Q]: Another position.\n  + [P]\n'
    assert problems(text.encode(), "argdown") == ["line 4: [P] is a position, and a position cannot support or oppose"]
