"""Maps in and out through the API (issue 5), wrapping argmap.interchange:

- GET /api/v1/topics/{slug}/export/{file_format}/: the topic's map as a file to
  download, streamed, with ETag and Last-Modified from the topic (an @action of
  TopicViewSet, so a draft is a 404 to the public, as everywhere).
- POST /api/v1/imports/: an editor's file (multipart: `file`, `format`), checked and,
  unless it is a dry run (the default), imported as a new topic. A dry run, and an
  import without a broker, answer with the import's report: what was (or would be)
  created, and every problem with its place in the file. With a broker (REDIS_URL) an
  import is a background job (interchange/jobs.py, as the admin's): the answer is 202
  Accepted with the job, whose Location the editor polls.
- GET /api/v1/imports/{id}/: the job: its status, stage and progress, and once finished
  what it created (the topic) or every problem that stopped it. Only its editor sees it.
Its own resource rather than /topics/import/, which a topic whose slug is "import" would
shadow.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.settings import api_settings

from argmap.api.exceptions import NotWrittenYet, RequestTooLarge, refuse_above_on_demand
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
from argmap.interchange.jobs import live_progress, stage, staging_dir
from argmap.models import ImportJob, ImportStatus, Topic, prohibit_control_characters
from argmap.published_documents import export_name, stored_response, weak_if_encoded
from argmap.publishing import export_publication, live_claim_count, on_demand, published_claim_count
from argmap.tasks import queue_import

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
            if publication_id is not None:
                # The publication's file as written once, compressed (published_documents.py).
                stored = stored_response(request, publication_id, export_name(file_format), topic.slug, stream=True)
                if stored is not None:
                    return stored
            # The map is read here (or the file found in the cache), and written as it is sent:
            # for a map small enough to read whole for a request (publishing.on_demand).
            if publication_id is None:
                exported = cached_export(topic, file_format, before_reading=lambda: refuse_above_on_demand(
                    live_claim_count(topic), "a live map is exported on request",
                    "Publish the topic (its exports are then written once), or run `manage.py export_map`.",
                ))  # fmt: skip
            else:
                claims = published_claim_count(publication_id)
                if not on_demand(claims):
                    raise NotWrittenYet()  # (the worker writes it once the publication commits)
                exported = export_publication(publication_id, topic, file_format)
            response = StreamingHttpResponse(exported.content, content_type=exported.content_type)
            response["Content-Disposition"] = content_disposition_header(True, exported.filename)
            return response

        response = topic_response(request, topic, respond, etag=etag, changed_at=changed_at)
        weak_if_encoded(response)
        return response


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
        "topic": topic_links(topic, request),
    }


def topic_links(topic: Topic | None, request) -> dict[str, str] | None:
    if topic is None:
        return None
    return {
        "slug": topic.slug,
        "url": request.build_absolute_uri(reverse("api:topic-detail", args=[topic.slug])),
        "page": request.build_absolute_uri(topic.get_absolute_url()),
    }


class ImportJobSerializer(serializers.ModelSerializer):
    """An import run in the background, as its editor polls it."""

    url = serializers.HyperlinkedIdentityField(view_name="api:import-detail", help_text="This job.")
    file = serializers.CharField(source="name", help_text="The uploaded file's name.")
    stage = serializers.SerializerMethodField(help_text="reading, checking or saving while it runs; else empty.")
    done = serializers.SerializerMethodField(help_text="Progress: how far the stage has gone (bytes, steps).")
    total = serializers.SerializerMethodField(help_text="Progress: how far the stage goes; 0 when unknown.")
    created = _counts("ImportJobCreated", PARTS)(
        source="report.created", allow_null=True, default=None, help_text="Rows created, once done."
    )
    reused = _counts("ImportJobReused", SHARED_PARTS)(
        source="report.reused", allow_null=True, default=None, help_text="Shared rows reused, once done."
    )
    problems = serializers.SerializerMethodField(help_text="Every problem that stopped it (nothing was written).")
    notes = ProblemSerializer(
        source="report.notes", many=True, default=list, help_text="What was left out or changed, once done."
    )
    topic = serializers.SerializerMethodField(help_text="The new topic, once done; null otherwise.")

    class Meta:
        model = ImportJob
        fields = ["id", "url", "status", "format", "file", "stage", "done", "total", "summary", "created",
                  "reused", "problems", "notes", "topic", "created_at", "started_at", "finished_at"]  # fmt: skip
        read_only_fields = fields

    def progress(self, job: ImportJob) -> tuple[str, int, int]:
        if job.status != ImportStatus.RUNNING:
            return "", job.done, job.total
        return live_progress(job)

    def get_stage(self, job: ImportJob) -> str:
        return self.progress(job)[0]

    @extend_schema_field(OpenApiTypes.INT)
    def get_done(self, job: ImportJob) -> int:
        return self.progress(job)[1]

    @extend_schema_field(OpenApiTypes.INT)
    def get_total(self, job: ImportJob) -> int:
        return self.progress(job)[2]

    @extend_schema_field(ProblemSerializer(many=True))
    def get_problems(self, job: ImportJob) -> list[dict[str, str]]:
        if "problems" in job.report:
            return job.report["problems"]
        return [{"where": "", "message": problem} for problem in job.problems]  # failed before any report

    @extend_schema_field(ImportedTopicSerializer(allow_null=True))
    def get_topic(self, job: ImportJob) -> dict[str, str] | None:
        return topic_links(job.topic, self.context["request"])


@extend_schema(tags=["topics"])
class MapImportViewSet(mixins.CreateModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Imports: a map file in, a new topic out; an import run in the background is a job."""

    queryset = ImportJob.objects.select_related("topic")
    parser_classes = [MultiPartParser]
    permission_classes = [MayImportMaps]
    throttle_scope = "import"  # REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["import"]: API_IMPORT_RATE

    def get_queryset(self):
        # An editor's own jobs: another's is a 404.
        return super().get_queryset().filter(user=self.request.user)

    def get_serializer_class(self):
        return ImportJobSerializer if self.action == "retrieve" else ImportSerializer

    def get_throttles(self):
        # Besides the API's own limits, imports per user: each reads and checks a whole
        # file. Polling a job is not an import.
        if self.action == "create":
            return [throttle() for throttle in [*api_settings.DEFAULT_THROTTLE_CLASSES, ScopedRateThrottle]]
        return super().get_throttles()

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
            "as the importing editor. A dry run answers in the request: 200 with the report (what would be "
            "created), or 400 with every problem and its place in the file. An import runs as a background job "
            "when the server has a broker (REDIS_URL): 202 Accepted, the job in the body and its address in "
            "`Location`; poll it (GET) for its progress, then the new topic or every problem (nothing written). "
            "Without a broker the import runs in the request: 201 with the report and the new topic's "
            "`Location`, or 400 with every problem (nothing is written). Needs the Editors group."
        ),
        request={"multipart/form-data": ImportSerializer},
        responses={
            200: OpenApiResponse(ImportReportSerializer, description="A dry run: the file has no problem."),
            201: OpenApiResponse(
                ImportReportSerializer, description="Imported in the request (no broker): the report and the topic."
            ),
            202: OpenApiResponse(
                ImportJobSerializer, description="Queued (with a broker): the job; `Location` is its address."
            ),
            400: OpenApiResponse(
                {"anyOf": [{"$ref": "#/components/schemas/ImportReport"}, INVALID]},
                description="The file has problems (the report lists each; nothing was written), "
                "or a field of the request is invalid.",
            ),
            413: OpenApiResponse(
                {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]},
                description="The file is larger than IMPORT_UPLOAD_MAX_BYTES.",
            ),
            503: OpenApiResponse(
                {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]},
                description="The database, or the broker an import is queued on, is unreachable; retry later.",
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
        if not options["dry_run"] and not settings.CELERY_TASK_ALWAYS_EAGER:
            return self.queue(request, upload, options)
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

    def queue(self, request, upload, options: dict[str, Any]) -> Response:
        """The import as a background job: 202 with the job, or 503 if it could not be queued."""
        staged = staging_dir() / stage(upload)
        job = queue_import(
            file=staged.rename(staged.with_suffix(".importing")),  # for the job only
            name=upload.name or "",
            format=options["format"],
            user=request.user,
            options={
                "slug": options.get("slug"),
                "title": options.get("title"),
                "question": options.get("question"),
                "new_uids": options["new_uids"],
                "limit": settings.IMPORT_UPLOAD_MAX_BYTES,
            },
        )
        if job.status == ImportStatus.FAILED and not job.started_at:  # the broker is unreachable
            return Response(
                {"detail": job.problems[0]}, status=status.HTTP_503_SERVICE_UNAVAILABLE, headers={"Retry-After": "30"}
            )
        data = ImportJobSerializer(job, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["url"]})

    @extend_schema(
        summary="An import job: its progress, then the new topic or every problem",
        description=(
            "An import queued by `POST /api/v1/imports/` (with a broker). `status` is queued, running, done or "
            "failed; while it runs, `stage` (reading, checking, saving) and `done` of `total` tell how far it "
            "is. Once done, `topic` is the new topic and `created` what was written; once failed, `problems` "
            "lists each with its place in the file, and nothing was written. Only the editor who queued it "
            "sees it (another's is a 404)."
        ),
        responses={200: ImportJobSerializer},
    )
    def retrieve(self, request, *args, **kwargs):
        job = self.get_object()
        if job.status == ImportStatus.RUNNING and ImportJob.objects.fail_lost():
            job.refresh_from_db()  # its worker was killed: failed, nothing imported
        return Response(self.get_serializer(job).data)
