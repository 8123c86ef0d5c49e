"""Maps in and out through the API (issue 5), wrapping argmap.interchange:

- GET /api/v1/topics/{slug}/export/{file_format}/: the topic's map as a file to
  download, streamed, with ETag and Last-Modified from the topic (an @action of
  TopicViewSet, so a draft is a 404 to the public, as everywhere).
- POST /api/v1/imports/: an editor's file (multipart: `file`, `format`), checked and,
  unless it is a dry run (the default), imported as a new topic. The answer is the
  import's report: what was (or would be) created, and every problem with its place in
  the file. Its own resource rather than /topics/import/, which a topic whose slug is
  "import" would shadow.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.settings import api_settings

from argmap.api.exceptions import RequestTooLarge
from argmap.api.schema import INVALID
from argmap.api.serializers import KnownFieldsMixin
from argmap.api.throttling import ScopedRateThrottle
from argmap.conditional import topic_response
from argmap.interchange import (
    FORMATS,
    ImportReport,
    cached_export,
    import_map,
    may_import,
    too_large_message,
    upload_too_large,
)
from argmap.interchange.document import PARTS, SHARED_PARTS
from argmap.models import Topic, prohibit_control_characters
from argmap.publishing import export_publication

FORMAT_NAMES = ", ".join(FORMATS)


class DownloadNegotiation(DefaultContentNegotiation):
    """A download is the file whatever the client's Accept header or ?format= say; an
    error about it is still JSON (the first renderer's)."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class TopicInterchangeActions:
    """@actions of TopicViewSet that export maps."""

    @extend_schema(
        summary="The topic's map as a file to download",
        description=(
            "The whole map in one of five formats: `json` (argmap's own, lossless: it imports back to an "
            "identical map), `aif` (Argument Interchange Format, AIFdb JSON), `argdown` (text), `graphml` "
            "(for networkx, yEd, Gephi) or `csv` (a ZIP of CSV tables). Streamed, with "
            "`Content-Disposition: attachment` and a file name. Carries an ETag and Last-Modified from the "
            "topic's version: send If-None-Match to get a 304 when nothing changed."
        ),
        parameters=[
            OpenApiParameter(
                "file_format", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(FORMATS), description="The format."
            ),
        ],
        responses={
            (200, "application/json"): OpenApiResponse(
                OpenApiTypes.OBJECT, description="json or aif: a JSON document."
            ),
            (200, "text/plain"): OpenApiResponse(OpenApiTypes.STR, description="argdown: UTF-8 text."),
            (200, "application/graphml+xml"): OpenApiResponse(OpenApiTypes.BINARY, description="graphml: XML."),
            (200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY, description="csv: a ZIP of CSV tables."),
            304: OpenApiResponse(description="Not modified since the ETag sent in If-None-Match."),
            404: OpenApiResponse(
                {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]},
                description="No such topic, not published (a draft is a 404 to the public), or no such format.",
            ),
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"export/(?P<file_format>[^/.]+)",
        url_name="export",
        pagination_class=None,
        content_negotiation_class=DownloadNegotiation,
    )
    def export(self, request, slug=None, file_format=None):
        topic = self.get_object()
        if file_format not in FORMATS:
            raise NotFound(f"No export format “{file_format[:40]}”: the formats are {FORMAT_NAMES}.")
        publication_id = self.served_publication(topic)
        if publication_id is None:
            etag, changed_at = topic.etag, topic.changed_at
        else:  # the public downloads the latest publication
            etag, changed_at = f'"topic-{topic.pk}-p{publication_id}"', topic.latest_published_at

        def respond() -> StreamingHttpResponse:
            # The map is read here (or the file found in the cache), and written as it is sent.
            if publication_id is None:
                exported = cached_export(topic, file_format)
            else:
                exported = export_publication(publication_id, topic, file_format)
            response = StreamingHttpResponse(exported.content, content_type=exported.content_type)
            response["Content-Disposition"] = content_disposition_header(True, exported.filename)
            return response

        return topic_response(request, topic, respond, etag=etag, changed_at=changed_at)


# ---------------------------------------------------------------------------
# Imports
# ---------------------------------------------------------------------------


class MayImportMaps(BasePermission):
    """An import writes every kind of map object: it needs the permission to add each."""

    message = "Importing a map needs the permission to add topics and everything in a map (the Editors group)."

    def has_permission(self, request, view):
        return may_import(request.user)


class ImportSerializer(KnownFieldsMixin, serializers.Serializer):
    file = serializers.FileField(
        allow_empty_file=True, help_text="The map file (see `format`); its problems are reported, not refused here."
    )
    format = serializers.ChoiceField(choices=[(name, spec.label) for name, spec in FORMATS.items()])
    dry_run = serializers.BooleanField(
        default=True, help_text="Only check the file and say what would be created (the default); false to import."
    )
    slug = serializers.SlugField(
        max_length=100, required=False, help_text="The new topic's slug, instead of the file's (or its name's)."
    )
    title = serializers.CharField(
        max_length=200, required=False, validators=[prohibit_control_characters], help_text="The new topic's title."
    )
    question = serializers.CharField(
        max_length=500,
        required=False,
        validators=[prohibit_control_characters],
        help_text="The new topic's question.",
    )
    new_uids = serializers.BooleanField(
        default=False, help_text="Give the map's objects new uids: to import a copy of a map this database has."
    )


# The report (never built by these serializers: report_data writes it; they describe it
# in the OpenAPI schema).


class ProblemSerializer(serializers.Serializer):
    where = serializers.CharField(help_text="Where in the file: “line 12”, “node 7”, “claims.csv row 4”, “claims[3]”…")
    message = serializers.CharField()


def _counts(name: str, parts: tuple[str, ...]) -> type[serializers.Serializer]:
    fields = {part: serializers.IntegerField() for part in parts}
    return type(name, (serializers.Serializer,), fields)


class ImportedTopicSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    url = serializers.URLField(help_text="The topic in the API.")
    page = serializers.URLField(help_text="The topic's page (editors see drafts).")


class ImportReportSerializer(serializers.Serializer):
    ok = serializers.BooleanField(help_text="True when the file has no problem.")
    dry_run = serializers.BooleanField()
    format = serializers.CharField()
    file = serializers.CharField(help_text="The uploaded file's name.")
    summary = serializers.CharField(help_text="One line: what was (or would be) imported, or how many problems.")
    slug = serializers.CharField(allow_null=True, help_text="The new topic's slug.")
    created = _counts("ImportCreated", PARTS)(help_text="Rows created (or that would be), per part of the map.")
    reused = _counts("ImportReused", SHARED_PARTS)(
        help_text="Stakeholders, sources and relationships the database already had, reused as they are."
    )
    problems = ProblemSerializer(many=True, help_text="Every problem; any one of them stops the import.")
    notes = ProblemSerializer(many=True, help_text="What was left out or changed, without stopping the import.")
    topic = ImportedTopicSerializer(allow_null=True, help_text="The new topic, once imported; null otherwise.")


def report_data(report: ImportReport, request) -> dict[str, Any]:
    topic = report.topic
    return {
        "ok": report.ok,
        "dry_run": report.dry_run,
        "format": report.format,
        "file": report.name,
        "summary": report.summary(),
        "slug": report.slug if isinstance(report.slug, str) else None,
        "created": {part: report.created.get(part, 0) for part in PARTS},
        "reused": {part: report.reused.get(part, 0) for part in SHARED_PARTS},
        "problems": [{"where": problem.where, "message": problem.message} for problem in report.problems],
        "notes": [{"where": note.where, "message": note.message} for note in report.notes],
        "topic": None
        if topic is None
        else {
            "slug": topic.slug,
            "url": request.build_absolute_uri(reverse("api:topic-detail", args=[topic.slug])),
            "page": request.build_absolute_uri(topic.get_absolute_url()),
        },
    }


@extend_schema(tags=["topics"])
class MapImportViewSet(mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Imports: a map file in, a new topic out."""

    queryset = Topic.objects.none()  # (for the schema; an import reads no topic)
    serializer_class = ImportSerializer
    parser_classes = [MultiPartParser]
    permission_classes = [MayImportMaps]
    # Besides the API's own limits, imports per user: each reads and checks a whole file.
    throttle_classes = [*api_settings.DEFAULT_THROTTLE_CLASSES, ScopedRateThrottle]
    throttle_scope = "import"  # REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["import"]: API_IMPORT_RATE

    def initial(self, request, *args, **kwargs):
        # Refused before anything reads the body (authentication may, to check a CSRF token).
        if upload_too_large(request.META.get("CONTENT_LENGTH")):
            raise RequestTooLarge(too_large_message())
        super().initial(request, *args, **kwargs)

    @extend_schema(
        summary="Import a map file as a new topic (a dry run by default)",
        description=(
            "Upload a map as `multipart/form-data`: `file` and its `format` (json, aif, argdown, graphml, csv). "
            "The whole file is checked against every rule of the map before anything is written; then, unless "
            "`dry_run` is true (the default), it is written in one transaction as a new topic, kept in history "
            "as the importing editor. The answer is the import's report: 200 for a dry run without problems "
            "(what would be created), 201 with `Location` once imported, 400 with every problem and its place "
            "in the file when there is any (nothing is written). Needs the Editors group."
        ),
        request={"multipart/form-data": ImportSerializer},
        responses={
            200: OpenApiResponse(ImportReportSerializer, description="A dry run: the file has no problem."),
            201: OpenApiResponse(ImportReportSerializer, description="Imported: the report, and the new topic."),
            400: OpenApiResponse(
                {"anyOf": [{"$ref": "#/components/schemas/ImportReport"}, INVALID]},
                description="The file has problems (the report lists each; nothing was written), "
                "or a field of the request is invalid.",
            ),
            413: OpenApiResponse(
                {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]},
                description="The file is larger than IMPORT_UPLOAD_MAX_BYTES.",
            ),
        },
    )
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        options = serializer.validated_data
        upload = options["file"]
        if upload.size > settings.IMPORT_UPLOAD_MAX_BYTES:
            raise RequestTooLarge(too_large_message())
        report = import_map(
            upload,
            options["format"],
            user=request.user,
            dry_run=options["dry_run"],
            name=upload.name or "",
            slug=options.get("slug"),
            title=options.get("title"),
            question=options.get("question"),
            new_uids=options["new_uids"],
            limit=settings.IMPORT_UPLOAD_MAX_BYTES,
        )
        data = report_data(report, request)
        if not report.ok:
            return Response(data, status=status.HTTP_400_BAD_REQUEST)
        if report.topic is None:
            return Response(data, status=status.HTTP_200_OK)
        return Response(data, status=status.HTTP_201_CREATED, headers={"Location": data["topic"]["url"]})
