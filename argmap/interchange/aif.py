"""AIF, the Argument Interchange Format, in the JSON form AIFdb serves (and OVA, arguebuf
and other tools of the argument-technology ecosystem read):

    {"nodes": [{"nodeID", "text", "type", "timestamp"}], "edges": [{"edgeID", "fromID",
     "toID", "formEdgeID": null}], "locutions": [...], "participants": [...]}

Positions and claims are I nodes; a link that supports is I → RA → I (RA "Default
Inference"), one that opposes is I → CA → I (CA "Default Conflict"). Stakeholders are
participants; a stated stance is an L node ("Speaker: quote") anchored by
L → YA → I, with its locution. argmap's richer data (which I nodes are positions, uids,
stakeholders, stances, sources, citations, relationships, salience) rides along under
the one key "argmap", which AIF readers ignore and which makes the round trip exact.

Imports take any AIF argument graph: I nodes become claims (positions, when the
"argmap" key says so), RA nodes supports from each premise to each conclusion, CA nodes
opposition; an L → YA → I anchor becomes a stated stance of the locution's participant.
What argmap does not model (dialogue transitions TA, rephrases MA, preferences PA,
attacks on an inference) is skipped and reported as a note.
"""

from __future__ import annotations

import itertools
import re
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timezone
from typing import IO, Any

import orjson
from django.utils.text import slugify

from argmap.interchange.document import portable_rows, topic_fields
from argmap.interchange.files import Progress, read_json
from argmap.interchange.reading import IncomingMap, Unreadable
from argmap.loading import MapColumns
from argmap.models import (
    Attitude,
    Basis,
    ClaimKind,
    EdgeBasis,
    FactCheck,
    Polarity,
    SourceKind,
    StakeholderKind,
    Topic,
)

EXTENSION = "argmap"
EXTENSION_FORMAT = "argmap-aif/1"
INFERENCE, CONFLICT = "Default Inference", "Default Conflict"
NODE_TYPES = {"I", "L", "RA", "CA", "MA", "PA", "TA", "YA"}
# The illocution of a stated stance (the YA node's text), and back.
ILLOCUTIONS = {
    Attitude.SUPPORTS: "Asserting",
    Attitude.CONDITIONAL: "Asserting",
    Attitude.OPPOSES: "Disagreeing",
    Attitude.NEUTRAL: "Default Illocuting",
}
ATTITUDES = {
    "asserting": Attitude.SUPPORTS,
    "agreeing": Attitude.SUPPORTS,
    "restating": Attitude.SUPPORTS,
    "disagreeing": Attitude.OPPOSES,
    "default illocuting": Attitude.NEUTRAL,
}
SKIPPED = {
    "TA": "dialogue transitions (TA) skipped: argmap maps the argument, not the dialogue",
    "MA": "rephrases (MA) skipped",
    "PA": "preferences (PA) skipped",
}
# A link's scheme node (its text and type), by the link's polarity.
SCHEMES: dict[str, tuple[str, str]] = {Polarity.SUPPORTS: (INFERENCE, "RA"), Polarity.OPPOSES: (CONFLICT, "CA")}
STATED: str = Basis.STATED
# The rows of these parts ride in the extension as they are in the portable document.
EXTENSION_PARTS = ("stakeholders", "stances", "sources", "citations", "relationships", "salience")


@dataclass(slots=True)
class Node:
    """A node as AIF writes it (orjson writes a dataclass as an object of its fields, in
    order). A big map has hundreds of thousands of nodes and edges, all held while its file
    is written: with slots, each takes a third of the memory of a dict."""

    nodeID: str
    text: str
    type: str
    timestamp: str


@dataclass(slots=True)
class Edge:
    """An edge as AIF writes it (see Node)."""

    edgeID: str
    fromID: str
    toID: str
    formEdgeID: None = None


def write(topic: Topic, data: MapColumns) -> Iterator[bytes]:
    """The AIF document of `topic`, whose map is `data` (UTF-8 JSON, one chunk)."""
    return iter([orjson.dumps(document(topic, data), option=orjson.OPT_APPEND_NEWLINE)])


def document(topic: Topic, data: MapColumns) -> dict[str, Any]:
    """The AIF document of `topic` as a dict for orjson: AIFdb's four lists (the nodes and
    edges as Node and Edge) and argmap's extension.

    Nodes are numbered from 1: the positions' and claims' I nodes, then an RA or CA node
    per link, then an L and a YA node per stated stance; edges are numbered from 1 in the
    order they are made (two per link, then two per stated stance).
    """
    stamp = topic.changed_at.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    positions, claims, links = data.rows("positions"), data.rows("claims"), data.rows("links")
    numbers = itertools.count(1)
    position_node = {row["id"]: str(next(numbers)) for row in positions}
    claim_node = {row["id"]: str(next(numbers)) for row in claims}
    nodes = [Node(position_node[row["id"]], row["title"], "I", stamp) for row in positions]
    nodes += [Node(claim_node[row["id"]], row["text"], "I", stamp) for row in claims]
    about: dict[str, dict[str, Any]] = {
        position_node[row["id"]]: {
            "kind": "position",
            "uid": row["uid"],
            "summary": row["summary"],
            "order": row["order"],
        }
        for row in positions
    }
    source_uid = dict(zip(data["sources"]["id"], data["sources"]["uid"], strict=True))
    about.update({claim_node[row["id"]]: _claim_extension(row, source_uid) for row in claims})
    edges: list[Edge] = []
    edge_numbers = itertools.count(1)

    def edge(source: str, target: str) -> None:
        edges.append(Edge(str(next(edge_numbers)), source, target))

    # A link is premise → scheme node (RA or CA) → conclusion.
    link_uids = {}
    inferred: list[str] = []  # the scheme nodes of links an editor inferred
    for row in links:
        scheme = str(next(numbers))
        text, kind = SCHEMES[row["polarity"]]
        nodes.append(Node(scheme, text, kind, stamp))
        conclusion = (
            position_node[row["target_position_id"]]
            if row["target_position_id"]
            else claim_node[row["target_claim_id"]]
        )
        edge(claim_node[row["claim_id"]], scheme)
        edge(scheme, conclusion)
        link_uids[scheme] = row["uid"]
        if row["basis"] != EdgeBasis.STATED:
            inferred.append(scheme)
    stakeholders = data.rows("stakeholders")
    person = {row["id"]: str(number) for number, row in enumerate(stakeholders, start=1)}
    participants = [
        {"participantID": person[row["id"]], "firstname": row["name"], "surname": ""} for row in stakeholders
    ]
    names = {row["id"]: row["name"] for row in stakeholders}
    sources = {row["id"]: row for row in data.rows("sources")}
    locutions = []
    for row in data.rows("stances"):
        if row["basis"] != STATED:
            continue
        subject = position_node[row["position_id"]] if row["position_id"] else claim_node[row["claim_id"]]
        locution, anchor = str(next(numbers)), str(next(numbers))
        nodes.append(Node(locution, f"{names[row['stakeholder_id']]}: {row['quote']}", "L", stamp))
        nodes.append(Node(anchor, ILLOCUTIONS[row["stance"]], "YA", stamp))
        edge(locution, anchor)
        edge(anchor, subject)
        source = sources.get(row["source_id"])
        locutions.append(
            {
                "nodeID": locution,
                "personID": person[row["stakeholder_id"]],
                "timestamp": f"{row['held_on']} 00:00:00" if row["held_on"] else stamp,
                "start": None,
                "end": None,
                "source": (source["url"] or source["title"]) if source else None,
            }
        )
    extension = {
        "format": EXTENSION_FORMAT,
        "topic": topic_fields(topic),
        "nodes": about,
        "links": link_uids,
        "inferred_links": inferred,
        "participants": {person[row["id"]]: row["slug"] for row in stakeholders},
        **portable_rows(data, EXTENSION_PARTS),
    }
    return {
        "nodes": nodes,
        "edges": edges,
        "locutions": locutions,
        "participants": participants,
        EXTENSION: extension,
    }


# ---------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------


def read(stream: IO[bytes], *, name: str, limit: int, progress: Progress | None = None) -> IncomingMap:
    """An AIF file as an IncomingMap; rows are located by node ("node 17") or edge."""
    aif = read_json(stream, limit=limit, progress=progress)
    if isinstance(aif, dict) and isinstance(aif.get("AIF"), dict):  # xAIF wraps AIF in "AIF"
        aif = {**aif["AIF"], EXTENSION: aif.get(EXTENSION)}
    if not isinstance(aif, dict) or not isinstance(aif.get("nodes"), list) or not isinstance(aif.get("edges"), list):
        raise Unreadable("", "an AIF file is a JSON object with “nodes” and “edges” lists")
    return _Reader(aif, name=name).read()


def _claim_extension(row: dict[str, Any], source_uid: dict[int, str]) -> dict[str, Any]:
    """What the extension says of a claim's I node: its uid and score, and its kind, check,
    settling source and score reason where they are not the defaults."""
    about: dict[str, Any] = {"kind": "claim", "uid": row["uid"], "base_score": row["base_score"]}
    if row["kind"] != ClaimKind.INTERPRETATION:
        about["claim_kind"] = row["kind"]
    if row["fact_check"] != FactCheck.UNCHECKED:
        about["fact_check"] = row["fact_check"]
    if row["settled_by_id"] is not None:
        about["settled_by"] = source_uid[row["settled_by_id"]]
    if row["score_reason"]:
        about["score_reason"] = row["score_reason"]
    return about


CLAIM_EXTENSION = {"claim_kind": "kind", "fact_check": "fact_check", "settled_by": "settled_by",
                   "score_reason": "score_reason"}  # fmt: skip


def _identifier(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str | int) or value == "":
        return None
    return str(value)


class _Reader:
    """Reads one AIF document into an IncomingMap, node by node, collecting what it skips."""

    def __init__(self, aif: dict[str, Any], *, name: str) -> None:
        self.aif, self.name = aif, name
        self.incoming = IncomingMap()
        self.nodes: dict[str, dict[str, Any]] = {}
        self.sources_of: dict[str, list[str]] = defaultdict(list)  # node -> nodes with an edge into it
        self.targets_of: dict[str, list[str]] = defaultdict(list)  # node -> nodes it has an edge to
        self.skipped: Counter[str] = Counter()
        extension = aif.get(EXTENSION)
        if extension is not None and (not isinstance(extension, dict) or extension.get("format") != EXTENSION_FORMAT):
            self.incoming.note(EXTENSION, f"not argmap's extension ({EXTENSION_FORMAT}); ignored")
            extension = None
        self.extension: dict[str, Any] = extension or {}
        self.keys: dict[str, str] = {}  # I node -> uid of its position or claim
        self.positions: set[str] = set()

    def read(self) -> IncomingMap:
        self.read_nodes()
        self.read_edges()
        self.read_information()
        self.read_schemes()
        if isinstance(self.extension.get("stances"), list):
            self.read_extension()
        else:
            self.read_locutions()
        incoming = self.incoming
        topic = self.extension.get("topic")
        incoming.topic = dict(topic) if isinstance(topic, dict) else {}
        incoming.topic_where = f"{EXTENSION}.topic" if isinstance(topic, dict) else "topic"
        for kind, count in sorted(self.skipped.items()):
            incoming.note("", f"{count:,} {kind}")
        return incoming

    def read_nodes(self) -> None:
        """Every node by its id; an unknown type or a repeated id is a problem."""
        for index, node in enumerate(self.aif["nodes"]):
            node_id = _identifier(node.get("nodeID")) if isinstance(node, dict) else None
            if node_id is None:
                self.incoming.problem(f"nodes[{index}]", "a node needs a nodeID")
                continue
            where = f"node {node_id}"
            if node_id in self.nodes:
                self.incoming.problem(where, "two nodes have this nodeID")
                continue
            kind = node.get("type")
            if not isinstance(kind, str) or kind not in NODE_TYPES:
                self.incoming.problem(
                    where, f"unknown node type “{str(kind)[:20]}” (AIF has {', '.join(sorted(NODE_TYPES))})"
                )
                continue
            text = node.get("text", "")
            self.nodes[node_id] = {"type": kind, "text": text}

    def read_edges(self) -> None:
        """Every edge, into the nodes' in and out lists; an edge to a node that is not there is a problem."""
        for index, edge in enumerate(self.aif["edges"]):
            if not isinstance(edge, dict):
                self.incoming.problem(f"edges[{index}]", "an edge is an object with fromID and toID")
                continue
            where = f"edge {_identifier(edge.get('edgeID')) or f'#{index + 1}'}"
            source, target = _identifier(edge.get("fromID")), _identifier(edge.get("toID"))
            missing = [
                f"{end} “{value}” is not a node"
                for end, value in (("fromID", source), ("toID", target))
                if value not in self.nodes
            ]
            if missing:
                self.incoming.problem(where, "; ".join(missing))
                continue
            self.targets_of[source].append(target)
            self.sources_of[target].append(source)

    def read_information(self) -> None:
        """I nodes: claims, or positions when argmap's extension says so."""
        about = self.extension.get("nodes")
        about = about if isinstance(about, dict) else {}
        for node_id, node in self.nodes.items():
            if node["type"] != "I":
                continue
            extra = about.get(node_id)
            extra = extra if isinstance(extra, dict) else {}
            uid = extra.get("uid") or str(uuid.uuid4())
            self.keys[node_id] = uid
            where = f"node {node_id}"
            if extra.get("kind") == "position":
                self.positions.add(node_id)
                row = {
                    "uid": uid,
                    "title": node["text"],
                    "summary": extra.get("summary", ""),
                    "order": extra.get("order", 0),
                }
                self.incoming.add("positions", row, where)
            else:
                row = {"uid": uid, "text": node["text"], "base_score": extra.get("base_score", 0.5)}
                row.update({column: extra[key] for key, column in CLAIM_EXTENSION.items() if key in extra})
                self.incoming.add("claims", row, where)

    def read_schemes(self) -> None:
        """Links from RA and CA nodes: from each premise (an I node with an edge into the
        scheme) to each conclusion (an I node the scheme has an edge to)."""
        link_uids = self.extension.get("links")
        link_uids = link_uids if isinstance(link_uids, dict) else {}
        inferred = self.extension.get("inferred_links")
        inferred = {node for node in inferred if isinstance(node, str)} if isinstance(inferred, list) else set()
        made: set[tuple[str, str, str]] = set()
        for node_id, node in self.nodes.items():
            kind = node["type"]
            if kind in SKIPPED:
                self.skipped[SKIPPED[kind]] += 1
                continue
            if kind not in ("RA", "CA"):
                continue
            premises = [source for source in self.sources_of[node_id] if self.nodes[source]["type"] == "I"]
            conclusions = [target for target in self.targets_of[node_id] if self.nodes[target]["type"] == "I"]
            if not conclusions and self.targets_of[node_id]:
                self.skipped[
                    f"{kind} nodes aimed at another scheme node (undercutters) skipped: a link joins claims"
                ] += 1
                continue
            if not premises or not conclusions:
                self.skipped[f"{kind} nodes without a premise or a conclusion skipped"] += 1
                continue
            polarity = Polarity.SUPPORTS if kind == "RA" else Polarity.OPPOSES
            single = len(premises) == 1 and len(conclusions) == 1
            for premise in premises:
                if premise in self.positions:
                    self.incoming.problem(
                        f"node {node_id}", f"its premise, node {premise}, is a position, which cannot argue"
                    )
                    continue
                for conclusion in conclusions:
                    if (premise, conclusion, polarity) in made:
                        self.skipped[
                            "repeated inferences or conflicts between the same two I nodes merged into one link"
                        ] += 1
                        continue
                    made.add((premise, conclusion, polarity))
                    target = "target_position" if conclusion in self.positions else "target_claim"
                    row = {
                        "uid": link_uids.get(node_id) if single else None,
                        "claim": self.keys[premise],
                        "target_position": None,
                        "target_claim": None,
                        target: self.keys[conclusion],
                        "polarity": polarity,
                        "basis": EdgeBasis.INFERRED if node_id in inferred else EdgeBasis.STATED,
                    }
                    self.incoming.add("links", row, f"node {node_id} ({kind})")

    def read_extension(self) -> None:
        """argmap's own rows: stakeholders, stances, sources, citations, relationships, salience."""
        for part in EXTENSION_PARTS:
            rows = self.extension.get(part, [])
            if not isinstance(rows, list):
                self.incoming.problem(f"{EXTENSION}.{part}", "must be a list of rows")
                continue
            for index, row in enumerate(rows):
                self.incoming.add(part, row, f"{EXTENSION}.{part}[{index}]")

    def read_locutions(self) -> None:
        """Stated stances from L → YA → I anchors, with stakeholders from their participants."""
        people = {}
        for index, participant in enumerate(_list(self.aif.get("participants"))):
            person = _identifier(participant.get("participantID")) if isinstance(participant, dict) else None
            if person is None:
                self.incoming.problem(f"participants[{index}]", "a participant needs a participantID")
                continue
            name = " ".join(
                str(participant.get(part) or "").strip() for part in ("firstname", "surname") if participant.get(part)
            )
            people[person] = name or f"Participant {person}"
        spoken = {}
        for index, locution in enumerate(_list(self.aif.get("locutions"))):
            node_id = _identifier(locution.get("nodeID")) if isinstance(locution, dict) else None
            if node_id is None or node_id not in self.nodes:
                self.incoming.problem(f"locutions[{index}]", "its nodeID is not a node")
                continue
            spoken[node_id] = locution
        stakeholders: dict[str, str] = {}  # speaker's name -> slug
        sources: dict[str, str] = {}  # source title -> uid
        held: set[tuple[str, str]] = set()
        for node_id, node in self.nodes.items():
            if node["type"] != "YA":
                continue
            said = [source for source in self.sources_of[node_id] if self.nodes[source]["type"] == "L"]
            about = [target for target in self.targets_of[node_id] if self.nodes[target]["type"] == "I"]
            if not said or not about:
                self.skipped["illocutions (YA) that anchor no locution in an I node skipped"] += 1
                continue
            attitude = ATTITUDES.get(str(node["text"]).strip().lower())
            if attitude is None:
                self.skipped[f"“{str(node['text'])[:30]}” illocutions skipped: they state no stance"] += 1
                continue
            for locution_node in said:
                locution = spoken.get(locution_node, {})
                text = self.nodes[locution_node]["text"]
                speaker = people.get(_identifier(locution.get("personID")) or "")
                speaker, quote = _speaker_and_words(text if isinstance(text, str) else "", speaker)
                if not speaker:
                    self.skipped["locutions without a speaker skipped"] += 1
                    continue
                if speaker not in stakeholders:
                    stakeholders[speaker] = _unique_slug(speaker, set(stakeholders.values()))
                    row = {"slug": stakeholders[speaker], "name": speaker, "kind": StakeholderKind.ANALYST}
                    self.incoming.add("stakeholders", row, f"locution {locution_node}")
                source = locution.get("source")
                title = source.strip() if isinstance(source, str) and source.strip() else f"AIF file {self.name}"
                if title not in sources:
                    sources[title] = str(uuid.uuid4())
                    is_url = title.lower().startswith(("http://", "https://"))
                    row = {
                        "uid": sources[title],
                        "title": title[:300],
                        "url": title if is_url else "",
                        "kind": SourceKind.SPEECH,
                    }
                    self.incoming.add("sources", row, f"locution {locution_node}")
                for subject in about:
                    if (speaker, subject) in held:
                        self.skipped["repeated stances of a speaker on the same I node kept once"] += 1
                        continue
                    held.add((speaker, subject))
                    row = {
                        "stakeholder": stakeholders[speaker],
                        "position": self.keys[subject] if subject in self.positions else None,
                        "claim": None if subject in self.positions else self.keys[subject],
                        "stance": attitude,
                        "basis": Basis.STATED,
                        "quote": quote,
                        "source": sources[title],
                    }
                    self.incoming.add("stances", row, f"node {locution_node} (L)")
        silent = len(set(people.values()) - set(stakeholders))
        if silent:
            self.skipped["participants without a stated stance left out"] += silent


def _list(value: Any) -> list[Any]:
    """Participants and locutions are optional in AIF: anything but a list counts as none."""
    return value if isinstance(value, list) else []


def _speaker_and_words(text: str, speaker: str | None) -> tuple[str, str]:
    """An L node's "Speaker : words" split in two (AIFdb writes "Name : words", sometimes
    after the analyst's name: "Analyst: Name : words")."""
    if speaker and (match := re.search(re.escape(speaker) + r"\s*:", text)):
        return speaker, text[match.end() :].strip()
    if not speaker and ":" in text:
        before, after = text.split(":", 1)
        if 0 < len(before.strip()) <= 100:
            return before.strip(), after.strip()
    return speaker or "", text.strip()


def _unique_slug(name: str, taken: set[str]) -> str:
    base = (slugify(name) or "participant")[:90]
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug
