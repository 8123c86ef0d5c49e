"""List filters (django-filter). Related objects are filtered by id (`topic_id=3`) or, for
topics and stakeholders, by slug (`topic=uk-openai-partnership`); `q` searches text.
An unknown parameter is a 400 naming it, so that a typo never silently returns everything."""

import django_filters as filters
from django import forms
from django.db.models import Q, Subquery
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

from argmap.models import (
    Attitude,
    Basis,
    Citation,
    Claim,
    Link,
    Polarity,
    Position,
    Relationship,
    RelationshipKind,
    Salience,
    Source,
    SourceKind,
    Stakeholder,
    StakeholderKind,
    Stance,
    Topic,
    TopicStatus,
)


class StrictFilterBackend(DjangoFilterBackend):
    """Filters lists only (a detail URL is its own filter), and refuses unknown parameters."""

    always_allowed = frozenset({"cursor", "page_size", "count", "format"})

    def filter_queryset(self, request, queryset, view):
        if getattr(view, "action", None) != "list":
            return queryset
        refuse_unknown(request, self.get_filterset_class(view, queryset))
        return super().filter_queryset(request, queryset, view)


def refuse_unknown(request, filterset_class) -> None:
    """A 400 naming every query parameter that is neither a filter nor the pagination's."""
    always_allowed = StrictFilterBackend.always_allowed
    known = set(filterset_class.base_filters) if filterset_class else set()
    unknown = sorted(set(request.query_params) - known - always_allowed)
    if unknown:
        allowed = ", ".join(sorted(known | always_allowed))
        raise ValidationError({name: [f"Unknown filter. Known: {allowed}."] for name in unknown})


class IntegerFilter(filters.NumberFilter):
    """A whole number, such as an id (NumberFilter would take 1.5 for 1), within what a
    database column holds (SQLite fails on larger numbers instead of finding nothing)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", -(2**63))
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


def search(*fields):
    """A `q` filter: rows whose `fields` contain the text, ignoring case."""

    def method(queryset, name, value):
        condition = Q()
        for field in fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)

    return filters.CharFilter(method=method, help_text=f"Text contained in {' or '.join(fields)} (any case).")


class ByTopicFilterSet(filters.FilterSet):
    topic = filters.CharFilter(method="in_topic", help_text="The topic's slug.")
    topic_id = IntegerFilter(field_name="topic", help_text="The topic's id.")

    def in_topic(self, queryset, name, value):
        # The topic's id as a value (a subquery run once), not a join on its slug: the rows
        # then come in order from the (topic, id) index, and a page is a range of it.
        return queryset.filter(topic=Subquery(Topic.objects.filter(slug=value).order_by().values("pk")[:1]))


class TopicFilterSet(filters.FilterSet):
    status = filters.ChoiceFilter(choices=TopicStatus.choices)
    q = search("title", "question", "summary")
    changed_since = filters.IsoDateTimeFilter(
        field_name="changed_at", lookup_expr="gte", help_text="Topics whose map changed at or after this time."
    )

    class Meta:
        model = Topic
        fields = ["status"]


class PositionFilterSet(ByTopicFilterSet):
    q = search("title", "summary")

    class Meta:
        model = Position
        fields = []


class ClaimFilterSet(ByTopicFilterSet):
    q = search("text")
    stakeholder = filters.CharFilter(
        field_name="stances__stakeholder__slug",
        distinct=True,
        help_text="Claims this stakeholder (slug) has a stance on.",
    )
    source_id = IntegerFilter(field_name="citations__source", distinct=True, help_text="Claims citing this source.")

    class Meta:
        model = Claim
        fields = []


class LinkFilterSet(ByTopicFilterSet):
    polarity = filters.ChoiceFilter(choices=Polarity.choices)
    claim_id = IntegerFilter(field_name="claim", help_text="Links from this claim.")
    target_position_id = IntegerFilter(field_name="target_position", help_text="Links to this position.")
    target_claim_id = IntegerFilter(field_name="target_claim", help_text="Links to this claim.")

    class Meta:
        model = Link
        fields = []


class StakeholderFilterSet(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=StakeholderKind.choices)
    q = search("name", "summary")
    parent = filters.CharFilter(field_name="parent__slug", help_text="Stakeholders that are part of this one (slug).")
    topic = filters.CharFilter(method="involved_in", help_text="Stakeholders with a stance or salience on this topic.")

    class Meta:
        model = Stakeholder
        fields = []

    def involved_in(self, queryset, name, value):
        stances = Stance.objects.filter(topic__slug=value)
        salience = Salience.objects.filter(topic__slug=value)
        return queryset.filter(Q(pk__in=stances.values("stakeholder_id")) | Q(pk__in=salience.values("stakeholder_id")))


class StanceFilterSet(filters.FilterSet):
    topic = filters.CharFilter(method="on_topic", help_text="The topic's slug.")
    stakeholder = filters.CharFilter(field_name="stakeholder__slug", help_text="The stakeholder's slug.")
    stakeholder_id = IntegerFilter(field_name="stakeholder", help_text="The stakeholder's id.")
    position_id = IntegerFilter(field_name="position", help_text="Stances on this position.")
    claim_id = IntegerFilter(field_name="claim", help_text="Stances on this claim.")
    stance = filters.ChoiceFilter(choices=Attitude.choices)
    basis = filters.ChoiceFilter(choices=Basis.choices)
    held_after = filters.DateFilter(field_name="held_on", lookup_expr="gte", help_text="Held on or after (YYYY-MM-DD).")
    held_before = filters.DateFilter(field_name="held_on", lookup_expr="lte", help_text="Held on or before.")
    q = search("quote", "note")

    class Meta:
        model = Stance
        fields = []

    def on_topic(self, queryset, name, value):
        return queryset.filter(topic__slug=value)


class SourceFilterSet(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=SourceKind.choices)
    q = search("title", "publisher", "author")
    published_after = filters.DateFilter(
        field_name="published_on", lookup_expr="gte", help_text="Published on or after (YYYY-MM-DD)."
    )
    published_before = filters.DateFilter(
        field_name="published_on", lookup_expr="lte", help_text="Published on or before."
    )
    topic = filters.CharFilter(method="cited_in", help_text="Sources cited by claims of this topic (slug).")

    class Meta:
        model = Source
        fields = []

    def cited_in(self, queryset, name, value):
        return queryset.filter(pk__in=Citation.objects.filter(topic__slug=value).values("source_id"))


class CitationFilterSet(ByTopicFilterSet):
    claim_id = IntegerFilter(field_name="claim", help_text="Citations of this claim.")
    source_id = IntegerFilter(field_name="source", help_text="Citations of this source.")
    q = search("quote", "locator")

    class Meta:
        model = Citation
        fields = []


class RelationshipFilterSet(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=RelationshipKind.choices)
    stakeholder = filters.CharFilter(method="either_end", help_text="Relationships from or to this stakeholder (slug).")
    from_stakeholder = filters.CharFilter(
        field_name="from_stakeholder__slug", help_text="From this stakeholder (slug)."
    )
    to_stakeholder = filters.CharFilter(field_name="to_stakeholder__slug", help_text="To this stakeholder (slug).")
    started_after = filters.DateFilter(
        field_name="started_on", lookup_expr="gte", help_text="Started on or after (YYYY-MM-DD)."
    )
    started_before = filters.DateFilter(field_name="started_on", lookup_expr="lte", help_text="Started on or before.")

    class Meta:
        model = Relationship
        fields = []

    def either_end(self, queryset, name, value):
        return queryset.filter(Q(from_stakeholder__slug=value) | Q(to_stakeholder__slug=value))


class SalienceFilterSet(ByTopicFilterSet):
    stakeholder = filters.CharFilter(field_name="stakeholder__slug", help_text="The stakeholder's slug.")
    min_power = IntegerFilter(field_name="power", lookup_expr="gte", help_text="Power at least (1–5).")
    min_interest = IntegerFilter(field_name="interest", lookup_expr="gte", help_text="Interest at least (1–5).")

    class Meta:
        model = Salience
        fields = []
