"""GraphML (http://graphml.graphdrawing.org/), for network tools: networkx, yEd, Gephi.

Nodes are positions, claims, stakeholders and sources; edges are links (claim → position
or claim, with their polarity), stances (stakeholder → position or claim: the polarity
is the stance), citations (claim → source), relationships and "part of" ties between
stakeholders. Declared keys: on nodes kind, text, url, uid, base_score, and a claim's claim_kind,
fact_check, settled_by (the settling source's uid) and score_reason; on edges kind,
polarity, stakeholder (the slug, on stances), text (a stance's or citation's quote, a
relationship's kind) and basis (stated or inferred, on links and relationships); on the
graph, text (the topic's question).

XML 1.0 cannot hold control characters other than tab and line breaks: any in a text
is written as U+FFFD.

The import reads the argument back (positions, claims and links) and skips the rest.
XML is parsed with defusedxml, which refuses DTDs and entities (billion laughs,
external entities) before they expand.
"""

from __future__ import annotations

import itertools
import re
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import IO, Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, iterparse

from argmap.interchange.files import LimitedReader, Progress
from argmap.interchange.reading import IncomingMap, Unreadable
from argmap.loading import MapColumns, some_columns
from argmap.models import RelationshipKind, Topic

NAMESPACE = "http://graphml.graphdrawing.org/xmlns"
HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    f'<graphml xmlns="{NAMESPACE}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    f'xsi:schemaLocation="{NAMESPACE} {NAMESPACE}/1.0/graphml.xsd">\n'
    '  <key id="g_text" for="graph" attr.name="text" attr.type="string"/>\n'
    '  <key id="n_kind" for="node" attr.name="kind" attr.type="string"/>\n'
    '  <key id="n_text" for="node" attr.name="text" attr.type="string"/>\n'
    '  <key id="n_url" for="node" attr.name="url" attr.type="string"/>\n'
    '  <key id="n_uid" for="node" attr.name="uid" attr.type="string"/>\n'
    '  <key id="n_base_score" for="node" attr.name="base_score" attr.type="double"/>\n'
    '  <key id="n_claim_kind" for="node" attr.name="claim_kind" attr.type="string"/>\n'
    '  <key id="n_fact_check" for="node" attr.name="fact_check" attr.type="string"/>\n'
    '  <key id="n_settled_by" for="node" attr.name="settled_by" attr.type="string"/>\n'
    '  <key id="n_score_reason" for="node" attr.name="score_reason" attr.type="string"/>\n'
    '  <key id="e_kind" for="edge" attr.name="kind" attr.type="string"/>\n'
    '  <key id="e_polarity" for="edge" attr.name="polarity" attr.type="string"/>\n'
    '  <key id="e_stakeholder" for="edge" attr.name="stakeholder" attr.type="string"/>\n'
    '  <key id="e_text" for="edge" attr.name="text" attr.type="string"/>\n'
    '  <key id="e_basis" for="edge" attr.name="basis" attr.type="string"/>\n'
)
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
NEEDS_ESCAPING = re.compile('[&<>"\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]')
RELATIONSHIP_LABELS = dict(RelationshipKind.choices)
LINES_PER_CHUNK = 4000  # nodes and edges per chunk written: about a megabyte
# What the writer reads of a map: the columns its nodes and edges carry.
COLUMNS = some_columns(
    positions=("id", "uid", "title"),
    sources=("id", "uid", "title", "url"),
    stances=("id", "uid", "stakeholder_id", "position_id", "claim_id", "stance", "quote"),
    citations=("id", "uid", "claim_id", "source_id", "quote"),
    relationships=("id", "uid", "from_stakeholder_id", "to_stakeholder_id", "kind", "basis"),
    salience=("id",),
)


def xml_text(text: str) -> str:
    """`text` escaped for XML content and attribute values."""
    if not NEEDS_ESCAPING.search(text):
        return text  # most texts: one scan instead of six
    if NOT_XML.search(text):
        text = NOT_XML.sub("\ufffd", text)
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("\r", "&#13;")
    )


def _text(key: str, text: str | None) -> str:
    """A <data> element of free text (escaped), or nothing for an empty text."""
    return f'<data key="{key}">{xml_text(text)}</data>' if text else ""


def _chunks(lines: Iterator[str]) -> Iterator[bytes]:
    """`lines` encoded LINES_PER_CHUNK at a time: the document is never held whole."""
    while batch := list(itertools.islice(lines, LINES_PER_CHUNK)):
        yield "".join(batch).encode()


def write(topic: Topic, data: MapColumns) -> Iterator[bytes]:
    """The GraphML document of `topic`, whose map is `data`, in chunks of UTF-8.

    Each element is written by an f-string of its own, from the map's columns: kinds, uids,
    slugs, polarities and numbers are argmap's own and go out as they are; only texts and
    URLs are escaped."""
    positions, claims, links = data["positions"], data["claims"], data["links"]
    stances, citations, relationships = data["stances"], data["citations"], data["relationships"]
    stakeholders, sources = data["stakeholders"], data["sources"]
    position = dict(zip(positions["id"], [f"position-{uid}" for uid in positions["uid"]], strict=True))
    claim = dict(zip(claims["id"], [f"claim-{uid}" for uid in claims["uid"]], strict=True))
    stakeholder = dict(zip(stakeholders["id"], [f"stakeholder-{slug}" for slug in stakeholders["slug"]], strict=True))
    slug = dict(zip(stakeholders["id"], stakeholders["slug"], strict=True))
    source = dict(zip(sources["id"], [f"source-{uid}" for uid in sources["uid"]], strict=True))

    def nodes(position_ids: list[int | None], claim_ids: list[int | None]) -> list[str]:
        """The node of each pair: the position if there is one, else the claim."""
        return [position[p] if p else claim[c] for p, c in zip(position_ids, claim_ids, strict=True)]

    def lines() -> Iterator[str]:
        question = _text("g_text", topic.question)
        yield f'{HEAD}  <graph id="{xml_text(topic.slug)}" edgedefault="directed">{question}\n'
        yield from (
            f'    <node id="{node}"><data key="n_kind">position</data>{_text("n_text", title)}'
            f'<data key="n_uid">{uid}</data></node>\n'
            for node, title, uid in zip(position.values(), positions["title"], positions["uid"], strict=True)
        )
        source_uid = dict(zip(sources["id"], sources["uid"], strict=True))
        yield from (
            f'    <node id="{node}"><data key="n_kind">claim</data>{_text("n_text", text)}'
            f'<data key="n_uid">{uid}</data><data key="n_base_score">{score}</data>'
            f'<data key="n_claim_kind">{kind}</data><data key="n_fact_check">{check}</data>'
            f"{_text('n_settled_by', source_uid.get(settled_by))}{_text('n_score_reason', reason)}</node>\n"
            for node, text, uid, score, kind, check, settled_by, reason in zip(
                claim.values(), claims["text"], claims["uid"], claims["base_score"], claims["kind"],
                claims["fact_check"], claims["settled_by_id"], claims["score_reason"], strict=True,
            )
        )  # fmt: skip
        yield from (
            f'    <node id="{node}"><data key="n_kind">stakeholder</data>'
            f"{_text('n_text', name)}{_text('n_url', url)}</node>\n"
            for node, name, url in zip(stakeholder.values(), stakeholders["name"], stakeholders["url"], strict=True)
        )
        yield from (
            f'    <node id="{node}"><data key="n_kind">source</data>{_text("n_text", title)}'
            f'{_text("n_url", url)}<data key="n_uid">{uid}</data></node>\n'
            for node, title, url, uid in zip(
                source.values(), sources["title"], sources["url"], sources["uid"], strict=True
            )
        )
        yield from (
            f'    <edge id="link-{uid}" source="{claim[premise]}" target="{conclusion}">'
            f'<data key="e_kind">link</data><data key="e_polarity">{polarity}</data>'
            f'<data key="e_basis">{basis}</data></edge>\n'
            for uid, premise, conclusion, polarity, basis in zip(
                links["uid"],
                links["claim_id"],
                nodes(links["target_position_id"], links["target_claim_id"]),
                links["polarity"],
                links["basis"],
                strict=True,
            )
        )
        yield from (
            f'    <edge id="stance-{uid}" source="{stakeholder[holder]}" target="{subject}">'
            f'<data key="e_kind">stance</data><data key="e_polarity">{stance}</data>'
            f'<data key="e_stakeholder">{slug[holder]}</data>{_text("e_text", quote)}</edge>\n'
            for uid, holder, subject, stance, quote in zip(
                stances["uid"],
                stances["stakeholder_id"],
                nodes(stances["position_id"], stances["claim_id"]),
                stances["stance"],
                stances["quote"],
                strict=True,
            )
        )
        yield from (
            f'    <edge id="citation-{uid}" source="{claim[citing]}" target="{source[cited]}">'
            f'<data key="e_kind">citation</data>{_text("e_text", quote)}</edge>\n'
            for uid, citing, cited, quote in zip(
                citations["uid"], citations["claim_id"], citations["source_id"], citations["quote"], strict=True
            )
        )
        yield from (
            f'    <edge id="relationship-{uid}" source="{stakeholder[one]}" target="{stakeholder[other]}">'
            f'<data key="e_kind">relationship</data>{_text("e_text", RELATIONSHIP_LABELS.get(kind, kind))}'
            f'<data key="e_basis">{basis}</data></edge>\n'
            for uid, one, other, kind, basis in zip(
                relationships["uid"],
                relationships["from_stakeholder_id"],
                relationships["to_stakeholder_id"],
                relationships["kind"],
                relationships["basis"],
                strict=True,
            )
        )
        yield from (
            f'    <edge id="part-of-{part_slug}" source="{stakeholder[part]}" target="{stakeholder[whole]}">'
            f'<data key="e_kind">part_of</data></edge>\n'
            for part, part_slug, whole in zip(
                stakeholders["id"], stakeholders["slug"], stakeholders["parent_id"], strict=True
            )
            if whole is not None
        )
        yield "  </graph>\n</graphml>\n"

    return _chunks(lines())


# ---------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------


def read(stream: IO[bytes], *, name: str, limit: int, progress: Progress | None = None) -> IncomingMap:
    """The argument in a GraphML file (positions, claims, links) as an IncomingMap."""
    incoming = IncomingMap()
    names: dict[str, str] = {}  # key id -> attribute name
    uids: dict[str, str] = {}  # node id -> uid of its position or claim
    positions: set[str] = set()
    sources: dict[str, dict[str, str]] = {}  # source uid -> its row, for the facts it settles
    settling: dict[str, str] = {}  # source uid -> where a claim names it as settling its check
    edges: list[tuple[str, dict[str, str], str, str]] = []
    skipped: Counter[str] = Counter()
    reader = LimitedReader(stream, limit=limit, progress=progress)
    tag = f"{{{NAMESPACE}}}"
    try:
        for _event, element in iterparse(reader, events=("end",), forbid_dtd=True):
            local = element.tag.removeprefix(tag)
            if local == "key":
                names[element.get("id", "")] = element.get("attr.name") or element.get("id", "")
            elif local == "node":
                node_id = element.get("id")
                values = _values(element, names, tag)
                kind = values.get("kind", "claim")
                where = f"node {node_id}"
                if not node_id:
                    incoming.problem("node", "a node needs an id")
                elif node_id in uids:
                    incoming.problem(where, "two nodes have this id")
                elif kind in ("position", "claim"):
                    uids[node_id] = values.get("uid") or str(uuid.uuid4())
                    if kind == "position":
                        positions.add(node_id)
                        row = {"uid": uids[node_id], "title": values.get("text", ""), "order": len(positions) - 1}
                        incoming.add("positions", row, where)
                    else:
                        score = _number(values.get("base_score", "0.5"))
                        row = {"uid": uids[node_id], "text": values.get("text", ""), "base_score": score}
                        row.update({column: values[key] for key, column in CLAIM_KEYS.items() if key in values})
                        if values.get("settled_by"):
                            settling.setdefault(values["settled_by"], where)
                        incoming.add("claims", row, where)
                elif kind == "source" and values.get("uid"):
                    sources[values["uid"]] = {"uid": values["uid"], "title": values.get("text", ""),
                                              "url": values.get("url", "")}  # fmt: skip
                    skipped[f"{kind} nodes"] += 1
                else:
                    skipped[f"{kind} nodes"] += 1
                element.clear()
            elif local == "edge":
                edges.append(
                    (
                        f"edge {element.get('id') or f'#{len(edges) + 1}'}",
                        _values(element, names, tag),
                        element.get("source", ""),
                        element.get("target", ""),
                    )
                )
                element.clear()
    except DefusedXmlException:
        raise Unreadable(
            "", "the file declares a DTD or entities, which argmap refuses (XML entity expansion)"
        ) from None
    except ParseError as error:
        line, column = error.position
        raise Unreadable(f"line {line}, column {column}", f"not well-formed XML: {error}") from None
    for where, values, start, end in edges:
        kind = values.get("kind", "link")
        if kind != "link":
            skipped[f"{kind} edges"] += 1
            continue
        missing = [
            f"{side} “{node}” is not a position or claim"
            for side, node in (("source", start), ("target", end))
            if node not in uids
        ]
        if missing:
            incoming.problem(where, "; ".join(missing))
            continue
        if start in positions:
            incoming.problem(where, f"its source, node {start}, is a position, which cannot argue")
            continue
        target = "target_position" if end in positions else "target_claim"
        # The polarity is checked with every other rule (checking.py): a missing one is reported there.
        row = {"claim": uids[start], "target_position": None, "target_claim": None, target: uids[end]}
        if "basis" in values:
            row["basis"] = values["basis"]
        incoming.add("links", {**row, "polarity": values.get("polarity", "")}, where)
    # The sources that settle facts' checks come along (their title and address: GraphML
    # carries no more of them); the rest are skipped with the other nodes.
    for uid, where in settling.items():
        if uid in sources:
            incoming.add("sources", sources[uid], f"{where} (the source that settles its check)")
    for kind, count in sorted(skipped.items()):
        incoming.note("", f"skipped {count:,} {kind}: the GraphML import reads positions, claims and links")
    return incoming


CLAIM_KEYS = {"claim_kind": "kind", "fact_check": "fact_check", "settled_by": "settled_by",
              "score_reason": "score_reason"}  # fmt: skip


def _values(element: Any, names: dict[str, str], tag: str) -> dict[str, str]:
    return {names.get(item.get("key", ""), item.get("key", "")): item.text or "" for item in element.iter(f"{tag}data")}


def _number(value: str) -> Any:
    try:
        return float(value)
    except ValueError:
        return value
