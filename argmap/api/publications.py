"""A topic's publications in the API (issue 16).

- The public's reads of a topic's map, evaluation, coalitions, gaps and exports serve its
  latest publication (the snapshot and the analysis stored with it); editors read the
  live map. A published topic with no publication yet is read live by everyone.
- GET /api/v1/topics/{slug}/publications/: every version, newest first.
- GET /api/v1/topics/{slug}/publications/{n}/map/: version n's map document, for good.
  Each publication's map, evaluation and exports are written once, gzip-compressed, and
  streamed from the database (published_documents.py).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from argmap.models import Publication, Topic
from argmap.published_documents import MAP, stored_response, weak_if_encoded
from argmap.publishing import may_publish, publish, reads_live

# The actions whose answer is the map or what is derived from it.
MAP_ACTIONS = frozenset({"map", "evaluation", "bridges", "coalitions", "gaps", "export"})
FOREVER = 31536000


class PublicationSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    map_url = serializers.SerializerMethodField()

    class Meta:
        model = Publication
        fields = [
            "number", "published_at", "note", "is_correction", "correction_note", "changes", "claim_count", "url",
            "map_url",
        ]  # fmt: skip

    def get_url(self, publication) -> str:
        return self.context["request"].build_absolute_uri(publication.get_absolute_url())

    def get_map_url(self, publication) -> str:
        return self.context["request"].build_absolute_uri(
            f"{self.context['base']}publications/{publication.number}/map/"
        )


class PublishSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    is_correction = serializers.BooleanField(required=False, default=False)
    correction_note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class MayPublish(BasePermission):
    message = "Publishing needs the publish_topic permission (the Reviewers group)."

    def has_permission(self, request, view):
        return may_publish(request.user)


class TopicPublicationActions:
    """@actions of TopicViewSet for publications, and the choice of what a read serves."""

    def readable_queryset(self):
        queryset = super().readable_queryset()
        return queryset.with_latest_publication() if self.action in MAP_ACTIONS else queryset

    def served_publication(self, topic: Topic) -> int | None:
        """The id of the publication this request reads, or None for the live map."""
        if reads_live(self.request.user):
            return None
        return getattr(topic, "latest_publication_id", None)

    def publication_map(self, request, topic: Topic, publication_id: int, published_at, *, forever=False):
        etag = f'"topic-{topic.pk}-p{publication_id}"'
        last_modified = int(published_at.timestamp())
        response = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if response is None:
            # The snapshot as stored compressed (published_documents.py), streamed; read whole
            # from the publication until that is written.
            response = stored_response(request, publication_id, MAP, topic.slug)
        if response is None:
            snapshot = Publication.objects.filter(pk=publication_id).values_list("snapshot", flat=True).get()
            response = HttpResponse(snapshot.encode(), content_type="application/json")
        response["ETag"] = etag
        weak_if_encoded(response)
        response["Last-Modified"] = http_date(last_modified)
        if forever:
            patch_cache_control(response, public=True, max_age=FOREVER, immutable=True)
        else:
            patch_cache_control(response, public=True, no_cache=True)
        return response

    @extend_schema(
        summary="The topic's published versions, newest first",
        description="Each publication: its number, date, note, whether it is a correction (and of what), "
        "what changed since the previous one in words, and the addresses of its page and map document.",
        responses={200: PublicationSerializer(many=True)},
    )
    @action(detail=True, methods=["get"], url_path="publications", url_name="publications", pagination_class=None)
    def publications(self, request, slug=None):
        topic = self.get_object()
        publications = topic.publications.without_documents().order_by("-number")[:500]
        base = request.build_absolute_uri(request.path).removesuffix("publications/")
        return Response(PublicationSerializer(publications, many=True, context={"request": request, "base": base}).data)

    @extend_schema(
        summary="One published version's whole map",
        description="The map document as it was published (the same shape as /map/). It never changes: "
        "cached for a year, immutable.",
        responses={
            200: inline_serializer("PublishedMap", {"format": serializers.CharField()}),
            404: OpenApiResponse(description="No such topic or version."),
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"publications/(?P<number>[0-9]{1,9})/map",
        url_name="publication-map",
        pagination_class=None,
    )
    def publication_map_action(self, request, slug=None, number=None):
        topic = self.get_object()
        found = topic.publications.filter(number=int(number)).values_list("pk", "published_at").first()
        if found is None:
            raise NotFound(f"No version {number} of this topic.")
        return self.publication_map(request, topic, found[0], found[1], forever=True)

    @extend_schema(
        summary="Publish the topic's map as its next version",
        description="For reviewers (publish_topic): a new publication of the map as it is now, with its "
        "analysis. A correction says what it corrects. With the strict two-person rule, an author of the "
        "changes since the last publication gets a 403.",
        request=PublishSerializer,
        responses={201: PublicationSerializer, 400: OpenApiResponse(description="A correction without its note.")},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="publish",
        url_name="publish",
        pagination_class=None,
        permission_classes=[MayPublish],
    )
    def publish(self, request, slug=None):
        topic = self.get_object()
        parameters = PublishSerializer(data=request.data)
        parameters.is_valid(raise_exception=True)
        try:
            publication = publish(topic, user=request.user, **parameters.validated_data)
        except DjangoValidationError as error:
            raise ValidationError(error.messages) from None
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error)) from None
        base = request.build_absolute_uri(reverse("api:topic-detail", args=[topic.slug]))
        data = PublicationSerializer(publication, context={"request": request, "base": base}).data
        return Response(data, status=status.HTTP_201_CREATED)
