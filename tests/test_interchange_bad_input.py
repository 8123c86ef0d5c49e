"""Bad input, in every format: a clear problem that names where it is (line, node, row or
field), every problem at once, and the database exactly as it was."""

import io
import uuid

import orjson
import pytest
from django.db import connection

import argmap.interchange
from argmap.interchange import import_map
from argmap.models import Claim, Topic
from tests.factories import CitationFactory, ClaimFactory, LinkFactory, StanceFactory
from tests.interchange import empty_the_database, exported, problems

pytestmark = pytest.mark.django_db


@pytest.fixture
def document():
    """A valid native document of a small map, for a database that does not have it yet."""
    link = LinkFactory()
    LinkFactory(claim__topic=link.claim.topic, target_position=None, target_claim=link.claim)
    CitationFactory(claim=link.claim)
    StanceFactory(position=link.target_position)
    content = orjson.loads(exported(link.claim.topic))
    empty_the_database()
    return content


def native(document) -> bytes:
    return orjson.dumps(document)


def test_the_valid_document_imports(document):
    assert import_map(io.BytesIO(native(document)), "json", dry_run=True).ok


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            b'{"format": "argmap-export/1", "topic": {"slug": ',
            "line 1, column 49: not valid JSON: unexpected end of data",
        ),
        (b"[" * 20000, "line 1, column 1026: not valid JSON: depth limit exceeded"),
        (b"[]", "an argmap map is a JSON object with a “format” field"),
        (b'{"format": "nope"}', "format: expected “argmap-export/1” or “argmap-map/1”, not “nope”"),
        (b"\xff\xfe{}", "line 1, column 1: not valid JSON: str is not valid UTF-8: surrogates not allowed"),
    ],
)
def test_a_file_that_is_not_an_argmap_map_is_refused(content, expected):
    found = problems(content)
    assert len(found) == 1
    assert found[0].split(": not valid JSON")[0] == expected.split(": not valid JSON")[0]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["claims"][0].update(text="a\x00b"), "claims[0]: text: contains a NUL character"),
        (
            lambda d: d["claims"][0].update(text="x" * 2001),
            "claims[0]: text: is 2,001 characters long; the limit is 2,000",
        ),
        (
            lambda d: d["sources"][0].update(url="javascript:alert(1)"),
            "sources[0]: url: must be an http:// or https:// address, not “javascript:alert(1)”",
        ),
        (
            lambda d: d["stakeholders"][0].update(url="data:text/html,<script>"),
            "stakeholders[0]: url: must be an http:// or https:// address, not “data:text/html,<script>”",
        ),
        (lambda d: d["claims"][0].pop("text"), "claims[0]: text: is missing"),
        (lambda d: d["links"][0].update(claim=None), "links[0]: claim: is missing"),
        (lambda d: d["stances"][0].update(stakeholder=None), "stances[0]: stakeholder: is missing"),
        (lambda d: d["claims"][0].update(colour="red"), "claims[0]: unknown field: colour"),
        (
            lambda d: d["claims"][0].update(base_score=1.5),
            "claims[0]: base_score: must be a number from 0.0 to 1.0, not 1.5",
        ),
        (lambda d: d["claims"][0].update(base_score=True), "claims[0]: base_score: must be a number from 0.0 to 1.0"),
        (
            lambda d: d["links"][0].update(polarity="agrees"),
            "links[0]: polarity: must be one of opposes, supports, not “agrees”",
        ),
        (
            lambda d: d["stances"][0].update(held_on="21/07/2025"),
            "stances[0]: held_on: must be a date written YYYY-MM-DD, not “21/07/2025”",
        ),
        (lambda d: d["claims"][0].update(uid="not-a-uuid"), "claims[0]: uid: must be a UUID, not “not-a-uuid”"),
        (
            lambda d: d["topic"].update(slug="not a slug"),
            "topic: slug: must be a slug (letters, digits, - and _; at most 100), not “not a slug”",
        ),
        (
            lambda d: d["topic"].update(status="secret"),
            "topic: status: must be one of archived, draft, in_review, published, not “secret”",
        ),
        (lambda d: d.update(claims={}), "claims: must be a list of rows"),
        (lambda d: d["claims"].append("a claim"), "claims[2]: must be an object with named fields"),
    ],
)
def test_a_value_that_breaks_a_rule_is_refused_with_its_place(document, change, expected):
    change(document)
    found = problems(native(document))
    assert found[0] == expected
    # A claim that is not there (no list, or another uid) leaves its links pointing at nothing.
    assert all(": no claim “" in problem for problem in found[1:])


def test_references_to_nothing_are_refused(document):
    missing = str(uuid.uuid4())
    document["links"][0]["target_position"] = missing
    document["citations"][0]["source"] = missing
    document["stances"][0]["stakeholder"] = "nobody"
    assert problems(native(document)) == [
        "stances[0]: stakeholder: no stakeholder “nobody” in the file or the database",
        f"citations[0]: source: no source “{missing}” in the file or the database",
        f"links[0]: target_position: no position “{missing}” in the file",
    ]


def test_a_reference_to_another_topics_claim_is_refused(document):
    elsewhere = ClaimFactory(topic__slug="elsewhere")
    document["links"][0].update(target_position=None, target_claim=str(elsewhere.uid))
    assert problems(native(document)) == [
        f"links[0]: target_claim: the claim “{elsewhere.uid}” belongs to another topic (“elsewhere”); "
        "a map refers only to its own positions and claims"
    ]


def test_a_circle_of_support_is_refused_with_the_links_that_close_it(document):
    first, second = document["claims"][0]["uid"], document["claims"][1]["uid"]
    document["links"][1].update(claim=second, target_claim=first, polarity="supports")
    document["links"].append({**document["links"][1], "uid": str(uuid.uuid4()), "claim": first, "target_claim": second})
    assert problems(native(document)) == [
        "links[1], links[2]: these links close a circle of support (claims[1] → claims[0] → claims[1]); "
        "support may not run in a circle"
    ]


def test_mutual_opposition_is_fine(document):
    first, second = document["claims"][0]["uid"], document["claims"][1]["uid"]
    document["links"][1].update(claim=second, target_claim=first, polarity="opposes")
    document["links"].append({**document["links"][1], "uid": str(uuid.uuid4()), "claim": first, "target_claim": second})
    assert import_map(io.BytesIO(native(document)), "json").ok


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d, link: link.update(target_claim=link["claim"], target_position=None),
            "links[0]: a claim cannot support or oppose itself",
        ),
        (
            lambda d, link: link.update(target_claim=d["claims"][1]["uid"]),
            "links[0]: a link targets exactly one thing: a position or a claim",
        ),
        (
            lambda d, link: d["links"].append({**link, "uid": str(uuid.uuid4())}),
            "links[2]: the same link as links[0]",
        ),
    ],
)
def test_links_that_break_domain_rules_are_refused(document, change, expected):
    change(document, document["links"][0])
    assert problems(native(document)) == [expected]


def test_stances_that_break_domain_rules_are_refused(document):
    stance = document["stances"][0]
    stance.update(basis="stated", quote="", source=None)
    document["stances"].append({**stance, "uid": str(uuid.uuid4()), "basis": "inferred"})
    assert problems(native(document)) == [
        "stances[0]: quote: a stated stance needs the stakeholder's words",
        "stances[0]: source: a stated or paraphrased stance needs its source (or mark it inferred)",
        "stances[1]: the same stakeholder's stance on the same position as stances[0]",
    ]


def test_every_problem_is_reported_at_once(document):
    document["claims"][0]["text"] = ""
    document["claims"][1]["base_score"] = -1
    document["sources"][0]["url"] = "vbscript:msgbox"
    assert len(problems(native(document))) == 3


def test_a_file_over_the_size_limit_is_refused_in_every_format(document, settings):
    settings.IMPORT_MAX_BYTES = 100
    content = native(document)
    assert len(content) > 100
    expected = ["the file is larger than the import limit of 100 bytes (setting IMPORT_MAX_BYTES)"]
    assert problems(content) == expected
    assert problems(b"[A]: claim\n" * 20, "argdown") == expected
    assert problems(b"<graphml>" + b" " * 200 + b"</graphml>", "graphml") == expected
    assert problems(b"ref,text\n" + b"a,b\n" * 40, "csv") == expected


# -- AIF ---------------------------------------------------------------------


def aif(nodes, edges, **rest) -> bytes:
    return orjson.dumps({"nodes": nodes, "edges": edges, "locutions": [], "participants": [], **rest})


def node(node_id, kind="I", text="A claim"):
    return {"nodeID": str(node_id), "text": f"{text} {node_id}", "type": kind, "timestamp": "2025-07-22 09:00:00"}


def edge(edge_id, start, end):
    return {"edgeID": str(edge_id), "fromID": str(start), "toID": str(end), "formEdgeID": None}


def test_aif_with_unknown_node_types_and_edges_to_missing_nodes_is_refused():
    content = aif(
        [node(1), node(2), node(3, "XX"), node(4, "RA", "Default Inference")],
        [edge(10, 1, 4), edge(11, 4, 2), edge(12, 2, 99), edge(13, "", 1)],
    )
    assert problems(content, "aif") == [
        "node 3: unknown node type “XX” (AIF has CA, I, L, MA, PA, RA, TA, YA)",
        "edge 12: toID “99” is not a node",
        "edge 13: fromID “None” is not a node",
    ]


def test_aif_support_running_in_a_circle_is_refused_with_its_nodes():
    content = aif(
        [node(1), node(2), node(3, "RA", "Default Inference"), node(4, "RA", "Default Inference")],
        [edge(1, 1, 3), edge(2, 3, 2), edge(3, 2, 4), edge(4, 4, 1)],
    )
    assert problems(content, "aif") == [
        "node 3 (RA), node 4 (RA): these links close a circle of support (node 1 → node 2 → node 1); "
        "support may not run in a circle"
    ]


def test_aif_without_nodes_is_refused():
    assert problems(b'{"nodes": {}}', "aif") == ["an AIF file is a JSON object with “nodes” and “edges” lists"]


def test_aif_text_with_a_nul_character_is_refused_at_its_node():
    content = aif([node(1, text="bad\x00text")], [])
    assert problems(content, "aif") == ["node 1: text: contains a NUL character"]


# -- XML ---------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
<graph><node id="a"><data key="t">&lol3;</data></node></graph></graphml>
"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE graphml [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
<graph><node id="a"><data key="t">&secret;</data></node></graph></graphml>
"""


@pytest.mark.parametrize("content", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["billion-laughs", "external-entity"])
def test_xml_entity_tricks_are_refused_before_they_expand(content):
    assert problems(content, "graphml") == [
        "the file declares a DTD or entities, which argmap refuses (XML entity expansion)"
    ]


def test_malformed_xml_is_refused_with_its_line_and_column():
    content = b'<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n<graph>\n<node id="a">\n</graph>'
    assert problems(content, "graphml") == ["line 4, column 2: not well-formed XML: mismatched tag: line 4, column 2"]


def test_graphml_links_without_a_polarity_or_between_unknown_nodes_are_refused():
    content = b"""<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
<key id="t" for="node" attr.name="text" attr.type="string"/>
<graph edgedefault="directed">
<node id="a"><data key="t">A</data></node><node id="b"><data key="t">B</data></node>
<edge id="e1" source="a" target="b"/><edge id="e2" source="a" target="z"/>
</graph></graphml>"""
    assert problems(content, "graphml") == [
        "edge e2: target “z” is not a position or claim",
        "edge e1: polarity: must be one of opposes, supports, not “”",
    ]


# -- Argdown and CSV ---------------------------------------------------------


def test_argdown_support_in_a_circle_is_refused_with_its_lines():
    content = b"[A]: First.\n  + [B]: Second.\n    + [A]\n"
    assert problems(content, "argdown") == [
        "line 2, line 3: these links close a circle of support (line 2 → line 1 → line 2); "
        "support may not run in a circle"
    ]


def test_argdown_text_with_a_nul_character_is_refused_at_its_line():
    assert problems(b"[A]: First.\n  - [B]: Bad \x00 text.\n", "argdown") == ["line 2: text: contains a NUL character"]


# -- The database as the last line -------------------------------------------


def test_a_concurrent_writer_makes_the_import_fail_cleanly(document, monkeypatch):
    checked = argmap.interchange.check

    def check_then_race(incoming, **options):
        plan = checked(incoming, **options)
        Topic.objects.create(slug=incoming.topic["slug"], title="Someone else's", question="First?")
        return plan

    monkeypatch.setattr(argmap.interchange, "check", check_then_race)
    report = import_map(io.BytesIO(native(document)), "json")
    assert not report.ok
    assert report.problems[0].message.startswith("the database refused the map, nothing was imported")
    assert Topic.objects.get().title == "Someone else's"
    assert not Claim.objects.exists()
    assert connection.in_atomic_block  # the test's transaction is still usable
