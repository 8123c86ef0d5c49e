"""API views: one ModelViewSet per resource, plus the whole map of a topic.

ArgmapViewSet holds what every resource shares: the rows a request may see (`visible_to`
on each model's QuerySet), ETags on every detail response, If-Match on every change (428
without it, 412 when stale, under a row lock so two writers cannot both pass the check),
and writes in one transaction. New endpoints about a topic (exports, evaluation…) belong on
TopicViewSet as `@action(detail=True)`: `self.get_object()` already applies the rules.
"""

import hashlib
from collections.abc import Mapping

import orjson
from django.core.cache import caches
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.utils.connection import ConnectionProxy
from django.utils.http import parse_etags
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from argmap.api import filters, public_records, serializers
from argmap.api.analysis import TopicAnalysisActions
from argmap.api.exceptions import PreconditionFailed, PreconditionRequired
from argmap.api.interchange import TopicInterchangeActions
from argmap.api.publications import TopicPublicationActions
from argmap.api.rows import reader_for
from argmap.conditional import topic_response
from argmap.interchange.native import map_document
from argmap.models import Citation, Claim, Link, Position, Relationship, Salience, Source, Stakeholder, Stance, Topic

SLUG = r"[-a-zA-Z0-9_]+"
list_pages = ConnectionProxy(caches, "lists")


def etag_of(data) -> str:
    """A strong ETag for a representation: a digest of its JSON."""
    return '"' + hashlib.blake2b(orjson.dumps(data), digest_size=16).hexdigest() + '"'


def as_id(value) -> int | None:
    """`value` as a database id if it looks like one (request data is untrusted)."""
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    return value if type(value) is int and 0 < value < 2**63 else None


class ArgmapViewSet(viewsets.ModelViewSet):
    """A resource of the map. Subclasses name their model's `queryset` (a request sees
    what its `visible_to` lets it), the related objects their serializer shows
    (`related`) and a stable `ordering`."""

    related: tuple[str, ...] = ()
    ordering: tuple[str, ...] = ("id",)
    lookup_value_regex = r"[0-9]+"

    def dispatch(self, request, *args, **kwargs):
        # The router also answers format suffixes (/claims.json, /map.json). The API speaks
        # JSON only, so the suffix is dropped here once, not accepted by every action.
        kwargs.pop("format", None)
        return super().dispatch(request, *args, **kwargs)

    def recorded_part(self) -> public_records.Part | None:
        """The part of the publication records this request reads, if it reads them: the
        public's reads of a topic's objects (public_records.py)."""
        part = public_records.PARTS.get(self.basename)
        if part is None or not public_records.reads_records(self.request.user, part.model):
            return None
        return part

    def readable_queryset(self) -> QuerySet:
        queryset = self.queryset.all().visible_to(self.request.user).order_by(*self.ordering)
        part = self.recorded_part()
        if part is not None and self.action in ("list", "retrieve"):
            # The public reads live only what no records hold yet (a topic's other
            # endpoints, its map…, answer from its publication themselves).
            queryset = public_records.read_live(part, queryset)
        # (select_related() without names would follow every foreign key)
        return queryset.select_related(*self.related) if self.related else queryset

    def get_queryset(self):
        queryset = self.readable_queryset()
        if self.request.method not in SAFE_METHODS:
            # The object being changed is locked until the transaction ends, so that a
            # second writer waits and then sees the first one's change (and gets a 412).
            queryset = queryset.select_for_update(of=("self",))
        return queryset

    # Reading

    def list(self, request, *args, **kwargs):
        # What the public reads changes only with a new version of a published topic (the
        # triggers move it on every change to what its map shows, migrations 0002, 0009)
        # or a new publication: an anonymous list page is kept per version of them all,
        # and per address.
        key = None
        part = self.recorded_part()
        if part is not None:
            version, read_live, recorded = public_records.public_state()
        elif not request.user.is_authenticated:
            version = Topic.objects.public().site_version()
        if not request.user.is_authenticated:
            key = "api-list:" + hashlib.blake2b(f"{version} {request.build_absolute_uri()}".encode()).hexdigest()
            if (body := list_pages.get(key)) is not None:
                return Response(body)
        # Rows straight from .values(), not model instances through the serializer (rows.py).
        reader = reader_for(self.get_serializer_class())
        if part is None:
            page = self.paginate_queryset(reader.values(self.filter_queryset(self.get_queryset())))
            rows = reader.rows(page, request)
        else:
            page = self.paginate_queryset(self.published_rows(part, reader, read_live, recorded))
            rows = public_records.bodies(part, page, reader, request)
        response = self.get_paginated_response(rows)
        if key is not None:
            list_pages.set(key, response.data)
        return response

    def published_rows(self, part: public_records.Part, reader, read_live: int, recorded: int):
        """The public's list of `part`: its publication records, and while `read_live`
        topics are public without records, their live rows (merged in, if some are
        `recorded`)."""
        live = reader.values(self.filter_queryset(self.get_queryset()))
        if not recorded:
            return live
        self.page_ordering = part.ordering
        records = public_records.filtered(part, self.request)
        if not read_live:
            return records
        return public_records.Merged(records, live.annotate(**public_records.live_columns(part)))

    def retrieve(self, request, *args, **kwargs):
        part = self.recorded_part()
        data = None
        if part is not None:
            key = kwargs.get(self.lookup_field)
            if part.lookup == "object_id":
                key = as_id(key)
            if key is not None:
                data = public_records.detail(part, key, request)
        if data is None:  # an editor's read, or an object of a topic read live
            data = self.get_serializer(self.get_object()).data
        etag = etag_of(data)
        if etag in parse_etags(request.headers.get("If-None-Match", "")):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        return Response(data, headers={"ETag": etag})

    # Writing

    # Where a write finds its topics: an existing object by its topic (its own or kept by
    # the database), a body by these fields (a topic, or a claim or position of one).
    # Stakeholders, sources and relationships are shared: a write changes every topic.
    topics_in_body = {"topic": None, "claim": Claim, "position": Position}
    changes_every_topic = False

    def written_topics(self) -> Q:
        """The topics whose versions this write changes, as a condition on Topic."""
        model = self.queryset.model
        fields = {field.name for field in model._meta.get_fields()}
        topics = Q()
        if "topic" not in fields:
            return topics
        if (pk := as_id(self.kwargs.get("pk"))) is not None:
            topics |= Q(pk__in=model.objects.filter(pk=pk).values("topic_id"))
        data = self.request.data if isinstance(self.request.data, Mapping) else {}
        for field, related in self.topics_in_body.items():
            if field in fields and (value := as_id(data.get(field))) is not None:
                topics |= (
                    Q(pk=value) if related is None else Q(pk__in=related.objects.filter(pk=value).values("topic_id"))
                )
        return topics

    def lock_for_write(self) -> None:
        """Lock the topics a write changes, before anything else (its own row included):
        one order for every write, topic first, so that concurrent writes queue instead of
        deadlocking. It also makes writes to one topic take turns where validation must
        see the others' (a circle of support, of stakeholders)."""
        if self.changes_every_topic:
            Topic.objects.all().lock()
        elif topics := self.written_topics():
            Topic.objects.filter(topics).lock()

    def check_if_match(self, instance) -> None:
        header = self.request.headers.get("If-Match")
        if not header:
            raise PreconditionRequired()
        tags = parse_etags(header)
        if "*" not in tags and etag_of(self.get_serializer(instance).data) not in tags:
            raise PreconditionFailed()

    def written(self, instance, code: int) -> Response:
        # Read back: database triggers may have changed the row (a topic's version).
        data = self.get_serializer(self.readable_queryset().get(pk=instance.pk)).data
        headers = {"ETag": etag_of(data)}
        if code == status.HTTP_201_CREATED:
            headers["Location"] = self.reverse_action("detail", args=[getattr(instance, self.lookup_field)])
        return Response(data, status=code, headers=headers)

    def create(self, request, *args, **kwargs):
        with transaction.atomic():
            self.lock_for_write()
            serializer = self.get_serializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            self.perform_create(serializer)
        return self.written(serializer.instance, status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        with transaction.atomic():
            self.lock_for_write()
            instance = self.get_object()
            self.check_if_match(instance)
            serializer = self.get_serializer(instance, data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            self.perform_update(serializer)
        return self.written(serializer.instance, status.HTTP_200_OK)

    def destroy(self, request, *args, **kwargs):
        with transaction.atomic():
            self.lock_for_write()
            instance = self.get_object()
            self.check_if_match(instance)
            self.perform_destroy(instance)  # a ProtectedError becomes a 409 (exceptions.py)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["topics"])
class TopicViewSet(TopicPublicationActions, TopicAnalysisActions, TopicInterchangeActions, ArgmapViewSet):
    """Topics: the questions under debate, each with its map."""

    queryset = Topic.objects.all()
    serializer_class = serializers.TopicSerializer
    filterset_class = filters.TopicFilterSet
    ordering = ("title", "id")
    lookup_field = "slug"
    lookup_value_regex = SLUG

    @extend_schema(
        summary="The whole map of a topic in one document",
        description=(
            "Topic, positions, claims, links, the stakeholders involved, stances, sources, citations, "
            "relationships among those stakeholders and salience, rows ordered by id. Carries an ETag and "
            "Last-Modified from the topic's version: send If-None-Match to get a 304 when nothing changed."
        ),
        responses={
            200: serializers.MapDocumentSerializer,
            304: OpenApiResponse(description="Not modified since the ETag sent in If-None-Match."),
        },
    )
    @action(detail=True, methods=["get"], url_path="map", url_name="map", pagination_class=None)
    def map(self, request, slug=None):
        topic = self.get_object()
        publication_id = self.served_publication(topic)
        if publication_id is not None:
            # The public reads the latest publication's snapshot, stored as this document.
            return self.publication_map(request, topic, publication_id, topic.latest_published_at)
        # The database writes the JSON (argmap.loading); its bytes go out untouched.
        return topic_response(
            request, topic, lambda: HttpResponse(map_document(topic), content_type="application/json")
        )


@extend_schema(tags=["positions"])
class PositionViewSet(ArgmapViewSet):
    """Positions: the answers to a topic's question."""

    queryset = Position.objects.all()
    serializer_class = serializers.PositionSerializer
    filterset_class = filters.PositionFilterSet
    ordering = ("topic_id", "order", "id")


@extend_schema(tags=["claims"])
class ClaimViewSet(ArgmapViewSet):
    """Claims: reasons offered for or against positions and other claims."""

    queryset = Claim.objects.all()
    serializer_class = serializers.ClaimSerializer
    filterset_class = filters.ClaimFilterSet


@extend_schema(tags=["links"])
class LinkViewSet(ArgmapViewSet):
    """Links: a claim supports or opposes a position or another claim."""

    queryset = Link.objects.all()
    serializer_class = serializers.LinkSerializer
    filterset_class = filters.LinkFilterSet


@extend_schema(tags=["stakeholders"])
class StakeholderViewSet(ArgmapViewSet):
    """Stakeholders: actors with a stake in a debate."""

    queryset = Stakeholder.objects.all()
    serializer_class = serializers.StakeholderSerializer
    filterset_class = filters.StakeholderFilterSet
    changes_every_topic = True
    ordering = ("name", "id")
    lookup_field = "slug"
    lookup_value_regex = SLUG

    def lock_for_write(self):
        super().lock_for_write()
        Stakeholder.objects.lock_tree()  # (no circles: migration 0008)


@extend_schema(tags=["stances"])
class StanceViewSet(ArgmapViewSet):
    """Stances: what a stakeholder holds on a position or claim, and on what basis."""

    queryset = Stance.objects.all()
    serializer_class = serializers.StanceSerializer
    filterset_class = filters.StanceFilterSet
    related = ("stakeholder",)


@extend_schema(tags=["sources"])
class SourceViewSet(ArgmapViewSet):
    """Sources: the documents evidence comes from."""

    queryset = Source.objects.all()
    serializer_class = serializers.SourceSerializer
    filterset_class = filters.SourceFilterSet
    changes_every_topic = True


@extend_schema(tags=["citations"])
class CitationViewSet(ArgmapViewSet):
    """Citations: a claim's quote from a source."""

    queryset = Citation.objects.all()
    serializer_class = serializers.CitationSerializer
    filterset_class = filters.CitationFilterSet
    related = ("source",)


@extend_schema(tags=["relationships"])
class RelationshipViewSet(ArgmapViewSet):
    """Relationships: typed, dated ties between stakeholders."""

    queryset = Relationship.objects.all()
    serializer_class = serializers.RelationshipSerializer
    filterset_class = filters.RelationshipFilterSet
    changes_every_topic = True
    related = ("from_stakeholder", "to_stakeholder")


@extend_schema(tags=["salience"])
class SalienceViewSet(ArgmapViewSet):
    """Salience: a stakeholder's power and interest on a topic."""

    queryset = Salience.objects.all()
    serializer_class = serializers.SalienceSerializer
    filterset_class = filters.SalienceFilterSet
    related = ("stakeholder",)
