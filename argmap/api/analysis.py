"""The analysis of a topic's map through the API (issue 6): evaluation, coalitions, gaps.
Mixed into TopicViewSet, so each endpoint is an @action under /api/v1/topics/{slug}/.

Each answers like the map document: the topic's visibility (a draft is a 404 to the
public), an ETag and Last-Modified from the topic's version (304 to If-None-Match or
If-Modified-Since), and JSON written by orjson straight from graph.py's dataclasses: a
10,000-claim evaluation is tens of thousands of objects, too many for DRF's
field-by-field serializers. The serializers below only describe the responses in the
OpenAPI schema, and validate the query parameters.
"""

from operator import itemgetter

import orjson
from django.core.cache import cache
from django.db.models import Exists, OuterRef
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError

from argmap.analysis import gap_rows, stored_bridges, stored_duplicates
from argmap.api.exceptions import NotWrittenYet, refuse_above_on_demand
from argmap.api.schema import ERRORS
from argmap.conditional import topic_response
from argmap.graph import LABELS
from argmap.lenses import Bridge, differences, evaluate_lens, lens_of
from argmap.loading import (
    PAGE_COLUMNS,
    MapData,
    graph_from_map,
    graph_from_rows,
    load_graph_rows,
    load_map,
    map_bridges,
    map_coalitions,
    map_gaps,
    rows_robustness,
)
from argmap.models import Attitude, Polarity, Publication, Salience, Stakeholder, StakeholderKind, Stance, Topic
from argmap.published_documents import stored_response, weak_if_encoded
from argmap.publishing import Edition, live_claim_count, on_demand, published_claim_count, stored_evaluation
from argmap.robustness import Robustness
from argmap.stakeholders import Gaps, claims_held_by

MAX_REJECTED = 1000
"""At most this many claims may be assumed rejected in one what-if."""

CRUXES = 3
"""Cruxes listed per position."""

# ---------------------------------------------------------------------------
# Query parameters
# ---------------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.STR)
class ClaimIdsField(serializers.Field):
    """Claim ids separated by commas: `12,40`."""

    default_error_messages = {
        "invalid": "Claim ids separated by commas, such as 12,40; {value!r} is not a claim id.",
        "too_many": f"At most {MAX_REJECTED} claims.",
    }

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid", value=data)
        ids = []
        for part in data.split(","):
            part = part.strip()
            if not part:
                continue
            if not (part.isascii() and part.isdigit()) or not 0 < int(part) < 2**63:
                self.fail("invalid", value=part[:40])
            ids.append(int(part))
        if len(ids) > MAX_REJECTED:
            self.fail("too_many")
        return sorted(set(ids))

    def to_representation(self, value):
        return ",".join(map(str, value))


class EvaluationParameters(serializers.Serializer):
    """What-if: the evaluation with one stakeholder's claims left out, or chosen claims rejected."""

    without_stakeholder = serializers.SlugField(
        required=False,
        max_length=Stakeholder._meta.get_field("slug").max_length,
        help_text=(
            "What if this stakeholder (by slug) had not argued: the claims it supports (with or "
            "without conditions) are left out, with their links. It must be involved in the topic "
            "(a stance or salience there)."
        ),
    )
    basis = serializers.ChoiceField(
        choices=["stated"],
        required=False,
        help_text="`stated`: count only the links the sources draw themselves, leaving out those an editor inferred.",
    )
    reject = ClaimIdsField(
        required=False,
        help_text=(
            "What if these claims (ids of this topic, separated by commas) were rejected: strength 0, "
            f"whatever argues for them. At most {MAX_REJECTED}."
        ),
    )
    lens = serializers.SlugField(
        required=False,
        max_length=Stakeholder._meta.get_field("slug").max_length,
        help_text=(
            "The map as this stakeholder (by slug) sees it: the claims it holds (supports, with or without "
            "conditions) beyond dispute, the claims it opposes left out. It must be involved in the topic. "
            "Combines with `basis`, not with the other what-ifs."
        ),
    )

    def validate(self, attrs):
        if "lens" in attrs and ("without_stakeholder" in attrs or "reject" in attrs):
            raise serializers.ValidationError(
                {"lens": ["A lens is the map as one stakeholder sees it: it does not combine with "
                          "without_stakeholder or reject."]}
            )  # fmt: skip
        return attrs


def check_parameters(request, serializer_class: type[serializers.Serializer] | None = None) -> dict:
    """The query parameters, validated: a 400 names each bad or unknown one."""
    known = set(serializer_class().fields) if serializer_class else set()
    unknown = sorted(set(request.query_params) - known - {"format"})
    if unknown:
        allowed = ", ".join(sorted(known)) or "none"
        raise ValidationError({name: [f"Unknown parameter. Known: {allowed}."] for name in unknown})
    if serializer_class is None:
        return {}
    values = serializer_class(data=request.query_params)
    values.is_valid(raise_exception=True)
    return values.validated_data


# ---------------------------------------------------------------------------
# Responses, as the OpenAPI schema describes them (never built by these serializers)
# ---------------------------------------------------------------------------


def _label(**kwargs):
    return serializers.ChoiceField(choices=LABELS, **kwargs)


def _ids(**kwargs):
    return serializers.ListField(child=serializers.IntegerField(), **kwargs)


class ContributionSerializer(serializers.Serializer):
    claim_id = serializers.IntegerField()
    polarity = serializers.ChoiceField(choices=Polarity.choices)
    strength = serializers.FloatField(help_text="The supporter's or opponent's own strength.")
    effect = serializers.FloatField(help_text="The target's strength minus what it would be without this link.")


class ExplanationSerializer(serializers.Serializer):
    base_score = serializers.FloatField()
    support = serializers.FloatField(help_text="The supporters' strengths combined: 1 − ∏(1 − s); 0 without any.")
    opposition = serializers.FloatField(help_text="The same for the opponents.")
    contributions = ContributionSerializer(many=True, help_text="The largest effect first.")
    because = _ids(help_text="Rejected: the accepted opponents. Undecided: the undecided opponents.")
    in_cycle = serializers.BooleanField(help_text="Settled as part of a circle of opposition.")
    assumed_rejected = serializers.BooleanField(help_text="What-if: rejected by assumption.")
    summary = serializers.CharField(help_text="The same in one or two sentences.")
    rivals = _ids(help_text="Alternatives: the other positions still standing, which keep this one undecided.")
    assumed_accepted = serializers.BooleanField(help_text="Through a lens: held beyond dispute (strength 1).")


class CruxSerializer(serializers.Serializer):
    claim_id = serializers.IntegerField()
    strength = serializers.FloatField(help_text="The claim's strength now.")
    label = _label()
    if_rejected = serializers.FloatField(help_text="The position's strength if this claim were rejected.")
    label_if_rejected = _label()
    if_accepted = serializers.FloatField(help_text="The position's strength if this claim were beyond dispute.")
    label_if_accepted = _label()
    swing = serializers.FloatField(help_text="The larger of the two changes of the position's strength.")
    flips = serializers.BooleanField(help_text="Either would change the position's label.")


class AssessmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    strength = serializers.FloatField(help_text="0 to 1 (DF-QuAD).")
    label = _label()
    why = ExplanationSerializer()
    share = serializers.FloatField(
        allow_null=True, help_text="Alternatives: a position's strength over the sum of all of them; else null."
    )


class ClaimAssessmentSerializer(AssessmentSerializer):
    check = serializers.ChoiceField(
        choices=["unchecked", "confirmed", "disputed", "false"],
        allow_null=True,
        help_text="A fact's check (opposed and unchecked: disputed); null if not a fact.",
    )
    robust = serializers.BooleanField(
        allow_null=True, help_text="A publication's stored robustness of this label; null if not checked."
    )
    flip = serializers.CharField(allow_null=True, help_text="Fragile: the one change that flips it.")
    flips_to = _label(allow_null=True)
    flip_link = serializers.ListField(
        allow_null=True,
        help_text="Fragile: the inferred link whose removal flips it (claim, position, claim, polarity).",
    )


class RobustnessSerializer(serializers.Serializer):
    robust = serializers.BooleanField(
        help_text="The label survives every base score moved by up to ±0.2 and any one inferred link removed."
    )
    flip = serializers.CharField(allow_null=True, help_text="Fragile: the one change that flips it.")
    flips_to = _label(allow_null=True)


class FragileClaimSerializer(RobustnessSerializer):
    id = serializers.IntegerField()


class MapRobustnessSerializer(serializers.Serializer):
    inferred_links_tried = serializers.IntegerField()
    inferred_links_untried = serializers.IntegerField(
        help_text="Beyond the bound of tries: verdicts not robust-checked."
    )
    fragile_claims = FragileClaimSerializer(many=True)


class PositionAssessmentSerializer(AssessmentSerializer):
    cruxes = CruxSerializer(many=True, help_text=f"Up to {CRUXES}, those that would flip its label first.")
    robustness = RobustnessSerializer(allow_null=True, help_text="Null in a what-if.")


class DifferenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=["position", "claim"])
    label = _label(help_text="Through the lens.")
    strength = serializers.FloatField()
    default_label = _label(help_text="Without it.")
    default_strength = serializers.FloatField()


class LensSerializer(serializers.Serializer):
    stakeholder = serializers.SlugField()
    held = _ids(help_text="Claims the stakeholder holds: taken as beyond dispute.")
    opposed = _ids(help_text="Claims it opposes: left out.")
    differences = DifferenceSerializer(
        many=True, help_text="Positions, then claims, whose label differs from the evaluation without the lens."
    )


class WhatIfSerializer(serializers.Serializer):
    without_stakeholder = serializers.SlugField(allow_null=True)
    lens = serializers.SlugField(allow_null=True)
    left_out = _ids(help_text="Claims taken out of the map (the stakeholder's).")
    assumed_rejected = _ids()
    basis = serializers.ChoiceField(choices=["stated"], allow_null=True, help_text="`stated`: inferred links left out.")


class EvaluationSerializer(serializers.Serializer):
    """The strength, label and why of every position and claim, and each position's cruxes."""

    topic = serializers.SlugField()
    version = serializers.IntegerField(help_text="The topic's version this was computed from.")
    what_if = WhatIfSerializer()
    alternatives = serializers.BooleanField(help_text="The positions are alternatives: at most one is the answer.")
    converged = serializers.BooleanField(
        help_text="False if a circle of opposition did not settle (its strengths are approximate)."
    )
    cycles = serializers.ListField(child=_ids(), help_text="Claims settled together as circles of opposition.")
    positions = PositionAssessmentSerializer(many=True)
    claims = ClaimAssessmentSerializer(many=True, help_text="Ordered by id; without the claims left out.")
    robustness = MapRobustnessSerializer(allow_null=True, help_text="Null in a what-if.")
    lens = LensSerializer(allow_null=True, help_text="With `?lens=`: whose lens, and what it changes; else null.")


class BridgeLabelsSerializer(serializers.Serializer):
    position_id = serializers.IntegerField()
    labels = serializers.ListField(
        child=_label(), min_length=2, max_length=2, help_text="Through the first stakeholder's lens, the second's."
    )


class BridgeSerializer(serializers.Serializer):
    stakeholders = serializers.ListField(child=serializers.SlugField(), min_length=2, max_length=2)
    divided_on = _ids(help_text="Positions one supports (with or without conditions) and the other opposes.")
    labels = BridgeLabelsSerializer(many=True)
    agree_already = serializers.BooleanField(help_text="Their lenses already give those positions the same labels.")
    accepted_by = serializers.SlugField(allow_null=True, help_text="Who would accept the claims.")
    claim_ids = _ids(help_text="The fewest claims (at most three) whose acceptance would bring the lenses together.")
    found = serializers.BooleanField(help_text="False: none within the bounds of the search.")


class BridgesSerializer(serializers.Serializer):
    """What would bring stakeholders on opposite sides of a position together."""

    topic = serializers.SlugField()
    version = serializers.IntegerField()
    bridges = BridgeSerializer(many=True)


class StanceOnPositionSerializer(serializers.Serializer):
    position_id = serializers.IntegerField()
    stance = serializers.ChoiceField(choices=Attitude.choices)


class MatrixRowSerializer(serializers.Serializer):
    stakeholder_id = serializers.IntegerField()
    stances = StanceOnPositionSerializer(many=True)


class AgreementSerializer(serializers.Serializer):
    stakeholder_ids = _ids(min_length=2, max_length=2)
    agreement = serializers.FloatField(help_text="0 (opposite stances) to 1 (the same).")
    shared = serializers.IntegerField(help_text="Positions both hold a stance on.")


class CoalitionSerializer(serializers.Serializer):
    stakeholder_ids = _ids()
    cohesion = serializers.FloatField(help_text="The lowest agreement between two members.")
    common = StanceOnPositionSerializer(many=True, help_text="Positions every member with a stance agrees on.")


class GridEntrySerializer(serializers.Serializer):
    stakeholder_id = serializers.IntegerField()
    power = serializers.IntegerField()
    interest = serializers.IntegerField()
    quadrant = serializers.ChoiceField(choices=["manage closely", "keep satisfied", "keep informed", "monitor"])


class ColumnSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class CoalitionStakeholderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.SlugField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=StakeholderKind.choices)


class CoalitionsSerializer(serializers.Serializer):
    """Who stands where: the stance matrix, agreement, coalitions and the power/interest grid."""

    topic = serializers.SlugField()
    version = serializers.IntegerField()
    positions = ColumnSerializer(many=True, help_text="The matrix's columns.")
    stakeholders = CoalitionStakeholderSerializer(many=True, help_text="Everyone in the matrix and the grid.")
    matrix = MatrixRowSerializer(many=True, help_text="A row per stakeholder, members of a coalition together.")
    agreements = AgreementSerializer(many=True, help_text="Every pair with a position in common, closest first.")
    coalitions = CoalitionSerializer(many=True, help_text="The largest first.")
    unaligned = _ids(help_text="Involved, with no stance on a position.")
    grid = GridEntrySerializer(many=True, help_text="The most powerful first.")


class GapClaimSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()


class GapStakeholderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.SlugField()
    name = serializers.CharField()
    power = serializers.IntegerField()
    interest = serializers.IntegerField()


class GapStanceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    stakeholder_id = serializers.IntegerField()
    stakeholder = serializers.CharField(help_text="Its name.")
    position_id = serializers.IntegerField(allow_null=True)
    claim_id = serializers.IntegerField(allow_null=True)
    stance = serializers.ChoiceField(choices=Attitude.choices)
    subject = serializers.CharField(help_text="The position's title or the claim's text.")


class GapDuplicateSerializer(serializers.Serializer):
    claim_ids = _ids(min_length=2, max_length=2)
    texts = serializers.ListField(child=serializers.CharField(), min_length=2, max_length=2)
    reason = serializers.ChoiceField(choices=["same passage", "near-identical text"])
    overlap = serializers.FloatField(help_text="The texts' normalised word overlap (1 for the same passage).")


class GapsSerializer(serializers.Serializer):
    """What an editor could research next."""

    topic = serializers.SlugField()
    version = serializers.IntegerField()
    claims_without_source = GapClaimSerializer(many=True, help_text="Claims that cite no source.")
    stakeholders_without_stance = GapStakeholderSerializer(
        many=True, help_text="Interest 4 or 5 on this topic, but no stance on any of its positions."
    )
    positions_unopposed = ColumnSerializer(many=True, help_text="Positions no claim opposes.")
    stances_inferred = GapStanceSerializer(many=True, help_text="Stances that rest only on an editor's inference.")
    possible_duplicates = GapDuplicateSerializer(
        many=True,
        help_text="Claims that may count one reason twice: the same passage cited, or near-identical texts.",
    )
    possible_duplicates_complete = serializers.BooleanField(
        help_text="False when the map needs too many comparisons to list its possible duplicates: none are listed."
    )


NOT_MODIFIED = OpenApiResponse(description="Not modified since the ETag sent in If-None-Match.")
INVALID = OpenApiResponse(description=ERRORS["400"][0], response=ERRORS["400"][1])
CONDITIONAL = (
    " Carries an ETag and Last-Modified from the topic's version: send If-None-Match to get a 304 "
    "when nothing changed. An unknown query parameter is a 400."
)


def schema(summary: str, description: str, serializer, parameters=()):
    return extend_schema(
        summary=summary,
        description=description + CONDITIONAL,
        parameters=list(parameters),
        responses={200: serializer, 304: NOT_MODIFIED, 400: INVALID},
    )


# ---------------------------------------------------------------------------
# The endpoints
# ---------------------------------------------------------------------------


def published_stakeholder(data: MapData, slug: str) -> int | None:
    """The id of the stakeholder with this slug if it has a stance or salience in a published map."""
    involved = {row["stakeholder_id"] for row in data.stances} | {row["stakeholder_id"] for row in data.salience}
    return next((row["id"] for row in data.stakeholders if row["slug"] == slug and row["id"] in involved), None)


def involved_stakeholder(topic: Topic, slug: str) -> int | None:
    """The id of the stakeholder with this slug if it has a stance or salience in `topic`."""
    stances = Stance.objects.for_topic(topic).filter(stakeholder=OuterRef("pk"))
    salience = Salience.objects.for_topic(topic).filter(stakeholder=OuterRef("pk"))
    return (
        Stakeholder.objects.filter(Exists(stances) | Exists(salience), slug=slug).values_list("pk", flat=True).first()
    )


ON_DEMAND = "what-ifs, lenses and the analysis of a live map are computed on request"


class TopicAnalysisActions:
    """@actions of TopicViewSet that serve argmap's analysis."""

    def analysis_response(self, request, part: str, build, *, stored: bool = False) -> HttpResponse:
        """The topic's `part` as JSON from `build(topic, edition)`, or a 304 if the client has
        it. `edition` is the latest publication the public reads (publishing.Edition, with
        its stored analysis), or None for the live map. With `stored` (no what-if asked),
        the public gets the publication's document as written once (published_documents.py)
        if it is there."""
        topic = self.get_object()
        publication_id = self.served_publication(topic)
        if publication_id is None:
            etag = f'"topic-{topic.pk}-v{topic.version}-{part}"'
            changed_at = topic.changed_at
        else:
            etag = f'"topic-{topic.pk}-p{publication_id}-{part}"'
            changed_at = topic.latest_published_at

        def respond() -> HttpResponse:
            edition = None
            if publication_id is not None:
                if stored and (found := stored_response(request, publication_id, part, topic.slug)) is not None:
                    return found
                claims = published_claim_count(publication_id)
                if stored and not on_demand(claims):
                    raise NotWrittenYet()  # (the worker writes it once the publication commits)
                refuse_above_on_demand(claims, ON_DEMAND, "Ask without what-if or lens parameters: its analysis "
                                       "as published is served at any size.")  # fmt: skip
                edition = Edition.published(Publication.objects.get(pk=publication_id), topic)
            else:
                refuse_above_on_demand(live_claim_count(topic), ON_DEMAND, "Publish the topic: its analysis is "
                                       "then computed once, and served at any size.")  # fmt: skip
            return HttpResponse(
                analysis_document(topic, edition, build(topic, edition)), content_type="application/json"
            )

        response = topic_response(request, topic, respond, etag=etag, changed_at=changed_at)
        weak_if_encoded(response)
        return response

    @schema(
        "Strength, label and why of every position and claim, with cruxes and what-ifs",
        "The DF-QuAD strength (0 to 1) and grounded label (accepted, rejected, undecided) of every "
        "position and claim, each with its explanation, and up to three cruxes per position: the claims "
        "whose rejection or acceptance would change it most. What-if: `without_stakeholder` leaves out the "
        "claims a stakeholder puts forward, `reject` assumes chosen claims rejected; an unknown stakeholder "
        "or claim is a 400.",
        EvaluationSerializer,
        parameters=[EvaluationParameters],
    )
    @action(detail=True, methods=["get"], url_path="evaluation", url_name="evaluation", pagination_class=None)
    def evaluation(self, request, slug=None):
        parameters = check_parameters(request, EvaluationParameters)
        without = parameters.get("without_stakeholder")
        reject = parameters.get("reject", [])
        basis = parameters.get("basis")
        lens = parameters.get("lens")

        def build(topic: Topic, edition: Edition | None) -> dict:
            if lens is not None:
                return lens_evaluation(topic, edition, lens, basis)
            stakeholder_id = None
            if without is not None:
                stakeholder_id = stakeholder_in(topic, edition, without, "without_stakeholder")
            if edition is not None and stakeholder_id is None and not reject and not basis:
                return published_evaluation(edition.analysis)  # computed once, when it was published
            report = None
            if edition is None:
                rows = load_graph_rows(topic.pk)
                graph, stances = graph_from_rows(rows, basis=basis), rows.claim_stances
            else:
                graph, stances = graph_from_map(edition.data, basis=basis), edition.data.stances
            unknown = sorted(set(reject).difference(graph.claim_ids))
            if unknown:
                raise ValidationError({"reject": [f"Not claims of this topic: {', '.join(map(str, unknown[:20]))}."]})
            left_out = claims_held_by(stakeholder_id, stances) if stakeholder_id is not None else ()
            evaluation = graph.evaluate(left_out=left_out, rejected=reject, explain=True, cruxes=CRUXES)
            # Robustness of the live map as it is (a what-if's own robustness is not computed).
            if edition is None and not (left_out or reject):
                report = rows_robustness(rows, basis=basis, evaluation=evaluation, graph=graph)
            return evaluation_body(evaluation, {"without_stakeholder": without, "basis": basis}, report)

        part = "evaluation-stated" if basis else "evaluation"
        if lens is not None:
            part = f"{part}-lens-{lens}"
        return self.analysis_response(request, part, build, stored=not parameters)

    @schema(
        "Bridges: what would bring stakeholders on opposite sides together",
        "For each pair of stakeholders on opposite sides of a position (one supports it, with or without "
        "conditions, the other opposes it; at most ten pairs): the positions dividing them, each one's label "
        "through either stakeholder's lens, and the fewest claims (at most three) whose acceptance by one "
        "would give both lenses the same labels on those positions. `found` is false when the bounded search "
        "found none.",
        BridgesSerializer,
    )
    @action(detail=True, methods=["get"], url_path="bridges", url_name="bridges", pagination_class=None)
    def bridges(self, request, slug=None):
        check_parameters(request)

        return self.analysis_response(request, "bridges", bridges_body, stored=True)

    @schema(
        "Who stands with whom: stance matrix, agreement, coalitions, power/interest grid",
        "The stakeholder × position stance matrix; the agreement of every two stakeholders over the "
        "positions both hold a stance on (the same stance 1, supports against conditional 0.75, against "
        "neutral 0.5, opposite 0); coalitions, in which every two members agree at least 0.75 "
        "(complete-linkage clustering); and each stakeholder's quadrant of the power/interest grid.",
        CoalitionsSerializer,
    )
    @action(detail=True, methods=["get"], url_path="coalitions", url_name="coalitions", pagination_class=None)
    def coalitions(self, request, slug=None):
        check_parameters(request)

        return self.analysis_response(request, "coalitions", coalitions_body, stored=True)

    @schema(
        "What to research next: gaps in the map",
        "Claims with no source; stakeholders of high interest (4 or 5) with no stance on any position; "
        "positions no claim opposes; stances that rest only on an editor's inference. Each item is named.",
        GapsSerializer,
    )
    @action(detail=True, methods=["get"], url_path="gaps", url_name="gaps", pagination_class=None)
    def gaps(self, request, slug=None):
        check_parameters(request)

        return self.analysis_response(request, "gaps", gaps_body, stored=True)


def stakeholder_in(topic: Topic, edition: Edition | None, slug: str, parameter: str) -> int:
    """The id of the stakeholder `slug` involved in the map read (a 400 naming `parameter` if none)."""
    stakeholder_id = involved_stakeholder(topic, slug) if edition is None else published_stakeholder(edition.data, slug)
    if stakeholder_id is None:
        raise ValidationError({parameter: [f"No stakeholder {slug!r} in this topic."]})
    return stakeholder_id


def evaluation_body(
    evaluation, what_if: dict, report=None, lens: dict | None = None, *, stored: dict | None = None
) -> dict:
    """The evaluation endpoint's answer (EvaluationSerializer) from graph.py's Evaluation,
    with the robustness `report` of a live map or, for a publication, what was `stored`
    with it (how many inferred links were tried; each verdict's own is on its assessment)."""
    return {
        "what_if": {
            "without_stakeholder": what_if.get("without_stakeholder"),
            "lens": what_if.get("lens"),
            "left_out": evaluation.left_out,
            "assumed_rejected": evaluation.assumed_rejected,
            "basis": what_if.get("basis"),
        },
        "alternatives": evaluation.alternatives,
        "converged": evaluation.converged,
        "cycles": evaluation.cycles,
        "positions": [
            {
                "id": a.id,
                "strength": a.strength,
                "label": a.label,
                "share": a.share,
                "why": a.why,
                "cruxes": evaluation.cruxes.get(a.id, []),
                "robustness": _robustness(report.positions[a.id]) if report else _stored_robustness(a),
            }
            for a in evaluation.positions.values()
        ],
        "claims": list(evaluation.claims.values()),
        "robustness": (
            {
                "inferred_links_tried": report.tried,
                "inferred_links_untried": report.untried,
                "fragile_claims": sorted(
                    (_robustness(r) | {"id": r.id} for r in report.claims.values() if r.flip), key=itemgetter("id")
                ),
            }
            if report
            else (
                {
                    "inferred_links_tried": stored["tried"],
                    "inferred_links_untried": stored["untried"],
                    "fragile_claims": sorted(
                        (_stored_robustness(a) | {"id": a.id} for a in evaluation.claims.values() if a.flip),
                        key=itemgetter("id"),
                    ),
                }
                if stored
                else None
            )
        ),
        "lens": lens,
    }


def lens_evaluation(topic: Topic, edition: Edition | None, slug: str, basis: str | None) -> dict:
    """The evaluation through a stakeholder's lens, kept in the cache per version (or
    publication), lens and basis: computed once, whoever asks."""
    stakeholder_id = stakeholder_in(topic, edition, slug, "lens")
    owner = topic if edition is None or edition.publication is None else edition.publication
    key = owner.cache_key("evaluation-lens", slug, basis or "all")
    body = cache.get(key)
    if body is None:
        if edition is None:
            rows = load_graph_rows(topic.pk)
            graph, stances = graph_from_rows(rows, basis=basis), rows.claim_stances
        else:
            graph, stances = graph_from_map(edition.data, basis=basis), edition.data.stances
        lens = lens_of(stakeholder_id, stances, graph.claim_ids)
        seen = evaluate_lens(graph, lens, explain=True, cruxes=CRUXES)
        changed = differences(graph.evaluate(), seen)
        body = evaluation_body(
            seen,
            {"lens": slug, "basis": basis},
            lens={"stakeholder": slug, "held": sorted(lens.held), "opposed": sorted(lens.opposed),
                  "differences": changed},
        )  # fmt: skip
        body = orjson.loads(orjson.dumps(body, option=orjson.OPT_NON_STR_KEYS))  # plain data, for any cache
        cache.set(key, body)
    return body


def bridge_rows(data: MapData, found: list[Bridge]) -> list[dict]:
    """Bridges as the API serves them: stakeholders by slug."""
    slugs = {row["id"]: row["slug"] for row in data.stakeholders}
    return [
        {
            "stakeholders": [slugs[s] for s in bridge.stakeholder_ids],
            "divided_on": bridge.divided_on,
            "labels": [{"position_id": p, "labels": list(labels)} for p, labels in bridge.labels.items()],
            "agree_already": bridge.agree_already,
            "accepted_by": slugs[bridge.accepted_by] if bridge.accepted_by is not None else None,
            "claim_ids": bridge.claim_ids,
            "found": bridge.found,
        }
        for bridge in found
    ]


def _stored_robustness(assessment) -> dict | None:
    """A position's robustness as a publication stored it with its evaluation (None if not)."""
    if assessment.robust is None:
        return None
    return {"robust": assessment.robust, "flip": assessment.flip, "flips_to": assessment.flips_to}


def _robustness(verdict: Robustness) -> dict:
    return {"robust": verdict.robust, "flip": verdict.flip, "flips_to": verdict.flips_to}


def _stances(held: dict[int, str]) -> list[dict]:
    return [{"position_id": position, "stance": stance} for position, stance in held.items()]


# ---------------------------------------------------------------------------
# The documents: built per request for a live map or a what-if, written once per
# publication otherwise (published_documents.py)
# ---------------------------------------------------------------------------


def analysis_document(topic: Topic, edition: Edition | None, body: dict) -> bytes:
    """An analysis endpoint's JSON: the topic (by its slug now), the version it was computed
    from, and `body`."""
    version = topic.version if edition is None else edition.topic.version
    return versioned_document(topic.slug, version, body)


def versioned_document(slug: str, version: int, body: dict) -> bytes:
    return orjson.dumps({"topic": slug, "version": version, **body}, option=orjson.OPT_NON_STR_KEYS)


def published_evaluation(analysis: dict) -> dict:
    """The evaluation stored with a publication (its stored `analysis`), as the evaluation
    endpoint answers it."""
    return evaluation_body(
        stored_evaluation(analysis),
        {"without_stakeholder": None, "basis": None},
        stored=analysis.get("robustness"),  # publications made before it was stored: None
    )


def bridges_body(topic: Topic, edition: Edition | None) -> dict:
    """The bridges endpoint's answer: a publication's as stored with its analysis (computed
    again only for one published before bridges were stored)."""
    if edition is None:
        data = load_map(topic.pk, PAGE_COLUMNS)
        return {"bridges": bridge_rows(data, map_bridges(data))}
    if "bridges" in edition.analysis:
        return {"bridges": bridge_rows(edition.data, stored_bridges(edition.analysis))}
    return {"bridges": bridge_rows(edition.data, map_bridges(edition.data))}


def coalitions_body(topic: Topic, edition: Edition | None) -> dict:
    """The coalitions endpoint's answer."""
    data = load_map(topic.pk, PAGE_COLUMNS) if edition is None else edition.data
    result = map_coalitions(data) if edition is None else edition.coalitions()
    return {
        "positions": [{"id": row["id"], "title": row["title"]} for row in data.positions],
        "stakeholders": [
            {"id": row["id"], "slug": row["slug"], "name": row["name"], "kind": row["kind"]}
            for row in data.stakeholders
        ],
        "matrix": [{"stakeholder_id": row.stakeholder_id, "stances": _stances(row.stances)} for row in result.matrix],
        "agreements": result.agreements,
        "coalitions": [
            {"stakeholder_ids": c.stakeholder_ids, "cohesion": c.cohesion, "common": _stances(c.common)}
            for c in result.coalitions
        ],
        "unaligned": result.unaligned,
        "grid": result.grid,
    }


def gaps_body(topic: Topic, edition: Edition | None) -> dict:
    """The gaps endpoint's answer."""
    if edition is None:
        data = load_map(topic.pk, PAGE_COLUMNS)
        rows = gap_rows(data, map_gaps(data))
    else:
        data = edition.data
        rows = gap_rows(data, Gaps(**edition.analysis["gaps"]), stored_duplicates(edition.analysis))
    return {
        "claims_without_source": rows.claims_without_source,
        "stakeholders_without_stance": rows.stakeholders_without_stance,
        "positions_unopposed": rows.positions_unopposed,
        "stances_inferred": rows.stances_inferred,
        "possible_duplicates": rows.possible_duplicates,
        "possible_duplicates_complete": rows.possible_duplicates_complete,
    }


PUBLISHED_PARTS = {
    "evaluation": lambda topic, edition: published_evaluation(edition.analysis),
    "coalitions": coalitions_body,
    "gaps": gaps_body,
    "bridges": bridges_body,
}


def published_analysis_document(part: str, topic: Topic, edition: Edition) -> bytes:
    """What the endpoint of `part` (PUBLISHED_PARTS) answers the public for a publication,
    without a what-if: the bytes published_documents.py stores."""
    return analysis_document(topic, edition, PUBLISHED_PARTS[part](topic, edition))


# What the parts other than the evaluation read of a publication's stored analysis: the
# evaluation and the lenses, most of it, are not needed once the evaluation is written.
READ_BY_OTHER_PARTS = ("coalitions", "gaps", "bridges", "duplicates")


def published_evaluation_document(topic: Topic, version: int, analysis: dict) -> bytes:
    """What the evaluation endpoint answers the public for a publication of `topic` at
    `version`, from its stored `analysis` alone: published_analysis_document("evaluation")
    without the parsed map, which api/documents.py parses only once it is written."""
    return versioned_document(topic.slug, version, published_evaluation(analysis))
