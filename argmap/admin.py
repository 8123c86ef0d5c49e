"""The editors' admin: where maps are built.

Every model keeps its history (with diffs and revert, from django-simple-history),
every relation has autocomplete, and a form whose object someone else changed
in the meantime is refused instead of silently overwriting their work.
"""

import contextlib
from math import ceil

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import is_historic

from argmap import counting, undo
from argmap.analysis import gap_rows
from argmap.caching import CacheUnavailable
from argmap.clients import client_address
from argmap.history import deleted_claims, restore_claim
from argmap.interchange import FORMATS
from argmap.interchange.admin import MapImportAdmin
from argmap.loading import PAGE_COLUMNS, load_map, map_gaps
from argmap.login import LoginThrottle
from argmap.models import (
    Citation,
    Claim,
    Link,
    Position,
    Relationship,
    Salience,
    Source,
    SourceText,
    Stakeholder,
    Stance,
    Topic,
)
from argmap.publishing import may_publish, submit_for_review
from argmap.tasks import exports_state, publishing_state
from argmap.workbench import (
    CitationForm,
    MapEditorAdminMixin,
    SourceForm,
    TopicScopedAutocompleteSelect,
    choice_label,
)


class ThrottledLoginForm(AdminAuthenticationForm):
    """The admin login, counting failed passwords per account at an address and per
    address (argmap.login), so that passwords cannot be guessed by trying them all."""

    def clean(self):
        meta = self.request.META if self.request else {}
        address = getattr(self.request, "client_address", None) or client_address(meta)
        throttle = LoginThrottle(self.cleaned_data.get("username") or "", address)
        try:
            allowed = throttle.attempt()
        except CacheUnavailable:
            raise forms.ValidationError(
                "Logging in is not possible just now. Try again in a minute.", code="unavailable"
            ) from None
        if not allowed:
            raise forms.ValidationError(
                "Too many failed attempts to log in. Wait %(minutes)d minutes and try again.",
                code="throttled",
                params={"minutes": settings.LOGIN_FAILURE_WINDOW // 60},
            )
        cleaned = super().clean()
        with contextlib.suppress(CacheUnavailable):
            throttle.succeeded()
        return cleaned


admin.site.login_form = ThrottledLoginForm


def count_of(model, field: str):
    """A correlated COUNT subquery: unlike Count() over joins, it never multiplies rows."""
    counted = model.objects.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("pk"))
    return Coalesce(Subquery(counted.values("n"), output_field=IntegerField()), Value(0))


class KnownChoiceAutocompleteSelect(TopicScopedAutocompleteSelect):
    """An autocomplete that renders its selected option from an object the form already
    holds, sparing the query per inline row that AutocompleteSelect makes."""

    known_objects: tuple = ()

    def optgroups(self, name, value, attr=None):
        selected = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        known = [obj for obj in self.known_objects if str(obj.pk) in selected]
        if not selected or len(known) < len(selected):
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        for obj in known:
            label = choice_label(obj)
            options.append(self.create_option(name, obj.pk, label, selected, len(options)))
        return [(None, options, 0)]


class KnownChoicesForm(forms.ModelForm):
    """Hands the related objects its instance already holds to its autocomplete widgets,
    and the topic of its instance to the pickers a rule confines to that topic."""

    topic_scoped_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        topic_id = self.scope_topic_id() if self.topic_scoped_fields else None
        for name, field in self.fields.items():
            widget = getattr(field.widget, "widget", field.widget)
            if not isinstance(widget, KnownChoiceAutocompleteSelect):
                continue
            if name in self.instance._state.fields_cache:
                related = self.instance._state.fields_cache[name]
                widget.known_objects = (related,) if related is not None else ()
            if name in self.topic_scoped_fields:
                widget.topic_id = topic_id

    def scope_topic_id(self) -> int | None:
        """The topic the scoped pickers offer choices from: the instance's (a link's is its
        claim's), else the one of the claim or target the page was opened for (?claim=…)."""
        instance = self.instance
        if getattr(instance, "topic_id", None) is not None:
            return instance.topic_id
        for name, model in (("claim", Claim), ("target_claim", Claim), ("target_position", Position)):
            related = instance._state.fields_cache.get(name)
            if related is not None:
                return related.topic_id
            pk = self.initial.get(name)
            if pk is not None and str(pk).isdigit():
                return model.objects.filter(pk=pk).values_list("topic_id", flat=True).first()
        return None


class EditorForm(KnownChoicesForm):
    """Refuses to save over a change made by someone else since the form was opened."""

    loaded_at = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            loaded_at = self.stored_updated_at() if is_historic(self.instance) else self.instance.updated_at
            self.fields["loaded_at"].initial = loaded_at.isoformat() if loaded_at else ""

    def stored_updated_at(self):
        """When the stored row last changed (None once deleted). A revert form's instance is
        the earlier version, carrying that version's time; what the editor has in front of
        them as "now" is the stored row, so that is what a later change is measured against."""
        model = type(self.instance)
        return model._default_manager.filter(pk=self.instance.pk).values_list("updated_at", flat=True).first()

    def clean(self):
        cleaned = super().clean()
        loaded_at = cleaned.get("loaded_at")
        if self.instance.pk and loaded_at:
            current = self.stored_updated_at()
            if current is not None and current.isoformat() != loaded_at:
                raise forms.ValidationError(
                    "Someone else changed this %(what)s at %(when)s, after you opened it. "
                    "Nothing was saved: open it again to see their change, then make yours.",
                    code="edit_conflict",
                    params={"what": self.instance._meta.verbose_name, "when": date_format(current, "DATETIME_FORMAT")},
                )
        return cleaned


class ParentAwareInlineFormSet(forms.BaseInlineFormSet):
    """Lets inline rows validate against their parent before it is saved (a new claim's
    topic decides which targets its links may reach)."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        setattr(form.instance, self.fk.name, self.instance)
        return form

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if index is None:  # the empty form that "Add another" copies: its parent too
            kwargs.setdefault("instance", self.model(**{self.fk.name: self.instance}))
        return kwargs


class EditorPaginator(Paginator):
    """Django's paginator, for changelists of a million rows: the rows are counted exactly
    up to COUNT_EXACT_UP_TO, and beyond that PostgreSQL's estimate stands in (the
    changelist then says "about"). Such a list is paged through its first
    COUNT_EXACT_UP_TO rows only, as a search engine pages its first results: every page
    then costs about what the first does, where a page deeper in a search that matches
    most of a million rows had to count them all (350–680 ms) to be cut from the end.
    A search, a filter or another order reaches the rest."""

    count_is_exact = True

    @cached_property
    def count(self) -> int:
        count, self.count_is_exact = counting.count_rows(self.object_list)
        return count

    @cached_property
    def num_pages(self) -> int:
        if self.count == 0 and not self.allow_empty_first_page:
            return 0
        listed = self.count if self.count_is_exact else min(self.count, counting.COUNT_EXACT_UP_TO)
        return ceil(max(1, listed - self.orphans) / self.per_page)

    @property
    def rows_listed(self) -> int:
        """How many of the rows the pages reach."""
        return min(self.count, self.num_pages * self.per_page)

    def validate_number(self, number):
        # A page past the last (its link made from an estimate that was too high, or kept
        # from before rows were deleted) is let through: the changelist shows the last.
        if number > self.num_pages:
            return number
        return super().validate_number(number)


class EditorChangeList(ChangeList):
    """A changelist in its admin's `list_ordering` unless a column is clicked, counted and
    paged by EditorPaginator, whose page reads its related objects for its own rows only,
    and which counts related rows (`page_counts`) for those rows, in one query once the page
    is cut: joins or counts in the page's own SELECT would also run for every row that a
    deep page's OFFSET skips."""

    def get_ordering(self, request, queryset):
        if ORDER_VAR not in self.params and self.model_admin.list_ordering:
            return list(self.model_admin.list_ordering)
        return super().get_ordering(request, queryset)

    def get_results(self, request):
        self.page_num = max(self.page_num, 1)  # (Django shows an error page below 1)
        super().get_results(request)
        # past the last page (Django shows an error page), the last
        self.page_num = min(self.page_num, max(self.paginator.num_pages, 1))
        if not (self.show_all and self.can_show_all):
            # A deep page skips its OFFSET on the ids alone (an index), and joins the related
            # objects it shows for its own rows only: the same one query.
            start = (self.page_num - 1) * self.list_per_page
            page_of_ids = self.queryset.values("pk")[start : start + self.list_per_page]
            self.result_list = self.queryset.filter(pk__in=page_of_ids)
        self.result_count_is_exact = self.paginator.count_is_exact
        # An estimate is shown as one: "about 750,000", not "about 750,279".
        self.result_count_about = f"{round(self.result_count, 2 - len(str(self.result_count))):,}"
        self.rows_listed = self.paginator.rows_listed
        self.rows_listed_shown = f"{self.rows_listed:,}"
        if self.model_admin.page_counts:
            self.result_list = list(self.result_list)
            self.model_admin.count_for_page(self.result_list)


class EditorAdminMixin:
    form = EditorForm
    list_per_page = 50
    show_full_result_count = False  # one COUNT(*) less on every filtered changelist
    paginator = EditorPaginator

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KnownChoiceAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and not any("loaded_at" in options["fields"] for _, options in fieldsets):
            fieldsets = [*fieldsets, (None, {"fields": ["loaded_at"]})]
        return fieldsets


class EditorModelAdmin(EditorAdminMixin, SimpleHistoryAdmin):
    """A ModelAdmin with history, conflict detection and query-frugal autocomplete.

    Changelists (and autocompletes) of tables that grow with the maps are ordered by an
    index, `list_ordering` (newest first), rather than by the model's ordering, which may
    sort by a joined topic's title; they show counts of related rows from `page_counts`
    ({attribute: (model, its field)}). (Not `ordering`: Django would then order every
    form's choices of this model too, at the price of a query per widget.)"""

    list_ordering: tuple[str, ...] = ()
    page_counts: dict = {}

    def get_queryset(self, request):
        # The change page and history too, not only the changelist, get the related
        # objects that names and autocomplete widgets show in the same query.
        queryset = super().get_queryset(request)
        if isinstance(self.list_select_related, list | tuple):
            queryset = queryset.select_related(*self.list_select_related)
        return queryset

    def get_changelist(self, request, **kwargs):
        return EditorChangeList

    def count_for_page(self, objects) -> None:
        if not objects:
            return
        annotations = {attribute: count_of(model, field) for attribute, (model, field) in self.page_counts.items()}
        counted = self.model.objects.filter(pk__in=[obj.pk for obj in objects]).order_by().values("pk", **annotations)
        by_pk = {row.pop("pk"): row for row in counted}
        for obj in objects:
            for attribute, count in by_pk.get(obj.pk, {}).items():
                setattr(obj, attribute, count)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        # The history list names each version by str(version): hand each version the
        # related objects its record already fetched, or every row costs a query per key.
        field_names = {field.name for field in self.model._meta.concrete_fields}
        for record in historical_records:
            version = record.history_object  # built afresh on every access; keep this one
            for name, related in record._state.fields_cache.items():
                if name in field_names:
                    version._state.fields_cache[name] = related
            record.history_object = version
        super().set_history_delta_changes(request, historical_records, foreign_keys_are_objs)


class EditorInline(EditorAdminMixin):
    form = KnownChoicesForm
    formset = ParentAwareInlineFormSet
    extra = 0
    show_change_link = True

    def get_fieldsets(self, request, obj=None):
        # Inline rows are small; conflict detection is done on the parent form.
        return admin.options.BaseModelAdmin.get_fieldsets(self, request, obj)


# ---------------------------------------------------------------------------
# Inlines
# ---------------------------------------------------------------------------


class PositionInline(EditorInline, admin.TabularInline):
    model = Position
    fields = ["title", "summary", "order"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "summary":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2, "cols": 60})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class CappedInlineFormSet(ParentAwareInlineFormSet):
    """Shows at most `shown` existing rows (a large topic has hundreds): the rest are edited
    on their own list, which the page links to (see TopicAdmin.render_change_form). Ten:
    each row is a form with two autocompletes, and 25 of them were some 40% of the map
    editor's time at 10,000 claims (docs/performance.md, "Map editor")."""

    shown = 10

    def get_queryset(self):
        if not hasattr(self, "_queryset"):
            self._queryset = super().get_queryset()[: self.shown]
        return self._queryset


class SalienceInline(EditorInline, admin.TabularInline):
    model = Salience
    formset = CappedInlineFormSet
    fields = ["topic", "stakeholder", "power", "interest", "rationale"]
    autocomplete_fields = ["topic", "stakeholder"]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("topic", "stakeholder").order_by("-power", "-interest", "id")
        )


class LinkForm(KnownChoicesForm):
    topic_scoped_fields = ("claim", "target_position", "target_claim")  # DOMAIN.md rule 1


class LinkInline(EditorInline, admin.TabularInline):
    model = Link
    form = LinkForm
    fk_name = "claim"
    verbose_name = "link: this claim supports or opposes…"
    verbose_name_plural = "links: what this claim supports or opposes"
    fields = ["polarity", "target_position", "target_claim", "basis"]
    autocomplete_fields = ["target_position", "target_claim"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("target_position__topic", "target_claim__topic")


class CitationInlineForm(CitationForm, KnownChoicesForm):
    pass


class CitationInline(EditorInline, admin.StackedInline):
    model = Citation
    form = CitationInlineForm
    fields = [("source", "locator"), "quote", "quote_verbatim"]
    readonly_fields = ["quote_verbatim"]
    autocomplete_fields = ["source"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source")


class StanceOnClaimInline(EditorInline, admin.StackedInline):
    model = Stance
    fk_name = "claim"
    verbose_name = "stance: who holds this claim"
    verbose_name_plural = "stances: who holds this claim"
    fields = [("stakeholder", "stance", "basis"), "quote", ("source", "held_on"), "note"]
    autocomplete_fields = ["stakeholder", "source"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("stakeholder", "source")


class StanceOnPositionInline(StanceOnClaimInline):
    fk_name = "position"
    verbose_name = "stance: who holds this position"
    verbose_name_plural = "stances: who holds this position"


class RelationshipInline(EditorInline, admin.TabularInline):
    model = Relationship
    fk_name = "from_stakeholder"
    fields = ["kind", "to_stakeholder", "amount", "started_on", "source", "basis"]
    autocomplete_fields = ["to_stakeholder", "source"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("to_stakeholder", "source")


# ---------------------------------------------------------------------------
# Model admins
# ---------------------------------------------------------------------------


GAPS_LISTED = 25  # items listed per kind of gap on a topic's page; the rest are counted


def admin_change_url(model: str, pk: int, _placeholder: int = 987654321) -> str:
    return reverse(f"admin:argmap_{model}_change", args=[_placeholder]).replace(str(_placeholder), str(pk))


def background_jobs(topic: Topic) -> dict:
    """What runs (or ran) in the background for this topic, as the change page shows it:
    the building of its downloads (tasks.build_exports, for the version it names) and
    its publishing (tasks.publish_topic). Both are kept in the cache (no query); imports
    have their own list (ImportJob)."""
    exports = exports_state(topic.pk)
    if exports is not None:
        exports = {
            **exports,
            "current": exports["version"] == topic.version,
            "formats": [(FORMATS[name].label, outcome) for name, outcome in exports["formats"].items()],
        }
    return {
        "exports": exports,
        "publishing": publishing_state(topic.pk),
        "imports": reverse("admin:argmap_importjob_changelist"),
    }


def gaps_panel(topic: Topic, *, build: bool = True) -> dict | None:
    """What to research next on a topic, built once per version of its map and kept in the
    cache: a load reads it back, and only the first one after a change loads the map.
    Without `build`, None where this version's panel is not built yet (the topic's page
    then loads it after the page, from TopicAdmin.gaps_view, never reading the map itself)."""
    key = topic.cache_key("admin-gaps")
    panel = cache.get(key)
    if panel is None and build:
        panel = build_gaps_panel(topic.pk)
        cache.set(key, panel)
    return panel


def build_gaps_panel(topic_id: int) -> dict:
    """What to research next on a topic (analysis.gap_rows), each item with the admin page
    where it is fixed: one query (the whole map), whatever the size of the map."""
    data = load_map(topic_id, PAGE_COLUMNS)
    rows = gap_rows(data, map_gaps(data), duplicates=[])
    change = {model: admin_change_url(model, 987654321) for model in ("claim", "position", "stakeholder", "stance")}

    def url(model: str, pk: int) -> str:
        return change[model].replace("987654321", str(pk))

    def listed(items: list[dict], build) -> dict:
        return {"items": [build(item) for item in items[:GAPS_LISTED]], "more": max(len(items) - GAPS_LISTED, 0),
                "count": len(items)}  # fmt: skip

    stance_add, link_add = reverse("admin:argmap_stance_add"), reverse("admin:argmap_link_add")
    return {
        "total": len(rows),
        "claims": listed(rows.claims_without_source, lambda c: {**c, "url": url("claim", c["id"])}),
        "stakeholders": listed(
            rows.stakeholders_without_stance,
            lambda s: {**s, "url": url("stakeholder", s["id"]), "add_stance": f"{stance_add}?stakeholder={s['id']}"},
        ),
        "positions": listed(
            rows.positions_unopposed,
            lambda p: {
                **p,
                "url": url("position", p["id"]),
                "add_link": f"{link_add}?polarity=opposes&target_position={p['id']}",
            },
        ),
        "stances": listed(rows.stances_inferred, lambda s: {**s, "url": url("stance", s["id"])}),
    }


@admin.register(Topic)
class TopicAdmin(MapImportAdmin, MapEditorAdminMixin, EditorModelAdmin):
    editor_form = EditorForm  # the map editor's in-place edits check conflicts as every admin form does
    list_display = ["title", "status", "question", "position_count", "claim_count", "changed_at"]
    list_filter = ["status"]
    search_fields = ["title", "question", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["version", "changed_at", "published_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "question", "summary", "status", "alternatives"]}),
        ("Version", {"fields": ["version", "changed_at", "published_at"], "classes": ["collapse"]}),
    ]
    inlines = [PositionInline, SalienceInline]
    actions = ["submit_for_review", "publish", "unpublish"]
    date_hierarchy = None

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(position_count=count_of(Position, "topic"), claim_count=count_of(Claim, "topic"))
        )

    def get_urls(self):
        return [
            path("<int:topic_id>/gaps/", self.admin_site.admin_view(self.gaps_view), name="argmap_topic_gaps"),
            *super().get_urls(),
        ]

    def gaps_view(self, request, topic_id):
        """The gaps panel on its own (?fragment=1: the panel alone, which the topic's page
        loads after itself when this version's panel is not built yet)."""
        topic = self._topic_or_404(request, topic_id)
        context = {"gaps": gaps_panel(topic), "topic": topic}
        if request.GET.get("fragment"):
            return TemplateResponse(request, "admin/argmap/topic/gaps_panel.html", context)
        context |= {**self.admin_site.each_context(request), "opts": self.opts, "title": f"Gaps in “{topic}”"}
        return TemplateResponse(request, "admin/argmap/topic/gaps.html", context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # The gaps panel (templates/admin/argmap/topic/change_form.html): what to research
        # next. Read from the cache when this version's is built; otherwise loaded after
        # the page (gaps_view), so that opening the map editor never reads the whole map.
        if obj is not None:
            context["gaps"] = gaps_panel(obj, build=False)
            context["gaps_url"] = reverse("admin:argmap_topic_gaps", args=[obj.pk])
            context["background_jobs"] = background_jobs(obj)
            shown = CappedInlineFormSet.shown
            salience = Salience.objects.filter(topic=obj).count()
            if salience > shown:  # the salience inline shows the first rows only
                context["salience_more"] = {
                    "shown": shown,
                    "count": salience,
                    "url": f"{reverse('admin:argmap_salience_changelist')}?topic__id__exact={obj.pk}",
                }
            context["map_editor"] = self.map_editor_context(request, obj)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    @admin.display(description="positions", ordering="position_count")
    def position_count(self, topic):
        return topic.position_count

    @admin.display(description="claims", ordering="claim_count")
    def claim_count(self, topic):
        return topic.claim_count

    def get_readonly_fields(self, request, obj=None):
        # Publishing is a reviewer's act (publishing.py), never a change of the status field.
        fields = super().get_readonly_fields(request, obj)
        return fields if self.has_publish_permission(request) else [*fields, "status"]

    def has_publish_permission(self, request):
        return may_publish(request.user)

    @admin.action(description="Submit the selected topics for review", permissions=["change"])
    def submit_for_review(self, request, queryset):
        topics = list(queryset)
        for topic in topics:
            submit_for_review(topic, user=request.user)
        self.message_user(request, f"{len(topics)} topic(s) submitted for review.", messages.SUCCESS)

    @admin.action(description="Review and publish the selected topic", permissions=["publish"])
    def publish(self, request, queryset):
        # The review page shows what changed since the last publication before publishing.
        topic = queryset.order_by("pk").first()
        return HttpResponseRedirect(reverse("admin:argmap_publication_review", args=[topic.pk]))

    @admin.action(description="Unpublish the selected topics (back to draft)", permissions=["publish"])
    def unpublish(self, request, queryset):
        self._set_status(request, queryset, Topic.unpublish, "unpublished")

    def _set_status(self, request, queryset, change, verb):
        # One save per topic (not queryset.update) so that each change is kept in history.
        topics = list(queryset)
        for topic in topics:
            change(topic)
            topic._history_user = request.user
            topic.save()
        self.message_user(request, f"{len(topics)} topic(s) {verb}.", messages.SUCCESS)


@admin.register(Position)
class PositionAdmin(EditorModelAdmin):
    list_display = ["title", "topic", "order", "stance_count"]
    list_filter = ["topic"]
    list_select_related = ["topic"]
    list_ordering = ["topic_id", "order", "id"]  # (an index; the model's ordering sorts by the topic's title)
    search_fields = ["title", "summary"]
    autocomplete_fields = ["topic"]
    inlines = [StanceOnPositionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(stance_count=count_of(Stance, "position"))

    @admin.display(description="stances", ordering="stance_count")
    def stance_count(self, position):
        return position.stance_count


DELETED_LISTED = 100  # deleted claims listed for restoring, the latest first


@admin.register(Claim)
class ClaimAdmin(EditorModelAdmin):
    # No counts of links and citations: the claim's page lists them (its inlines).
    list_display = ["short_text", "topic", "kind", "fact_check", "base_score"]
    list_filter = ["kind", "fact_check", "topic"]
    list_select_related = ["topic"]
    list_ordering = ["-id"]
    search_fields = ["text"]
    autocomplete_fields = ["topic", "settled_by"]
    fields = ["topic", "text", ("kind", "fact_check", "settled_by"), ("base_score", "score_reason")]
    inlines = [LinkInline, CitationInline, StanceOnClaimInline]

    def get_readonly_fields(self, request, obj=None):
        # A claim's links tie it to its topic: moving it would break them.
        return ["topic"] if obj is not None else []

    def get_urls(self):
        return [
            path("deleted/", self.admin_site.admin_view(self.deleted_view), name="argmap_claim_deleted"),
            path("deleted/<int:claim_id>/restore/", self.admin_site.admin_view(self.restore_view),
                 name="argmap_claim_restore"),
            *super().get_urls(),
        ]  # fmt: skip

    def deleted_view(self, request):
        """Deleted claims, the latest first, each with a button that restores it."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        records = deleted_claims().select_related("history_user")[:DELETED_LISTED]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Deleted claims",
            "records": records,
            "may_restore": self.has_add_permission(request),
        }
        return TemplateResponse(request, "admin/argmap/workbench/deleted_claims.html", context)

    def restore_view(self, request, claim_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_add_permission(request):
            raise PermissionDenied
        try:
            claim, links, citations = restore_claim(claim_id, user=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return redirect("admin:argmap_claim_deleted")
        self.log_addition(request, claim, [{"added": {}}])
        self.message_user(
            request,
            f"Restored the claim “{claim}” with {len(links)} link(s) and {len(citations)} citation(s).",
            messages.SUCCESS,
        )
        return redirect("admin:argmap_claim_change", claim.pk)

    @admin.display(description="claim", ordering="text")
    def short_text(self, claim):
        return str(claim)


class LinkEditorForm(EditorForm, LinkForm):
    pass


@admin.register(Link)
class LinkAdmin(EditorModelAdmin):
    form = LinkEditorForm
    list_display = ["claim", "polarity", "target_position", "target_claim", "basis"]
    list_filter = ["polarity", "basis", "topic"]
    list_select_related = ["claim__topic", "target_position__topic", "target_claim__topic"]
    list_ordering = ["-id"]
    # The claim's text only: an OR over three joined tables can use no index.
    search_fields = ["claim__text"]
    autocomplete_fields = ["claim", "target_position", "target_claim"]
    fields = ["claim", "polarity", "target_position", "target_claim", "basis"]

    # Moving and unlinking a claim in the map editor are these pages: each is the editor's
    # last action on the topic's map, which the map editor's Undo reverts (argmap/undo.py).
    MOVED = ("polarity", "target_position_id", "target_claim_id")

    def save_model(self, request, obj, form, change):
        before = dict(Link.objects.filter(pk=obj.pk).values(*self.MOVED).first() or {}) if change else {}
        super().save_model(request, obj, form, change)
        if change and before != {name: getattr(obj, name) for name in self.MOVED}:
            undo.remember_move(request, obj, before)

    def delete_model(self, request, obj):
        pk = obj.pk  # Django clears it as it deletes
        super().delete_model(request, obj)
        undo.remember_unlink(request, obj, pk)


@admin.register(Stakeholder)
class StakeholderAdmin(EditorModelAdmin):
    list_display = ["name", "kind", "parent", "stance_count"]
    list_filter = ["kind"]
    list_select_related = ["parent"]
    list_ordering = ["name", "id"]  # (an index)
    search_fields = ["name", "slug", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    fields = ["name", "slug", "kind", "parent", "url", "summary"]
    inlines = [RelationshipInline, SalienceInline]
    page_counts = {"stance_count": (Stance, "stakeholder")}

    @admin.display(description="stances")
    def stance_count(self, stakeholder):
        return stakeholder.stance_count


@admin.register(Stance)
class StanceAdmin(EditorModelAdmin):
    list_display = ["stakeholder", "stance", "subject_display", "basis", "source", "held_on"]
    list_filter = ["stance", "basis", "stakeholder__kind"]
    list_select_related = ["stakeholder", "position__topic", "claim__topic", "source"]
    list_ordering = ["-id"]
    # The stance's own text (indexed); its stakeholder, position or claim through the filters.
    search_fields = ["quote", "note"]
    autocomplete_fields = ["stakeholder", "position", "claim", "source"]
    fields = [("stakeholder", "stance", "basis"), ("position", "claim"), "quote", ("source", "held_on"), "note"]

    @admin.display(description="on")
    def subject_display(self, stance):
        return stance.subject


class SourceAdminForm(SourceForm, EditorForm):
    pass


@admin.register(Source)
class SourceAdmin(EditorModelAdmin):
    form = SourceAdminForm
    list_display = ["title", "publisher", "kind", "published_on", "link", "citation_count"]
    list_filter = ["kind"]
    list_ordering = ["-id"]
    search_fields = ["title", "publisher", "author", "url"]
    fields = ["title", "kind", "url", ("publisher", "author"), "published_on", "text", "text_file", "text_page"]
    page_counts = {"citation_count": (Citation, "source")}
    readonly_fields = ["text_page"]

    class Media:
        js = ["argmap/quotes.js"]  # warns of a pasted text too long to send

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if form.text_changed():
            form.save_text(user=request.user)

    @admin.display(description="Cited passages")
    def text_page(self, source):
        if source.pk is None:
            return "Save the source with its text, then read it here with the passages its claims quote."
        url = reverse("admin:argmap_source_text", args=[source.pk])
        return format_html('<a href="{}">Read the text with the passages its claims quote</a>', url)

    def get_urls(self):
        return [
            path("<int:source_id>/text/", self.admin_site.admin_view(self.text_view), name="argmap_source_text"),
            *super().get_urls(),
        ]

    def text_view(self, request, source_id):
        """The source's text, each passage a claim quotes highlighted and linked to the claim;
        the paragraphs nobody quotes are what the map has not used yet. With ?fragment=1,
        the bare text, for selecting a quote in the map editor."""
        source = self.get_object(request, str(source_id))
        if source is None or not self.has_view_or_change_permission(request, source):
            raise Http404("No such source.")
        citations = Citation.objects.filter(source=source).select_related("claim").order_by("claim__topic_id", "id")
        context = {"source": source, "citations": citations}
        if request.GET.get("fragment"):
            if not SourceText.objects.filter(source=source).exists():
                raise Http404("This source has no text yet.")
            return TemplateResponse(request, "admin/argmap/source/text_fragment.html", context)
        context |= {**self.admin_site.each_context(request), "opts": self.opts, "title": f"The text of “{source}”"}
        return TemplateResponse(request, "admin/argmap/source/text.html", context)

    @admin.display(description="URL")
    def link(self, source):
        return (
            format_html('<a href="{}" rel="noopener noreferrer">open</a>', source.safe_url) if source.safe_url else ""
        )

    @admin.display(description="cited by")
    def citation_count(self, source):
        return source.citation_count


class CitationAdminForm(CitationForm, EditorForm):
    pass


@admin.register(Citation)
class CitationAdmin(EditorModelAdmin):
    form = CitationAdminForm
    readonly_fields = ["quote_verbatim"]
    list_display = ["claim", "source", "locator", "quote_verbatim"]
    list_select_related = ["claim__topic", "source"]
    list_filter = ["topic"]
    list_ordering = ["-id"]
    search_fields = ["quote", "locator"]  # the citation's own text (indexed)
    autocomplete_fields = ["claim", "source"]
    fields = ["claim", ("source", "locator"), "quote", "quote_verbatim"]


@admin.register(Relationship)
class RelationshipAdmin(EditorModelAdmin):
    list_display = ["from_stakeholder", "kind", "to_stakeholder", "amount", "started_on", "source", "basis"]
    list_filter = ["kind", "basis"]
    list_select_related = ["from_stakeholder", "to_stakeholder", "source"]
    list_ordering = ["-id"]  # (the model's ordering sorts by both stakeholders' names)
    search_fields = ["from_stakeholder__name", "to_stakeholder__name", "description"]
    autocomplete_fields = ["from_stakeholder", "to_stakeholder", "source"]
    fields = [
        ("from_stakeholder", "kind", "to_stakeholder"),
        "description",
        "amount",
        ("started_on", "ended_on"),
        ("source", "basis"),
    ]


@admin.register(Salience)
class SalienceAdmin(EditorModelAdmin):
    list_display = ["stakeholder", "topic", "power", "interest"]
    list_filter = ["topic"]
    list_select_related = ["stakeholder", "topic"]
    list_ordering = ["-id"]
    search_fields = ["stakeholder__name", "topic__title", "rationale"]
    autocomplete_fields = ["stakeholder", "topic"]
    fields = ["topic", "stakeholder", ("power", "interest"), "rationale"]


# API tokens (argmap.api.admin): each editor manages their own.
# Publications and their review: a module of their own (argmap/publishing_admin.py).
from argmap import publishing_admin  # noqa: E402, F401
from argmap.api import admin as api_admin  # noqa: E402, F401
