"""The editors' workbench in the admin: pickers scoped to the topic being edited.

Every autocomplete shows, for each choice, what it is (position or claim) and its topic;
a picker whose choices a rule confines to one topic (a link's claim and target: DOMAIN.md
rule 1) forwards that topic, and offers only its positions and claims.
"""

from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import AutocompleteSelect


def choice_label(obj) -> str:
    """How a picker names a choice: its kind and its topic for positions and claims (the
    topic must be fetched with it), str() for anything else."""
    kind = obj._meta.model_name
    if kind in ("position", "claim"):
        return f"{kind}: {obj} · in “{obj.topic}”"
    return str(obj)


class ScopedAutocompleteJsonView(AutocompleteJsonView):
    """The admin's autocomplete, labelled by choice_label, limited to `?topic=` when the
    picker forwards one (a number; anything else finds nothing)."""

    def get_queryset(self):
        queryset = super().get_queryset()
        if any(field.name == "topic" for field in queryset.model._meta.concrete_fields):
            queryset = queryset.select_related("topic")
            topic = self.request.GET.get("topic")
            if topic is not None:
                queryset = queryset.filter(topic_id=int(topic)) if topic.isdigit() else queryset.none()
        return queryset

    def serialize_result(self, obj, to_field_name):
        return {**super().serialize_result(obj, to_field_name), "text": choice_label(obj)}


class ArgmapAdminSite(admin.AdminSite):
    """The default admin site, with the scoped autocomplete."""

    def autocomplete_view(self, request):
        return ScopedAutocompleteJsonView.as_view(admin_site=self)(request)


class TopicScopedAutocompleteSelect(AutocompleteSelect):
    """An autocomplete that names each choice by choice_label and, once its form sets
    `topic_id`, asks only for that topic's choices."""

    topic_id: int | None = None

    def get_url(self):
        url = super().get_url()
        return f"{url}?{urlencode({'topic': self.topic_id})}" if self.topic_id is not None else url
