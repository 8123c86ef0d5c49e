"""The editors' workbench in the admin: pickers scoped to the topic being edited, and
the map editor on a topic's page.

Every autocomplete shows, for each choice, what it is (position or claim) and its topic;
a picker whose choices a rule confines to one topic (a link's claim and target: DOMAIN.md
rule 1) forwards that topic, and offers only its positions and claims.
"""

from urllib.parse import quote, urlencode

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from argmap import undo
from argmap.models import (
    SOURCE_TEXT_MAX_BYTES,
    Attitude,
    Basis,
    Citation,
    Claim,
    Link,
    Polarity,
    Position,
    Source,
    SourceText,
    Stakeholder,
    Stance,
)
from argmap.quotes import NormalisedText, html_to_text, locator_for


def choice_label(obj) -> str:
    """How a picker names a choice: its kind and its topic for positions and claims (the
    topic must be fetched with it), str() for anything else."""
    kind = obj._meta.model_name
    if kind in ("position", "claim"):
        return f"{kind}: {obj} · in “{obj.topic}”"
    return str(obj)


class ScopedAutocompleteJsonView(AutocompleteJsonView):
    """The admin's autocomplete, labelled by choice_label, limited to `?topic=` when the
    picker forwards one (an id; anything else finds nothing)."""

    def get_queryset(self):
        queryset = super().get_queryset()
        if ordering := getattr(self.model_admin, "list_ordering", ()):
            queryset = queryset.order_by(*ordering)  # an index, as the changelist (argmap/admin.py)
        if any(field.name == "topic" for field in queryset.model._meta.concrete_fields):
            queryset = queryset.select_related("topic")
            topic = self.request.GET.get("topic")
            if topic is not None:
                valid = topic.isdigit() and len(topic) <= 18  # within a bigint, never a database error
                queryset = queryset.filter(topic_id=int(topic)) if valid else queryset.none()
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


MAX_START = 10_000_000  # a "show more" offset beyond any map: read as this, never a database error
PLACEHOLDER = "987654321"  # an id in a reversed address, replaced by the real one


class QuotePickerTextarea(forms.Textarea):
    """A quote's box with "Pick the quote from the source's text" (static/argmap/quotes.js):
    the text of the source chosen beside it opens below, and selecting a passage fills in
    this box and the locator beside it. The button shows only with the script; without it
    the box is a plain one, and the form checks the quote all the same."""

    template_name = "admin/argmap/widgets/quote_picker.html"

    class Media:
        css = {"all": ["argmap/workbench.css"]}
        js = ["argmap/quotes.js"]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # The fragment of the source's text (SourceAdmin.text_view); the script puts the id in.
        context["widget"]["source_text_url"] = reverse("admin:argmap_source_text", args=[PLACEHOLDER])
        return context


# ---------------------------------------------------------------------------
# The map editor on a topic's admin page
# ---------------------------------------------------------------------------
#
# The tree opens lazily, like the public one: the positions and the claims arguing about
# them directly, each with how many claims argue about it in turn; a branch comes on
# demand. "Add a reason for / against" on any position or claim opens ReasonForm, which
# creates the claim, its link, its citation and a stance in one save. Without JavaScript
# these are plain admin pages; workbench.js fetches the same pages as fragments
# (?fragment=1) and puts them in place.


def parse_target(value: str) -> tuple[str, int] | None:
    """("position", 12) from "position-12"; None for anything else."""
    kind, _, pk = (value or "").partition("-")
    return (kind, int(pk)) if kind in ("position", "claim") and pk.isdigit() else None


class ReasonForm(forms.Form):
    """A new claim for or against a position or claim of the topic, with its link, its
    citation (a source, chosen or new, with the quote and where it is) and, optionally, a
    stakeholder's stance on it: all saved together or not at all."""

    target = forms.CharField(widget=forms.HiddenInput)
    polarity = forms.ChoiceField(choices=Polarity.choices, widget=forms.RadioSelect)
    text = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), label="The reason")
    source = forms.ModelChoiceField(queryset=Source.objects.none(), required=False, help_text="Cited as…")
    new_source_title = forms.CharField(max_length=300, required=False, label="or a new source: title")
    new_source_url = forms.URLField(max_length=2000, required=False, label="its address", assume_scheme="https")
    quote = forms.CharField(max_length=2000, required=False, widget=QuotePickerTextarea(attrs={"rows": 2}))
    locator = forms.CharField(max_length=200, required=False, help_text="Where in the source: page, paragraph…")
    stakeholder = forms.ModelChoiceField(
        queryset=Stakeholder.objects.none(), required=False, label="Held by", help_text="Optional: who says this."
    )
    stance = forms.ChoiceField(choices=Attitude.choices, initial=Attitude.SUPPORTS, required=False)
    basis = forms.ChoiceField(choices=Basis.choices, initial=Basis.STATED, required=False)

    def __init__(self, *args, topic, **kwargs):
        super().__init__(*args, **kwargs)
        self.topic = topic
        self.fields["source"].queryset = Source.objects.order_by("title")
        self.fields["stakeholder"].queryset = Stakeholder.objects.order_by("name")

    def clean_target(self):
        parsed = parse_target(self.cleaned_data["target"])
        model = {"position": Position, "claim": Claim}.get(parsed[0]) if parsed else None
        target = model.objects.filter(pk=parsed[1]).first() if model else None
        if target is None:
            raise ValidationError("The position or claim this reason was for no longer exists.")
        if target.topic_id != self.topic.pk:
            raise ValidationError(f"The target belongs to another topic; a reason must stay within “{self.topic}”.")
        return target

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("source") and cleaned.get("new_source_title"):
            self.add_error("new_source_title", "Choose a source or name a new one, not both.")
        if cleaned.get("new_source_url") and not cleaned.get("new_source_title"):
            self.add_error("new_source_title", "A new source needs its title.")
        cited = cleaned.get("source") or cleaned.get("new_source_title")
        if (cleaned.get("quote") or cleaned.get("locator")) and not cited:
            self.add_error("source", "A quote or a locator needs the source it comes from.")
        if cleaned.get("source") is not None and "quote" in cleaned and "locator" in cleaned:
            cleaned["locator"] = check_cited_quote(
                self, source=cleaned["source"], quote=cleaned["quote"], locator=cleaned["locator"]
            )
        return cleaned

    def save(self, *, user) -> Claim:
        """Create everything in one transaction, each row checked as the admin checks it and
        kept in history with `user`. A broken rule becomes an error on this form (and
        ValidationError is raised), with nothing saved."""
        data = self.cleaned_data
        self.created = []  # what the save made, the last first: what Undo deletes
        try:
            with transaction.atomic():
                claim = checked_save(Claim(topic=self.topic, text=data["text"]), user)
                self.created.append(claim)
                target = data["target"]
                link = Link(claim=claim, polarity=data["polarity"])
                setattr(link, f"target_{target._meta.model_name}", target)
                self.created.append(checked_save(link, user))
                source = data["source"]
                if data["new_source_title"]:
                    source = checked_save(Source(title=data["new_source_title"], url=data["new_source_url"]), user)
                    self.created.append(source)
                if source is not None:
                    citation = Citation(claim=claim, source=source, quote=data["quote"], locator=data["locator"])
                    self.created.append(checked_save(citation, user))
                if data["stakeholder"] is not None:
                    stance = Stance(
                        stakeholder=data["stakeholder"],
                        claim=claim,
                        stance=data["stance"] or Attitude.SUPPORTS,
                        basis=data["basis"] or Basis.INFERRED,
                        quote=data["quote"] if data["basis"] == Basis.STATED else "",
                        source=source,
                    )
                    self.created.append(checked_save(stance, user))
        except ValidationError as error:
            for field, messages in getattr(error, "message_dict", {NON_FIELD_ERRORS: error.messages}).items():
                self.add_error(field if field in self.fields else None, messages)
            raise
        except IntegrityError as error:  # a rule broken by a concurrent write
            self.add_error(None, f"Nothing was saved: {error}")
            raise ValidationError(str(error)) from error
        return claim


def checked_save(obj, user):
    obj.full_clean()
    obj._history_user = user
    obj.save()
    return obj


def level_shown() -> int:
    """How many reasons for, and how many against, each position or claim shows at first:
    half the public tree's first level (TOPIC_FIRST_LEVEL) each, so a position shows as
    many as on the public page; "show more" loads TOPIC_MORE more of one polarity."""
    return max(1, settings.TOPIC_FIRST_LEVEL // 2)


def map_level(topic, *, target=None, polarity=None, start=0) -> list[dict]:
    """The claims arguing directly about `target` (a position or claim of `topic`), or,
    without one, the topic's positions with theirs: each with its stances and how many
    claims argue about it.

    A slice, like the public tree: of each target's reasons for and against, the first
    `level_shown()` (or, with `polarity` and `start`, the next TOPIC_MORE of that polarity
    after `start`), oldest first, then a "more" entry where more remain. Four queries,
    and rows and work bounded by the slice, whatever the size of the map."""
    if polarity is None:
        shown, polarities = level_shown(), Polarity.values
    else:
        shown, polarities = settings.TOPIC_MORE, [polarity]
    if target is None:
        positions = list(Position.objects.filter(topic=topic).order_by("order", "id"))
        links = Link.objects.filter(topic=topic, target_position__isnull=False)
    else:
        positions = []
        links = Link.objects.filter(**{f"target_{target._meta.model_name}": target})
    links = list(sliced_links(links.filter(polarity__in=polarities), start=start, shown=shown))
    claim_ids = [link.claim_id for link in links]
    children = dict(
        Link.objects.filter(target_claim_id__in=claim_ids)
        .order_by()
        .values("target_claim_id")
        .annotate(n=Count("id"))
        .values_list("target_claim_id", "n")
    )
    stances = {}
    for stance in (
        Stance.objects.filter(Q(position__in=positions) | Q(claim_id__in=claim_ids), topic=topic)
        .select_related("stakeholder")
        .only("stance", "position_id", "claim_id", "stakeholder__name")
    ):
        stances.setdefault(
            ("position", stance.position_id) if stance.position_id else ("claim", stance.claim_id), []
        ).append(stance)

    urls = NodeUrls(topic)
    levels: dict[str, list[dict]] = {}  # by the target's key: its claims, then "more" entries
    for link in links:
        key = f"position-{link.target_position_id}" if link.target_position_id else f"claim-{link.target_claim_id}"
        level = levels.setdefault(key, [])
        level.append(urls.node("claim", link.claim, link=link, children_count=children.get(link.claim_id, 0),
                               stances=stances.get(("claim", link.claim_id), [])))  # fmt: skip
        if link.rank == start + shown and link.of > link.rank:  # the last one shown, with more after it
            level.append(urls.more(key, link.polarity, after=link.rank, left=link.of - link.rank))

    if target is not None:
        return levels.get(f"{target._meta.model_name}-{target.pk}", [])
    return [
        urls.node("position", position, children=levels.get(f"position-{position.pk}", []),
                  stances=stances.get(("position", position.pk), []))
        for position in positions
    ]  # fmt: skip


def sliced_links(links, *, start: int, shown: int):
    """Of `links`, per target and polarity, the ones ranked `start` + 1 to `start` +
    `shown` (oldest first), each with its `rank` and how many its group holds (`of`),
    with their claims' text: one query, the slice numbered by the database."""
    group = [F("target_position_id"), F("target_claim_id"), F("polarity")]
    return (
        links.select_related("claim")
        .only("polarity", "claim__text", "claim__topic_id", "target_position_id", "target_claim_id")
        .annotate(
            rank=Window(RowNumber(), partition_by=group, order_by=F("id").asc()),
            of=Window(Count("id"), partition_by=group),
        )
        .filter(rank__gt=start, rank__lte=start + shown)
        .order_by("target_position_id", "target_claim_id", "polarity", "id")
    )


class NodeUrls:
    """A node of the editor's tree, with its addresses (each reversed once per page, not
    once per node: a level may show dozens of claims)."""

    PLACEHOLDER = "987654321"

    def __init__(self, topic):
        self.change = {
            kind: reverse(f"admin:argmap_{kind}_change", args=[self.PLACEHOLDER]) for kind in ("position", "claim")
        }
        self.branch = reverse("admin:argmap_topic_map_branch", args=[topic.pk, f"claim-{self.PLACEHOLDER}"])
        self.level = reverse("admin:argmap_topic_map_branch", args=[topic.pk, self.PLACEHOLDER])
        self.text = reverse("admin:argmap_topic_map_text", args=[topic.pk, self.PLACEHOLDER])
        # Moving a claim to another parent is a change of its link (whose pickers keep to
        # the topic, and whose form reports a support circle); unlinking is its deletion.
        self.link = {
            page: reverse(f"admin:argmap_link_{page}", args=[self.PLACEHOLDER]) for page in ("change", "delete")
        }

    def more(self, key: str, polarity: str, *, after: int, left: int) -> dict:
        """The "show more" entry after the reasons of one polarity shown on `key`."""
        query = urlencode({"polarity": polarity, "start": after})
        return {"kind": "more", "polarity": polarity, "left": left,
                "url": f"{self.level.replace(self.PLACEHOLDER, key)}?{query}"}  # fmt: skip

    def node(self, kind, obj, *, link=None, children=(), children_count=None, stances=()) -> dict:
        pk = str(obj.pk)
        return {
            "kind": kind,
            "key": f"{kind}-{pk}",
            "obj": obj,
            "text": obj.title if kind == "position" else obj.text,
            "link": link,
            "children": list(children),
            "children_count": len(children) if children_count is None else children_count,
            "stances": stances,
            "edit_url": self.change[kind].replace(self.PLACEHOLDER, pk),
            "text_url": self.text.replace(self.PLACEHOLDER, f"{kind}-{pk}"),
            "branch_url": self.branch.replace(self.PLACEHOLDER, pk) if kind == "claim" else "",
            "move_url": self.link["change"].replace(self.PLACEHOLDER, str(link.pk)) if link else "",
            "unlink_url": self.link["delete"].replace(self.PLACEHOLDER, str(link.pk)) if link else "",
        }


class MapEditorAdminMixin:
    """The map editor's pages on TopicAdmin: the tree on the change page, a branch, and
    the form that adds a reason. `editor_form` is the admin's conflict-checking form
    (set by the admin, which imports this module)."""

    editor_form: type[forms.ModelForm]

    def get_urls(self):
        site = self.admin_site
        return [
            path("<int:topic_id>/map/branch/<str:target>/", site.admin_view(self.branch_view),
                 name="argmap_topic_map_branch"),
            path("<int:topic_id>/map/reason/", site.admin_view(self.reason_view), name="argmap_topic_map_reason"),
            path("<int:topic_id>/map/text/<str:target>/", site.admin_view(self.text_view),
                 name="argmap_topic_map_text"),
            path("<int:topic_id>/map/undo/", site.admin_view(self.undo_view), name="argmap_topic_map_undo"),
            *super().get_urls(),
        ]  # fmt: skip

    def map_editor_context(self, request, topic) -> dict:
        return {
            "topic": topic,
            "nodes": map_level(topic),
            "may_add": request.user.has_perm("argmap.add_claim"),
            "reason_url": reverse("admin:argmap_topic_map_reason", args=[topic.pk]),
            "undo": undo.last_action(request, topic),
            "undo_url": reverse("admin:argmap_topic_map_undo", args=[topic.pk]),
        }

    def undo_view(self, request, topic_id):
        """Undo the editor's last action on this topic's map (argmap/undo.py)."""
        topic = self._topic_or_404(request, topic_id)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request, topic):
            raise PermissionDenied
        action = undo.last_action(request, topic)
        if action is None:
            messages.info(request, "There is nothing to undo.")
        else:
            try:
                done = undo.undo(action, user=request.user)
            except undo.Changed as error:
                messages.error(request, str(error))
            else:
                messages.success(request, done)
            undo.forget(request, topic)
        return redirect(reverse("admin:argmap_topic_change", args=[topic.pk]) + "#map-editor")

    def _topic_or_404(self, request, topic_id):
        topic = self.get_object(request, str(topic_id))
        if topic is None or not self.has_view_or_change_permission(request, topic):
            raise Http404("No such topic.")
        return topic

    def branch_view(self, request, topic_id, target):
        topic = self._topic_or_404(request, topic_id)
        parsed = parse_target(target)
        model = {"position": Position, "claim": Claim}.get(parsed[0]) if parsed else None
        node = model.objects.filter(pk=parsed[1], topic=topic).first() if model else None
        if node is None:
            raise Http404("No such position or claim in this topic.")
        # "show more": the next reasons of one polarity after the ones shown (bad values: the first ones)
        polarity = request.GET.get("polarity")
        polarity = polarity if polarity in Polarity.values else None
        start = request.GET.get("start", "")
        start = min(int(start), MAX_START) if polarity and start.isdigit() and len(start) <= 9 else 0
        context = {"topic": topic, "node": node, "nodes": map_level(topic, target=node, polarity=polarity, start=start),
                   "may_add": request.user.has_perm("argmap.add_claim"),
                   "reason_url": reverse("admin:argmap_topic_map_reason", args=[topic.pk])}  # fmt: skip
        if request.GET.get("fragment"):
            return TemplateResponse(request, "admin/argmap/workbench/branch_fragment.html", context)
        context |= {**self.admin_site.each_context(request), "opts": self.opts, "title": f"Reasons about “{node}”"}
        return TemplateResponse(request, "admin/argmap/workbench/branch.html", context)

    def reason_view(self, request, topic_id):
        topic = self._topic_or_404(request, topic_id)
        if not (request.user.has_perm("argmap.add_claim") and request.user.has_perm("argmap.add_link")):
            raise PermissionDenied
        fragment = bool(request.GET.get("fragment"))
        if request.method == "POST":
            form = ReasonForm(request.POST, topic=topic)
            if form.is_valid():
                try:
                    claim = form.save(user=request.user)
                except ValidationError:
                    pass
                else:
                    undo.remember_reason(request, topic, claim, form.created)
                    if fragment:
                        stances = list(claim.stances.select_related("stakeholder"))
                        node = NodeUrls(topic).node("claim", claim, link=claim.links.get(), stances=stances)
                        context = {"topic": topic, "node": node, "may_add": True, "reason_url": request.path}
                        response = TemplateResponse(request, "admin/argmap/workbench/node.html", context)
                        response["X-Workbench-Created"] = f"claim-{claim.pk}"
                        response["X-Workbench-Undo"] = quote(undo.last_action(request, topic)["label"])
                        return response
                    messages.success(request, f"Added the claim “{claim}”.")
                    url = reverse("admin:argmap_topic_change", args=[topic.pk])
                    return redirect(f"{url}#wb-claim-{claim.pk}")
        else:
            initial = {"target": request.GET.get("target", ""), "polarity": request.GET.get("polarity", "supports")}
            form = ReasonForm(initial=initial, topic=topic)
        target = parse_target(request.POST.get("target") or request.GET.get("target", ""))
        context = {"topic": topic, "form": form, "target_label": target_label(topic, target),
                   "action": request.get_full_path()}  # fmt: skip
        status = 400 if form.errors else 200
        if fragment:
            return TemplateResponse(request, "admin/argmap/workbench/reason_fragment.html", context, status=status)
        context |= {**self.admin_site.each_context(request), "opts": self.opts, "title": "Add a reason",
                    "media": form.media}  # fmt: skip
        return TemplateResponse(request, "admin/argmap/workbench/reason.html", context, status=status)

    def text_view(self, request, topic_id, target):
        """Edit a position's title or a claim's text in place, with the admin's conflict
        check (the admin's `editor_form`, argmap.admin.EditorForm) and history."""
        topic = self._topic_or_404(request, topic_id)
        parsed = parse_target(target)
        model = {"position": Position, "claim": Claim}.get(parsed[0]) if parsed else None
        obj = model.objects.filter(pk=parsed[1], topic=topic).first() if model else None
        if obj is None:
            raise Http404("No such position or claim in this topic.")
        if not request.user.has_perm(f"argmap.change_{parsed[0]}"):
            raise PermissionDenied
        field = "title" if parsed[0] == "position" else "text"
        form_class = forms.modelform_factory(model, form=self.editor_form, fields=[field])
        fragment = bool(request.GET.get("fragment"))
        if request.method == "POST":
            before = getattr(obj, field)
            form = form_class(request.POST, instance=obj)
            if form.is_valid():
                obj = form.save(commit=False)
                obj._history_user = request.user
                obj.save()
                undo.remember_edit(request, topic, obj, field, before)
                if fragment:
                    response = TemplateResponse(
                        request, "admin/argmap/workbench/text.html", {"text": getattr(obj, field)}
                    )
                    response["X-Workbench-Undo"] = quote(undo.last_action(request, topic)["label"])
                    return response
                messages.success(request, f"Saved “{obj}”.")
                url = reverse("admin:argmap_topic_change", args=[topic.pk])
                return redirect(f"{url}#wb-{target}")
        else:
            form = form_class(instance=obj)
        context = {"topic": topic, "form": form, "action": request.get_full_path(), "target": target}
        status = 400 if form.errors else 200
        if fragment:
            return TemplateResponse(request, "admin/argmap/workbench/text_fragment.html", context, status=status)
        context |= {**self.admin_site.each_context(request), "opts": self.opts, "title": f"Edit “{obj}”"}
        return TemplateResponse(request, "admin/argmap/workbench/text_page.html", context, status=status)


def target_label(topic, target) -> str:
    if target is None:
        return ""
    model = {"position": Position, "claim": Claim}[target[0]]
    obj = model.objects.filter(pk=target[1], topic=topic).first()
    return f"{target[0]} “{obj}”" if obj else ""


# ---------------------------------------------------------------------------
# Quote-first editing: a source's text, and quotes checked against it
# ---------------------------------------------------------------------------


def stored_text(source_id) -> str:
    """The text of a source ("" if it has none, or no source)."""
    if source_id is None:
        return ""
    return SourceText.objects.filter(source_id=source_id).values_list("text", flat=True).first() or ""


def check_cited_quote(form, *, source, quote: str, locator: str) -> str:
    """On a form citing `source`: a quote that is not in the source's text is an error on
    the form's "quote", saying from which character it differs; a quote found there
    without a locator gets one (its paragraph and characters). Returns the locator."""
    text = stored_text(source.pk) if source is not None and quote.strip() else ""
    if not text:
        return locator
    found = NormalisedText(text).check(quote)
    if not found.found:
        form.add_error("quote", found.message(quote, text))
        return locator
    return locator or locator_for(text, found.start, found.end)


class CitationForm(forms.ModelForm):
    """A citation whose quote is checked against its source's text as it is saved (a new
    quote, or a new source; an unchanged citation is left as it was), picked from that
    text where the script runs."""

    class Meta:
        widgets = {"quote": QuotePickerTextarea(attrs={"rows": 3, "cols": 80, "class": "vLargeTextField"})}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("DELETE") or not ({"quote", "source"} & set(self.changed_data)):
            return cleaned
        cleaned["locator"] = check_cited_quote(
            self, source=cleaned.get("source"), quote=cleaned.get("quote", ""), locator=cleaned.get("locator", "")
        )
        return cleaned


class SourceForm(forms.ModelForm):
    """A source with its text: pasted, or uploaded as a plain-text or HTML file (reduced to
    its text by the standard library's HTML parser). Emptying the box removes the text."""

    text = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 90}),
        help_text="The document itself, as plain text: one paragraph per line. At most 5 MB.",
    )
    text_file = forms.FileField(
        required=False,
        label="or upload it",
        help_text="A .txt or .html file, up to 5 MB; it replaces the text above.",
    )

    kept_size = 0  # the size of a stored text too long to edit in the box (then kept as it is)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # static/argmap/quotes.js tells the editor, before sending, that a pasted text is
        # over what a form may carry (the server would answer a bare 400).
        self.fields["text"].widget.attrs["data-max-bytes"] = settings.DATA_UPLOAD_MAX_MEMORY_SIZE - 64 * 1024
        if self.instance.pk:  # bound too: whether the text changed is measured against it
            text = stored_text(self.instance.pk)
            size = len(text.encode("utf-8", "surrogatepass"))
            # A form's whole body may be at most DATA_UPLOAD_MAX_MEMORY_SIZE: a text that
            # would fill half of it stays out of the box, or the page could not be saved.
            if size <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 2:
                self.fields["text"].initial = text
            else:
                self.kept_size = size
                self.fields["text"].help_text = (
                    f"The source's text ({size:,} bytes) is too long to edit here, and is kept as it is: "
                    "upload a file to replace it."
                )

    def clean_text_file(self):
        upload = self.cleaned_data.get("text_file")
        if upload is None:
            return None
        if upload.size > SOURCE_TEXT_MAX_BYTES:
            raise ValidationError(
                f"The file is {upload.size:,} bytes; a source's text may be at most 5 MB "
                f"({SOURCE_TEXT_MAX_BYTES:,} bytes)."
            )
        try:
            content = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError("The file is not UTF-8 text: save it as UTF-8 and upload it again.") from None
        is_html = upload.name.lower().endswith((".html", ".htm")) or content.lstrip()[:1] == "<"
        return html_to_text(content) if is_html else content

    def clean(self):
        cleaned = super().clean()
        text = cleaned.get("text_file") or cleaned.get("text") or ""
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        if text.strip():
            body = SourceText(source=self.instance, text=text)
            try:
                body.clean_fields(exclude=["source"])
                body.clean()
            except ValidationError as error:
                for messages_ in error.message_dict.values():
                    self.add_error("text", messages_)
        cleaned["text"] = text if text.strip() else ""
        return cleaned

    def text_changed(self) -> bool:
        if self.cleaned_data.get("text_file"):
            return True
        if self.kept_size and not self.cleaned_data["text"]:
            return False  # the long text was not in the box: it stays
        return "text" in self.changed_data

    def save_text(self, *, user) -> None:
        """Keep the source's new text (or remove it), in history, and mark its citations'
        quotes again against it."""
        source, text = self.instance, self.cleaned_data["text"]
        body = SourceText.objects.filter(source=source).first()
        if text:
            body = body or SourceText(source=source)
            body.text = text
            body._history_user = user
            body.save()
        elif body is not None:
            body._history_user = user
            body.delete()
        Citation.objects.filter(source=source).check_quotes(text)
