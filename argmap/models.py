"""The argmap domain (see DOMAIN.md): who argues what, and why, about a public question.

Every rule in DOMAIN.md's "Rules the data must obey" is enforced twice: in the
database (check and unique constraints, PROTECT, the triggers of migration
0002) so that bypassing validation cannot break it, and in model validation
(`full_clean`) so that editors get a message they understand.
"""

import os
import re
import socket
import uuid
import zlib
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.core import validators
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import connections, models
from django.db.models import Count, Exists, ExpressionWrapper, F, Max, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.forms import URLField as URLFormField
from django.urls import reverse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from simple_history.models import HistoricalRecords

from argmap.graph import support_path_exists
from argmap.quotes import NormalisedText, characters_in

# ---------------------------------------------------------------------------
# Text fields whose limits hold in the database too
# ---------------------------------------------------------------------------


# C0 control characters other than tab, LF and CR (NUL has a check of its own): XML 1.0
# cannot hold them, so a title with one would break the feed, and no editor means them.
CONTROL_CHARACTERS = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f]")


@deconstructible
class ProhibitControlCharactersValidator:
    """Like Django's ProhibitNullCharactersValidator, for the other C0 controls. (Not a
    RegexValidator: the OpenAPI schema would show its pattern as one values must match.)"""

    message = "Control characters (other than tab and line breaks) are not allowed."
    code = "control_characters"

    def __call__(self, value):
        if CONTROL_CHARACTERS.search(str(value)):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other):
        return isinstance(other, ProhibitControlCharactersValidator)

    def __hash__(self):
        return hash(self.code)


prohibit_control_characters = ProhibitControlCharactersValidator()


def xml_safe(text: str) -> str:
    """`text` with the characters XML 1.0 cannot hold as U+FFFD: what validation refuses
    may still be in the database (written by raw SQL), and must not break an XML output."""
    return NOT_XML.sub("\ufffd", text)


NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class BoundedTextMixin:
    """Text with a length limit, no NUL or other control characters and (unless blank)
    no empty string. The length, NUL and emptiness are enforced by a column CHECK as
    well as by validators; control characters by validators (and the import's checks).

    SQLite ignores `max_length` and stores NUL characters that PostgreSQL refuses,
    so without the CHECK a map saved on SQLite might not move to PostgreSQL.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.max_length is None:
            raise TypeError(f"{type(self).__name__} needs a max_length")
        self.validators.append(validators.ProhibitNullCharactersValidator())
        self.validators.append(prohibit_control_characters)
        if not any(isinstance(v, validators.MaxLengthValidator) for v in self.validators):
            self.validators.append(validators.MaxLengthValidator(self.max_length))

    def db_check(self, connection):
        column = connection.ops.quote_name(self.column)
        checks = []
        if connection.vendor == "sqlite":
            # length() stops at a NUL on SQLite, hence the instr() check first.
            checks += [f"instr({column}, char(0)) = 0", f"length({column}) <= {self.max_length}"]
        elif connection.vendor == "postgresql" and self.get_internal_type() == "TextField":
            # varchar(n) already bounds CharFields; PostgreSQL text never holds NUL.
            checks.append(f"char_length({column}) <= {self.max_length}")
        if not self.blank:
            checks.append(f"{column} <> ''")
        return " AND ".join(checks) or None


class BoundedCharField(BoundedTextMixin, models.CharField):
    """A CharField whose limits hold in the database too."""


class BoundedTextField(BoundedTextMixin, models.TextField):
    """A TextField whose length limit holds in the database too."""


class CompressedTextField(models.BinaryField):
    """Text kept zlib-compressed in a binary column, read back as text.

    For a publication's snapshot and analysis: a 1,000,000-claim map's JSON is over a
    gigabyte, more than PostgreSQL takes in one value or one message, and about a tenth
    of that compressed. Python code sees a `str`, as with a TextField."""

    LEVEL = 3  # as small as level 6 within a few percent, at a third of its time

    def from_db_value(self, value, expression, connection):
        return None if value is None else zlib.decompress(value).decode()

    def to_python(self, value):
        if isinstance(value, (bytes, memoryview)):
            return zlib.decompress(value).decode()
        return value

    def get_db_prep_value(self, value, connection, prepared=False):
        if isinstance(value, str):
            value = self.compressed(value.encode())
        return super().get_db_prep_value(value, connection, prepared)

    @classmethod
    def compressed(cls, text: bytes) -> bytes:
        """UTF-8 text as the column stores it. Given as the field's value, it is stored as it
        is: a big text compressed as soon as it is made is never held twice (publish)."""
        return zlib.compress(text, cls.LEVEL)

    def value_to_string(self, obj):
        return self.value_from_object(obj)

    @staticmethod
    def text_chunks(stored: bytes) -> Iterator[bytes]:
        """The UTF-8 of a value as stored (Publication.stored), decompressed in chunks of at
        most TEXT_CHUNK bytes: what writes a big text out never holds all of it."""
        view = memoryview(stored)  # fed STORED_PIECE at a time, so each unconsumed tail copied is small
        pieces = (view[start : start + STORED_PIECE] for start in range(0, len(view), STORED_PIECE))
        return inflated(pieces, zlib.MAX_WBITS, TEXT_CHUNK)


# CompressedTextField.text_chunks: compressed bytes fed at a time, and the most text made
# of them at a time (JSON inflates four- to sixfold at level 3, repeated text far more).
STORED_PIECE = 64 * 1024
TEXT_CHUNK = 1024 * 1024


def inflated(chunks: Iterable[bytes], wbits: int, most: int) -> Iterator[bytes]:
    """`chunks` of zlib (`wbits` zlib.MAX_WBITS) or gzip (16 + zlib.MAX_WBITS) data,
    decompressed as they come, in pieces of at most `most` bytes."""
    decompressor = zlib.decompressobj(wbits)
    for chunk in chunks:
        data = chunk
        while data:
            out = decompressor.decompress(data, most)
            if out:
                yield out
            data = decompressor.unconsumed_tail
    rest = decompressor.flush()
    if rest:
        yield rest


class WebURLField(BoundedTextMixin, models.URLField):
    """An http(s) address; `javascript:`, `data:` and other schemes are refused."""

    default_validators = [validators.URLValidator(schemes=["http", "https"])]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 2000)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": URLFormField, "assume_scheme": "https", **kwargs})


def web_url(url: str | None) -> str:
    """`url` if it is an http(s) address, else empty: the only links pages render."""
    url = (url or "").strip()
    return url if url.lower().startswith(("http://", "https://")) else ""


def web_url_constraint(field: str, model: str) -> models.CheckConstraint:
    """A database CHECK that `field` is empty or an http(s) address."""
    return models.CheckConstraint(
        condition=Q(**{field: ""})
        | Q(**{f"{field}__istartswith": "http://"})
        | Q(**{f"{field}__istartswith": "https://"}),
        name=f"{model}_{field}_http_only",
        violation_error_message="Only http:// and https:// addresses are allowed.",
    )


# ---------------------------------------------------------------------------
# Shared pieces
# ---------------------------------------------------------------------------


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class VisibleQuerySet(models.QuerySet):
    """Rows a user may see (DOMAIN.md rule 8): every row for those with the model's view
    permission (editors), what `public()` gives everyone else, so that a draft is a 404,
    never a 403, and its existence does not leak. Each QuerySet defines `public()`:
    published topics and what belongs to them; of the parts shared by every map, those a
    published map involves, as the map document does (argmap.loading)."""

    def public(self):
        raise NotImplementedError

    def visible_to(self, user):
        meta = self.model._meta
        if user is not None and user.has_perm(f"{meta.app_label}.view_{meta.model_name}"):
            return self
        return self.public()


class UidQuerySet(models.QuerySet):
    def get_by_natural_key(self, uid):
        return self.get(uid=uid)


class UidField(models.UUIDField):
    """A UUID stored in its canonical form (with dashes) on every database, so that SQL
    can hand it out as is (Django's UUIDField keeps 32 bare hex digits on SQLite)."""

    def get_db_prep_value(self, value, connection, prepared=False):
        value = super().get_db_prep_value(value, connection, prepared)
        if isinstance(value, str) and len(value) == 32:
            return str(uuid.UUID(hex=value))
        return value


class UidModel(TimeStampedModel):
    """A model identified across databases by a UUID (fixtures and interchange use it)."""

    uid = UidField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True

    def natural_key(self):
        return (str(self.uid),)


class TrackedHistory(HistoricalRecords):
    """django-simple-history's records, indexed only for how argmap reads them: by the
    object (`id`), by date and by user. The other indexes simple-history would copy from
    the model (uid, slugs, every foreign key) no query uses, and each costs a write per
    history row: without them a 10,000-claim import writes its history in 0.15 s less.

    The user who made a change is kept without a foreign key constraint: PostgreSQL would
    check it once per history row at COMMIT (0.17 s for a 10,000-claim import); Django
    still sets it to NULL when the user is deleted (on_delete=SET_NULL)."""

    def copy_fields(self, model):
        fields = super().copy_fields(model)
        for name, field in fields.items():
            if name != model._meta.pk.name:
                field.db_index = False
        return fields


def tracked_history(**options):
    """History of every change, with the user who made it (django-simple-history)."""
    return TrackedHistory(inherit=False, cascade_delete_history=False, user_db_constraint=False, **options)


def topic_kept_by_the_database():
    """The topic a link, citation or stance belongs to, derived from its claim or position
    and kept by the database (migration 0005), never by Django: it lets a whole map be
    read by one index per table instead of a probe per claim.

    No foreign key constraint of its own: the triggers set it from the claim or position,
    whose constraints already guarantee the topic exists (a check per row that a
    10,000-claim import would pay 18,000 times at commit)."""
    return models.ForeignKey(
        "Topic",
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        db_constraint=False,
    )


class Polarity(models.TextChoices):
    SUPPORTS = "supports", "supports"
    OPPOSES = "opposes", "opposes"


class TopicStatus(models.TextChoices):
    DRAFT = "draft", "draft"
    IN_REVIEW = "in_review", "in review"
    PUBLISHED = "published", "published"
    ARCHIVED = "archived", "archived"


class StakeholderKind(models.TextChoices):
    GOVERNMENT = "government", "government or department"
    REGULATOR = "regulator", "regulator"
    COMPANY = "company", "company"
    INVESTOR = "investor", "investor"
    SECTOR = "sector", "sector or industry"
    TRADE_BODY = "trade_body", "trade body"
    CIVIL_SOCIETY = "civil_society", "civil-society group"
    RESEARCH = "research", "research institute"
    ANALYST = "analyst", "analyst or commentator"
    PUBLIC = "public", "the public"


class SourceKind(models.TextChoices):
    NEWS_REPORT = "news_report", "news report"
    PRESS_RELEASE = "press_release", "press release"
    OFFICIAL_PUBLICATION = "official_publication", "official publication"
    REGULATOR_DECISION = "regulator_decision", "regulator decision"
    RESEARCH_REPORT = "research_report", "research report"
    SPEECH = "speech", "speech"
    SOCIAL_POST = "social_post", "social post"


class Attitude(models.TextChoices):
    """What a stance says of its subject."""

    SUPPORTS = "supports", "supports"
    OPPOSES = "opposes", "opposes"
    CONDITIONAL = "conditional", "supports with conditions"
    NEUTRAL = "neutral", "neutral"


class Basis(models.TextChoices):
    """How an editor knows a stance."""

    STATED = "stated", "stated (verbatim quote)"
    PARAPHRASED = "paraphrased", "paraphrased"
    INFERRED = "inferred", "inferred by an editor"


class EdgeBasis(models.TextChoices):
    """How an editor knows a link or a relationship: from the source itself, or by reading it."""

    STATED = "stated", "stated (the source draws it)"
    INFERRED = "inferred", "inferred by an editor"


class ClaimKind(models.TextChoices):
    """What sort of proposition a claim is (DOMAIN.md, "Claim kind")."""

    FACT = "fact", "fact (a report of what happened or what is)"
    INTERPRETATION = "interpretation", "interpretation (a reading of facts)"
    VALUE = "value", "value (what ought to be)"
    PREDICTION = "prediction", "prediction (what will happen)"


class FactCheck(models.TextChoices):
    """Where a fact stands against the record (DOMAIN.md, "Check")."""

    UNCHECKED = "unchecked", "unchecked"
    CONFIRMED = "confirmed", "confirmed"
    DISPUTED = "disputed", "disputed"
    FALSE = "false", "false"


class RelationshipKind(models.TextChoices):
    INVESTS_IN = "invests_in", "invests in"
    PARTNERS_WITH = "partners_with", "partners with"
    REGULATES = "regulates", "regulates"
    PART_OF = "part_of", "is part of"
    SUPPLIES = "supplies", "supplies"
    COMPETES_WITH = "competes_with", "competes with"
    REPRESENTS = "represents", "represents"
    ADVISES = "advises", "advises"


def choice_constraint(model: str, field: str, choices: type[models.TextChoices]) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(**{f"{field}__in": choices.values}), name=f"{model}_{field}_valid")


def moved_with_links(obj, model, links: Q) -> bool:
    """True if a saved position or claim is being moved to another topic while links tie it to its own."""
    if obj.pk is None or obj.topic_id is None:
        return False
    saved_topic = model.objects.filter(pk=obj.pk).values_list("topic_id", flat=True).first()
    return saved_topic not in (None, obj.topic_id) and Link.objects.filter(links).exists()


# ---------------------------------------------------------------------------
# Topic, Position, Claim, Link: the argument map
# ---------------------------------------------------------------------------


class TopicQuerySet(VisibleQuerySet):
    def published(self):
        return self.filter(status=Topic.Status.PUBLISHED)

    public = published

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)

    def with_latest_publication(self):
        """Annotated with the id, number and date of each topic's latest publication
        (None if it has none), in the same query: enough for a conditional GET."""
        latest = Publication.objects.filter(topic=OuterRef("pk")).order_by("-number")
        return self.annotate(
            latest_publication_id=Subquery(latest.values("pk")[:1]),
            latest_publication_number=Subquery(latest.values("number")[:1]),
            latest_published_at=Subquery(latest.values("published_at")[:1]),
        )

    def with_version(self, number: int):
        """Annotated with the id and date of each topic's publication `number` (None if it
        has none), in the same query: for a version's page that reads only its rows."""
        version = Publication.objects.filter(topic=OuterRef("pk"), number=number)
        return self.annotate(
            version_publication_id=Subquery(version.values("pk")[:1]),
            version_published_at=Subquery(version.values("published_at")[:1]),
        )

    def site_version(self) -> str:
        """A key that changes whenever any of these topics changes (its map included: the
        triggers raise its version), is added or is deleted, in one query: for pages that
        list topics, cached under it."""
        found = self.order_by().aggregate(
            count=Count("pk"), last=Max("pk"), versions=Sum("version"), changed=Max("changed_at")
        )
        changed = found["changed"].timestamp() if found["changed"] else 0
        return f"{found['count']}-{found['last']}-{found['versions']}-{changed}"

    def lock(self) -> None:
        """Lock these topics' rows until the transaction ends, in id order. Every write
        changes its topics' versions (the triggers of migration 0002), so it takes their
        locks first, before its own rows': writes that touch the same topics then queue
        instead of deadlocking. (No-op on SQLite, whose writers take turns anyway.)"""
        list(self.select_for_update().order_by("pk").values_list("pk", flat=True))

    def with_counts(self):
        """Annotated with how many positions, claims and stakeholders (with a stance or a
        salience estimate) each topic has, in the same query."""
        stakeholders = Stakeholder.objects.filter(
            Exists(Stance.objects.filter(stakeholder=OuterRef("pk"), topic=OuterRef(OuterRef("pk"))))
            | Exists(Salience.objects.filter(stakeholder=OuterRef("pk"), topic=OuterRef(OuterRef("pk"))))
        )
        return self.annotate(
            position_count=count_subquery(Position.objects.filter(topic=OuterRef("pk"))),
            claim_count=count_subquery(Claim.objects.filter(topic=OuterRef("pk"))),
            stakeholder_count=count_subquery(stakeholders),
        )


def count_subquery(queryset) -> Coalesce:
    """How many rows `queryset` (correlated with OuterRef) has, as a subquery."""
    counted = queryset.order_by().annotate(group=Value(1)).values("group").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=models.IntegerField()), Value(0))


class Topic(TimeStampedModel):
    """A question under public debate (an IBIS "issue"): the unit a map is drawn for.

    `version` and `changed_at` are kept by database triggers: they change whenever
    anything in the topic's map changes, deletions included, and feed ETags.
    """

    Status = TopicStatus

    title = BoundedCharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    question = BoundedCharField(max_length=500, help_text="The question under debate, as a reader would ask it.")
    summary = BoundedTextField(max_length=5000, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    alternatives = models.BooleanField(
        default=True,
        db_default=True,
        help_text="Its positions are alternatives: at most one of them is the answer. Untick if they may be combined.",
    )
    published_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveBigIntegerField(default=1, editable=False)
    changed_at = models.DateTimeField(default=timezone.now, editable=False)

    history = tracked_history(excluded_fields=["version", "changed_at"])
    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        indexes = [models.Index(fields=["title", "id"], name="topic_keyset")]  # the API's topic list
        permissions = [("publish_topic", "Can publish a topic (review and publish its map)")]
        constraints = [
            choice_constraint("topic", "status", TopicStatus),
            models.CheckConstraint(condition=~Q(slug=""), name="topic_slug_not_empty"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("argmap:topic-detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    @property
    def etag(self):
        """A strong validator for everything derived from this topic's map."""
        return f'"topic-{self.pk}-v{self.version}"'

    def cache_key(self, *parts: object) -> str:
        """A cache key for something derived from this version of the topic's map (a page,
        an export): a change anywhere in the map makes a new key. changed_at as well as
        the version, because test databases reuse ids and versions."""
        return ":".join(
            ["argmap", "topic", str(self.pk), str(self.version), str(self.changed_at.timestamp()), *map(str, parts)]
        )

    def publish(self):
        self.status = self.Status.PUBLISHED
        if self.published_at is None:
            self.published_at = timezone.now()

    def unpublish(self):
        self.status = self.Status.DRAFT


class MapPartQuerySet(VisibleQuerySet, UidQuerySet):
    """Rows that belong to one topic's map (through `topic`, their own or kept by the database)."""

    def public(self):
        """What the public may see: the rows of published topics."""
        return self.filter(topic__status=TopicStatus.PUBLISHED)

    published = public

    def for_topic(self, topic):
        return self.filter(topic=topic)


class Position(UidModel):
    """One answer to a topic's question, which stakeholders hold and claims argue for or against."""

    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="positions")
    title = BoundedCharField(max_length=200)
    summary = BoundedTextField(max_length=2000, blank=True)
    order = models.PositiveSmallIntegerField(default=0, help_text="Positions are shown in this order.")

    history = tracked_history()
    objects = MapPartQuerySet.as_manager()

    class Meta:
        ordering = ["topic", "order", "id"]
        # Keyset pages of the API's lists (argmap/api/pagination.py), whole or by topic.
        indexes = [models.Index(fields=["topic", "order", "id"], name="position_keyset")]
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "title"],
                name="position_title_unique_per_topic",
                violation_error_message="This topic already has a position with this title.",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return f"{self.topic.get_absolute_url()}#position-{self.pk}"

    def clean(self):
        if moved_with_links(self, Position, Q(target_position=self)):
            raise ValidationError({"topic": "Claims argue about this position; remove their links before moving it."})


class Claim(UidModel):
    """A proposition offered as a reason for or against a position or another claim.

    It belongs to one topic; its links say what it supports or opposes.
    """

    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="claims")
    text = BoundedTextField(max_length=2000)
    Kind = ClaimKind
    Check = FactCheck

    # Defaults in the database too, so that bulk writers that name only the columns they know (imports) get them.
    kind = models.CharField(
        max_length=16, choices=Kind.choices, default=Kind.INTERPRETATION, db_default=Kind.INTERPRETATION
    )
    fact_check = models.CharField(
        max_length=12,
        choices=Check.choices,
        default=Check.UNCHECKED,
        db_default=Check.UNCHECKED,
        verbose_name="check",
        help_text="For a fact: where it stands against the record. “False” needs the source that settles it.",
    )
    settled_by = models.ForeignKey(
        "Source",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="settled_claims",
        help_text="The source that settles the check (required for “false”).",
    )
    base_score = models.FloatField(
        default=0.5,
        validators=[validators.MinValueValidator(0.0), validators.MaxValueValidator(1.0)],
        help_text="The editor's base score (0 to 1). It counts only with a reason; without one the "
        "base score is derived from the claim's evidence (docs/analysis.md).",
    )
    score_reason = BoundedTextField(
        max_length=1000,
        blank=True,
        db_default="",
        help_text="Why the editor's base score overrides the one derived from the evidence (shown to readers).",
    )

    history = tracked_history()
    objects = MapPartQuerySet.as_manager()

    class Meta:
        ordering = ["topic", "id"]
        # Keyset pages of the API's lists (argmap/api/pagination.py), whole or by topic.
        indexes = [models.Index(fields=["topic", "id"], name="claim_keyset")]
        constraints = [
            models.CheckConstraint(
                condition=Q(base_score__gte=0.0, base_score__lte=1.0),
                name="claim_base_score_between_0_and_1",
                violation_error_message="The base score must be between 0 and 1.",
            ),
            choice_constraint("claim", "kind", ClaimKind),
            choice_constraint("claim", "fact_check", FactCheck),
            models.CheckConstraint(
                condition=Q(kind=ClaimKind.FACT) | Q(fact_check=FactCheck.UNCHECKED),
                name="claim_checked_only_if_fact",
                violation_error_message="Only a fact is checked.",
            ),
            models.CheckConstraint(
                condition=~Q(fact_check=FactCheck.FALSE) | Q(settled_by__isnull=False),
                name="claim_false_needs_settling_source",
                violation_error_message="A fact checked false needs the source that settles it.",
            ),
        ]

    def __str__(self):
        return self.text if len(self.text) <= 80 else self.text[:79] + "…"

    def get_absolute_url(self):
        return reverse("argmap:claim-detail", kwargs={"pk": self.pk})

    def get_constraints(self):
        # clean() reports these two rules next to the field concerned.
        reported = {"claim_checked_only_if_fact", "claim_false_needs_settling_source"}
        return [
            (model, [c for c in constraints if c.name not in reported])
            for model, constraints in super().get_constraints()
        ]

    def clean(self):
        if moved_with_links(self, Claim, Q(claim=self) | Q(target_claim=self)):
            raise ValidationError({"topic": "This claim has links in its topic; remove them before moving it."})
        errors = {}
        if self.kind != ClaimKind.FACT and self.fact_check != FactCheck.UNCHECKED:
            errors["fact_check"] = "Only a fact is checked: make the claim a fact, or leave it unchecked."
        if self.fact_check == FactCheck.FALSE and self.settled_by_id is None:
            errors["settled_by"] = "A fact checked false needs the source that settles it."
        if errors:
            raise ValidationError(errors)

    @property
    def is_fact(self) -> bool:
        return self.kind == ClaimKind.FACT


class Link(UidModel):
    """A directed argument edge: a claim supports or opposes a position or another claim."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="links")
    target_position = models.ForeignKey(
        Position, on_delete=models.PROTECT, null=True, blank=True, related_name="inbound_links"
    )
    target_claim = models.ForeignKey(
        Claim, on_delete=models.PROTECT, null=True, blank=True, related_name="inbound_links"
    )
    polarity = models.CharField(max_length=10, choices=Polarity.choices)
    basis = models.CharField(
        max_length=10,
        choices=EdgeBasis.choices,
        default=EdgeBasis.STATED,
        db_default=EdgeBasis.STATED,
        help_text="Stated: the source draws this connection itself. Inferred: an editor's reading.",
    )
    topic = topic_kept_by_the_database()

    history = tracked_history(excluded_fields=["topic"])
    objects = MapPartQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        # Keyset pages of the API's lists (argmap/api/pagination.py), whole or by topic.
        indexes = [models.Index(fields=["topic", "id"], name="link_keyset")]
        constraints = [
            choice_constraint("link", "basis", EdgeBasis),
            models.CheckConstraint(
                condition=(
                    Q(target_position__isnull=False, target_claim__isnull=True)
                    | Q(target_position__isnull=True, target_claim__isnull=False)
                ),
                name="link_targets_exactly_one",
                violation_error_message="A link targets exactly one thing: a position or a claim.",
            ),
            models.CheckConstraint(
                condition=~Q(claim=F("target_claim")),
                name="link_not_to_itself",
                violation_error_message="A claim cannot support or oppose itself.",
            ),
            choice_constraint("link", "polarity", Polarity),
            models.UniqueConstraint(
                fields=["claim", "target_position", "polarity"],
                name="link_unique_to_position",
                violation_error_message="This claim already has this link to this position.",
            ),
            models.UniqueConstraint(
                fields=["claim", "target_claim", "polarity"],
                name="link_unique_to_claim",
                violation_error_message="This claim already has this link to this claim.",
            ),
        ]

    def __str__(self):
        return f"{self.claim} {self.polarity} {self.target}"

    @property
    def target(self):
        return self.target_position if self.target_position_id else self.target_claim

    def clean(self):
        if (self.target_position_id is None) == (self.target_claim_id is None):
            return  # the constraint link_targets_exactly_one says so
        target_field = "target_position" if self.target_position_id else "target_claim"
        if self.target_claim_id is not None and self.target_claim_id == self.claim_id:
            return  # the constraint link_not_to_itself says so
        claim = self._related_or_none("claim")
        target = self._related_or_none(target_field)
        if claim is None or target is None or claim.topic_id is None:
            return  # the field's own "required" or "does not exist" error says it
        if target.topic_id != claim.topic_id:
            raise ValidationError(
                {target_field: f"The target belongs to another topic; a link must stay within “{claim.topic}”."}
            )
        if self.polarity == Polarity.SUPPORTS and target_field == "target_claim" and self.creates_support_cycle():
            raise ValidationError(
                {"target_claim": "This link would close a circle of support: the target already supports this claim."}
            )

    def _related_or_none(self, name):
        try:
            return getattr(self, name)
        except ObjectDoesNotExist:
            return None

    def creates_support_cycle(self) -> bool:
        """True if the target already supports, directly or through a chain, this link's claim."""
        if self.claim_id is None:
            return False  # a claim not saved yet has no supporters
        edges = (
            Link.objects.filter(topic_id=self.claim.topic_id, polarity=Polarity.SUPPORTS, target_claim__isnull=False)
            .exclude(pk=self.pk)
            .values_list("claim_id", "target_claim_id")
        )
        return support_path_exists(edges, start=self.target_claim_id, goal=self.claim_id)


# ---------------------------------------------------------------------------
# Stakeholders and what they hold
# ---------------------------------------------------------------------------


class StakeholderQuerySet(VisibleQuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)

    def lock_tree(self) -> None:
        """Until the transaction ends, be the only writer of the stakeholder tree: the lock
        migration 0008's trigger takes to check for circles, taken here before any row's so
        that writers queue instead of deadlocking. (SQLite's writers take turns anyway.)"""
        connection = connections[self.db]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext('argmap_stakeholder_tree'))")

    def public(self):
        """Stakeholders the public may see: those with a stance or a salience estimate in a
        published topic, and the bodies they are part of."""
        involved = self.model.objects.filter(involved_in_published("stakeholder"))
        return self.filter(Q(pk__in=involved.values("pk")) | Q(pk__in=involved.values("parent_id")))


class Stakeholder(TimeStampedModel):
    """An actor with a stake in a debate: a government, regulator, company, investor, sector,
    analyst, the public… It may be part of another stakeholder (its parent)."""

    Kind = StakeholderKind

    name = BoundedCharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    summary = BoundedTextField(max_length=2000, blank=True)
    url = WebURLField(blank=True, verbose_name="website")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", help_text="Part of…"
    )

    history = tracked_history()
    objects = StakeholderQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["name", "id"], name="stakeholder_keyset")]  # the API's list
        constraints = [
            choice_constraint("stakeholder", "kind", StakeholderKind),
            models.CheckConstraint(
                condition=~Q(parent=F("id")),
                name="stakeholder_not_own_parent",
                violation_error_message="A stakeholder cannot be part of itself.",
            ),
            models.CheckConstraint(condition=~Q(slug=""), name="stakeholder_slug_not_empty"),
            web_url_constraint("url", "stakeholder"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("argmap:stakeholder-detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        ancestor, seen = self.parent, set()
        while ancestor is not None and ancestor.pk not in seen:
            if self.pk is not None and ancestor.pk == self.pk:
                # Through others, the tree as it now stands refuses it (often another
                # editor's change saved first): the API answers 409, not 400.
                code = "invalid" if self.parent_id == self.pk else "conflict"
                message = "A stakeholder cannot be part of itself, directly or through others."
                raise ValidationError({"parent": ValidationError(message, code=code)})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


class SourceQuerySet(VisibleQuerySet, UidQuerySet):
    def public(self):
        """Sources the public may see: those cited by a claim or a stance of a published
        topic, or by a relationship between stakeholders the public may see."""
        return self.filter(
            Exists(Citation.objects.public().filter(source=OuterRef("pk")))
            | involved_in_published("source")
            | Exists(Relationship.objects.public().filter(source=OuterRef("pk")))
        )


def involved_in_published(field: str) -> Q:
    """Rows that a stance (or, for stakeholders, a salience estimate) of a published topic
    points at through `field`."""
    condition = Exists(Stance.objects.public().filter(**{field: OuterRef("pk")}))
    if field == "stakeholder":
        condition |= Exists(Salience.objects.public().filter(stakeholder=OuterRef("pk")))
    return Q(condition)


class Source(UidModel):
    """A document evidence comes from: a news report, press release, official publication…"""

    Kind = SourceKind

    title = BoundedCharField(max_length=300)
    url = WebURLField(blank=True, verbose_name="URL")
    publisher = BoundedCharField(max_length=200, blank=True)
    author = BoundedCharField(max_length=200, blank=True)
    published_on = models.DateField(null=True, blank=True)
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.NEWS_REPORT)

    history = tracked_history()
    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "title"]
        constraints = [
            web_url_constraint("url", "source"),
            choice_constraint("source", "kind", SourceKind),
        ]

    def __str__(self):
        return f"{self.title} ({self.publisher}, {self.published_on})" if self.publisher else self.title

    def get_absolute_url(self):
        return reverse("argmap:source-detail", kwargs={"pk": self.pk})

    @property
    def safe_url(self):
        """The URL if it is http(s), else empty: templates render only these as links."""
        return web_url(self.url)


SOURCE_TEXT_MAX_BYTES = 5 * 1024 * 1024  # 5 MB of UTF-8: a long report; a book would not fit


class SourceText(TimeStampedModel):
    """The text of a source's document (the article or report itself, as plain text): what
    editors quote from, and what the verbatim check reads a citation's quote against."""

    source = models.OneToOneField(Source, on_delete=models.CASCADE, related_name="body")
    text = BoundedTextField(max_length=SOURCE_TEXT_MAX_BYTES)

    history = tracked_history()

    def __str__(self):
        return f"The text of {self.source}"

    def clean(self):
        size = len(self.text.encode("utf-8", "surrogatepass"))
        if size > SOURCE_TEXT_MAX_BYTES:
            raise ValidationError(
                {
                    "text": f"The text is {size:,} bytes; a source's text may be at most 5 MB "
                    f"({SOURCE_TEXT_MAX_BYTES:,} bytes)."
                }
            )


class CitationQuerySet(MapPartQuerySet):
    def check_quotes(self, text: str) -> int:
        """Check again the quotes of these citations (of one source) against `text`, its
        new text ("" for none), and mark each. Returns how many marks changed."""
        document = NormalisedText(text) if text else None
        changed = [citation for citation in self if citation.mark_quote(document)]
        self.model.objects.bulk_update(changed, ["quote_verbatim"])
        return len(changed)


class Citation(UidModel):
    """A claim's use of a source: the quote it rests on and where in the source it is."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="citations")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    quote = BoundedTextField(max_length=2000, blank=True)
    locator = BoundedCharField(max_length=200, blank=True, help_text="Where in the source: page, paragraph, timestamp.")
    quote_verbatim = models.BooleanField(
        null=True,
        editable=False,
        help_text="Whether the quote is in the source's text word for word (docs/editing.md); "
        "unknown without a quote or a text of the source. Set when saved.",
    )
    topic = topic_kept_by_the_database()

    history = tracked_history(excluded_fields=["topic"])
    objects = CitationQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        # Keyset pages of the API's lists (argmap/api/pagination.py), whole or by topic.
        indexes = [models.Index(fields=["topic", "id"], name="citation_keyset")]

    def __str__(self):
        return f"{self.source} — {self.locator}" if self.locator else str(self.source)

    def source_text(self) -> str:
        """The text of the cited source ("" if it has none)."""
        if self.source_id is None:
            return ""
        return SourceText.objects.filter(source_id=self.source_id).values_list("text", flat=True).first() or ""

    def mark_quote(self, document: NormalisedText | None) -> bool:
        """Set quote_verbatim from the source's text (None if it has none); True if it changed."""
        verbatim = document.check(self.quote).found if self.quote.strip() and document else None
        changed, self.quote_verbatim = self.quote_verbatim != verbatim, verbatim
        return changed

    def mark_quote_from_source(self) -> str:
        """Set quote_verbatim from the cited source's text; returns that text."""
        text = self.source_text()
        self.mark_quote(NormalisedText(text) if text else None)
        return text

    def clean(self):
        # Marks the quote (a form may refuse a quote that differs; the API and imports keep
        # it, marked); a locator naming characters past the end of the text is refused.
        text = self.mark_quote_from_source()
        characters = characters_in(self.locator) if text else None
        if characters and not (1 <= characters[0] <= characters[1] <= len(text)):
            raise ValidationError(
                {
                    "locator": f"Characters {characters[0]}–{characters[1]} are outside the source's text, "
                    f"which has {len(text)} characters."
                }
            )


class Stance(UidModel):
    """What a stakeholder holds on one position or claim, and on what basis: "who says this".

    A stated stance carries the stakeholder's own words; only an inferred one may lack a source.
    """

    Attitude = Attitude
    Basis = Basis

    stakeholder = models.ForeignKey(Stakeholder, on_delete=models.PROTECT, related_name="stances")
    position = models.ForeignKey(Position, on_delete=models.PROTECT, null=True, blank=True, related_name="stances")
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, null=True, blank=True, related_name="stances")
    stance = models.CharField(max_length=12, choices=Attitude.choices)
    basis = models.CharField(max_length=12, choices=Basis.choices)
    quote = BoundedTextField(max_length=2000, blank=True, help_text="The stakeholder's words (required when stated).")
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stances",
        help_text="Where the stance is recorded (required unless inferred).",
    )
    held_on = models.DateField(null=True, blank=True, help_text="When the stakeholder held this stance.")
    note = BoundedTextField(max_length=2000, blank=True, help_text="Conditions, or the editor's reasoning.")
    topic = topic_kept_by_the_database()

    history = tracked_history(excluded_fields=["topic"])
    objects = MapPartQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        # Keyset pages of the API's lists (argmap/api/pagination.py), whole or by topic.
        indexes = [models.Index(fields=["topic", "id"], name="stance_keyset")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(position__isnull=False, claim__isnull=True) | Q(position__isnull=True, claim__isnull=False)
                ),
                name="stance_about_exactly_one",
                violation_error_message="A stance is about exactly one thing: a position or a claim.",
            ),
            models.UniqueConstraint(
                fields=["stakeholder", "position"],
                name="stance_unique_per_position",
                violation_error_message="This stakeholder already has a stance on this position.",
            ),
            models.UniqueConstraint(
                fields=["stakeholder", "claim"],
                name="stance_unique_per_claim",
                violation_error_message="This stakeholder already has a stance on this claim.",
            ),
            choice_constraint("stance", "stance", Attitude),
            choice_constraint("stance", "basis", Basis),
            models.CheckConstraint(
                condition=~Q(basis="stated") | ~Q(quote=""),
                name="stance_stated_has_quote",
                violation_error_message="A stated stance needs the stakeholder's words in the quote.",
            ),
            models.CheckConstraint(
                condition=Q(basis="inferred") | Q(source__isnull=False),
                name="stance_sourced_unless_inferred",
                violation_error_message="A stated or paraphrased stance needs its source.",
            ),
        ]

    def __str__(self):
        return f"{self.stakeholder} {self.stance} “{self.subject}”"

    @property
    def subject(self):
        """The position or claim this stance is about."""
        return self.position if self.position_id else self.claim

    def get_constraints(self):
        # clean() reports these two rules next to the field concerned.
        reported = {"stance_stated_has_quote", "stance_sourced_unless_inferred"}
        return [
            (model, [c for c in constraints if c.name not in reported])
            for model, constraints in super().get_constraints()
        ]

    def clean(self):
        errors = {}
        if self.basis == self.Basis.STATED and not self.quote:
            errors["quote"] = "A stated stance needs the stakeholder's words."
        if self.basis != self.Basis.INFERRED and self.source_id is None:
            errors["source"] = "A stated or paraphrased stance needs its source; otherwise mark it inferred."
        if errors:
            raise ValidationError(errors)


class RelationshipQuerySet(VisibleQuerySet, UidQuerySet):
    def public(self):
        """Relationships the public may see: between stakeholders the public may see."""
        public = Stakeholder.objects.public().values("pk")
        return self.filter(from_stakeholder__in=public, to_stakeholder__in=public)


class Relationship(UidModel):
    """A typed, dated, sourced tie between two stakeholders (invests in, regulates, supplies…)."""

    Kind = RelationshipKind

    from_stakeholder = models.ForeignKey(Stakeholder, on_delete=models.PROTECT, related_name="relationships")
    to_stakeholder = models.ForeignKey(Stakeholder, on_delete=models.PROTECT, related_name="inbound_relationships")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = BoundedTextField(max_length=1000, blank=True)
    amount = BoundedCharField(max_length=100, blank=True, help_text="e.g. “$13bn”")
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, null=True, blank=True, related_name="relationships")
    basis = models.CharField(
        max_length=10,
        choices=EdgeBasis.choices,
        default=EdgeBasis.STATED,
        db_default=EdgeBasis.STATED,
        help_text="Stated: the source reports this tie. Inferred: an editor's reading.",
    )

    history = tracked_history()
    objects = RelationshipQuerySet.as_manager()

    class Meta:
        ordering = ["from_stakeholder__name", "kind", "to_stakeholder__name"]
        constraints = [
            choice_constraint("relationship", "basis", EdgeBasis),
            models.CheckConstraint(
                condition=~Q(from_stakeholder=F("to_stakeholder")),
                name="relationship_between_two",
                violation_error_message="A relationship joins two different stakeholders.",
            ),
            models.UniqueConstraint(
                fields=["from_stakeholder", "to_stakeholder", "kind"],
                name="relationship_unique",
                violation_error_message="These stakeholders already have a relationship of this kind.",
            ),
            choice_constraint("relationship", "kind", RelationshipKind),
            models.CheckConstraint(
                condition=Q(started_on__isnull=True) | Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="relationship_ends_after_start",
                violation_error_message="A relationship cannot end before it starts.",
            ),
        ]

    def __str__(self):
        return f"{self.from_stakeholder} {self.get_kind_display()} {self.to_stakeholder}"


class Salience(UidModel):
    """How much a stakeholder matters on one topic: power and interest from 1 to 5 (Mendelow's grid)."""

    SCALE = [validators.MinValueValidator(1), validators.MaxValueValidator(5)]

    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="saliences")
    stakeholder = models.ForeignKey(Stakeholder, on_delete=models.PROTECT, related_name="saliences")
    power = models.PositiveSmallIntegerField(validators=SCALE)
    interest = models.PositiveSmallIntegerField(validators=SCALE)
    rationale = BoundedTextField(max_length=2000, blank=True)

    history = tracked_history()
    objects = MapPartQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "salience"
        ordering = ["topic", "-power", "-interest"]
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "stakeholder"],
                name="salience_unique_per_topic",
                violation_error_message="This stakeholder already has a salience estimate on this topic.",
            ),
            models.CheckConstraint(
                condition=Q(power__gte=1, power__lte=5, interest__gte=1, interest__lte=5),
                name="salience_scale_1_to_5",
                violation_error_message="Power and interest go from 1 to 5.",
            ),
        ]

    def __str__(self):
        return f"{self.stakeholder} on {self.topic}: power {self.power}, interest {self.interest}"


# ---------------------------------------------------------------------------
# Publications: what the public reads, and how it got there
# ---------------------------------------------------------------------------


class PublicationQuerySet(models.QuerySet):
    def public(self):
        """Publications of the topics the public may see."""
        return self.filter(topic__status=TopicStatus.PUBLISHED)

    def without_documents(self, *, page_plan: bool = False, analysis_plan: bool = False):
        """Without the snapshot and the analysis, which a list or a feed does not read, nor
        (unless `page_plan`, for the topic page, or `analysis_plan`, for its analysis page)
        the plans of those pages' rows."""
        plans = [name for name, wanted in (("page_plan", page_plan), ("analysis_plan", analysis_plan)) if not wanted]
        return self.defer("snapshot", "analysis", *plans)

    def in_force_on(self, day):
        """The publications made on or before `day` (a date), the latest first."""
        return self.filter(published_at__date__lte=day).order_by("-number")

    def corrections(self):
        return self.filter(is_correction=True)


class Publication(models.Model):
    """An immutable, numbered, dated snapshot of a topic's map as it was published, with
    who published and who reviewed it and a note; a *correction* says what it corrects.

    The snapshot is the API's map document (interchange/native.py), stored as its JSON text
    (compressed: CompressedTextField);
    the analysis (strengths, labels, whys, cruxes, coalitions, gaps) is computed once when
    it is published (publishing.py) and stored beside it. Neither ever changes: the model
    refuses a second save, and a database trigger (migration 0010, made again by 0020) refuses an UPDATE."""

    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="publications")
    number = models.PositiveIntegerField(editable=False)
    published_at = models.DateTimeField(default=timezone.now, editable=False)
    publisher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = BoundedTextField(max_length=2000, blank=True, help_text="What this publication brings, for readers.")
    is_correction = models.BooleanField(default=False)
    correction_note = BoundedTextField(max_length=2000, blank=True, help_text="What was wrong, and what is now right.")
    changes = BoundedTextField(max_length=5000, blank=True, help_text="What changed since the previous one, in words.")
    claim_count = models.PositiveIntegerField(default=0)
    snapshot = CompressedTextField()
    analysis = CompressedTextField()
    # Which rows the topic page reads, worked out once at publish (published_map.topic_plan):
    # the page then reads them in one query. None for publications made before it existed.
    page_plan = models.JSONField(null=True, blank=True, editable=False)
    # The same for the topic's analysis page (published_map.analysis_plan).
    analysis_plan = models.JSONField(null=True, blank=True, editable=False)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        ordering = ["topic", "-number"]
        get_latest_by = "number"
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "number"],
                name="publication_number_unique_per_topic",
                violation_error_message="This topic already has a publication with this number.",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="publication_number_from_1"),
            models.CheckConstraint(
                condition=Q(is_correction=False) | ~Q(correction_note=""),
                name="publication_correction_says_what",
                violation_error_message="A correction says what it corrects.",
            ),
        ]

    def __str__(self):
        return f"{self.topic} · v{self.number}, {self.published_at:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError("A publication never changes; publish a correction instead.")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("argmap:topic-version", kwargs={"slug": self.topic.slug, "number": self.number})

    @property
    def etag(self):
        return f'"topic-{self.topic_id}-p{self.number}"'

    def stored(self, field: str) -> bytes:
        """Its `snapshot` or `analysis` as stored (zlib-compressed UTF-8), read by a query of
        its own and never made a str: a big map's documents (api/documents.py) write the
        snapshot out from it in chunks (CompressedTextField.text_chunks), and parse it once."""
        as_stored = ExpressionWrapper(F(field), output_field=models.BinaryField())
        return bytes(Publication.objects.filter(pk=self.pk).values_list(as_stored, flat=True).get())

    def cache_key(self, *parts: object) -> str:
        """A cache key for something made from this publication (which never changes);
        the date because test databases reuse ids."""
        return ":".join(
            ["argmap", "publication", str(self.topic_id), str(self.number), str(self.published_at.timestamp()),
             *map(str, parts)]
        )  # fmt: skip


class PublicationDocument(models.Model):
    """A whole-map document of a publication (its map, its evaluation, an export…), written
    once after it is published (published_documents.py) and stored gzip-compressed, so
    that a request streams stored bytes instead of building the document. `slug` is the
    topic's when it was written: the documents name their topic, and are written again
    under a new slug rather than served with the old one. Never changed once written."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="documents")
    name = models.CharField(max_length=32)  # "map", "evaluation", "export-json"…
    slug = models.SlugField(max_length=100)
    content_type = models.CharField(max_length=100)
    filename = models.CharField(max_length=200, blank=True)  # a download's; empty for the API's documents
    size = models.BigIntegerField()  # bytes, uncompressed
    compressed_size = models.BigIntegerField()
    gzip = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["publication", "name"], name="publication_document_unique"),
        ]

    def __str__(self):
        return f"{self.name} of publication {self.publication_id}"


class PublishedRowQuerySet(models.QuerySet):
    def of(self, publication_id: int, part: str):
        return self.filter(publication_id=publication_id, part=part)


class PublishedRow(models.Model):
    """One row of a publication's map (a claim, a link, a stance…), stored apart from its
    snapshot so that a page reads the slice it shows with indexed queries (publishing.py
    writes them once, at publish; published_map.py reads them). `data` is the row as in the
    snapshot; `key` and `rank` place it (a claim under the claim or position it argues
    about, in the order pages show); `layout` and `assessment` hold, for a claim or a
    position, its place in the tree and its stored analysis. Never changed once written."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="rows")
    part = models.CharField(max_length=16)  # a part of the map document: "claims", "links", …, or "topic"
    object_id = models.BigIntegerField()
    # claims: where the tree places it (a claim id, a position's id negated, 0 at the top);
    # links: their target (likewise); stances: their claim or position; citations: their claim
    key = models.BigIntegerField(null=True)
    rank = models.IntegerField(null=True)  # order among rows of one key; sources: their number on the page
    claim = models.BigIntegerField(null=True)  # links: the claim that argues
    strength = models.FloatField(null=True)  # claims and positions: as evaluated at publish
    data = models.TextField()  # JSON
    layout = models.TextField(blank=True)  # JSON: depth, counts, descendants (claims, positions, the topic)
    assessment = models.TextField(blank=True)  # JSON: strength, label, why (claims and positions)

    objects = PublishedRowQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["publication", "part", "object_id"], name="published_row_unique"),
        ]
        indexes = [
            models.Index(fields=["publication", "part", "key", "rank"], name="published_row_by_key"),
            models.Index(fields=["publication", "part", "claim"], name="published_row_by_claim"),
        ]

    def __str__(self):
        return f"{self.part} {self.object_id} of publication {self.publication_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError("A publication never changes; publish a correction instead.")
        super().save(*args, **kwargs)


class PublicRecordQuerySet(models.QuerySet):
    def public(self):
        """Records of published topics (a topic unpublished since keeps none public)."""
        return self.filter(topic__status=TopicStatus.PUBLISHED)

    def of(self, part: str):
        return self.filter(part=part)

    def current(self):
        """Of each object, the record of the most recent publication among these: a shared
        object (a stakeholder, a source, a relationship) has one per topic whose latest
        publication includes it. (The unique index on part, object_id serves the probe.)"""
        newer = self.model.objects.public().filter(
            part=OuterRef("part"), object_id=OuterRef("object_id"), publication__gt=OuterRef("publication")
        )
        return self.filter(~Exists(newer))


class PublicRecord(models.Model):
    """One object as the API showed it to an anonymous reader when a topic was last
    published: what the API's anonymous lists and details serve, so that nothing editors
    change reaches them before the next publication (api/public_records.py writes them at
    publish and reads them). A topic's records are its own row ("topic": the topic as
    published, and the mark of a topic whose API reads are records; a topic published before
    them is read live until its next publication), the objects of its map (a claim, a link,
    a stance…) and the shared objects its publication includes (stakeholders, sources,
    relationships), the latter one per topic including them. `body` is the API's
    representation, as JSON; `facts` the values its list filters look at; `rank` a
    position's order; `sort_key` the text a list is ordered by (a topic's title, a
    stakeholder's name); `slug` a stakeholder's, as published. A topic's records are
    replaced whole at each publication, and belong to it."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+")
    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="+")
    part = models.CharField(max_length=16)  # the API resource's basename: "claim", "link", … or "topic"
    object_id = models.BigIntegerField()
    rank = models.IntegerField(default=0)
    sort_key = models.CharField(max_length=300, blank=True, default="")
    slug = models.CharField(max_length=100, blank=True, default="")
    body = models.TextField()  # JSON
    facts = models.JSONField(default=dict)

    objects = PublicRecordQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["part", "object_id", "topic"], name="public_record_unique_per_topic"),
        ]
        indexes = [
            models.Index(fields=["part", "topic", "object_id"], name="public_record_by_topic"),
            models.Index(fields=["part", "sort_key", "object_id"], name="public_record_by_name"),
            models.Index(fields=["part", "slug"], name="public_record_by_slug"),
        ]

    def __str__(self):
        return f"{self.part} {self.object_id} as published"


class ReviewAction(models.TextChoices):
    SUBMITTED = "submitted", "submitted for review"
    SENT_BACK = "sent_back", "sent back"
    PUBLISHED = "published", "published"


class ReviewStepQuerySet(models.QuerySet):
    def latest_for(self, topic):
        return self.filter(topic=topic).order_by("-created_at", "-id").first()


class ReviewStep(models.Model):
    """One step of a topic's review: submitted by an editor, sent back with a comment, or
    published by a reviewer. The steps are the review's history, never changed."""

    Action = ReviewAction

    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="review_steps")
    action = models.CharField(max_length=12, choices=Action.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    comment = BoundedTextField(max_length=2000, blank=True)
    topic_version = models.PositiveBigIntegerField(help_text="The topic's version when the step was taken.")
    publication = models.ForeignKey(Publication, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ReviewStepQuerySet.as_manager()

    class Meta:
        ordering = ["topic", "-created_at", "-id"]
        constraints = [choice_constraint("reviewstep", "action", ReviewAction)]

    def __str__(self):
        return f"{self.topic}: {self.get_action_display()} by {self.user} on {self.created_at:%Y-%m-%d %H:%M}"


class ReplyStatus(models.TextChoices):
    PENDING = "pending", "waiting for moderation"
    ACCEPTED = "accepted", "accepted"
    DECLINED = "declined", "declined"


class ReplyQuerySet(models.QuerySet):
    def accepted(self):
        return self.filter(status=ReplyStatus.ACCEPTED)

    def pending(self):
        return self.filter(status=ReplyStatus.PENDING)


class Reply(models.Model):
    """A stakeholder's answer to a stance the map attributes to them, received through the
    site, checked by a reviewer and, once accepted, shown beside the stance with its date.
    Text only; an edit by the reviewer keeps the original as it was received."""

    Status = ReplyStatus

    stance = models.ForeignKey(Stance, on_delete=models.PROTECT, related_name="replies")
    name = BoundedCharField(max_length=200)
    role = BoundedCharField(max_length=200, help_text="Their role at the stakeholder.")
    email = models.EmailField(max_length=254, help_text="Never shown.")
    text = BoundedTextField(max_length=5000, verbose_name="reply as received")
    link = WebURLField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    edited_text = BoundedTextField(
        max_length=5000, blank=True, help_text="The reply as shown, if a reviewer edited it (the original is kept)."
    )
    decline_reason = BoundedTextField(max_length=2000, blank=True)
    received_at = models.DateTimeField(default=timezone.now, editable=False)
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )

    objects = ReplyQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "replies"
        ordering = ["-received_at", "-id"]
        constraints = [
            choice_constraint("reply", "status", ReplyStatus),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="reply_declined_with_reason",
                violation_error_message="Say why the reply is declined.",
            ),
            web_url_constraint("link", "reply"),
        ]

    def __str__(self):
        return f"{self.name} ({self.role}) on “{self.stance.subject}”"

    @property
    def shown_text(self):
        return self.edited_text or self.text

    def clean(self):
        if self.status == ReplyStatus.DECLINED and not self.decline_reason.strip():
            raise ValidationError({"decline_reason": "Say why the reply is declined."})


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "queued"
    RUNNING = "running", "running"
    DONE = "done", "done"
    FAILED = "failed", "failed"


class ImportJobQuerySet(models.QuerySet):
    def unfinished(self):
        return self.filter(status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING])

    def fail_lost(self) -> int:
        """Mark as failed the running imports whose worker process (on this host) is gone:
        killed midway, its transaction was rolled back, so nothing was imported. Returns
        how many. A worker on another host is not looked at: its job fails when the
        broker hands the task to another worker (CELERY_TASK_ACKS_LATE)."""
        host = socket.gethostname()
        lost = [
            job.pk
            for job in self.filter(status=ImportStatus.RUNNING, worker__startswith=f"{host}:")
            if not _process_alive(int(job.worker.rsplit(":", 1)[1]))
        ]
        return self.filter(pk__in=lost, status=ImportStatus.RUNNING).update(
            status=ImportStatus.FAILED,
            problems=["The worker running this import stopped midway; nothing was imported."],
            finished_at=timezone.now(),
        )


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True


class ImportJob(models.Model):
    """An import of a map file run in the background (interchange.import_map in a worker,
    argmap/tasks.py): who asked, the file, its status and progress, and what it made or
    every problem that stopped it. An import is all or nothing: a failed job wrote nothing."""

    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    name = models.CharField(max_length=255, blank=True, help_text="The file's name, as uploaded.")
    format = models.CharField(max_length=20)
    options = models.JSONField(
        default=dict, blank=True, help_text="slug, new_uids and limit, as import_map takes them."
    )
    file = models.CharField(max_length=500, help_text="Where the file waits for the worker (removed once imported).")
    status = models.CharField(max_length=10, choices=ImportStatus, default=ImportStatus.QUEUED)
    stage = models.CharField(max_length=20, blank=True)
    done = models.BigIntegerField(default=0)
    total = models.BigIntegerField(default=0)
    worker = models.CharField(max_length=300, blank=True, help_text="host:pid of the process running it.")
    problems = models.JSONField(default=list, blank=True)
    summary = models.TextField(blank=True)
    report = models.JSONField(
        default=dict,
        blank=True,
        help_text="The finished import's report: created, reused, and its problems and notes with their places.",
    )
    topic = models.ForeignKey(Topic, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [choice_constraint("importjob", "status", ImportStatus)]

    def __str__(self):
        return f"Import of {self.name or 'a file'} ({self.format}): {self.status}"

    @property
    def percent(self) -> int | None:
        return min(100, self.done * 100 // self.total) if self.total else None
