"""What the API's anonymous lists and details serve (issue 16): every object as the latest
publication of a published topic holds it, never the live map editors are changing.

At publish (publishing.publish, in its transaction, once the topic is saved: its
`published` signal) `write_records` replaces the topic's `PublicRecord`s with, exactly as the API represents
them then (the same RowReader the live lists use), one record each of:

- the topic itself ("topic": also the mark of a topic read from records);
- its positions, claims, links, stances, citations and salience estimates;
- the stakeholders, sources and relationships its publication includes: those its map
  document includes (loading.SELECTIONS): the stakeholders with a stance or a salience
  estimate and their parents, the relationships among them, and the sources its
  citations, stances, relationships and settled claims cite.

Stakeholders, sources and relationships are shared between topics, so each has a record
per topic including it, as that topic's latest publication holds it. The public sees the
one of the most recent publication (`PublicRecordQuerySet.current`), and sees it only
while a published topic's latest publication includes it.

Anyone without the model's view permission (the public, and authenticated non-editors)
reads these records: a list is one query over them, keyset-paginated in the live list's
order, with the same filters (on `facts`, the values they look at, kept beside the body);
a detail is one query, by object id (a stakeholder: by its slug as published; a topic: by
its current slug, its address everywhere on the site).

A topic published before records existed has no "topic" record: it is read live, as
before, until its next publication, and so are the shared objects only it involves. While
such topics and recorded ones are both public, a list reads both and merges them in order
(`Merged`: one more query).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

import django_filters as filters
import orjson
from django.db import connection
from django.db.models import (
    BigIntegerField,
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.urls import reverse
from django_filters import utils as filter_utils

from argmap.api import serializers
from argmap.api.filters import IntegerFilter, refuse_unknown
from argmap.api.rows import RowReader, reader_for
from argmap.bulk import copy_rows
from argmap.counting import count_rows
from argmap.models import (
    Attitude,
    Basis,
    Citation,
    Claim,
    Link,
    Polarity,
    Position,
    PublicRecord,
    Relationship,
    RelationshipKind,
    Salience,
    Source,
    SourceKind,
    Stakeholder,
    StakeholderKind,
    Stance,
    Topic,
    TopicStatus,
)

TOPIC = "topic"  # the part of the topic's own record, which also marks a topic read from records


# ---------------------------------------------------------------------------
# What a publication includes
# ---------------------------------------------------------------------------


def of_topics(model) -> Callable[[Any], QuerySet]:
    """The rows of `model` that belong to `topics` (a queryset of topic ids, or a list)."""
    return lambda topics: model.objects.filter(topic__in=topics)


def the_topics(topics) -> QuerySet:
    return Topic.objects.filter(pk__in=topics)


def included_stakeholders(topics) -> QuerySet:
    """The stakeholders the maps of `topics` include: those with a stance or a salience
    estimate in them, and their parents (as the map document: loading.SELECTIONS)."""
    involved = Stakeholder.objects.filter(
        Q(pk__in=Stance.objects.filter(topic__in=topics).values("stakeholder_id"))
        | Q(pk__in=Salience.objects.filter(topic__in=topics).values("stakeholder_id"))
    )
    return Stakeholder.objects.filter(Q(pk__in=involved.values("pk")) | Q(pk__in=involved.values("parent_id")))


def included_relationships(topics) -> QuerySet:
    """The relationships among the stakeholders the maps of `topics` include."""
    stakeholders = included_stakeholders(topics).values("pk")
    return Relationship.objects.filter(from_stakeholder__in=stakeholders, to_stakeholder__in=stakeholders)


def included_sources(topics) -> QuerySet:
    """The sources the maps of `topics` cite: by a citation, a stance, a relationship among
    their stakeholders, or a claim settled by it."""
    return Source.objects.filter(
        Q(pk__in=Citation.objects.filter(topic__in=topics).values("source_id"))
        | Q(pk__in=Stance.objects.filter(topic__in=topics).values("source_id"))
        | Q(pk__in=included_relationships(topics).values("source_id"))
        | Q(pk__in=Claim.objects.filter(topic__in=topics).values("settled_by_id"))
    )


@dataclass(frozen=True)
class Part:
    """A resource whose anonymous reads come from records."""

    name: str  # the resource's basename: "claim", "link"…
    model: type
    serializer: type
    included: Callable[[Any], QuerySet]  # the objects the maps of some topics include
    facts: tuple[str, ...]  # the keys of its representation its list filters look at
    ordering: tuple[str, ...] = ("object_id",)  # the records' order: the live list's
    shared: bool = False  # shared between topics: the public sees the most recent publication's
    lookup: str = "object_id"  # how a detail finds its record
    rank_field: str | None = None  # the column kept as `rank` (a position's order)
    sort_field: str | None = None  # the column kept as `sort_key` (what the list is ordered by)
    slug_field: str | None = None  # the column kept as `slug`
    annotations: dict[str, Any] = field(default_factory=dict)  # facts read beside the representation

    @property
    def reader(self) -> RowReader:
        return reader_for(self.serializer)


PARTS = {
    part.name: part
    for part in [
        Part(
            TOPIC,
            Topic,
            serializers.TopicSerializer,
            the_topics,
            ("title", "question", "summary", "status"),
            ("sort_key", "object_id"),
            lookup="topic__slug",
            sort_field="title",
        ),
        Part(
            "position",
            Position,
            serializers.PositionSerializer,
            of_topics(Position),
            ("title", "summary"),
            ("topic_id", "rank", "object_id"),
            rank_field="order",
        ),
        Part("claim", Claim, serializers.ClaimSerializer, of_topics(Claim), ("text",)),
        Part(
            "link",
            Link,
            serializers.LinkSerializer,
            of_topics(Link),
            ("polarity", "claim", "target_position", "target_claim"),
        ),
        Part(
            "stance",
            Stance,
            serializers.StanceSerializer,
            of_topics(Stance),
            ("stakeholder", "position", "claim", "stance", "basis", "held_on", "quote", "note"),
        ),
        Part(
            "citation",
            Citation,
            serializers.CitationSerializer,
            of_topics(Citation),
            ("claim", "source", "quote", "locator"),
        ),
        Part(
            "salience",
            Salience,
            serializers.SalienceSerializer,
            of_topics(Salience),
            ("stakeholder", "power", "interest"),
        ),
        Part(
            "stakeholder",
            Stakeholder,
            serializers.StakeholderSerializer,
            included_stakeholders,
            ("name", "summary", "kind"),
            ("sort_key", "object_id"),
            shared=True,
            lookup="slug",
            sort_field="name",
            slug_field="slug",
            annotations={"parent_slug": F("parent__slug")},
        ),
        Part(
            "source",
            Source,
            serializers.SourceSerializer,
            included_sources,
            ("title", "publisher", "author", "published_on", "kind"),
            shared=True,
        ),
        Part(
            "relationship",
            Relationship,
            serializers.RelationshipSerializer,
            included_relationships,
            ("kind", "started_on"),
            shared=True,
        ),
    ]
}


# ---------------------------------------------------------------------------
# Writing, at publish
# ---------------------------------------------------------------------------


def microseconds(moment: datetime.datetime) -> int:
    """A moment as a whole number of microseconds since 1970: compared as a number in
    `facts` on both databases (an ISO text drops its zero microseconds, and sorts wrong)."""
    return (moment - datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)) // datetime.timedelta(microseconds=1)


def facts_of(part: Part, body: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """The values `part`'s filters look at: some of its representation, each brief
    stakeholder's slug (`stakeholder_slug`, `from_stakeholder_slug`…) and its annotations.
    Empty values are left out, so that a filter on them finds nothing, as in SQL (a JSON
    null would sort before any date on PostgreSQL)."""
    facts = {key: body[key] for key in part.facts}
    for key, value in body.items():
        if key.endswith("stakeholder_brief") and value is not None:
            facts[key.removesuffix("_brief") + "_slug"] = value["slug"]
    facts.update({name: values[name] for name in part.annotations})
    if part.name == TOPIC:
        facts["changed_at"] = microseconds(values["changed_at"])
    return {key: value for key, value in facts.items() if value is not None}


class RelativeLinks:
    """In place of a request: a representation's links as paths (a topic's `map_url`),
    made absolute for each reader (`shown`)."""

    def build_absolute_uri(self, location: str) -> str:
        return location


# Records read and written at a time: a million-claim map has 3 million of them.
RECORDS_BATCH = 5000


def representations(part: Part, topic_id: int) -> Iterable[tuple[dict[str, Any], dict[str, Any]]]:
    """The objects of `part` that the topic's map includes, as the API's lists show them
    now: (the representation, the columns it was read from), made RECORDS_BATCH at a time."""
    reader = part.reader
    values = reader.values(part.included([topic_id]).order_by("pk")).annotate(**part.annotations)
    rows = values.iterator(chunk_size=RECORDS_BATCH)
    while batch := list(islice(rows, RECORDS_BATCH)):
        yield from zip(reader.rows(batch, RelativeLinks()), batch, strict=True)


def write_records(publication) -> int:
    """Replace the topic's records with its objects as they are now, as its `publication`
    (which they name): inside the caller's transaction, publish's, which holds the topic's
    lock, once the topic is saved as published. Returns how many were written."""
    topic_id = publication.topic_id
    postgresql = connection.vendor == "postgresql"
    if postgresql:

        def as_json(value):  # COPY's text is parsed by the column's type: JSON as text will do
            return orjson.dumps(value).decode()
    else:

        def as_json(value):
            return value

    def rows() -> Iterable[tuple]:
        for part in PARTS.values():
            for body, values in representations(part, topic_id):
                yield (
                    part.name,
                    body["id"],
                    values[part.rank_field] if part.rank_field else 0,
                    values[part.sort_field][:300] if part.sort_field else "",
                    values[part.slug_field] if part.slug_field else "",
                    orjson.dumps(body).decode(),
                    as_json(facts_of(part, body, values)),
                )

    PublicRecord.objects.filter(topic_id=topic_id).delete()
    columns = ["part", "object_id", "rank", "sort_key", "slug", "body", "facts"]
    fixed = {"topic_id": topic_id, "publication_id": publication.pk}
    records, written = rows(), 0
    # A batch at a time, each read whole before it is written: the connection reads
    # nothing else while a COPY runs.
    while batch := list(islice(records, RECORDS_BATCH)):
        if postgresql:
            written += _copy_records(batch, columns, fixed)
        else:
            written += copy_rows(PublicRecord, columns, batch, fixed={"topic": topic_id, "publication": publication.pk})
    if postgresql:
        table = connection.ops.quote_name(PublicRecord._meta.db_table)
        with connection.cursor() as cursor:
            # Fresh statistics for the columns search plans by (search.py): without them a common
            # word is taken for a rare one, and a search at 1,000,000 claims took 570-740 ms, not 64.
            cursor.execute(f"ANALYZE {table} (part, topic_id, search_document)")
    return written


def _copy_records(rows: list[tuple], columns: list[str], fixed: dict[str, int]) -> int:
    """COPY the records straight into their table: every column is given and their order
    does not matter, so bulk.copy_rows' staging table (for the columns it fills itself, in
    the rows' order) would only write them twice (0.5 s more at 10,000 claims)."""
    table = connection.ops.quote_name(PublicRecord._meta.db_table)
    names = ", ".join([*columns, *fixed])
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row((*row, *fixed.values()))
    return len(rows)


def records_after_publishing(sender, publication, **kwargs):
    """publishing.published (connected in argmap.apps): the topic's records, written in
    publish's transaction once the topic is saved as published."""
    write_records(publication)


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------


def reads_records(user, model) -> bool:
    """Whether `user` reads `model`'s objects from records: anyone `visible_to` would
    show only the public rows (no view permission)."""
    meta = model._meta
    return user is None or not user.has_perm(f"{meta.app_label}.view_{meta.model_name}")


def recorded_topics() -> QuerySet:
    """The "topic" records, one per topic read from records."""
    return PublicRecord.objects.filter(part=TOPIC)


def not_recorded(topic_field: str = "topic") -> Exists:
    """A condition on rows with a `topic_field`: their topic has no records (so it is read live)."""
    return ~Exists(recorded_topics().filter(topic=OuterRef(topic_field)))


def public_state() -> tuple[str, int, int]:
    """In one query: a key that changes whenever what the public lists may show changes
    (a published topic's map, a publication), and how many public topics are read live
    and from records."""
    marker = recorded_topics().filter(topic=OuterRef("pk")).values("pk")[:1]
    found = (
        Topic.objects.filter(status=TopicStatus.PUBLISHED)
        .order_by()
        .aggregate(
            count=Count("pk"),
            last=Max("pk"),
            versions=Sum("version"),
            changed=Max("changed_at"),
            records=Max(Subquery(marker)),
            live=Count("pk", filter=~Exists(marker)),
            recorded=Count("pk", filter=Exists(marker)),
        )
    )
    changed = found["changed"].timestamp() if found["changed"] else 0
    key = f"{found['count']}-{found['last']}-{found['versions']}-{changed}-{found['records']}"
    return key, found["live"], found["recorded"]


def records_of(part: Part) -> QuerySet:
    """The part's records the public reads: of published topics; of a shared object, the
    most recent publication's."""
    records = PublicRecord.objects.public().of(part.name)
    return records.current() if part.shared else records


def live_topics() -> QuerySet:
    """The published topics read live: published before records existed, not since."""
    return Topic.objects.published().filter(not_recorded("pk")).values("pk")


def read_live(part: Part, queryset: QuerySet) -> QuerySet:
    """Of the public's rows of `part` (`queryset`, what `visible_to` shows), those read live:
    of the topics without records, and of the shared objects only they include."""
    if part.name == TOPIC:
        return queryset.filter(not_recorded("pk"))
    if not part.shared:
        return queryset.filter(not_recorded())
    recorded = PublicRecord.objects.public().of(part.name).filter(object_id=OuterRef("pk"))
    return queryset.filter(pk__in=part.included(live_topics()).values("pk")).filter(~Exists(recorded))


def live_columns(part: Part) -> dict[str, Any]:
    """The columns a live row needs to be ordered and cut with the records (`Merged`)."""
    columns = {
        "object_id": F("pk"),
        "rank": F(part.rank_field) if part.rank_field else Value(0),
        "sort_key": F(part.sort_field) if part.sort_field else Value(""),
    }
    return {name: expression for name, expression in columns.items() if name in part.ordering}


def columns(part: Part) -> list[str]:
    """What a page reads of each record: its order's columns, its body, and a topic's
    current slug."""
    return list(dict.fromkeys(["topic_id", *part.ordering, "body", *(["topic__slug"] if part.name == TOPIC else [])]))


def shown(part: Part, row: dict[str, Any], request) -> dict[str, Any]:
    """A record's representation for this request: its body, and for a topic its current
    slug and the absolute address of its map (a topic's address is its slug of now, as on
    every page and for its map, even when its title or summary are as published)."""
    body = orjson.loads(row["body"])
    if part.name == TOPIC:
        body["slug"] = row["topic__slug"]
        body["map_url"] = request.build_absolute_uri(reverse("api:topic-map", kwargs={"slug": body["slug"]}))
    return body


def detail(part: Part, key, request) -> dict[str, Any] | None:
    """The object's record as published, or None (not in any public topic's records); by
    `part.lookup` (a stakeholder's slug as published may be another's since: the most
    recent publication's wins)."""
    records = records_of(part).filter(**{part.lookup: key}).order_by("-publication_id")
    row = records.values(*columns(part)).first()
    return None if row is None else shown(part, row, request)


def filtered(part: Part, request) -> QuerySet:
    """The part's public records that the request's filters select, as the rows a page
    reads; unknown or bad filters are a 400, as on the live list."""
    filterset_class = FILTERSETS[part.name]
    refuse_unknown(request, filterset_class)
    filterset = filterset_class(request.query_params, queryset=records_of(part), request=request)
    if not filterset.is_valid():
        raise filter_utils.translate_validation(filterset.errors)
    return filterset.qs.values(*columns(part))


def bodies(part: Part, page: Iterable[dict[str, Any]], reader: RowReader, request) -> list[dict[str, Any]]:
    """The representations of a page's rows: a record's stored body, a live row's reading."""
    return [shown(part, row, request) if "body" in row else reader.rows([row], request)[0] for row in page]


class Merged:
    """Records and live rows (of topics not yet read from records) as one list, for the
    keyset pagination: both are filtered, ordered and cut alike, and their rows merged in
    that order. Both sides name their columns alike (`object_id`, `rank`, `sort_key`:
    `live_columns`). (Titles and names are merged in Python's order, not the database's
    collation: while topics read live remain, a page of topics or stakeholders may place a
    live one among the records slightly otherwise than the database would.)"""

    model = PublicRecord  # (for the pagination's check of a cursor's position)

    def __init__(self, records: QuerySet, live: QuerySet):
        self.records, self.live = records, live

    def order_by(self, *fields):
        return Merged(self.records.order_by(*fields), self.live.order_by(*fields))

    def filter(self, **conditions):
        return Merged(self.records.filter(**conditions), self.live.filter(**conditions))

    def count_rows(self) -> tuple[int, bool]:
        (records, exact), (live, live_exact) = count_rows(self.records), count_rows(self.live)
        return records + live, exact and live_exact

    def __getitem__(self, cut: slice) -> list[dict[str, Any]]:
        fields = self.records.query.order_by
        rows = [*self.records[: cut.stop], *self.live[: cut.stop]]
        rows.sort(key=lambda row: tuple(row[name.lstrip("-")] for name in fields), reverse=fields[0].startswith("-"))
        return rows[cut]


# ---------------------------------------------------------------------------
# Filters: the live lists' (api/filters.py), on the records' facts
# ---------------------------------------------------------------------------


def fact_search(*keys):
    def method(queryset, name, value):
        condition = Q()
        for key in keys:
            condition |= Q(**{f"facts__{key}__icontains": value})
        return queryset.filter(condition)

    return filters.CharFilter(method=method)


def fact_date(key: str, lookup: str):
    def method(queryset, name, value):
        return queryset.filter(**{f"facts__{key}__{lookup}": value.isoformat()})  # stored as ISO dates

    return filters.DateFilter(method=method)


def fact(key: str, filter_class=IntegerFilter, **kwargs):
    return filter_class(field_name=f"facts__{key}", **kwargs)


def about(part: str, key: str = "claim", **conditions) -> QuerySet:
    """The ids under `key` (the claims…) that records of `part` meeting `conditions` are about."""
    records = PublicRecord.objects.public().of(part).filter(**conditions)
    return records.annotate(about=Cast(KeyTextTransform(key, "facts"), BigIntegerField())).values("about")


class RecordFilterSet(filters.FilterSet):
    class Meta:
        model = PublicRecord
        fields = []


class ByTopicRecordFilterSet(RecordFilterSet):
    topic = filters.CharFilter(method="in_topic")
    topic_id = IntegerFilter(field_name="topic")

    def in_topic(self, queryset, name, value):
        return queryset.filter(topic=Subquery(Topic.objects.filter(slug=value).order_by().values("pk")[:1]))


class PositionRecordFilterSet(ByTopicRecordFilterSet):
    q = fact_search("title", "summary")


class ClaimRecordFilterSet(ByTopicRecordFilterSet):
    q = fact_search("text")
    stakeholder = filters.CharFilter(method="with_stance_of")
    source_id = IntegerFilter(method="citing")

    def with_stance_of(self, queryset, name, value):
        return queryset.filter(object_id__in=about("stance", facts__stakeholder_slug=value))

    def citing(self, queryset, name, value):
        return queryset.filter(object_id__in=about("citation", facts__source=value))


class LinkRecordFilterSet(ByTopicRecordFilterSet):
    polarity = fact("polarity", filters.ChoiceFilter, choices=Polarity.choices)
    claim_id = fact("claim")
    target_position_id = fact("target_position")
    target_claim_id = fact("target_claim")


class StanceRecordFilterSet(RecordFilterSet):
    topic = filters.CharFilter(method="on_topic")
    stakeholder = fact("stakeholder_slug", filters.CharFilter)
    stakeholder_id = fact("stakeholder")
    position_id = fact("position")
    claim_id = fact("claim")
    stance = fact("stance", filters.ChoiceFilter, choices=Attitude.choices)
    basis = fact("basis", filters.ChoiceFilter, choices=Basis.choices)
    held_after = fact_date("held_on", "gte")
    held_before = fact_date("held_on", "lte")
    q = fact_search("quote", "note")

    def on_topic(self, queryset, name, value):
        return queryset.filter(topic__slug=value)


class CitationRecordFilterSet(ByTopicRecordFilterSet):
    claim_id = fact("claim")
    source_id = fact("source")
    q = fact_search("quote", "locator")


class SalienceRecordFilterSet(ByTopicRecordFilterSet):
    stakeholder = fact("stakeholder_slug", filters.CharFilter)
    min_power = fact("power", lookup_expr="gte")
    min_interest = fact("interest", lookup_expr="gte")


class TopicRecordFilterSet(RecordFilterSet):
    status = fact("status", filters.ChoiceFilter, choices=TopicStatus.choices)
    q = fact_search("title", "question", "summary")
    changed_since = filters.IsoDateTimeFilter(method="changed_at_or_after")

    def changed_at_or_after(self, queryset, name, value):
        return queryset.filter(facts__changed_at__gte=microseconds(value))


class StakeholderRecordFilterSet(RecordFilterSet):
    kind = fact("kind", filters.ChoiceFilter, choices=StakeholderKind.choices)
    q = fact_search("name", "summary")
    parent = fact("parent_slug", filters.CharFilter)
    topic = filters.CharFilter(method="involved_in")

    def involved_in(self, queryset, name, value):
        stances, salience = (about(part, "stakeholder", topic__slug=value) for part in ["stance", "salience"])
        return queryset.filter(Q(object_id__in=stances) | Q(object_id__in=salience))


class SourceRecordFilterSet(RecordFilterSet):
    kind = fact("kind", filters.ChoiceFilter, choices=SourceKind.choices)
    q = fact_search("title", "publisher", "author")
    published_after = fact_date("published_on", "gte")
    published_before = fact_date("published_on", "lte")
    topic = filters.CharFilter(method="cited_in")

    def cited_in(self, queryset, name, value):
        return queryset.filter(object_id__in=about("citation", "source", topic__slug=value))


class RelationshipRecordFilterSet(RecordFilterSet):
    kind = fact("kind", filters.ChoiceFilter, choices=RelationshipKind.choices)
    stakeholder = filters.CharFilter(method="either_end")
    from_stakeholder = fact("from_stakeholder_slug", filters.CharFilter)
    to_stakeholder = fact("to_stakeholder_slug", filters.CharFilter)
    started_after = fact_date("started_on", "gte")
    started_before = fact_date("started_on", "lte")

    def either_end(self, queryset, name, value):
        return queryset.filter(Q(facts__from_stakeholder_slug=value) | Q(facts__to_stakeholder_slug=value))


FILTERSETS = {
    TOPIC: TopicRecordFilterSet,
    "position": PositionRecordFilterSet,
    "claim": ClaimRecordFilterSet,
    "link": LinkRecordFilterSet,
    "stance": StanceRecordFilterSet,
    "citation": CitationRecordFilterSet,
    "salience": SalienceRecordFilterSet,
    "stakeholder": StakeholderRecordFilterSet,
    "source": SourceRecordFilterSet,
    "relationship": RelationshipRecordFilterSet,
}
