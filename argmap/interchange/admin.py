"""The admin's import page (mixed into TopicAdmin): an editor uploads a map file, sees
what a dry run would create and every problem with its line, node or row, then confirms
to import it as a new topic, recorded in history as that editor. The import itself is a
background job (jobs.py, tasks.queue_import): without a broker it runs in the request and the page goes on
to the new topic; with one, to the job's page, and the list of import jobs shows each
one's status and progress.

Between the preview and the confirmation the checked file waits in IMPORT_STAGING_DIR,
under a random name that only a signed token (valid for STAGED_FOR seconds, for the same
user, format and options) leads back to; it is removed once imported, and stale ones
whenever another file is staged. The request's size is checked before its body is read:
the page does its own CSRF check after that, not Django's middleware before it.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import CsrfViewMiddleware
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.csrf import csrf_exempt

from argmap.interchange import (
    FORMATS,
    ImportReport,
    import_map,
    may_import,
    too_large_message,
    upload_too_large,
)
from argmap.interchange.document import PARTS, PLURAL, SHARED_PARTS
from argmap.interchange.jobs import STAGED_FOR, live_progress, stage, staging_dir
from argmap.interchange.reading import Problem
from argmap.models import ImportJob, ImportStatus
from argmap.tasks import queue_import

SALT = "argmap.interchange.admin.staged"


class MapImportForm(forms.Form):
    file = forms.FileField(label="Map file", allow_empty_file=True)
    format = forms.ChoiceField(choices=[(name, spec.label) for name, spec in FORMATS.items()])
    slug = forms.SlugField(
        required=False,
        max_length=100,
        help_text="The new topic's slug. Leave empty to use the file's (or, failing that, its name's).",
    )
    new_uids = forms.BooleanField(
        required=False,
        label="Import as a copy",
        help_text="Give every object a new uid: to import a map this database already has (with a new slug).",
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > settings.IMPORT_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(too_large_message())
        return file


def report_rows(report: ImportReport) -> list[dict[str, Any]]:
    """What the import created (or would), part by part, for the page's table."""
    return [
        {
            "part": PLURAL[part],
            "created": report.created.get(part, 0),
            "reused": report.reused.get(part, 0) if part in SHARED_PARTS else None,
        }
        for part in PARTS
    ]


def in_file_order(problems: list[Problem]) -> list[Problem]:
    """Problems by where they are: "row 9" before "row 10", whatever found them first."""

    def key(problem: Problem) -> list[str | int]:
        return [int(part) if index % 2 else part for index, part in enumerate(re.split(r"(\d+)", problem.where))]

    return sorted(problems, key=key)


class MapImportAdmin:
    """Adds the import page to a ModelAdmin of topics, and a link to it on the changelist."""

    import_template = "admin/argmap/topic/import.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view(csrf_exempt(self.import_view))
        return [path("import/", view, name="{}_{}_import".format(*info)), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {**(extra_context or {}), "may_import": may_import(request.user)})

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not may_import(request.user):
            raise PermissionDenied
        if request.method != "POST":
            return self.render_import(request, form=MapImportForm())
        if upload_too_large(request.META.get("CONTENT_LENGTH")):
            # Answered before the body is read (and so before the CSRF token in it is).
            return self.render_import(request, form=MapImportForm(), error=too_large_message(), status=413)
        refused = CsrfViewMiddleware(lambda request: HttpResponse()).process_view(request, None, (), {})
        if refused is not None:
            return refused
        if "staged" in request.POST:
            return self.confirm(request)
        return self.preview(request)

    def preview(self, request: HttpRequest) -> HttpResponse:
        """A dry run of the uploaded file: what it would create, or every problem."""
        form = MapImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_import(request, form=form, status=400)
        options = form.cleaned_data
        upload = options["file"]
        report = import_map(
            upload, options["format"], name=upload.name or "", **self.import_options(options), dry_run=True
        )
        if not report.ok:
            return self.render_import(request, form=form, report=report, status=400)
        token = signing.dumps(
            {
                "file": stage(upload),
                "user": request.user.pk,
                "name": upload.name,
                "format": options["format"],
                "slug": options["slug"],
                "new_uids": options["new_uids"],
            },
            salt=SALT,
        )
        return self.render_import(request, form=None, report=report, staged=token)

    def confirm(self, request: HttpRequest) -> HttpResponse:
        """The import of a file previewed before: checked again, then written."""
        try:
            staged = signing.loads(request.POST["staged"], salt=SALT, max_age=STAGED_FOR)
        except signing.BadSignature:
            staged = None
        path = staging_dir() / staged["file"] if staged and staged.get("user") == request.user.pk else None
        try:
            # Taken out of the folder first: a second confirmation (a double click) finds nothing.
            claimed = path.rename(path.with_suffix(".importing")) if path else None
        except FileNotFoundError:
            claimed = None
        if claimed is None:
            error = "This preview has expired (or was already imported): choose the file again."
            return self.render_import(request, form=MapImportForm(), error=error, status=400)
        job = queue_import(
            file=claimed,
            name=staged["name"] or "",
            format=staged["format"],
            user=request.user,
            options=self.import_options(staged),
        )
        if job.status == ImportStatus.DONE and job.topic_id:  # run here and now (no broker)
            self.message_user(request, job.summary, messages.SUCCESS)
            opts = self.opts
            return HttpResponseRedirect(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[job.topic_id])
            )
        if job.status == ImportStatus.FAILED and job.finished_at and not job.started_at:
            return self.render_import(request, form=MapImportForm(), error=job.problems[0], status=503)
        if job.status == ImportStatus.FAILED:
            report = ImportReport(format=job.format, name=job.name, dry_run=False)
            report.problems = [Problem("", problem) for problem in job.problems]
            return self.render_import(request, form=MapImportForm(), report=report, status=400)
        self.message_user(
            request, f"The import of {job.name or 'the file'} runs in the background: its progress is shown here."
        )
        return HttpResponseRedirect(reverse("admin:argmap_importjob_change", args=[job.pk]))

    @staticmethod
    def import_options(options: dict[str, Any]) -> dict[str, Any]:
        return {
            "slug": options.get("slug") or None,
            "new_uids": bool(options.get("new_uids")),
            "limit": settings.IMPORT_UPLOAD_MAX_BYTES,
        }

    def render_import(
        self,
        request: HttpRequest,
        *,
        form: MapImportForm | None,
        report: ImportReport | None = None,
        staged: str | None = None,
        error: str | None = None,
        status: int = 200,
    ) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Import a map",
            "form": form,
            "report": report,
            "problems": in_file_order(report.problems) if report else [],
            "rows": report_rows(report) if report else [],
            "staged": staged,
            "error": error,
            "limit": settings.IMPORT_UPLOAD_MAX_BYTES,
        }
        return TemplateResponse(request, self.import_template, context, status=status)


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """The imports run in the background: read only, for whoever may import."""

    list_display = ["created_at", "name", "format", "user", "status", "progress", "topic"]
    list_filter = ["status", "format"]
    list_select_related = ["user", "topic"]
    show_full_result_count = False
    fields = ["name", "format", "user", "status", "progress", "created_at", "started_at", "finished_at",
              "summary", "problem_list", "topic", "worker"]  # fmt: skip
    readonly_fields = fields

    def changelist_view(self, request, extra_context=None):
        ImportJob.objects.fail_lost()  # a job whose worker was killed shows as failed
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        ImportJob.objects.fail_lost()
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description="progress")
    def progress(self, job: ImportJob) -> str:
        if job.status != ImportStatus.RUNNING:
            return "–"
        stage, done, total = live_progress(job)
        return f"{stage} {min(100, done * 100 // total)}%" if total else stage or "starting"

    @admin.display(description="problems")
    def problem_list(self, job: ImportJob) -> str:
        shown = job.problems[:50]
        more = len(job.problems) - len(shown)
        return "\n".join(shown) + (f"\n… and {more:,} more" if more > 0 else "")

    def has_module_permission(self, request) -> bool:
        return may_import(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return may_import(request.user) and (obj is None or request.user.is_superuser or obj.user_id == request.user.pk)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser
