"""What the API's anonymous lists and details of a topic's objects serve (issue 16): the
objects as its latest publication holds them, never the live map editors are changing.

At publish (publishing.publish, in its transaction: a post_save of the Publication)
`write_records` replaces the topic's
`PublicRecord`s with its positions, claims, links, stances, citations and salience
estimates exactly as the API represents them then (the same RowReader the live lists
use), one record each, plus one "topic" record saying the topic is read from records.
Anyone without the model's view permission (the public, and authenticated non-editors)
then reads these records: a list is one query over them, keyset-paginated in the live
list's order, with the same filters (on `facts`, the values they look at, kept beside
the body); a detail is one query by object id.

A topic published before records existed has no "topic" record: it is read live, as
before, until its next publication. While such topics and recorded ones are both public,
a list reads both and merges them in order (`Merged`: one more query).

Stakeholders, sources, relationships and topics are not recorded (yet): they are shared
between topics, and the API reads them live (docs/publications.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import django_filters as filters
import orjson
from django.db import connection
from django.db.models import BigIntegerField, Count, Exists, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django_filters import utils as filter_utils

from argmap.api import serializers
from argmap.api.filters import IntegerFilter, refuse_unknown
from argmap.api.pagination import count_rows
from argmap.api.rows import RowReader, reader_for
from argmap.bulk import copy_rows
from argmap.models import (
    Attitude,
    Basis,
    Citation,
    Claim,
    Link,
    Polarity,
    Position,
    PublicRecord,
    Salience,
    Stance,
    Topic,
    TopicStatus,
)

TOPIC = "topic"  # the part of the record that marks a topic read from records


@dataclass(frozen=True)
class Part:
    """A resource whose anonymous reads come from records."""

    name: str  # the resource's basename: "claim", "link"…
    model: type
    serializer: type
    facts: tuple[str, ...]  # the keys of its representation its list filters look at
    ordering: tuple[str, ...] = ("object_id",)  # the records' order: the live list's

    @property
    def reader(self) -> RowReader:
        return reader_for(self.serializer)


PARTS = {
    part.name: part
    for part in [
        Part(
            "position",
            Position,
            serializers.PositionSerializer,
            ("title", "summary"),
            ("topic_id", "rank", "object_id"),
        ),
        Part("claim", Claim, serializers.ClaimSerializer, ("text",)),
        Part("link", Link, serializers.LinkSerializer, ("polarity", "claim", "target_position", "target_claim")),
        Part(
            "stance",
            Stance,
            serializers.StanceSerializer,
            ("stakeholder", "position", "claim", "stance", "basis", "held_on", "quote", "note"),
        ),
        Part("citation", Citation, serializers.CitationSerializer, ("claim", "source", "quote", "locator")),
        Part("salience", Salience, serializers.SalienceSerializer, ("stakeholder", "power", "interest")),
    ]
}


# ---------------------------------------------------------------------------
# Writing, at publish
# ---------------------------------------------------------------------------


def facts_of(part: Part, body: dict[str, Any]) -> dict[str, Any]:
    facts = {key: body[key] for key in part.facts}
    if brief := body.get("stakeholder_brief"):
        facts["stakeholder_slug"] = brief["slug"]
    return facts


def representations(part: Part, topic_id: int) -> list[dict[str, Any]]:
    """The topic's objects of `part` as the API's lists show them now."""
    reader = part.reader
    values = reader.values(part.model.objects.filter(topic_id=topic_id).order_by("pk"))
    return reader.rows(values.iterator(chunk_size=2000), request=None)  # (no hyperlinks in these parts)


def write_records(topic_id: int) -> int:
    """Replace the topic's records with its objects as they are now, inside the caller's
    transaction (publish's). Returns how many were written."""
    if connection.vendor == "postgresql":

        def as_json(value):  # COPY's text is parsed by the column's type: JSON as text will do
            return orjson.dumps(value).decode()
    else:

        def as_json(value):
            return value

    def rows() -> Iterable[tuple]:
        yield (TOPIC, topic_id, 0, "{}", as_json({}))
        for part in PARTS.values():
            for body in representations(part, topic_id):
                rank = body["order"] if part.model is Position else 0
                yield (part.name, body["id"], rank, orjson.dumps(body).decode(), as_json(facts_of(part, body)))

    PublicRecord.objects.filter(topic_id=topic_id).delete()
    # (read whole before COPY starts: the connection reads nothing else during a COPY)
    written = list(rows())
    if connection.vendor == "postgresql":
        return _copy_records(topic_id, written)
    return copy_rows(PublicRecord, ["part", "object_id", "rank", "body", "facts"], written, fixed={"topic": topic_id})


def _copy_records(topic_id: int, rows: list[tuple]) -> int:
    """COPY the records straight into their table: every column is given and their order
    does not matter, so bulk.copy_rows' staging table (for the columns it fills itself, in
    the rows' order) would only write them twice (0.5 s more at 10,000 claims)."""
    table = connection.ops.quote_name(PublicRecord._meta.db_table)
    columns = "part, object_id, rank, body, facts, topic_id"
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row((*row, topic_id))
    return len(rows)


def records_after_publishing(sender, instance, created, **kwargs):
    """post_save of a Publication (connected in argmap.apps): its topic's records, written
    in publish's transaction, which holds the topic's lock, so they are the map published."""
    if created:
        write_records(instance.topic_id)


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
    return PublicRecord.objects.public().of(part.name)


def detail(part: Part, pk: int) -> dict[str, Any] | None:
    """The object's record as published, or None (not in any public topic's records)."""
    body = records_of(part).filter(object_id=pk).values_list("body", flat=True).first()
    return None if body is None else orjson.loads(body)


def filtered(part: Part, request) -> QuerySet:
    """The part's public records that the request's filters select, as the rows a page
    reads; unknown or bad filters are a 400, as on the live list."""
    filterset_class = FILTERSETS[part.name]
    refuse_unknown(request, filterset_class)
    filterset = filterset_class(request.query_params, queryset=records_of(part), request=request)
    if not filterset.is_valid():
        raise filter_utils.translate_validation(filterset.errors)
    return filterset.qs.values("topic_id", "rank", "object_id", "body")


def bodies(page: Iterable[dict[str, Any]], reader: RowReader, request) -> list[dict[str, Any]]:
    """The representations of a page's rows: a record's stored body, a live row's reading."""
    return [orjson.loads(row["body"]) if "body" in row else reader.rows([row], request)[0] for row in page]


class Merged:
    """Records and live rows (of topics not yet read from records) as one list, for the
    keyset pagination: both are filtered, ordered and cut alike, and their rows merged in
    that order. Both sides name their columns alike (`object_id`, `rank`, `topic_id`)."""

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


def about(part: str, **conditions) -> QuerySet:
    """The claims that records of `part` meeting `conditions` are about."""
    records = PublicRecord.objects.public().of(part).filter(**conditions)
    return records.annotate(claim=Cast(KeyTextTransform("claim", "facts"), BigIntegerField())).values("claim")


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


FILTERSETS = {
    "position": PositionRecordFilterSet,
    "claim": ClaimRecordFilterSet,
    "link": LinkRecordFilterSet,
    "stance": StanceRecordFilterSet,
    "citation": CitationRecordFilterSet,
    "salience": SalienceRecordFilterSet,
}
