"""Serializers: explicit fields, ids for related objects (written as ids too), and a
brief read-only form of a related object where a client needs it to show a row (who
holds a stance, which source a citation quotes), fetched in the same query.

Writes are validated by the model's own rules (`full_clean`: field validators, clean(),
unique and check constraints), so every rule of DOMAIN.md is a 400 naming its field.
"""

import copy
from collections.abc import Mapping

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils import timezone
from rest_framework import serializers

from argmap.api.exceptions import validation_error
from argmap.models import (
    Citation,
    Claim,
    Link,
    Position,
    Relationship,
    Salience,
    Source,
    Stakeholder,
    Stance,
    Topic,
    TopicStatus,
)
from argmap.publishing import may_publish


class KnownFieldsMixin:
    """A write naming a field the serializer does not have is a 400 that names it: a
    misspelt field would otherwise be ignored, and the client told its change was made.
    Read-only fields may be sent back as they were read."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            unknown = sorted(str(name) for name in data if name not in self.fields)
            if unknown:
                known = ", ".join(name for name, field in self.fields.items() if not field.read_only)
                raise serializers.ValidationError(
                    {name: [f"No such field; the fields you may write are {known}."] for name in unknown}
                )
        return super().to_internal_value(data)


class ModelRulesSerializer(KnownFieldsMixin, serializers.ModelSerializer):
    """A ModelSerializer that validates with the model's full_clean() and stores text
    exactly as given (DRF would trim surrounding whitespace)."""

    def get_validators(self):
        return []  # full_clean() checks the unique and check constraints, with the model's messages

    def build_standard_field(self, field_name, model_field):
        field_class, field_kwargs = super().build_standard_field(field_name, model_field)
        if issubclass(field_class, serializers.CharField):
            field_kwargs["trim_whitespace"] = False
            # DRF's CharField refuses NUL characters itself: keep one message, not two.
            field_kwargs["validators"] = [
                v for v in field_kwargs.get("validators", []) if not isinstance(v, ProhibitNullCharactersValidator)
            ]
        return field_class, field_kwargs

    def validate(self, attrs):
        attrs = super().validate(attrs)
        instance = copy.copy(self.instance) if self.instance is not None else self.Meta.model()
        for name, value in attrs.items():
            setattr(instance, name, value)
        try:
            instance.full_clean()
        except DjangoValidationError as error:
            raise validation_error(error) from None
        return attrs


# Brief forms of related objects (read only)


class StakeholderBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Stakeholder
        fields = ["id", "slug", "name", "kind"]


class SourceBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = ["id", "title", "url", "publisher", "published_on"]


# Resources


class TopicSerializer(ModelRulesSerializer):
    map_url = serializers.HyperlinkedIdentityField(view_name="api:topic-map", lookup_field="slug")

    class Meta:
        model = Topic
        fields = [
            "id",
            "slug",
            "title",
            "question",
            "summary",
            "status",
            "alternatives",
            "published_at",
            "version",
            "changed_at",
            "created_at",
            "updated_at",
            "map_url",
        ]
        read_only_fields = ["published_at"]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        status, current = attrs.get("status"), getattr(self.instance, "status", TopicStatus.DRAFT)
        request = self.context.get("request")
        if (
            status is not None
            and status != current
            and TopicStatus.PUBLISHED in (status, current)
            and not may_publish(getattr(request, "user", None))
        ):
            raise serializers.ValidationError(
                {"status": ["Publishing is a reviewer's act: POST to the topic's publish/ (publish_topic permission)."]}
            )
        # Publishing stamps the date of first publication, as the admin's action does.
        if attrs.get("status") == TopicStatus.PUBLISHED and getattr(self.instance, "published_at", None) is None:
            attrs["published_at"] = timezone.now()
        return attrs


class PositionSerializer(ModelRulesSerializer):
    class Meta:
        model = Position
        fields = ["id", "uid", "topic", "title", "summary", "order", "created_at", "updated_at"]


class ClaimSerializer(ModelRulesSerializer):
    class Meta:
        model = Claim
        fields = [
            "id",
            "uid",
            "topic",
            "text",
            "kind",
            "fact_check",
            "settled_by",
            "base_score",
            "score_reason",
            "created_at",
            "updated_at",
        ]


class LinkSerializer(ModelRulesSerializer):
    class Meta:
        model = Link
        fields = [
            "id",
            "uid",
            "claim",
            "polarity",
            "target_position",
            "target_claim",
            "basis",
            "created_at",
            "updated_at",
        ]

    def validate(self, attrs):
        # The model reports a self-link as a broken constraint (no field); here it names the field.
        claim = attrs.get("claim", getattr(self.instance, "claim", None))
        target_claim = attrs.get("target_claim", getattr(self.instance, "target_claim", None))
        if claim is not None and claim == target_claim:
            raise serializers.ValidationError({"target_claim": ["A claim cannot support or oppose itself."]})
        return super().validate(attrs)


class StakeholderSerializer(ModelRulesSerializer):
    class Meta:
        model = Stakeholder
        fields = ["id", "slug", "name", "kind", "summary", "url", "parent", "created_at", "updated_at"]


class StanceSerializer(ModelRulesSerializer):
    stakeholder_brief = StakeholderBriefSerializer(source="stakeholder", read_only=True)

    class Meta:
        model = Stance
        fields = [
            "id",
            "uid",
            "stakeholder",
            "stakeholder_brief",
            "position",
            "claim",
            "stance",
            "basis",
            "quote",
            "source",
            "held_on",
            "note",
            "created_at",
            "updated_at",
        ]


class SourceSerializer(ModelRulesSerializer):
    class Meta:
        model = Source
        fields = [
            "id",
            "uid",
            "title",
            "url",
            "publisher",
            "author",
            "published_on",
            "kind",
            "created_at",
            "updated_at",
        ]


class CitationSerializer(ModelRulesSerializer):
    source_brief = SourceBriefSerializer(source="source", read_only=True)

    def validate(self, attrs):
        # The quote is kept even when it is not in the source's text, and marked so.
        attrs = super().validate(attrs)
        citation = copy.copy(self.instance) if self.instance is not None else Citation()
        for name, value in attrs.items():
            setattr(citation, name, value)
        citation.mark_quote_from_source()
        return {**attrs, "quote_verbatim": citation.quote_verbatim}

    class Meta:
        model = Citation
        fields = [
            "id",
            "uid",
            "claim",
            "source",
            "source_brief",
            "quote",
            "locator",
            "quote_verbatim",
            "created_at",
            "updated_at",
        ]


class RelationshipSerializer(ModelRulesSerializer):
    from_stakeholder_brief = StakeholderBriefSerializer(source="from_stakeholder", read_only=True)
    to_stakeholder_brief = StakeholderBriefSerializer(source="to_stakeholder", read_only=True)

    class Meta:
        model = Relationship
        fields = [
            "id",
            "uid",
            "from_stakeholder",
            "from_stakeholder_brief",
            "kind",
            "to_stakeholder",
            "to_stakeholder_brief",
            "description",
            "amount",
            "started_on",
            "ended_on",
            "source",
            "basis",
            "created_at",
            "updated_at",
        ]


class SalienceSerializer(ModelRulesSerializer):
    stakeholder_brief = StakeholderBriefSerializer(source="stakeholder", read_only=True)

    class Meta:
        model = Salience
        fields = [
            "id",
            "uid",
            "topic",
            "stakeholder",
            "stakeholder_brief",
            "power",
            "interest",
            "rationale",
            "created_at",
            "updated_at",
        ]


# The map document (GET /api/v1/topics/{slug}/map/). It is never built by these
# serializers (argmap.interchange.native writes it straight from the database); they
# describe it in the OpenAPI schema.


class MapTopicSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.SlugField()
    title = serializers.CharField()
    question = serializers.CharField()
    summary = serializers.CharField(allow_blank=True)
    status = serializers.ChoiceField(choices=TopicStatus.choices)
    version = serializers.IntegerField()
    changed_at = serializers.DateTimeField()
    published_at = serializers.DateTimeField(allow_null=True)


def map_row_serializer(name: str, model, columns: dict[str, serializers.Field]) -> type[serializers.Serializer]:
    doc = f"A row of the map's {model._meta.verbose_name_plural}: its columns, foreign keys as `…_id`."
    return type(name, (serializers.Serializer,), {"__doc__": doc, **columns})


def _id(null=False):
    return serializers.IntegerField(allow_null=null)


def _text():
    return serializers.CharField(allow_blank=True)


def _date():
    return serializers.DateField(allow_null=True)


MAP_ROWS = {
    "positions": map_row_serializer(
        "MapPosition",
        Position,
        {"id": _id(), "uid": serializers.UUIDField(), "title": _text(), "summary": _text(), "order": _id()},
    ),
    "claims": map_row_serializer(
        "MapClaim",
        Claim,
        {"id": _id(), "uid": serializers.UUIDField(), "text": _text(), "base_score": serializers.FloatField()},
    ),
    "links": map_row_serializer(
        "MapLink",
        Link,
        {
            "id": _id(),
            "uid": serializers.UUIDField(),
            "claim_id": _id(),
            "target_position_id": _id(null=True),
            "target_claim_id": _id(null=True),
            "polarity": serializers.ChoiceField(choices=Link._meta.get_field("polarity").choices),
        },
    ),
    "stakeholders": map_row_serializer(
        "MapStakeholder",
        Stakeholder,
        {
            "id": _id(),
            "slug": serializers.SlugField(),
            "name": _text(),
            "kind": serializers.ChoiceField(choices=Stakeholder.Kind.choices),
            "summary": _text(),
            "url": _text(),
            "parent_id": _id(null=True),
        },
    ),
    "stances": map_row_serializer(
        "MapStance",
        Stance,
        {
            "id": _id(),
            "uid": serializers.UUIDField(),
            "stakeholder_id": _id(),
            "position_id": _id(null=True),
            "claim_id": _id(null=True),
            "stance": serializers.ChoiceField(choices=Stance.Attitude.choices),
            "basis": serializers.ChoiceField(choices=Stance.Basis.choices),
            "quote": _text(),
            "source_id": _id(null=True),
            "held_on": _date(),
            "note": _text(),
        },
    ),
    "sources": map_row_serializer(
        "MapSource",
        Source,
        {
            "id": _id(),
            "uid": serializers.UUIDField(),
            "title": _text(),
            "url": _text(),
            "publisher": _text(),
            "author": _text(),
            "published_on": _date(),
            "kind": serializers.ChoiceField(choices=Source.Kind.choices),
        },
    ),
    "citations": map_row_serializer(
        "MapCitation",
        Citation,
        {
            "id": _id(),
            "uid": serializers.UUIDField(),
            "claim_id": _id(),
            "source_id": _id(),
            "quote": _text(),
            "locator": _text(),
        },
    ),
    "relationships": map_row_serializer(
        "MapRelationship",
        Relationship,
        {
            "id": _id(),
            "uid": serializers.UUIDField(),
            "from_stakeholder_id": _id(),
            "to_stakeholder_id": _id(),
            "kind": serializers.ChoiceField(choices=Relationship.Kind.choices),
            "description": _text(),
            "amount": _text(),
            "started_on": _date(),
            "ended_on": _date(),
            "source_id": _id(null=True),
        },
    ),
    "salience": map_row_serializer(
        "MapSalience",
        Salience,
        {
            "id": _id(),
            "uid": serializers.UUIDField(),
            "stakeholder_id": _id(),
            "power": _id(),
            "interest": _id(),
            "rationale": _text(),
        },
    ),
}

MapDocumentSerializer = type(
    "MapDocument",
    (serializers.Serializer,),
    {
        "__doc__": "A topic's whole map in one document (format argmap-map/1); rows are ordered by id.",
        "format": serializers.CharField(help_text="argmap-map/1"),
        "topic": MapTopicSerializer(),
        **{part: row(many=True) for part, row in MAP_ROWS.items()},
    },
)
