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

from argmap.interchange.files import LimitedReader, Progress
from argmap.interchange.importing import IncomingMap, Unreadable
from argmap.loading import MapData, some_columns
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
NEEDS_ESCAPING = re.compile('[&<>"\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]')
RELATIONSHIP_LABELS = dict(RelationshipKind.choices)
# What the writer reads of a map: the columns its nodes and edges carry.
COLUMNS = some_columns(
    positions=("id", "uid", "title"),
    sources=("id", "uid", "title", "url"),
    stances=("id", "uid", "stakeholder_id", "position_id", "claim_id", "stance", "quote"),
    citations=("id", "uid", "claim_id", "source_id", "quote"),
    relationships=("id", "uid", "from_stakeholder_id", "to_stakeholder_id", "kind"),
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


def write(topic: Topic, data: MapData) -> Iterator[bytes]:
    """The GraphML document of `topic`, whose map is `data`, in chunks of UTF-8.

    Each element is written by an f-string of its own: kinds, uids, slugs, polarities and
    numbers are argmap's own and go out as they are; only texts and URLs are escaped."""
    position = {row["id"]: f"position-{row['uid']}" for row in data.positions}
    claim = {row["id"]: f"claim-{row['uid']}" for row in data.claims}
    stakeholder = {row["id"]: f"stakeholder-{row['slug']}" for row in data.stakeholders}
    slug = {row["id"]: row["slug"] for row in data.stakeholders}
    source = {row["id"]: f"source-{row['uid']}" for row in data.sources}

    def node(position_id: int | None, claim_id: int | None) -> str:
        return position[position_id] if position_id else claim[claim_id]

    def chunks() -> Iterator[bytes]:
        question = _text("g_text", topic.question)
        yield f'{HEAD}  <graph id="{xml_text(topic.slug)}" edgedefault="directed">{question}\n'.encode()
        lines = [
            f'    <node id="{position[row["id"]]}"><data key="n_kind">position</data>{_text("n_text", row["title"])}'
            f'<data key="n_uid">{row["uid"]}</data></node>\n'
            for row in data.positions
        ]
        lines += [
            f'    <node id="{claim[row["id"]]}"><data key="n_kind">claim</data>{_text("n_text", row["text"])}'
            f'<data key="n_uid">{row["uid"]}</data><data key="n_base_score">{row["base_score"]}</data></node>\n'
            for row in data.claims
        ]
        lines += [
            f'    <node id="{stakeholder[row["id"]]}"><data key="n_kind">stakeholder</data>'
            f"{_text('n_text', row['name'])}{_text('n_url', row['url'])}</node>\n"
            for row in data.stakeholders
        ]
        lines += [
            f'    <node id="{source[row["id"]]}"><data key="n_kind">source</data>{_text("n_text", row["title"])}'
            f'{_text("n_url", row["url"])}<data key="n_uid">{row["uid"]}</data></node>\n'
            for row in data.sources
        ]
        yield "".join(lines).encode()
        lines = [
            f'    <edge id="link-{row["uid"]}" source="{claim[row["claim_id"]]}" '
            f'target="{node(row["target_position_id"], row["target_claim_id"])}">'
            f'<data key="e_kind">link</data><data key="e_polarity">{row["polarity"]}</data></edge>\n'
            for row in data.links
        ]
        lines += [
            f'    <edge id="stance-{row["uid"]}" source="{stakeholder[row["stakeholder_id"]]}" '
            f'target="{node(row["position_id"], row["claim_id"])}">'
            f'<data key="e_kind">stance</data><data key="e_polarity">{row["stance"]}</data>'
            f'<data key="e_stakeholder">{slug[row["stakeholder_id"]]}</data>{_text("e_text", row["quote"])}</edge>\n'
            for row in data.stances
        ]
        lines += [
            f'    <edge id="citation-{row["uid"]}" source="{claim[row["claim_id"]]}" '
            f'target="{source[row["source_id"]]}"><data key="e_kind">citation</data>'
            f"{_text('e_text', row['quote'])}</edge>\n"
            for row in data.citations
        ]
        lines += [
            f'    <edge id="relationship-{row["uid"]}" source="{stakeholder[row["from_stakeholder_id"]]}" '
            f'target="{stakeholder[row["to_stakeholder_id"]]}"><data key="e_kind">relationship</data>'
            f"{_text('e_text', RELATIONSHIP_LABELS.get(row['kind'], row['kind']))}</edge>\n"
            for row in data.relationships
        ]
        lines += [
            f'    <edge id="part-of-{row["slug"]}" source="{stakeholder[row["id"]]}" '
            f'target="{stakeholder[row["parent_id"]]}"><data key="e_kind">part_of</data></edge>\n'
            for row in data.stakeholders
            if row["parent_id"] is not None
        ]
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
