"""GraphML (http://graphml.graphdrawing.org/), for network tools: networkx, yEd, Gephi.

Nodes are positions, claims, stakeholders and sources; edges are links (claim → position
or claim, with their polarity), stances (stakeholder → position or claim: the polarity
is the stance), citations (claim → source), relationships and "part of" ties between
stakeholders. Declared keys: on nodes kind, text, url, uid, base_score; on edges kind,
polarity, stakeholder (the slug, on stances) and text (a stance's or citation's quote, a
relationship's kind); on the graph, text (the topic's question).

XML 1.0 cannot hold control characters other than tab and line breaks: any in a text
is written as U+FFFD.

The import reads the argument back (positions, claims and links) and skips the rest.
XML is parsed with defusedxml, which refuses DTDs and entities (billion laughs,
external entities) before they expand.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import IO, Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, iterparse

from argmap.interchange.document import load_complete_map
from argmap.interchange.files import LimitedReader, Progress
from argmap.interchange.importing import IncomingMap, Unreadable
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
    '  <key id="e_kind" for="edge" attr.name="kind" attr.type="string"/>\n'
    '  <key id="e_polarity" for="edge" attr.name="polarity" attr.type="string"/>\n'
    '  <key id="e_stakeholder" for="edge" attr.name="stakeholder" attr.type="string"/>\n'
    '  <key id="e_text" for="edge" attr.name="text" attr.type="string"/>\n'
)
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
RELATIONSHIP_LABELS = dict(RelationshipKind.choices)
FREE_TEXT = {"text", "url"}


def xml_text(text: str) -> str:
    """`text` escaped for XML content and attribute values."""
    if NOT_XML.search(text):
        text = NOT_XML.sub("\ufffd", text)
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("\r", "&#13;")
    )


def export(topic: Topic) -> Iterator[bytes]:
    """The GraphML document of `topic` (one query), in chunks of UTF-8."""
    data = load_complete_map(topic)
    position = {row["id"]: f"position-{row['uid']}" for row in data.positions}
    claim = {row["id"]: f"claim-{row['uid']}" for row in data.claims}
    stakeholder = {row["id"]: f"stakeholder-{row['slug']}" for row in data.stakeholders}
    slug = {row["id"]: row["slug"] for row in data.stakeholders}
    source = {row["id"]: f"source-{row['uid']}" for row in data.sources}

    def data_of(prefix: str, values: dict[str, Any]) -> str:
        # Only texts and URLs need escaping: kinds, uids, slugs and numbers are argmap's own.
        return "".join(
            f'<data key="{prefix}_{key}">{xml_text(value) if key in FREE_TEXT else value}</data>'
            for key, value in values.items()
            if value != "" and value is not None
        )

    def chunks() -> Iterator[bytes]:
        question = data_of("g", {"text": topic.question})
        yield f'{HEAD}  <graph id="{xml_text(topic.slug)}" edgedefault="directed">{question}\n'.encode()
        lines = []
        for row in data.positions:
            values = {"kind": "position", "text": row["title"], "uid": row["uid"]}
            lines.append(f'    <node id="{position[row["id"]]}">{data_of("n", values)}</node>\n')
        for row in data.claims:
            values = {"kind": "claim", "text": row["text"], "uid": row["uid"], "base_score": row["base_score"]}
            lines.append(f'    <node id="{claim[row["id"]]}">{data_of("n", values)}</node>\n')
        for row in data.stakeholders:
            values = {"kind": "stakeholder", "text": row["name"], "url": row["url"]}
            lines.append(f'    <node id="{stakeholder[row["id"]]}">{data_of("n", values)}</node>\n')
        for row in data.sources:
            values = {"kind": "source", "text": row["title"], "url": row["url"], "uid": row["uid"]}
            lines.append(f'    <node id="{source[row["id"]]}">{data_of("n", values)}</node>\n')
        yield "".join(lines).encode()
        lines = []

        def edge(edge_id: str, start: str, end: str, values: dict[str, Any]) -> None:
            lines.append(f'    <edge id="{edge_id}" source="{start}" target="{end}">{data_of("e", values)}</edge>\n')

        for row in data.links:
            target = position.get(row["target_position_id"]) or claim[row["target_claim_id"]]
            edge(f"link-{row['uid']}", claim[row["claim_id"]], target, {"kind": "link", "polarity": row["polarity"]})
        for row in data.stances:
            subject = position.get(row["position_id"]) or claim[row["claim_id"]]
            values = {
                "kind": "stance",
                "polarity": row["stance"],
                "stakeholder": slug[row["stakeholder_id"]],
                "text": row["quote"],
            }
            edge(f"stance-{row['uid']}", stakeholder[row["stakeholder_id"]], subject, values)
        for row in data.citations:
            edge(
                f"citation-{row['uid']}",
                claim[row["claim_id"]],
                source[row["source_id"]],
                {"kind": "citation", "text": row["quote"]},
            )
        for row in data.relationships:
            values = {"kind": "relationship", "text": RELATIONSHIP_LABELS.get(row["kind"], row["kind"])}
            edge(
                f"relationship-{row['uid']}",
                stakeholder[row["from_stakeholder_id"]],
                stakeholder[row["to_stakeholder_id"]],
                values,
            )
        for row in data.stakeholders:
            if row["parent_id"] is not None:
                edge(
                    f"part-of-{row['slug']}", stakeholder[row["id"]], stakeholder[row["parent_id"]], {"kind": "part_of"}
                )
        lines.append("  </graph>\n</graphml>\n")
        yield "".join(lines).encode()

    return chunks()


# ---------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------


def read(stream: IO[bytes], *, name: str, limit: int, progress: Progress | None = None) -> IncomingMap:
    """The argument in a GraphML file (positions, claims, links) as an IncomingMap."""
    incoming = IncomingMap()
    names: dict[str, str] = {}  # key id -> attribute name
    uids: dict[str, str] = {}  # node id -> uid of its position or claim
    positions: set[str] = set()
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
                        incoming.add(
                            "claims", {"uid": uids[node_id], "text": values.get("text", ""), "base_score": score}, where
                        )
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
        # The polarity is checked with every other rule (importing.py): a missing one is reported there.
        row = {"claim": uids[start], "target_position": None, "target_claim": None, target: uids[end]}
        incoming.add("links", {**row, "polarity": values.get("polarity", "")}, where)
    for kind, count in sorted(skipped.items()):
        incoming.note("", f"skipped {count:,} {kind}: the GraphML import reads positions, claims and links")
    return incoming


def _values(element: Any, names: dict[str, str], tag: str) -> dict[str, str]:
    return {names.get(item.get("key", ""), item.get("key", "")): item.text or "" for item in element.iter(f"{tag}data")}


def _number(value: str) -> Any:
    try:
        return float(value)
    except ValueError:
        return value
