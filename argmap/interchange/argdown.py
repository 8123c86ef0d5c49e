"""Argdown (https://argdown.org): the map as text that the reference parser, @argdown/core,
reads into the same statements and support/attack relations.

    ===
    title: "The UK–OpenAI strategic partnership"
    argmap: {"format":"argmap-argdown/1","topic":{…},"stakeholders":{…},"sources":{…}}
    ===

    [P1]: Yes: deepen it to modernise public services #uk-government {"kind":"position",…}
      + [C1]: The UK lags the US and China in AI investment. {"uid":"…","base_score":0.6}
        - [C7]: …
      - [C2]: …

    [P2]: …
      + [C1]

Positions are top-level statements; under each statement, indented, come the claims that
support it (`+`) or oppose it (`-`), each defined with its text where it first appears
and referred to by its title (`[C1]`) after that. Claims that argue for nothing left out
this way start blocks of their own. Tags name the stakeholders who hold a stance on a
statement; the data (`{…}`, JSON) carries uids, base scores, stances and sources; the
front matter the topic, the stakeholders and the sources.

Statement text is escaped with backslashes wherever Argdown would read syntax (brackets,
tags, emphasis, comments, data, front-matter fences, shortcodes like `:y:`) or drop white
space (tabs, runs of spaces), so that the reference parser reads the text exactly. A text
that Argdown cannot hold on one line (a line break, spaces at either end) is written with
its line breaks as spaces, and exactly in the data's "text".

The importer reads what the exporter writes, and hand-written Argdown of the same
subset: titled or untitled statements, `+`/`-` relations, tags, JSON data, comments and
headings. Tags become inferred stances of the stakeholders the front matter lists.
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import orjson

from argmap.interchange.document import topic_fields
from argmap.interchange.files import Progress, text_lines
from argmap.interchange.reading import IncomingMap
from argmap.loading import MapColumns, Row, some_columns
from argmap.models import Attitude, Basis, ClaimKind, EdgeBasis, FactCheck, Polarity, Topic

FORMAT = "argmap-argdown/1"
INDENT = "  "
# Characters that Argdown reads as syntax anywhere in a text, and sequences that it reads
# as syntax only in context: comments (// and /*), front-matter fences (===) and
# shortcodes (.y. or :+1:, a dot or colon with another one before the next space). Also
# white space that Argdown would drop: tabs, and a space after another space or a tab
# (Argdown keeps one space after punctuation, and skips the rest of the run).
SYNTAX = re.compile(r"\\|\[|\]|<|>|@|#|\*|_|\{|\}|\t|/(?=[/*])|=(?:(?==)|(?<===))|\.(?=\S+\.)|:(?=\S+:)| (?<=[ \t] )")
# Most texts need no escape at all, and a search without SYNTAX's look-behinds finds them
# three times quicker (a space needs an escape only after a space or a tab, which "  "
# and \t find); a fuzz test holds the two to the same answer.
NEEDS_ESCAPE = re.compile(r"\\|\[|\]|<|>|@|#|\*|_|\{|\}|\t|/(?=[/*])|=(?==)|\.(?=\S+\.)|:(?=\S+:)")
# What a YAML or JSON string may not hold as it is in Argdown data and front matter: braces
# and = (they would end the data or the front matter) and what YAML calls non-printable.
DATA_ESCAPES = re.compile("[{}=\x7f-\x9f\ufffe\uffff]")
JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
PIECES_PER_CHUNK = 4000  # strings per chunk written: a few hundred kilobytes
# What the writer reads of a map: of citations and stances, what ties them to claims,
# sources and stakeholders (not their quotes or notes); no relationships, no salience.
# A quarter less for the database to send at 10,000 claims.
COLUMNS = some_columns(
    citations=("id", "claim_id", "source_id"),
    stances=("id", "stakeholder_id", "position_id", "claim_id", "stance"),
    relationships=("id",),
    salience=("id",),
)
SUPPORTS: str = Polarity.SUPPORTS


def write(topic: Topic, columns: MapColumns) -> Iterator[bytes]:
    """The Argdown text of `topic`, whose map is `columns`, in chunks of UTF-8 (a block or more each)."""
    blocks = _Writer(topic, columns).blocks()

    def chunks() -> Iterator[bytes]:
        batch: list[str] = []
        for block in blocks:
            batch += block
            if len(batch) >= PIECES_PER_CHUNK:
                yield "".join(batch).encode()
                batch = []
        if batch:
            yield "".join(batch).encode()

    return chunks()


def escape(text: str) -> str:
    """`text` with a backslash before everything Argdown would read as syntax."""
    if "  " in text or NEEDS_ESCAPE.search(text):
        return SYNTAX.sub(_backslashed, text)
    return text


def _backslashed(match: re.Match) -> str:
    return "\\" + match.group()


def data_json(value: Any) -> str:
    """JSON that is also YAML Argdown can carry: orjson's JSON, with braces, = and C1
    controls inside its strings written as \\u escapes."""
    return JSON_STRING.sub(_data_escaped, orjson.dumps(value).decode())


def _data_escaped(string: re.Match) -> str:
    return DATA_ESCAPES.sub(lambda match: f"\\u{ord(match.group()):04x}", string.group())


class _Writer:
    """Writes one map as blocks of Argdown text: the front matter, a block per position,
    then a block per claim left out of those.

    Positions and claims are looked up by id in dicts of their own (a statement is one or
    the other): positions as rows, claims as (uid, text, base_score), made from the map's
    columns; each link is kept as (its claim's id, "+" or "-")."""

    def __init__(self, topic: Topic, data: MapColumns) -> None:
        self.topic, self.data = topic, data
        stakeholders, sources, citations = data["stakeholders"], data["sources"], data["citations"]
        links, claims = data["links"], data["claims"]
        slug_of = dict(zip(stakeholders["id"], stakeholders["slug"], strict=True))
        self.position_stances: dict[int, dict[str, str]] = defaultdict(dict)  # id -> {slug: stance}
        self.claim_stances: dict[int, dict[str, str]] = defaultdict(dict)
        for row in data.rows("stances"):
            if row["position_id"]:
                self.position_stances[row["position_id"]][slug_of[row["stakeholder_id"]]] = row["stance"]
            else:
                self.claim_stances[row["claim_id"]][slug_of[row["stakeholder_id"]]] = row["stance"]
        self.sources: dict[int, list[str]] = defaultdict(list)
        source_uid = dict(zip(sources["id"], sources["uid"], strict=True))
        for claim_id, source_id in zip(citations["claim_id"], citations["source_id"], strict=True):
            self.sources[claim_id].append(source_uid[source_id])
        # target -> (claim id, marker) of the links into it
        self.arguing_position: dict[int, list[tuple[int, str]]] = defaultdict(list)
        self.arguing_claim: dict[int, list[tuple[int, str]]] = defaultdict(list)
        inferred: list[tuple[int, int | None, int | None]] = []  # (claim, target position, target claim)
        for claim_id, polarity, position_id, target_id, basis in zip(
            links["claim_id"], links["polarity"], links["target_position_id"], links["target_claim_id"],
            links["basis"], strict=True,
        ):  # fmt: skip
            argument = (claim_id, "+" if polarity == SUPPORTS else "-")
            if position_id:
                self.arguing_position[position_id].append(argument)
            else:
                self.arguing_claim[target_id].append(argument)
            if basis == EdgeBasis.INFERRED:
                inferred.append((claim_id, position_id, target_id))
        self.outgoing = set(links["claim_id"])
        self.claim_ids: list[int] = claims["id"]
        claim_rows = zip(claims["uid"], claims["text"], claims["base_score"], strict=True)
        self.claims = dict(zip(claims["id"], claim_rows, strict=True))
        titles = [f"C{number}" for number in range(1, len(claims["id"]) + 1)]
        self.claim_titles = dict(zip(claims["id"], titles, strict=True))
        self.positions = sorted(data.rows("positions"), key=lambda row: (row["order"], row["id"]))
        self.defined: set[int] = set()  # the claims written out so far
        # A claim's kind, check and score reason ride in its data, as do the links it draws
        # that an editor inferred ({"basis": {"P1": "inferred"}}: Argdown relations carry no data).
        position_titles = {row["id"]: f"P{number}" for number, row in enumerate(self.positions, start=1)}
        self.claim_data: dict[int, dict[str, Any]] = defaultdict(dict)
        for claim_id, kind, check, settled_by, reason in zip(
            claims["id"], claims["kind"], claims["fact_check"], claims["settled_by_id"], claims["score_reason"],
            strict=True,
        ):  # fmt: skip
            if kind != ClaimKind.INTERPRETATION:
                self.claim_data[claim_id]["kind"] = kind
            if kind == ClaimKind.FACT and check != FactCheck.UNCHECKED:
                self.claim_data[claim_id]["check"] = check
            if settled_by is not None:
                self.claim_data[claim_id]["settled_by"] = source_uid[settled_by]
            if reason:
                self.claim_data[claim_id]["score_reason"] = reason
        for claim_id, position_id, target_id in inferred:
            target = position_titles[position_id] if position_id else self.claim_titles[target_id]  # type: ignore[index]
            self.claim_data[claim_id].setdefault("basis", {})[target] = EdgeBasis.INFERRED.value

    def blocks(self) -> Iterator[list[str]]:
        """The text in blocks, each a list of pieces to be joined as they are: the front
        matter, then each statement at the top level after a blank line, with its arguments
        below it, a line each."""
        yield ["\n".join(self.front_matter()), "\n"]
        for number, row in enumerate(self.positions, start=1):
            statement = self.position_statement(row, f"P{number}")
            yield ["\n", statement, *self.arguments(self.arguing_position[row["id"]]), "\n"]
        roots = [claim_id for claim_id in self.claim_ids if claim_id not in self.outgoing]
        for claim_id in [*roots, *self.claim_ids]:
            if claim_id not in self.defined:
                self.defined.add(claim_id)
                yield ["\n", self.claim_statement(claim_id), *self.arguments(self.arguing_claim[claim_id]), "\n"]

    def front_matter(self) -> list[str]:
        sources = {
            row["uid"]: {
                "title": row["title"],
                "url": row["url"],
                "publisher": row["publisher"],
                "author": row["author"],
                "published_on": row["published_on"],
                "kind": row["kind"],
            }
            for row in self.data.rows("sources")
        }
        stakeholders = {
            row["slug"]: {"name": row["name"], "kind": row["kind"], "url": row["url"]}
            for row in self.data.rows("stakeholders")
        }
        topic = topic_fields(self.topic)
        topic["published_at"] = topic["published_at"].isoformat() if topic["published_at"] else None
        extension = {"format": FORMAT, "topic": topic, "stakeholders": stakeholders, "sources": sources}
        return ["===", f"title: {data_json(self.topic.title)}", f"argmap: {data_json(extension)}", "==="]

    def arguments(self, arguing: list[tuple[int, str]]) -> list[str]:
        """Indented below a statement, the claims that argue for and against it, depth first:
        each written out where it first appears, referred to by its title after that. A
        line each, starting with its line break."""
        lines: list[str] = []
        stack = [(iter(arguing), INDENT)]
        while stack:
            children, indent = stack[-1]
            for claim_id, marker in children:
                if claim_id in self.defined:
                    lines.append(f"\n{indent}{marker} [{self.claim_titles[claim_id]}]")
                    continue
                self.defined.add(claim_id)
                lines.append(f"\n{indent}{marker} {self.claim_statement(claim_id, nested=True)}")
                inner = self.arguing_claim.get(claim_id)
                if inner:
                    stack.append((iter(inner), indent + INDENT))
                    break
            else:
                stack.pop()
        return lines

    def position_statement(self, row: Row, title: str) -> str:
        info: dict[str, Any] = {"kind": "position", "uid": row["uid"], "order": row["order"]}
        if row["summary"]:
            info["summary"] = row["summary"]
        return _statement(title, row["title"], info, self.position_stances.get(row["id"]))

    def claim_statement(self, pk: int, *, nested: bool = False) -> str:
        """A claim's statement: at the top level of the text (a block of its own) its data
        says it is a claim; below another statement, that goes without saying."""
        uid, text, score = self.claims[pk]
        info: dict[str, Any] = {} if nested else {"kind": ClaimKind.INTERPRETATION.value}
        info.update(self.claim_data.get(pk, {}))
        info.update(uid=uid, base_score=score)
        sources = self.sources.get(pk)
        if sources:
            info["sources"] = sources
        return _statement(self.claim_titles[pk], text, info, self.claim_stances.get(pk))


def _claim_fields(data: dict[str, Any]) -> dict[str, Any]:
    """A claim's kind, check, settling source and score reason from its statement's data
    (what is absent keeps its default; the import checks the values)."""
    fields: dict[str, Any] = {}
    kind = data.get("kind")
    if kind is not None and kind != "claim":
        fields["kind"] = kind
    for key, name in (("check", "fact_check"), ("settled_by", "settled_by"), ("score_reason", "score_reason")):
        if key in data:
            fields[name] = data[key]
    return fields


def _statement(title: str, text: str, info: dict[str, Any], stances: dict[str, str] | None) -> str:
    """A statement's line: `[title]: text #tags {data}`."""
    shown = text
    if "\n" in text or "\r" in text or text[:1].isspace() or text[-1:].isspace():
        shown = text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ").strip()
        info["text"] = text
    tags = ""
    if stances:
        info["stances"] = stances
        tags = "".join(f" #{slug}" for slug in stances)
    # Without a text or summary the data holds only uids, numbers, slugs and stances
    # (argmap's own words), none of which needs Argdown's escapes: plain JSON.
    data = data_json(info) if "text" in info or "summary" in info else orjson.dumps(info).decode()
    return f"[{title}]: {escape(shown)}{tags} {data}"


# ---------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------

RELATION = re.compile(r"^([ \t]*)(\+>|->|><|_>|<_|<\+|<-|\+|-|_(?=\s))[ \t]*(.*)$")
DEFINITION = re.compile(r"\[(.+?)\]:")
REFERENCE = re.compile(r"\[([^-].*?)\]")
# In a statement's text: an escaped character, a tag, the data (to the end of the line) or a comment.
CONTENT = re.compile(r"\\(.)|#(?:\(([^)]+)\)|([\w-]+))|(\{.*)$|//.*$")
UNSUPPORTED = {
    "<": "arguments (<…>) are not supported; argmap imports statements and their + and - relations",
    "(": "premise-conclusion structures are not supported; argmap imports statements and their + and - relations",
    "--": "inferences are not supported; argmap imports statements and their + and - relations",
    "*": "lists are not supported",
}


@dataclass
class _Statement:
    """A statement as the reader has found it so far: its title, text, tags, data and role."""

    title: str
    line: int
    text: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    top: bool = False
    argues: bool = False


def read(stream: IO[bytes], *, name: str, limit: int, progress: Progress | None = None) -> IncomingMap:
    """Argdown text as an IncomingMap; rows are located by line ("line 12")."""
    return _Reader().read(text_lines(stream, limit=limit, progress=progress))


class _Reader:
    """Reads Argdown lines into statements and relations, then into an IncomingMap (`build`)."""

    def __init__(self) -> None:
        self.incoming = IncomingMap(topic_where="front matter")
        self.statements: dict[str, _Statement] = {}
        self.relations: dict[tuple[str, str, str], int] = {}  # (child, parent, polarity) -> line
        self.front: dict[str, Any] = {}
        self.heading: str | None = None

    def problem(self, number: int, message: str) -> None:
        self.incoming.problem(f"line {number}", message)

    def read(self, lines: Iterator[tuple[int, str]]) -> IncomingMap:
        stack: list[tuple[int, str]] = []  # (indent, title) of the statements above the current line
        comment_end: str | None = None
        front: int | None = None  # the line the front matter started on, while reading it
        seen_content = False
        for number, line in lines:
            stripped = line.strip()
            if comment_end is not None:
                if comment_end in line:
                    comment_end = None
                continue
            if front is not None:
                if stripped.startswith("==="):
                    front = None
                else:
                    self.front_line(number, line)
                continue
            if not stripped:
                stack = []
                continue
            if not seen_content and stripped.startswith("==="):
                front, seen_content = number, True
                continue
            seen_content = True
            if stripped.startswith("//"):
                continue
            if stripped.startswith(("/*", "<!--")):
                end = "*/" if stripped.startswith("/*") else "-->"
                if end not in stripped[2:]:
                    comment_end = end
                continue
            if line.startswith("#") and re.match(r"#+ ", line):
                self.heading = self.heading or line.lstrip("#").strip()
                stack = []
                continue
            relation = RELATION.match(line)
            if relation:
                stack = self.relation_line(number, relation, stack)
            elif line[0] in " \t":
                self.problem(number, "an indented line must start with + or - (a relation)")
            else:
                title = self.statement(number, line)
                stack = [(0, title)] if title else []
                if title:
                    self.statements[title].top = True
        if front is not None:
            self.problem(front, "the front matter (===) is not closed")
        return self.build()

    def front_line(self, number: int, line: str) -> None:
        key, colon, value = line.partition(":")
        if not colon or not key.strip():
            return
        key, value = key.strip(), value.strip()
        try:
            self.front[key] = orjson.loads(value)
        except orjson.JSONDecodeError:
            if key == "argmap":
                self.problem(number, "argmap: not JSON as argmap writes it")
            else:
                self.front[key] = value.strip("\"'")

    def relation_line(self, number: int, match: re.Match, stack: list[tuple[int, str]]) -> list[tuple[int, str]]:
        indent, marker, rest = len(match.group(1)), match.group(2), match.group(3)
        if marker not in ("+", "-", "<+", "<-"):
            self.problem(number, f"the relation “{marker}” is not supported; argmap imports + and - (and <+, <-)")
            return stack
        while stack and stack[-1][0] >= indent:
            stack.pop()
        if not stack:
            self.problem(number, "a relation needs a statement above it, less indented")
            return stack
        child = self.statement(number, rest)
        if not child:
            return stack
        parent = stack[-1][1]
        polarity = Polarity.SUPPORTS if marker.endswith("+") else Polarity.OPPOSES
        self.relations.setdefault((child, parent, polarity), number)
        self.statements[child].argues = True
        return [*stack, (indent, child)]

    def statement(self, number: int, text: str) -> str | None:
        """Record the statement on this line (definition, reference or untitled); its title."""
        for start, message in UNSUPPORTED.items():
            if text.startswith(start):
                self.problem(number, message)
                return None
        definition = DEFINITION.match(text)
        reference = None if definition else REFERENCE.match(text)
        if definition:
            title, content = definition.group(1).strip(), text[definition.end() :]
        elif reference:
            title, content = reference.group(1).strip(), text[reference.end() :]
        else:
            title, content = f"line {number}", text
        statement = self.statements.setdefault(title, _Statement(title=title, line=number))
        body, tags, data = self.content(number, content)
        if definition or not reference:
            if not body:
                self.problem(number, f"[{title}] has no text")
            elif statement.text is None:
                statement.text, statement.line = body, number
            elif statement.text != body:
                self.problem(number, f"[{title}] is defined again with another text (first on line {statement.line})")
        statement.tags += [tag for tag in tags if tag not in statement.tags]
        statement.data.update(data)
        return title

    def content(self, number: int, content: str) -> tuple[str, list[str], dict[str, Any]]:
        """A statement's text (unescaped), tags and data."""
        pieces, tags, data, at = [], [], {}, 0
        for match in CONTENT.finditer(content):
            pieces.append(content[at : match.start()])
            at = match.end()
            escaped, long_tag, tag, raw = match.groups()
            if escaped is not None:
                pieces.append(escaped)
            elif long_tag or tag:
                tags.append(long_tag or tag)
            elif raw is not None:
                try:
                    data = orjson.loads(raw)
                except orjson.JSONDecodeError as error:
                    self.problem(number, f"data: not JSON as argmap writes it ({error.msg})")
                if not isinstance(data, dict):
                    self.problem(number, "data: must be an object {…}")
                    data = {}
        pieces.append(content[at:])
        return "".join(pieces).strip(), tags, data

    def build(self) -> IncomingMap:
        """Positions, claims and links from the statements and relations read."""
        incoming = self.incoming
        extension = self.front.get("argmap")
        if extension is not None and (not isinstance(extension, dict) or extension.get("format") != FORMAT):
            incoming.note("front matter", f"argmap: not argmap's front matter ({FORMAT}); ignored")
            extension = None
        extension = extension or {}
        topic = extension.get("topic")
        incoming.topic = dict(topic) if isinstance(topic, dict) else {}
        title = self.front.get("title") or self.heading
        if isinstance(title, str) and title:
            incoming.topic.setdefault("title", title)
        positions: set[str] = set()
        for statement in self.statements.values():
            kind = statement.data.get("kind")  # "position", or a claim's kind ("claim" before there were kinds)
            if kind == "position" or (kind is None and statement.top and not statement.argues):
                positions.add(statement.title)
        uids = {title: statement.data.get("uid") or str(uuid.uuid4()) for title, statement in self.statements.items()}
        order = 0
        for statement in self.statements.values():
            where, data = f"line {statement.line}", statement.data
            if statement.text is None:
                self.problem(
                    statement.line, f"[{statement.title}] has no text; define it once as [{statement.title}]: …"
                )
                continue
            text = data.get("text", statement.text)
            if statement.title in positions:
                row = {
                    "uid": uids[statement.title],
                    "title": text,
                    "summary": data.get("summary", ""),
                    "order": data.get("order", order),
                }
                incoming.add("positions", row, where)
                order += 1
            else:
                row = {"uid": uids[statement.title], "text": text, "base_score": data.get("base_score", 0.5)}
                row.update(_claim_fields(data))
                incoming.add("claims", row, where)
        for (child, parent, polarity), number in self.relations.items():
            if self.statements[child].text is None or self.statements[parent].text is None:
                continue  # reported above
            if child in positions:
                self.problem(number, f"[{child}] is a position, and a position cannot support or oppose")
                continue
            target = "target_position" if parent in positions else "target_claim"
            bases = self.statements[child].data.get("basis")
            row = {
                "claim": uids[child],
                "target_position": None,
                "target_claim": None,
                target: uids[parent],
                "polarity": polarity,
                "basis": bases.get(parent, EdgeBasis.STATED) if isinstance(bases, dict) else EdgeBasis.STATED,
            }
            incoming.add("links", row, f"line {number}")
        self.stances_and_sources(extension, positions, uids)
        return incoming

    def stances_and_sources(self, extension: dict[str, Any], positions: set[str], uids: dict[str, str]) -> None:
        incoming = self.incoming
        people = extension.get("stakeholders")
        people = people if isinstance(people, dict) else {}
        documents = extension.get("sources")
        documents = documents if isinstance(documents, dict) else {}
        used_people: dict[str, int] = {}
        used_documents: dict[str, int] = {}
        ignored: set[str] = set()
        for statement in self.statements.values():
            if statement.text is None:
                continue
            where = f"line {statement.line}"
            attitudes = statement.data.get("stances")
            attitudes = attitudes if isinstance(attitudes, dict) else {}
            subject = "position" if statement.title in positions else "claim"
            for tag in statement.tags:
                if tag not in people:
                    ignored.add(tag)
                    continue
                used_people.setdefault(tag, statement.line)
                row = {
                    "stakeholder": tag,
                    "position": None,
                    "claim": None,
                    subject: uids[statement.title],
                    "stance": attitudes.get(tag, Attitude.SUPPORTS),
                    "basis": Basis.INFERRED,
                }
                incoming.add("stances", row, where)
            settled_by = statement.data.get("settled_by")
            if subject == "claim" and isinstance(settled_by, str) and settled_by in documents:
                used_documents.setdefault(settled_by, statement.line)
            cited = statement.data.get("sources")
            if subject == "claim" and isinstance(cited, list):
                for source in cited:
                    if isinstance(source, str) and source in documents:
                        used_documents.setdefault(source, statement.line)
                    incoming.add("citations", {"claim": uids[statement.title], "source": source}, where)
        for slug, line in used_people.items():
            person = people[slug] if isinstance(people[slug], dict) else {}
            incoming.add(
                "stakeholders", {"slug": slug, **person}, f"front matter (stakeholder {slug}, used on line {line})"
            )
        for uid, line in used_documents.items():
            document = documents[uid] if isinstance(documents[uid], dict) else {}
            incoming.add("sources", {"uid": uid, **document}, f"front matter (source {uid}, cited on line {line})")
        if ignored:
            listed = ", ".join(f"#{tag}" for tag in sorted(ignored)[:10])
            incoming.note("", f"tags that are not stakeholders of the front matter were left out: {listed}")
        if used_people:
            incoming.note("", "tags became inferred stances: Argdown carries no quote or source for them")
