"""Each rule of DOMAIN.md holds in the database itself, with validation bypassed
(objects.create / update / bulk_create never call full_clean). Runs on SQLite and
PostgreSQL."""

import contextlib
import uuid

import pytest
from django.apps import apps
from django.db import DataError, IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from argmap.models import Citation, Claim, Link, Polarity, Position, Source, Stakeholder, Stance, Topic
from argmap.search import sqlite_has_fts5
from tests.factories import (
    CitationFactory,
    ClaimFactory,
    LinkFactory,
    PositionFactory,
    RelationshipFactory,
    SalienceFactory,
    StakeholderFactory,
    StanceFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


@contextlib.contextmanager
def refused():
    """The database refuses the write (an IntegrityError, or a DataError where PostgreSQL's
    types refuse it before any constraint runs) and keeps nothing of it."""
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        yield


# Rule 1: everything a link touches belongs to the same topic


def test_link_across_topics_is_refused():
    claim, other = ClaimFactory(), ClaimFactory()
    with refused():
        Link.objects.create(claim=claim, target_claim=other, polarity=Polarity.SUPPORTS)
    with refused():
        Link.objects.create(claim=claim, target_position=PositionFactory(), polarity=Polarity.SUPPORTS)
    assert not Link.objects.exists()


def test_link_cannot_be_repointed_across_topics():
    link = LinkFactory()
    with refused():
        Link.objects.filter(pk=link.pk).update(target_position=PositionFactory())


def test_claim_with_links_cannot_move_to_another_topic():
    link = LinkFactory()
    with refused():
        Claim.objects.filter(pk=link.claim_id).update(topic=TopicFactory())
    with refused():
        Position.objects.filter(pk=link.target_position_id).update(topic=TopicFactory())


def test_claim_without_links_may_move():
    claim = ClaimFactory()
    topic = TopicFactory()
    Claim.objects.filter(pk=claim.pk).update(topic=topic)
    claim.refresh_from_db()
    assert claim.topic == topic


# Rules 2 and 3: no self-link, no duplicate, exactly one target


def test_link_to_its_own_claim_is_refused():
    claim = ClaimFactory()
    with refused():
        Link.objects.create(claim=claim, target_claim=claim, polarity=Polarity.OPPOSES)


def test_duplicate_link_is_refused():
    link = LinkFactory()
    with refused():
        Link.objects.create(claim=link.claim, target_position=link.target_position, polarity=link.polarity)


def test_same_claim_may_both_support_and_oppose_different_targets():
    link = LinkFactory()
    other = ClaimFactory(topic=link.claim.topic)
    Link.objects.create(claim=link.claim, target_claim=other, polarity=Polarity.OPPOSES)
    assert link.claim.links.count() == 2


def test_link_needs_exactly_one_target():
    claim = ClaimFactory()
    position = PositionFactory(topic=claim.topic)
    other = ClaimFactory(topic=claim.topic)
    with refused():
        Link.objects.create(claim=claim, polarity=Polarity.SUPPORTS)
    with refused():
        Link.objects.create(claim=claim, target_position=position, target_claim=other, polarity=Polarity.SUPPORTS)


def test_link_polarity_is_supports_or_opposes():
    with refused():
        LinkFactory(polarity="undermines")


# Rule 4: support chains are acyclic; opposition may be mutual


def test_support_cycle_is_refused_by_postgresql_itself(on_postgresql):
    if not on_postgresql:
        pytest.skip("SQLite cannot run a recursive query in a trigger: validation keeps this rule there")
    a = ClaimFactory()
    b = ClaimFactory(topic=a.topic)
    c = ClaimFactory(topic=a.topic)
    Link.objects.create(claim=a, target_claim=b, polarity=Polarity.SUPPORTS)
    Link.objects.create(claim=b, target_claim=c, polarity=Polarity.SUPPORTS)
    with refused():
        Link.objects.create(claim=c, target_claim=a, polarity=Polarity.SUPPORTS)
    with refused():
        Link.objects.bulk_create([Link(claim=c, target_claim=a, polarity=Polarity.SUPPORTS)])


def test_mutual_opposition_is_stored():
    a = ClaimFactory()
    b = ClaimFactory(topic=a.topic)
    Link.objects.create(claim=a, target_claim=b, polarity=Polarity.OPPOSES)
    Link.objects.create(claim=b, target_claim=a, polarity=Polarity.OPPOSES)
    assert Link.objects.count() == 2


# Rule 5: a stance is about exactly one thing, once per stakeholder


def test_stance_is_about_exactly_one_thing():
    claim = ClaimFactory()
    with refused():
        StanceFactory(position=None, claim=None)
    with refused():
        StanceFactory(position=PositionFactory(topic=claim.topic), claim=claim)


def test_stakeholder_holds_one_stance_per_position():
    stance = StanceFactory()
    with refused():
        StanceFactory(stakeholder=stance.stakeholder, position=stance.position, stance="opposes")


def test_stated_stance_needs_a_quote_and_a_source():
    with refused():
        StanceFactory(basis="stated", quote="")
    with refused():
        StanceFactory(basis="paraphrased", source=None)
    stance = StanceFactory(basis="inferred", source=None, note="an editor's reading")
    assert stance.pk


# Rule 6: http(s) only, no NUL, bounded text


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,hi", "vbscript:x", "ftp://example.org/x"])
def test_source_url_must_be_http_or_https(url):
    with refused():
        Source.objects.create(title="bad", url=url)


def test_stakeholder_url_must_be_http_or_https():
    with refused():
        StakeholderFactory(url="javascript:alert(document.cookie)")


def test_nul_character_is_refused_in_text():
    topic = TopicFactory()
    with refused():
        Claim.objects.create(topic=topic, text="before\x00after")
    with refused():
        Position.objects.create(topic=topic, title="nul\x00title")


def test_text_longer_than_its_limit_is_refused():
    topic = TopicFactory()
    with refused():
        Claim.objects.create(topic=topic, text="x" * 2001)
    with refused():
        Position.objects.create(topic=topic, title="x" * 201)
    with refused():
        Source.objects.create(title="x" * 301)
    assert Claim.objects.create(topic=topic, text="x" * 2000).pk


def test_required_text_cannot_be_empty():
    topic = TopicFactory()
    with refused():
        Claim.objects.create(topic=topic, text="")
    with refused():
        Stakeholder.objects.create(name="", slug="nameless", kind="company")


def test_text_is_stored_exactly_as_given():
    text = "Ünïcödé ✓ 🧪 \u202eRTL\u202c and combining e\u0301 — “quotes” <script>"
    claim = ClaimFactory(text=text)
    claim.refresh_from_db()
    assert claim.text == text


def test_choices_hold_in_the_database():
    with refused():
        TopicFactory(status="secret")
    with refused():
        StakeholderFactory(kind="alien")


# Rule 7: deleting never silently orphans


def test_claim_others_argue_about_cannot_be_deleted():
    target = ClaimFactory()
    Link.objects.create(claim=ClaimFactory(topic=target.topic), target_claim=target, polarity=Polarity.OPPOSES)
    with pytest.raises(ProtectedError):
        target.delete()


def test_deleting_a_claim_takes_its_own_links_and_citations():
    link = LinkFactory()
    CitationFactory(claim=link.claim)
    link.claim.delete()
    assert not Link.objects.exists()
    assert link.target_position.pk  # the target stays


@pytest.mark.parametrize(
    ("make", "delete"),
    [
        (lambda: CitationFactory(), lambda c: c.source.delete()),
        (lambda: StanceFactory(), lambda s: s.stakeholder.delete()),
        (lambda: StanceFactory(), lambda s: s.position.delete()),
        (lambda: LinkFactory(), lambda link: link.target_position.delete()),
        (lambda: ClaimFactory(), lambda c: c.topic.delete()),
        (lambda: SalienceFactory(), lambda s: s.stakeholder.delete()),
        (lambda: RelationshipFactory(), lambda r: r.to_stakeholder.delete()),
    ],
    ids=[
        "cited-source",
        "stakeholder-with-stance",
        "position-with-stance",
        "position-argued-about",
        "topic-with-claims",
        "stakeholder-with-salience",
        "stakeholder-in-relationship",
    ],
)
def test_things_others_depend_on_cannot_be_deleted(make, delete):
    obj = make()
    with pytest.raises(ProtectedError):
        delete(obj)


# Stakeholders, relationships, salience


def test_stakeholder_cannot_be_its_own_parent():
    stakeholder = StakeholderFactory()
    with refused():
        Stakeholder.objects.filter(pk=stakeholder.pk).update(parent=stakeholder)


def test_relationship_joins_two_stakeholders_once():
    relationship = RelationshipFactory()
    with refused():
        RelationshipFactory(
            from_stakeholder=relationship.from_stakeholder, to_stakeholder=relationship.from_stakeholder
        )
    with refused():
        RelationshipFactory(
            from_stakeholder=relationship.from_stakeholder,
            to_stakeholder=relationship.to_stakeholder,
            kind=relationship.kind,
        )


def test_relationship_cannot_end_before_it_starts():
    with refused():
        RelationshipFactory(started_on="2025-07-21", ended_on="2025-01-01")


@pytest.mark.parametrize(("power", "interest"), [(0, 3), (6, 3), (3, 0), (3, 6)])
def test_salience_is_on_a_scale_of_1_to_5(power, interest):
    with refused():
        SalienceFactory(power=power, interest=interest)


def test_one_salience_per_stakeholder_and_topic():
    salience = SalienceFactory()
    with refused():
        SalienceFactory(topic=salience.topic, stakeholder=salience.stakeholder)


def test_claim_base_score_is_between_0_and_1():
    with refused():
        ClaimFactory(base_score=1.5)


def test_every_database_rule_trigger_is_installed():
    """A later migration that remakes a table on SQLite drops its triggers: this notices."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'argmap_%'")
        else:
            cursor.execute("SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE 'argmap_%'")
        (count,) = cursor.fetchone()
    # 0002: 1 topic version + 9 tables x 3 events + 2 link rules + 2 "no move" triggers;
    # 0005: the topic of links, citations and stances (SQLite: insert + update per table;
    # PostgreSQL: insert, update and a statement-level check per table), and the 2
    # "followers" of a moving claim/position.
    # 0009: stakeholders and sources keep only their update trigger (one just created is
    # used by no topic; one in use cannot be deleted): 2 x 2 triggers fewer.
    # 0010: a publication never changes (one trigger more).
    # 0011: no circle of stakeholders (insert, update): two more.
    # 0012: on SQLite with FTS5, 4 search tables kept in step (insert, update, delete).
    # 0015: a published row never changes (one trigger more).
    # 0023: on SQLite with FTS5, the public records' search table kept in step (3 more).
    derived = 3 * 2 + 2 if connection.vendor == "sqlite" else 3 * 3 + 2
    full_text = 5 * 3 if connection.vendor == "sqlite" and sqlite_has_fts5() else 0
    assert count == 1 + 27 + 2 + 2 + derived - 4 + 1 + 2 + full_text + 1


def test_topic_stays_deletable_when_its_map_is_gone():
    topic = TopicFactory()
    topic.delete()
    assert not Topic.objects.filter(pk=topic.pk).exists()


def test_stance_on_claim_blocks_deleting_the_claim():
    stance = StanceFactory(position=None, claim=ClaimFactory())
    with pytest.raises(ProtectedError):
        stance.claim.delete()
    assert Stance.objects.filter(pk=stance.pk).exists()


# The topic of links, citations and stances is kept by the database (migration 0005)


def test_links_citations_and_stances_get_their_topic_however_they_are_written():
    claim = ClaimFactory()
    topic = claim.topic
    position = PositionFactory(topic=topic)
    link = Link.objects.create(claim=claim, target_position=position, polarity=Polarity.SUPPORTS)
    [bulk] = Link.objects.bulk_create([Link(claim=ClaimFactory(topic=topic), target_claim=claim, polarity="opposes")])
    citation = CitationFactory(claim=claim)
    stance = StanceFactory(position=position)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO argmap_stance (created_at, updated_at, uid, stakeholder_id, claim_id, stance, basis, quote,"
            " note) VALUES (%s, %s, %s, %s, %s, 'neutral', 'inferred', '', '')",
            [timezone.now(), timezone.now(), str(uuid.uuid4()), stance.stakeholder_id, claim.pk],
        )
    assert set(Link.objects.filter(pk__in=[link.pk, bulk.pk]).values_list("topic_id", flat=True)) == {topic.pk}
    assert Citation.objects.get(pk=citation.pk).topic_id == topic.pk
    assert set(Stance.objects.values_list("topic_id", flat=True)) == {topic.pk}


def test_a_wrong_topic_written_directly_is_corrected():
    link = LinkFactory()
    Link.objects.filter(pk=link.pk).update(topic=TopicFactory())
    assert Link.objects.get(pk=link.pk).topic_id == link.claim.topic_id


def test_citations_and_stances_follow_a_claim_that_moves():
    citation = CitationFactory()
    stance = StanceFactory(position=None, claim=citation.claim)
    elsewhere = TopicFactory()
    Claim.objects.filter(pk=citation.claim_id).update(topic=elsewhere)
    assert Citation.objects.get(pk=citation.pk).topic_id == elsewhere.pk
    assert Stance.objects.get(pk=stance.pk).topic_id == elsewhere.pk


def test_stances_follow_a_position_that_moves():
    stance = StanceFactory()
    elsewhere = TopicFactory()
    Position.objects.filter(pk=stance.position_id).update(topic=elsewhere)
    assert Stance.objects.get(pk=stance.pk).topic_id == elsewhere.pk


def test_a_wrong_topic_given_by_a_bulk_insert_is_corrected():
    claim = ClaimFactory()
    position = PositionFactory(topic=claim.topic)
    elsewhere = TopicFactory()
    [link] = Link.objects.bulk_create(
        [Link(claim=claim, target_position=position, polarity=Polarity.SUPPORTS, topic=elsewhere)]
    )
    [citation] = Citation.objects.bulk_create([Citation(claim=claim, source=CitationFactory().source, topic=elsewhere)])
    assert Link.objects.get(pk=link.pk).topic_id == claim.topic_id
    assert Citation.objects.get(pk=citation.pk).topic_id == claim.topic_id


def test_a_topic_that_does_not_exist_given_by_a_bulk_insert_is_corrected():
    # The derived topic has no foreign key constraint of its own (migration 0006): the
    # triggers, not a constraint, keep it pointing at the claim's topic.
    claim = ClaimFactory()
    position = PositionFactory(topic=claim.topic)
    missing = Topic.objects.order_by("-pk").values_list("pk", flat=True).first() + 1000
    [link] = Link.objects.bulk_create(
        [Link(claim=claim, target_position=position, polarity=Polarity.SUPPORTS, topic_id=missing)]
    )
    [stance] = Stance.objects.bulk_create(
        [Stance(stakeholder=StanceFactory().stakeholder, position=position, stance="neutral", basis="inferred",
                topic_id=missing)]
    )  # fmt: skip
    assert Link.objects.get(pk=link.pk).topic_id == claim.topic_id
    assert Stance.objects.get(pk=stance.pk).topic_id == claim.topic_id
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE" if connection.vendor == "postgresql" else "SELECT 1")
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_key_check")
            assert cursor.fetchall() == []


def test_history_tables_are_indexed_only_for_how_argmap_reads_them():
    # By the object, by date and by user (models.TrackedHistory): every other index would
    # be one more write per history row of every import, for no query.
    read_by = {"history_id", "id", "history_date", "history_user_id"}
    for model in apps.get_app_config("argmap").get_models():
        if not model.__name__.startswith("Historical"):
            continue
        with connection.cursor() as cursor:
            constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
        indexed = {
            column
            for constraint in constraints.values()
            if constraint["index"] or constraint["unique"] or constraint["primary_key"]
            for column in constraint["columns"]
        }
        assert indexed == read_by, model.__name__


def test_deleting_a_user_keeps_the_history_they_made_without_their_name(django_user_model):
    # The history's user has no foreign key constraint (migration 0006): Django itself
    # sets it to NULL when the user goes, and the history stays.
    editor = django_user_model.objects.create_user("leaving-editor")
    claim = ClaimFactory()
    claim.text = "Edited by someone who will leave"
    claim._history_user = editor
    claim.save()
    record = claim.history.latest()
    assert record.history_user_id == editor.pk
    editor.delete()
    record.refresh_from_db()
    assert record.history_user_id is None
    assert record.text == "Edited by someone who will leave"
