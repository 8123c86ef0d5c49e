"""Publishing a topic (issue 16): review, then an immutable, numbered snapshot of its map
with its analysis, which is what the public reads until the next one.

    submit_for_review(topic, user=editor, comment="…")
    send_back(topic, user=reviewer, comment="…")
    publish(topic, user=reviewer, note="…", is_correction=False, correction_note="")

A publication stores the map as the API's map document (interchange/native.py, with
every ancestor of its stakeholders, as the exports need them) and the analysis computed
once, at publish time: the evaluation of every position and claim with its why and up to
three cruxes per position, the coalitions and the gaps. Pages read them back with
`published_map`, `published_topic` and `stored_evaluation`/`stored_coalitions`: no
evaluation at request time.

`map_diff` compares two snapshots (a pure function of the documents and analyses) and
`describe` says what changed in words, for the reviewer, the diff page and the feeds.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import orjson
from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.dispatch import Signal
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from argmap.analysis import stored_duplicates
from argmap.duplicates import Duplicate
from argmap.graph import Evaluation
from argmap.interchange import FORMATS, Export
from argmap.interchange import _kept as kept_export
from argmap.interchange.document import load_complete_map
from argmap.interchange.native import FORMAT, topic_row
from argmap.involvement import stance_counts
from argmap.lenses import LensEvaluations
from argmap.loading import (
    DUPLICATES_PER_VERSION,
    MAP_COLUMNS,
    MapColumns,
    MapData,
    graph_from_map,
    load_map,
    map_bridges,
    map_coalitions,
    map_data,
    map_duplicates,
    map_gaps,
    map_lenses,
    map_robustness,
)
from argmap.models import (
    Citation,
    Claim,
    CompressedTextField,
    Link,
    Position,
    Publication,
    Reply,
    ReviewAction,
    ReviewStep,
    Salience,
    Stance,
    Topic,
    TopicStatus,
)
from argmap.published_map import Slice, analysis_plan, store_rows, stored_evaluation, topic_plan
from argmap.robustness import with_robustness
from argmap.stakeholders import Agreement, Coalition, Coalitions, GridEntry, MatrixRow

CRUXES = 3
PUBLISH_PERMISSION = "argmap.publish_topic"

# Sent by `publish` in its transaction once the publication is made and the topic saved as
# published (a post_save of the Publication comes before the topic is saved): with
# `publication`. Receivers are connected in argmap.apps.
published = Signal()

# ---------------------------------------------------------------------------
# Review
# ---------------------------------------------------------------------------


def may_publish(user) -> bool:
    return user is not None and user.is_authenticated and user.has_perm(PUBLISH_PERMISSION)


def _step(topic: Topic, action: str, user, comment: str = "", publication: Publication | None = None) -> ReviewStep:
    step = ReviewStep(
        topic=topic, action=action, user=user, comment=comment, topic_version=topic.version, publication=publication
    )
    step.full_clean()
    step.save()
    return step


def _set_status(topic: Topic, status: str, *, user, reason: str) -> None:
    topic.status = status
    topic._history_user = user
    topic._change_reason = reason[:100]
    topic.save()


def pending_review(topic: Topic) -> ReviewStep | None:
    """The submission waiting for a reviewer, if the topic's last review step is one."""
    step = ReviewStep.objects.latest_for(topic)
    return step if step is not None and step.action == ReviewAction.SUBMITTED else None


def submit_for_review(topic: Topic, *, user, comment: str = "") -> ReviewStep:
    """An editor asks for the topic's current map to be reviewed and published. A draft
    becomes "in review"; a published topic stays public (as its last publication) meanwhile."""
    with transaction.atomic():
        step = _step(topic, ReviewAction.SUBMITTED, user, comment)
        if topic.status == TopicStatus.DRAFT:
            _set_status(topic, TopicStatus.IN_REVIEW, user=user, reason="submitted for review")
    return step


def send_back(topic: Topic, *, user, comment: str) -> ReviewStep:
    """A reviewer returns the topic to its editors with a comment; nothing is published."""
    if not may_publish(user):
        raise PermissionDenied("Only reviewers (with the publish_topic permission) send a topic back.")
    if not comment.strip():
        raise ValidationError({"comment": "Say what needs changing."})
    with transaction.atomic():
        step = _step(topic, ReviewAction.SENT_BACK, user, comment)
        if topic.status == TopicStatus.IN_REVIEW:
            _set_status(topic, TopicStatus.DRAFT, user=user, reason="sent back by the reviewer")
    return step


def authors_since(topic: Topic, since) -> set[int]:
    """The ids of the users who changed the topic's map after `since` (None: ever), or
    submitted it for review since: its authors, for the two-person rule."""
    after = {} if since is None else {"history_date__gt": since}
    claims = Claim.objects.filter(topic=topic).values("pk")
    positions = Position.objects.filter(topic=topic).values("pk")
    histories = [
        Topic.history.filter(id=topic.pk, **after),
        Position.history.filter(topic_id=topic.pk, **after),
        Claim.history.filter(topic_id=topic.pk, **after),
        Salience.history.filter(topic_id=topic.pk, **after),
        Link.history.filter(claim_id__in=claims, **after),
        Citation.history.filter(claim_id__in=claims, **after),
        Stance.history.filter(claim_id__in=claims, **after) | Stance.history.filter(position_id__in=positions, **after),
    ]
    users = set()
    for history in histories:
        users.update(history.exclude(history_user_id=None).values_list("history_user_id", flat=True).distinct())
    submitted = ReviewStep.objects.filter(topic=topic, action=ReviewAction.SUBMITTED)
    if since is not None:
        submitted = submitted.filter(created_at__gt=since)
    users.update(submitted.exclude(user=None).values_list("user_id", flat=True))
    return users


# ---------------------------------------------------------------------------
# Publishing
# ---------------------------------------------------------------------------


def snapshot_document(topic: Topic) -> bytes:
    """The topic's whole map as the API's map document (one query, plus one per level of
    "part of" above its stakeholders' parents)."""
    columns = load_complete_map(topic)
    document = {"format": FORMAT, "topic": topic_row(topic), **{part: columns.rows(part) for part in MAP_COLUMNS}}
    return orjson.dumps(document)


def analyse(data: MapData) -> bytes:
    """Everything the pages and the API show of the analysis, computed once: the evaluation
    (every why, up to CRUXES cruxes per position, each verdict's robustness), the coalitions,
    the gaps, the bridges between divided stakeholders, the lens summaries of the stakeholders
    with most stances (lenses.lens_summaries, each stakeholder's page reads its own) and the
    possible duplicates (unless they take more than DUPLICATES_PER_VERSION comparisons)."""
    # The duplicates first, while no evaluation is held: their comparison needs the most
    # memory while it runs (150 MB at 100,000 claims), and keeps little.
    duplicates = map_duplicates(data, DUPLICATES_PER_VERSION)
    graph = graph_from_map(data)
    evaluation = graph.evaluate(explain=True, cruxes=CRUXES)
    report = map_robustness(data, evaluation=evaluation, graph=graph)
    with_robustness(evaluation, report)  # how fragile each verdict is, on its assessment
    coalitions = map_coalitions(data)
    lensed = LensEvaluations(graph)  # the bridges and the lens summaries look through many of the same lenses
    found_bridges = map_bridges(data, graph, lensed)
    # what each of the stakeholders with most stances sees through its lens (its page reads it)
    lenses = map_lenses(
        data, graph=graph, evaluation=evaluation, found_bridges=found_bridges, coalitions=coalitions, lensed=lensed
    )
    del lensed, graph  # (the lenses' whole-map evaluations: let go before the JSON is made)
    document = {
        "robustness": {"tried": report.tried, "untried": report.untried},  # the inferred links tried
        "evaluation": evaluation,
        "coalitions": coalitions,
        "gaps": map_gaps(data),
        "bridges": found_bridges,
        "lenses": lenses,
    }
    if duplicates is not None:
        document["duplicates"] = duplicates
    return orjson.dumps(document, option=orjson.OPT_NON_STR_KEYS)


def publish(
    topic: Topic,
    *,
    user,
    note: str = "",
    reviewer=None,
    is_correction: bool = False,
    correction_note: str = "",
    progress: Callable[[str], None] | None = None,
) -> Publication:
    """Publish the topic's map as it is now: a new numbered publication with its snapshot
    and analysis; the topic becomes public if it was not. `user` needs publish_topic; with
    STRICT_TWO_PERSON_RULE, they may not be an author of what is published. `progress`
    is told each step as it starts (tasks.publish_topic shows them to the reviewer)."""
    step = progress or (lambda _step: None)
    if not may_publish(user):
        raise PermissionDenied("Only reviewers (with the publish_topic permission) may publish.")
    with transaction.atomic():
        topic = Topic.objects.select_for_update().get(pk=topic.pk)
        # (its snapshot and analysis are read only for the diff, and let go after it: _changes)
        previous = topic.publications.without_documents().order_by("-number").first()
        if settings.STRICT_TWO_PERSON_RULE and user.pk in authors_since(
            topic, previous.published_at if previous else None
        ):
            raise PermissionDenied(
                "The two-person rule: you changed this map (or submitted it) since its last publication, "
                "so another reviewer must publish it."
            )
        number = (topic.publications.aggregate(n=Max("number"))["n"] or 0) + 1
        topic.publish()  # the snapshot's topic is published
        # What is held at once, for a big map: one parse of the snapshot and one of the
        # analysis. Their JSON is compressed as stored as soon as it is parsed, the last
        # publication is compared before the analysis is made (its snapshot and analysis read
        # then, and let go), and each is let go once written.
        step("reading the map")
        snapshot = snapshot_document(topic)
        size = len(snapshot)
        document = orjson.loads(snapshot)
        snapshot = CompressedTextField.compressed(snapshot)
        step("comparing it with the last publication")
        last = _compared(previous, document)
        step("analysing it")
        analysis = analyse(map_data(document))
        analysed = orjson.loads(analysis)  # (read back once: its keys as stored, for the diff and the rows)
        analysis = CompressedTextField.compressed(analysis)
        changes = _changes(topic, previous, document, analysed, last)
        # (saving it writes its public records too: public_records.records_after_publishing)
        step("storing it for the pages")
        publication = Publication(
            topic=topic,
            number=number,
            published_at=timezone.now(),
            publisher=user,
            reviewer=reviewer if reviewer is not None else user,
            note=note,
            is_correction=is_correction,
            correction_note=correction_note,
            changes=changes[:5000],
            claim_count=len(document["claims"]),
            snapshot=snapshot,  # (compressed: stored as given)
            analysis=analysis,
        )
        publication.full_clean(exclude=["snapshot", "analysis"])
        publication.save()
        # Like a publication read without_documents(): whoever reads its snapshot or analysis
        # reads it back from the database, as text.
        del publication.snapshot, publication.analysis, snapshot, analysis
        # Its rows, laid out once, for the pages that read a slice of it (published_map.py).
        store_rows(publication.pk, document, analysed, size)
        del document, analysed
        # Which of them the topic page reads, the same for every reader: worked out once, so
        # that the page reads them in one query (published_map.topic_plan). Set in the
        # transaction that makes the publication: page_plan is not among the columns the
        # trigger of migration 0010 freezes, and the model refuses any later save.
        plan = topic_plan(publication.pk, budget=settings.TOPIC_TREE_BUDGET, first_level=settings.TOPIC_FIRST_LEVEL)
        Publication.objects.filter(pk=publication.pk).update(page_plan=plan)
        publication.page_plan = plan
        # The same for its analysis page (published_map.analysis_plan), in the same transaction.
        publication.analysis_plan = analysis_plan(publication.pk)
        Publication.objects.filter(pk=publication.pk).update(analysis_plan=publication.analysis_plan)
        topic._history_user = user
        topic._change_reason = f"published as version {number}"
        topic.save()
        # The topic is saved as published: what is written from it now, in this transaction
        # and under its lock, is what was published (the API's records, api/public_records.py).
        published.send(sender=Publication, publication=publication)
        _step(topic, ReviewAction.PUBLISHED, user, note, publication)
        # Its big documents (the map, the evaluation, the exports) are then written once,
        # compressed, by the worker (tasks.documents_after_publishing, api/documents.py).
    return publication


@dataclass
class _Compared:
    """A publication compared with the last one before its analysis is made: the rows
    changed, and the last one's labels (what is needed of its analysis)."""

    rows: dict[str, PartDiff]
    labels: dict[str, dict[str, str]]


def _compared(previous: Publication | None, document: dict[str, Any]) -> _Compared | None:
    """The map's rows compared with the `previous` publication's (None if there is none).
    Its snapshot and analysis are read here, from their stored bytes, and let go on return;
    its analysis first, of which only the labels are kept, before its snapshot is read."""
    if previous is None:
        return None
    old_labels = _labels(orjson.loads(zlib.decompress(previous.stored("analysis"))))
    old = orjson.loads(zlib.decompress(previous.stored("snapshot")))
    return _Compared(row_changes(old, document), labels_by_uid(old, old_labels))


def _labels(analysis: dict[str, Any]) -> dict[str, Any]:
    """What labels_by_uid reads of an analysis: the label of each position and claim."""
    evaluation = analysis["evaluation"]
    return {
        "evaluation": {
            part: {key: {"label": value["label"]} for key, value in evaluation[part].items()}
            for _kind, part, _text in VERDICTS
        }
    }


def _changes(
    topic: Topic,
    previous: Publication | None,
    document: dict[str, Any],
    analysed: dict[str, Any],
    last: _Compared | None,
) -> str:
    """What changed since the `previous` publication (None: there is none), compared (`last`)
    then with its analysis, in words, with the replies from stakeholders accepted since."""
    if last is None:
        changes = (
            f"First publication: {_count(len(document['claims']), 'claim')}, {_count(len(document['links']), 'link')}."
        )
    else:
        diff = MapDiff(last.rows, verdict_changes(last.labels, document, analysed))
        changes = describe(diff, document)
    replies = Reply.objects.accepted().filter(stance__topic=topic)
    if previous is not None:
        replies = replies.filter(decided_at__gt=previous.published_at)
    replied = replies.count()
    if replied:
        changes = f"{changes.rstrip('.')}; {_count(replied, 'reply')} from stakeholders accepted."
    return changes


# ---------------------------------------------------------------------------
# Reading a publication back
# ---------------------------------------------------------------------------


def reads_live(user) -> bool:
    """Whether `user` reads topics' live maps (editors) rather than their publications."""
    return user is not None and user.has_perm("argmap.view_topic")


@dataclass
class Edition:
    """What a page shows of a topic: its live map (for editors), or one of its
    publications with the analysis stored with it (for the public, and at /v/<n>/)."""

    topic: Topic  # as published, for a publication
    data: MapData
    publication: Publication | None = None
    analysis: dict[str, Any] | None = None
    slice: Slice | None = None  # a publication's page reads only what it shows (published_map.py)

    @classmethod
    def live(cls, topic: Topic, columns: dict[str, tuple[str, tuple[str, ...]]] = MAP_COLUMNS) -> Edition:
        return cls(topic, load_map(topic.pk, columns))

    @classmethod
    def published(
        cls,
        publication: Publication,
        topic: Topic,
        *,
        document: dict[str, Any] | None = None,
        analysis: dict[str, Any] | None = None,
    ) -> Edition:
        """A publication under `topic`'s slug now, from its snapshot and analysis (parsed
        here unless they are given: api/documents.py parses them once, from bytes)."""
        document = published_document(publication) if document is None else document
        shown = published_topic(publication, document)
        shown.slug = topic.slug  # addresses are the topic's now
        analysis = stored_analysis(publication) if analysis is None else analysis
        return cls(shown, map_data(document), publication, analysis)

    @classmethod
    def sliced(cls, publication: Publication, topic: Topic, found: Slice) -> Edition:
        """A slice of a publication's map, read from its rows."""
        shown = topic_from_row(found.frame["row"])
        shown.slug = topic.slug
        return cls(shown, found.data, publication, slice=found)

    @property
    def kept(self) -> dict[str, Any] | None:
        """What was stored with a publication that its pages read (None for a live map):
        the whole analysis, or the part a slice's topic row keeps (published_map.py)."""
        return self.slice.frame["analysis"] if self.slice is not None else self.analysis

    @property
    def claims_total(self) -> int:
        return self.slice.claims_total if self.slice is not None else len(self.data.claims)

    @property
    def stored(self) -> Callable[[Collection[int]], Evaluation] | None:
        """The stored evaluation, limited to some claims, or None for a live map."""
        if self.slice is not None:
            evaluation = self.slice.evaluation
            return lambda _claim_ids: evaluation
        return None if self.analysis is None else partial(stored_evaluation, self.analysis)

    def coalitions(self) -> Coalitions | None:
        if self.slice is not None:
            return coalitions_from(self.slice.frame["analysis"]["coalitions"])
        return None if self.analysis is None else stored_coalitions(self.analysis)

    def involvement(self) -> dict[int, int]:
        """Each stakeholder's stances in the whole map (involvement.py): kept with a
        publication's rows, else counted from the map read (a slice of a publication stored
        before they were kept has the positions' stances only)."""
        if self.slice is not None and "involvement" in self.slice.frame["analysis"]:
            return {int(k): v for k, v in self.slice.frame["analysis"]["involvement"].items()}
        return stance_counts(self.data.stances)

    def duplicates(self) -> list[Duplicate]:
        """The map's possible duplicates, computed once per version: those stored with a
        publication (none if it was published before they were), or kept in the cache for a
        live version of the map (none if they take more than DUPLICATES_PER_VERSION comparisons)."""
        if self.kept is not None:
            return stored_duplicates(self.kept) or []
        return caches["default"].get_or_set(
            self.topic.cache_key("duplicates"), lambda: map_duplicates(self.data, DUPLICATES_PER_VERSION) or []
        )


def on_demand(claims: int) -> bool:
    """Whether a map of `claims` claims is small enough for what a request computes from the
    whole map (a what-if, a lens, a document the worker has not written yet): at most
    ANALYSIS_ON_DEMAND_MAX_CLAIMS. Above it such a request would hold the parsed map for
    minutes (at 1,000,000 claims: gigabytes, and over two minutes for an evaluation with
    cruxes); what is computed once per publication is read as stored at any size."""
    return claims <= settings.ANALYSIS_ON_DEMAND_MAX_CLAIMS


def too_large_for_demand(claims: int, what: str) -> str:
    """What a refusal above ANALYSIS_ON_DEMAND_MAX_CLAIMS says (the API's 422, a page's notice)."""
    return (
        f"This map has {claims:,} claim{'' if claims == 1 else 's'}: {what} for maps of up to "
        f"{settings.ANALYSIS_ON_DEMAND_MAX_CLAIMS:,} claims."
    )


def published_claim_count(publication_id: int) -> int:
    """A publication's claims (stored with it), read without its snapshot: what on_demand
    is asked before a request reads the whole publication."""
    return Publication.objects.filter(pk=publication_id).values_list("claim_count", flat=True).get()


def live_claim_count(topic: Topic) -> int:
    """The topic's claims as they are now, counted up to one past ANALYSIS_ON_DEMAND_MAX_CLAIMS:
    all that on_demand needs to know, in one indexed query."""
    return topic.claims.all()[: settings.ANALYSIS_ON_DEMAND_MAX_CLAIMS + 1].count()


def published_document(publication: Publication) -> dict[str, Any]:
    return orjson.loads(publication.snapshot)


def published_map(publication: Publication) -> MapData:
    return map_data(published_document(publication))


def published_topic(publication: Publication, document: dict[str, Any] | None = None) -> Topic:
    """The topic as it was published (an unsaved instance): its title, question and summary
    then, not as editors have changed them since."""
    return topic_from_row((document or published_document(publication))["topic"])


def topic_from_row(row: dict[str, Any]) -> Topic:
    """An unsaved Topic from its row in a snapshot."""
    fields = {**row}
    for name in ("changed_at", "published_at"):
        fields[name] = parse_datetime(fields[name]) if fields.get(name) else None
    return Topic(**fields)


def stored_analysis(publication: Publication) -> dict[str, Any]:
    return orjson.loads(publication.analysis)


def stored_coalitions(analysis: dict[str, Any]) -> Coalitions:
    return coalitions_from(analysis["coalitions"])


def coalitions_from(stored: dict[str, Any]) -> Coalitions:
    return Coalitions(
        position_ids=stored["position_ids"],
        matrix=[MatrixRow(r["stakeholder_id"], {int(k): v for k, v in r["stances"].items()}) for r in stored["matrix"]],
        agreements=[Agreement(tuple(a["stakeholder_ids"]), a["agreement"], a["shared"]) for a in stored["agreements"]],
        coalitions=[
            Coalition(c["stakeholder_ids"], c["cohesion"], {int(k): v for k, v in c["common"].items()})
            for c in stored["coalitions"]
        ],
        unaligned=stored["unaligned"],
        grid=[GridEntry(**g) for g in stored["grid"]],
    )


# ---------------------------------------------------------------------------
# What changed between two publications
# ---------------------------------------------------------------------------

# part -> what identifies a row across snapshots (ids are the database's; uids are the map's)
DIFF_KEYS = {
    "positions": "uid",
    "claims": "uid",
    "links": "uid",
    "stances": "uid",
    "sources": "uid",
    "citations": "uid",
    "stakeholders": "slug",
    "relationships": "uid",
    "salience": "uid",
}
DIFF_PARTS = ("positions", "claims", "links", "stances", "sources", "citations")

# The public words for the labels (DOMAIN.md: the state of the argument, not a ruling).
STANDING_WORDS = {"accepted": "well supported", "undecided": "contested", "rejected": "outweighed by an objection"}


@dataclass
class PartDiff:
    added: list[dict] = field(default_factory=list)
    changed: list[tuple[dict, dict]] = field(default_factory=list)  # (old, new)
    removed: list[dict] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)


@dataclass
class VerdictChange:
    kind: str  # "position" or "claim"
    uid: str
    text: str
    old: str  # label
    new: str

    @property
    def old_words(self) -> str:
        return STANDING_WORDS[self.old]

    @property
    def new_words(self) -> str:
        return STANDING_WORDS[self.new]


@dataclass
class MapDiff:
    """What differs between two snapshots, part by part, and whose verdict changed."""

    parts: dict[str, PartDiff]
    verdicts: list[VerdictChange]

    def __bool__(self) -> bool:
        return any(self.parts.values()) or bool(self.verdicts)


def _comparable(row: dict, document_ids: dict[str, dict[int, str]]) -> dict:
    """A row without its database ids: references followed to uids or slugs."""
    out = {}
    for column, value in row.items():
        if column == "id":
            continue
        if column.endswith("_id"):
            name = column.removesuffix("_id")
            target = REFERENCED.get(name)
            out[name] = None if value is None or target is None else document_ids[target].get(value, value)
            continue
        out[column] = value
    return out


REFERENCED = {
    "claim": "claims",
    "target_claim": "claims",
    "target_position": "positions",
    "position": "positions",
    "stakeholder": "stakeholders",
    "parent": "stakeholders",
    "from_stakeholder": "stakeholders",
    "to_stakeholder": "stakeholders",
    "source": "sources",
}


def _ids(document: dict[str, Any]) -> dict[str, dict[int, str]]:
    return {part: {row["id"]: row[DIFF_KEYS[part]] for row in document.get(part, [])} for part in DIFF_KEYS}


def map_diff(
    old: dict[str, Any], new: dict[str, Any], old_analysis: dict[str, Any], new_analysis: dict[str, Any]
) -> MapDiff:
    """What was added, changed or removed between two snapshots (map documents), row by row
    (rows keyed by uid, stakeholders by slug), and the positions and claims whose label
    changed between their two analyses."""
    return MapDiff(row_changes(old, new), verdict_changes(labels_by_uid(old, old_analysis), new, new_analysis))


def row_changes(old: dict[str, Any], new: dict[str, Any]) -> dict[str, PartDiff]:
    """map_diff's rows added, changed or removed, part by part (DIFF_PARTS)."""
    old_ids, new_ids = _ids(old), _ids(new)
    parts = {}
    for part in DIFF_PARTS:
        key = DIFF_KEYS[part]
        before = {row[key]: row for row in old.get(part, [])}
        after = {row[key]: row for row in new.get(part, [])}
        # Rows equal as stored are the same row (ids are the database's, and a row's uid
        # never changes): only the others are compared with their references followed.
        changed = []
        for k, row in after.items():
            if k in before and before[k] != row:
                pair = (_comparable(before[k], old_ids), _comparable(row, new_ids))
                if pair[0] != pair[1]:
                    changed.append(pair)
        parts[part] = PartDiff(
            added=[_comparable(row, new_ids) for k, row in after.items() if k not in before],
            changed=changed,
            removed=[_comparable(row, old_ids) for k, row in before.items() if k not in after],
        )
    return parts


VERDICTS = (("position", "positions", "title"), ("claim", "claims", "text"))  # (kind, part, its words)


def labels_by_uid(document: dict[str, Any], analysis: dict[str, Any]) -> dict[str, dict[str, str]]:
    """The label of each position and claim of a snapshot's analysis, by part and uid: what
    `verdict_changes` compares a later analysis with."""
    labels = {}
    for _kind, part, _text in VERDICTS:
        uids = {row["id"]: row["uid"] for row in document.get(part, [])}
        labels[part] = {uids[int(k)]: v["label"] for k, v in analysis["evaluation"][part].items() if int(k) in uids}
    return labels


def verdict_changes(
    old_labels: dict[str, dict[str, str]], new: dict[str, Any], new_analysis: dict[str, Any]
) -> list[VerdictChange]:
    """map_diff's positions and claims whose label changed since `old_labels` (labels_by_uid)."""
    verdicts = []
    for kind, part, text in VERDICTS:
        rows = {row["id"]: row for row in new.get(part, [])}
        for k, v in new_analysis["evaluation"][part].items():
            row = rows.get(int(k))
            if row is None:
                continue
            before = old_labels[part].get(row["uid"])
            if before is not None and before != v["label"]:
                verdicts.append(VerdictChange(kind, row["uid"], row[text], before, v["label"]))
    return verdicts


SINGULAR = {
    "positions": "position",
    "claims": "claim",
    "links": "link",
    "stances": "stance",
    "sources": "source",
    "citations": "citation",
}


def _count(n: int, word: str) -> str:
    if n == 1:
        return f"{n} {word}"
    return f"{n} {word[:-1]}ies" if word.endswith("y") else f"{n} {word}s"


def _quoted(text: str, length: int = 60) -> str:
    text = " ".join(str(text).split())
    return f"“{text if len(text) <= length else text[: length - 1].rstrip() + '…'}”"


def describe(diff: MapDiff, document: dict[str, Any]) -> str:
    """What changed, in words: "2 new claims against “Yes: deepen it”; the CMA's stance
    added; “No: …” went from contested to well supported"."""
    if not diff:
        return "No change to the map."
    titles = {row["uid"]: row["title"] for row in document.get("positions", [])}
    texts = {row["uid"]: row["text"] for row in document.get("claims", [])}
    names = {row["slug"]: row["name"] for row in document.get("stakeholders", [])}
    phrases: list[str] = []
    # New claims, grouped by what their new links argue for or against.
    new_claims = {row["uid"] for row in diff.parts["claims"].added}
    argued: Counter[tuple[str, str]] = Counter()
    placed = set()
    for link in diff.parts["links"].added:
        if link["claim"] in new_claims and link["claim"] not in placed:
            placed.add(link["claim"])
            target = link["target_position"] or link["target_claim"]
            name = titles.get(target) or texts.get(target) or "another claim"
            argued[("for" if link["polarity"] == "supports" else "against", name)] += 1
    for (side, name), n in argued.items():
        phrases.append(f"{n} new {'claim' if n == 1 else 'claims'} {side} {_quoted(name)}")
    unplaced = len(new_claims - placed)
    if unplaced:
        phrases.append(f"{_count(unplaced, 'new claim')}")
    for stance in diff.parts["stances"].added:
        holder = names.get(stance["stakeholder"], stance["stakeholder"])
        subject = titles.get(stance["position"]) or texts.get(stance["claim"]) or ""
        phrases.append(f"{holder}’s stance on {_quoted(subject)} added")
    for stance in diff.parts["stances"].removed:
        phrases.append(f"{names.get(stance['stakeholder'], stance['stakeholder'])}’s stance removed")
    for part in DIFF_PARTS:
        changes = diff.parts[part]
        if part != "claims" and changes.added and part not in ("links", "stances"):
            phrases.append(f"{_count(len(changes.added), SINGULAR[part])} added")
        if changes.changed:
            phrases.append(f"{_count(len(changes.changed), SINGULAR[part])} changed")
        if changes.removed and part != "stances":
            phrases.append(f"{_count(len(changes.removed), SINGULAR[part])} removed")
    extra_links = len(diff.parts["links"].added) - sum(argued.values())
    if extra_links > 0:
        phrases.append(f"{_count(extra_links, 'link')} added")
    for verdict in diff.verdicts:
        phrases.append(
            f"{_quoted(verdict.text)} went from {STANDING_WORDS[verdict.old]} to {STANDING_WORDS[verdict.new]}"
        )
    return "; ".join(phrases) + "."


@dataclass
class DiffLine:
    part: str
    change: str  # added, changed, removed
    text: str


def diff_lines(diff: MapDiff, old: dict[str, Any], new: dict[str, Any]) -> list[DiffLine]:
    """Each added, changed or removed row in a line of words, for the review and diff pages."""
    names: dict[str, str] = {}
    for document in (old, new):
        names.update({row["uid"]: row["title"] for row in document.get("positions", [])})
        names.update({row["uid"]: row["text"] for row in document.get("claims", [])})
        names.update({row["uid"]: row["title"] for row in document.get("sources", [])})
        names.update({row["slug"]: row["name"] for row in document.get("stakeholders", [])})

    def name(row: dict) -> str:
        if "text" in row:
            return _quoted(row["text"], 120)
        if "title" in row:
            return _quoted(row["title"], 120)
        if "polarity" in row:
            target = row.get("target_position") or row.get("target_claim")
            return f"{_quoted(names.get(row['claim'], '?'))} {row['polarity']} {_quoted(names.get(target, '?'))}"
        if "stakeholder" in row:
            subject = row.get("position") or row.get("claim")
            holder = names.get(row["stakeholder"], row["stakeholder"])
            return f"{holder} {row['stance']} {_quoted(names.get(subject, '?'))} ({row['basis']})"
        if "source" in row:
            return f"{_quoted(names.get(row['claim'], '?'))} cites {_quoted(names.get(row['source'], '?'))}"
        return row.get("uid", "")

    lines = []
    for part, changes in diff.parts.items():
        lines += [DiffLine(part, "added", name(row)) for row in changes.added]
        lines += [DiffLine(part, "changed", f"{name(a)} → {name(b)}") for a, b in changes.changed]
        lines += [DiffLine(part, "removed", name(row)) for row in changes.removed]
    return lines


def diff_of(old: Publication, new: Publication) -> MapDiff:
    return map_diff(
        orjson.loads(old.snapshot), orjson.loads(new.snapshot), orjson.loads(old.analysis), orjson.loads(new.analysis)
    )


@dataclass
class Review:
    """What a reviewer reads before publishing: the last publication, the diff against it
    (its rows in lines, and in words)."""

    previous: Publication | None
    diff: MapDiff | None
    lines: list[DiffLine]
    words: str


def live_diff(topic: Topic) -> Review:
    """For the reviewer: the topic's current map against its last publication, with the
    analysis of the current map computed for the verdicts."""
    previous = topic.publications.order_by("-number").first()
    document = orjson.loads(snapshot_document(topic))
    if previous is None:
        data = map_data(document)
        words = f"Not published yet: {_count(len(data.claims), 'claim')}, {_count(len(data.links), 'link')}."
        return Review(None, None, [], words)
    analysis = orjson.loads(analyse(map_data(document)))
    old = orjson.loads(previous.snapshot)
    diff = map_diff(old, document, orjson.loads(previous.analysis), analysis)
    return Review(previous, diff, diff_lines(diff, old, document), describe(diff, document))


def publications_of(topics: Iterable[Topic]) -> dict[int, Publication]:
    """The latest publication of each topic (without its documents), by topic id."""
    latest = {}
    for publication in Publication.objects.without_documents().filter(topic__in=list(topics)).order_by("number"):
        latest[publication.topic_id] = publication
    return latest


def export_publication(publication_id: int, topic: Topic, format: str) -> Export:
    """A publication's map in `format` (interchange.FORMATS), as it was published, when its
    stored file (published_documents.py) is not written yet: kept in the "exports" cache
    for good (a publication never changes), written once."""
    spec = FORMATS[format]
    filename = f"{topic.slug}.{spec.extension}"
    key = f"argmap:publication:{publication_id}:export:{format}"
    content = caches["exports"].get(key)
    if content is not None:
        return Export(spec.content_type, filename, iter([content]))
    publication = Publication.objects.get(pk=publication_id)
    document = published_document(publication)
    shown = published_topic(publication, document)
    shown.slug = topic.slug
    exported = publication_export(shown, publication_columns(document), format)
    return Export(exported.content_type, exported.filename, kept_export(key, exported.content))


def publication_columns(document: dict[str, Any]) -> MapColumns:
    """The map `document` (a publication's snapshot) column by column (MAP_COLUMNS), as the
    exports read it: the rows' values in lists, without the rows, which can then be let go."""
    return MapColumns(
        {
            part: {column: [row[column] for row in document[part]] for column in columns}
            for part, (_table, columns) in MAP_COLUMNS.items()
        }
    )


def publication_export(shown: Topic, columns: MapColumns, format: str) -> Export:
    """The map `columns` (a publication's snapshot, publication_columns) in `format`, for the
    topic as `shown` (as published, under its slug now): written as it is consumed."""
    spec = FORMATS[format]
    read = MapColumns(
        {part: {column: columns[part][column] for column in names} for part, (_table, names) in spec.columns.items()}
    )
    return Export(spec.content_type, f"{shown.slug}.{spec.extension}", spec.write(shown, read))
