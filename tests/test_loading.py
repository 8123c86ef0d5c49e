"""loading.py reads a topic's whole map in one query, whatever its size."""

import pytest
from django.core.management import call_command
from django.db import connection

from argmap.loading import (
    MAP_COLUMNS,
    PAGE_COLUMNS,
    SELECTIONS,
    TOPIC_PARAMETERS,
    MapData,
    _load_parts,
    _parts_query,
    as_dicts,
    load_map,
    load_map_columns,
)
from argmap.models import Claim, Link, Stakeholder, Topic
from argmap.synthetic import generate_map
from tests.factories import LinkFactory, StakeholderFactory, StanceFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("claims", [10, 500])
def test_whole_map_is_one_query(django_assert_num_queries, claims):
    topic = generate_map(claims=claims, seed=1).topic
    with django_assert_num_queries(1):  # one WITH … SELECT: every part as a JSON array
        data = load_map(topic.pk)
    assert len(data.claims) == claims
    assert len(data.links) == Link.objects.filter(claim__topic=topic).count()


def test_rows_have_the_declared_columns_in_order():
    call_command("load_demo", verbosity=0)
    data = load_map(Topic.objects.get(slug="uk-openai-partnership").pk)
    for part, (_table, columns) in MAP_COLUMNS.items():
        rows = getattr(data, part)
        assert rows, part
        assert all(tuple(row) == columns for row in rows), part
        assert [row["id"] for row in rows] == sorted(row["id"] for row in rows)


def test_values_keep_their_types_on_every_database():
    link = LinkFactory(claim__base_score=0.7, claim__text="Émigrés 🧪 “quoted” \u202eRTL")
    data = load_map(link.claim.topic_id)
    claim = data.claims[0]
    assert claim == {
        "id": link.claim.pk,
        "uid": str(link.claim.uid),
        "text": link.claim.text,
        "base_score": 0.7,
        "kind": "interpretation",
        "fact_check": "unchecked",
        "settled_by_id": None,
        "score_reason": "",
    }
    assert data.links[0]["target_position_id"] == link.target_position_id
    assert data.links[0]["target_claim_id"] is None


def test_map_holds_only_its_own_topic_and_the_stakeholders_involved():
    stance = StanceFactory(stakeholder__parent=StakeholderFactory(slug="parent-body"), held_on="2025-07-21")
    StakeholderFactory(slug="bystander")
    other = generate_map(claims=5, seed=2)
    data = load_map(stance.position.topic_id)
    assert {s["slug"] for s in data.stakeholders} == {stance.stakeholder.slug, "parent-body"}
    assert data.stances[0]["held_on"] == "2025-07-21"
    assert not {c["id"] for c in data.claims} & set(
        Claim.objects.filter(topic=other.topic).values_list("pk", flat=True)
    )
    assert Stakeholder.objects.count() > len(data.stakeholders)


# load_map reads each part column by column; the claim and stakeholder pages' reader
# (loading._load_parts) reads JSON objects row by row: the two must agree on every value.


def rows_of(topic_id, columns=MAP_COLUMNS):
    parts = {part: part_columns for part, (_table, part_columns) in columns.items()}
    sql = _parts_query(SELECTIONS, parts, connection.vendor)
    return MapData(**_load_parts(sql, [topic_id] * TOPIC_PARAMETERS, parts))


def test_columns_and_rows_read_the_demo_map_alike():
    call_command("load_demo", verbosity=0)
    topic_id = Topic.objects.get(slug="uk-openai-partnership").pk
    assert load_map(topic_id) == rows_of(topic_id)
    assert load_map(topic_id, PAGE_COLUMNS) == rows_of(topic_id, PAGE_COLUMNS)


def test_columns_line_up_row_by_row_in_id_order_whatever_the_order_on_disk():
    topic = generate_map(claims=300, seed=3).topic
    # Rewritten rows move on disk (to the end of the table, on PostgreSQL).
    for claim in Claim.objects.filter(topic=topic).order_by("-pk")[:100:3]:
        claim.text = f"{claim.text} (edited)"
        claim.save()
    data = load_map(topic.pk)
    assert [row["id"] for row in data.claims] == sorted(row["id"] for row in data.claims)
    texts = dict(Claim.objects.filter(topic=topic).values_list("pk", "text"))
    assert {row["id"]: row["text"] for row in data.claims} == texts
    assert data == rows_of(topic.pk)


def test_columns_keep_the_types_of_rows():
    # Uids and dates as text, floats as floats, nulls as None, text byte for byte.
    stance = StanceFactory(
        stakeholder__parent=StakeholderFactory(slug="parent-body"),
        held_on="2025-07-21",
        claim=LinkFactory(claim__base_score=0.1, claim__text="Émigrés 🧪 “quoted” \u202eRTL").claim,
        position=None,
    )
    data = load_map(stance.claim.topic_id)
    assert data == rows_of(stance.claim.topic_id)
    assert data.stances[0]["held_on"] == "2025-07-21"
    assert data.claims[0]["uid"] == str(stance.claim.uid)
    assert data.claims[0]["base_score"] == 0.1
    assert data.relationships == []  # a part with no rows


def test_the_exports_columns_are_the_rows_values_column_by_column(django_assert_num_queries):
    # What the exports read (load_map_columns): each part as column -> values, every column
    # as long as the part has rows, in the rows' order; a part with no rows has every column,
    # empty (PostgreSQL's json_agg gives null for no rows).
    topic = generate_map(claims=120, seed=9).topic
    Link.objects.filter(topic=topic).order_by("-pk").first().delete()
    with django_assert_num_queries(1):
        columns = load_map_columns(topic.pk)
    rows = rows_of(topic.pk)
    for part, (_table, part_columns) in MAP_COLUMNS.items():
        assert tuple(columns[part]) == part_columns
        part_rows = getattr(rows, part)
        assert columns[part] == {name: [row[name] for row in part_rows] for name in part_columns}
        assert columns.rows(part) == part_rows
    assert len(columns["claims"]["id"]) == 120
    assert load_map_columns(TopicFactory().pk).parts == {
        part: {name: [] for name in part_columns} for part, (_table, part_columns) in MAP_COLUMNS.items()
    }


def test_rows_become_dicts_of_their_columns_and_only_identifiers_are_compiled():
    rows = [(1, "a", None), (2, "b", 0.5)]
    assert as_dicts(("id", "text", "score"))(rows) == [
        {"id": 1, "text": "a", "score": None},
        {"id": 2, "text": "b", "score": 0.5},
    ]
    assert as_dicts(("id",))([(7,)]) == [{"id": 7}]
    with pytest.raises(ValueError, match="not column names"):
        as_dicts(("id", "x: 1} or __import__('os') or {"))
