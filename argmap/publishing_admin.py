"""The admin of publications and their review (issue 16): the reviewer's page, which
shows what changed since the last publication and publishes the topic or sends it back
with a comment; read-only lists of publications and review steps (neither ever changes).
"""

import logging

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Subquery
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnreachable

from argmap.models import Publication, Reply, ReplyStatus, ReviewAction, ReviewStep, Topic
from argmap.publishing import live_diff, may_publish, pending_review, send_back
from argmap.tasks import publish_topic, publishing_key, publishing_state

logger = logging.getLogger("argmap.publishing")


class ReviewForm(forms.Form):
    note = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), help_text="For readers."
    )
    is_correction = forms.BooleanField(required=False, label="This publication corrects an earlier one")
    correction_note = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), help_text="What was wrong."
    )
    comment = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="To send the topic back: what needs changing.",
    )


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdmin):
    list_display = ["topic", "number", "published_at", "publisher", "reviewer", "is_correction", "changes"]
    list_filter = ["is_correction"]
    list_select_related = ["topic", "publisher", "reviewer"]
    search_fields = ["topic__title", "note", "correction_note"]
    fields = [
        "topic", "number", "published_at", "publisher", "reviewer", "note", "is_correction", "correction_note",
        "changes", "claim_count",
    ]  # fmt: skip
    readonly_fields = fields
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).without_documents()

    def get_urls(self):
        review = self.admin_site.admin_view(self.review_view)
        progress = self.admin_site.admin_view(self.progress_view)
        return [
            path("review/<int:topic_id>/", review, name="argmap_publication_review"),
            path("review/<int:topic_id>/progress/", progress, name="argmap_publication_progress"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        latest = ReviewStep.objects.filter(topic=OuterRef("pk")).order_by("-created_at", "-id")
        waiting = (
            Topic.objects.annotate(last_step=Subquery(latest.values("action")[:1]))
            .filter(last_step=ReviewAction.SUBMITTED)
            .order_by("title")
        )
        context = {**(extra_context or {}), "waiting": waiting, "may_publish": may_publish(request.user)}
        return super().changelist_view(request, extra_context=context)

    def review_view(self, request, topic_id):
        """What changed since the last publication; publish it or send it back."""
        if not may_publish(request.user):
            raise PermissionDenied
        topic = get_object_or_404(Topic, pk=topic_id)
        form = ReviewForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                if "_send_back" in request.POST:
                    send_back(topic, user=request.user, comment=data["comment"])
                    self.message_user(request, f"“{topic}” was sent back to its editors.", messages.SUCCESS)
                    return HttpResponseRedirect(reverse("admin:argmap_publication_changelist"))
                # A big map takes a while: a worker publishes it (in this process without a
                # broker) and the reviewer watches its progress.
                cache.delete(publishing_key(topic.pk))
                arguments = (topic.pk, request.user.pk)
                options = {key: data[key] for key in ("note", "is_correction", "correction_note")}
                eager = settings.CELERY_TASK_ALWAYS_EAGER
                try:
                    result = publish_topic.apply_async(arguments, options, retry=False)
                except BrokerUnreachable:
                    logger.warning("No broker: publishing %s in this process", topic.slug, exc_info=True)
                    result, eager = publish_topic.apply(arguments, options), True
            except PermissionDenied as error:
                form.add_error(None, str(error))
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                state = result.get() if eager else None
                if state is None:  # queued: its progress page
                    return HttpResponseRedirect(reverse("admin:argmap_publication_progress", args=[topic.pk]))
                if state["state"] == "done":
                    return self.published(request, topic, state)
                for message in state["errors"]:
                    form.add_error(None, message)
        review = live_diff(topic)
        return self.review_page(request, topic, form, review)

    def published(self, request, topic, state):
        self.message_user(request, f"Published “{topic}” as version {state['number']}.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:argmap_publication_change", args=[state["publication"]]))

    def progress_view(self, request, topic_id):
        """How far the publishing of a topic has got; the page reloads itself until done."""
        if not may_publish(request.user):
            raise PermissionDenied
        topic = get_object_or_404(Topic, pk=topic_id)
        state = publishing_state(topic.pk)
        if state is not None and state["state"] == "done":
            return self.published(request, topic, state)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Publishing “{topic}”",
            "topic": topic,
            "state": state or {"state": "waiting"},
        }
        return TemplateResponse(request, "admin/argmap/publication/progress.html", context)

    def review_page(self, request, topic, form, review):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Review “{topic}”",
            "topic": topic,
            "form": form,
            "review": review,
            "pending": pending_review(topic),
            "steps": ReviewStep.objects.filter(topic=topic).select_related("user")[:20],
        }
        return TemplateResponse(request, "admin/argmap/publication/review.html", context)


@admin.register(ReviewStep)
class ReviewStepAdmin(ReadOnlyAdmin):
    list_display = ["topic", "action", "user", "created_at", "comment", "topic_version"]
    list_filter = ["action"]
    list_select_related = ["topic", "user"]
    fields = ["topic", "action", "user", "created_at", "comment", "topic_version", "publication"]
    readonly_fields = fields
    show_full_result_count = False


@admin.register(Reply)
class ReplyAdmin(admin.ModelAdmin):
    """The moderation queue of replies: accept, edit (the original stays as received), or
    decline with a reason."""

    list_display = ["name", "role", "stance", "status", "received_at", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["stance__stakeholder", "stance__position", "stance__claim"]
    search_fields = ["name", "role", "email", "text"]
    fields = [
        "stance", "name", "role", "email", "text", "link", "received_at", "status", "edited_text", "decline_reason",
        "decided_at", "decided_by",
    ]  # fmt: skip
    readonly_fields = ["stance", "name", "role", "email", "text", "link", "received_at", "decided_at", "decided_by"]
    actions = ["accept"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False  # replies come from stakeholders, through the site

    def get_queryset(self, request):
        # Pending first: the queue.
        return super().get_queryset(request).order_by("-status", "-received_at")

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data:
            obj.decided_at, obj.decided_by = timezone.now(), request.user
        super().save_model(request, obj, form, change)

    @admin.action(description="Accept the selected replies", permissions=["change"])
    def accept(self, request, queryset):
        replies = list(queryset.pending())
        for reply in replies:
            reply.status, reply.decided_at, reply.decided_by = ReplyStatus.ACCEPTED, timezone.now(), request.user
            reply.save()
        self.message_user(request, f"{len(replies)} reply(s) accepted.", messages.SUCCESS)
