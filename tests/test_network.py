"""The stakeholders as pictures (argmap.network): the network's nodes and ties, and the
power/interest chart's placement, from plain rows; and both on the pages."""

import json
import re

import pytest
from django.core.cache import cache
from django.core.management import call_command

from argmap.models import Relationship, Stakeholder, Topic
from argmap.network import CELL_HEIGHT, CELL_WIDTH, LEFT, TOP, chart_points, ego_network, network_elements

KINDS = {"invests_in": "invests in", "supplies": "supplies", "part_of": "is part of", "regulates": "regulates"}


def stakeholder(id, name, parent_id=None):
    return {"id": id, "slug": name.lower(), "name": name, "kind": "company", "parent_id": parent_id}


def tie(id, a, b, kind, **extra):
    return {"id": id, "from_stakeholder_id": a, "to_stakeholder_id": b, "kind": kind, "amount": "", **extra}


def test_network_draws_each_tie_and_joins_two_ties_between_the_same_pair():
    rows = [stakeholder(1, "Microsoft"), stakeholder(2, "OpenAI"), stakeholder(3, "CMA"), stakeholder(4, "Alone")]
    ties = [
        tie(10, 1, 2, "invests_in", amount="$13bn"),
        tie(11, 1, 2, "supplies", basis="inferred"),
        tie(12, 3, 1, "regulates", basis="inferred"),
    ]
    network = network_elements(rows, ties, KINDS)
    edges = {edge["id"]: edge for edge in network["edges"]}
    assert edges["r10"]["label"] == "invests in ($13bn); supplies"
    assert edges["r10"]["relationships"] == [10, 11]
    assert edges["r10"]["basis"] == "stated"  # one of the two is stated
    assert edges["r12"]["basis"] == "inferred"
    assert (edges["r12"]["source"], edges["r12"]["target"]) == ("s3", "s1")
    # A stakeholder tied to nobody is left out of the picture (the page lists it).
    assert {node["id"] for node in network["nodes"]} == {"s1", "s2", "s3"}


def test_network_draws_a_parent_unless_a_part_of_relationship_already_does():
    rows = [stakeholder(1, "Government"), stakeholder(2, "Institute", parent_id=1), stakeholder(3, "Unit", parent_id=1)]
    network = network_elements(rows, [tie(20, 3, 1, "part_of")], KINDS)
    assert sorted((e["source"], e["target"], e["label"]) for e in network["edges"]) == [
        ("s2", "s1", "is part of"),
        ("s3", "s1", "is part of"),
    ]


def test_ego_network_has_the_stakeholder_in_the_middle_with_its_ties_both_ways():
    me = {"slug": "openai", "name": "OpenAI", "kind": "company"}
    rows = [
        {"id": 1, "kind": "invests_in", "outgoing": False, "slug": "microsoft", "name": "Microsoft", "amount": ""},
        {"id": 2, "kind": "supplies", "outgoing": True, "slug": "gov", "name": "Government", "amount": ""},
    ]
    network = ego_network(me, rows, None, [{"slug": "lab", "name": "Lab", "kind": "research"}], KINDS)
    centre = [node for node in network["nodes"] if node.get("centre")]
    assert [node["label"] for node in centre] == ["OpenAI"]
    pairs = sorted((e["source"], e["target"]) for e in network["edges"])
    assert pairs == [("slab", "sopenai"), ("smicrosoft", "sopenai"), ("sopenai", "sgov")]


def test_chart_places_each_stakeholder_in_its_cell_one_under_another():
    names = {1: {"name": "B", "slug": "b"}, 2: {"name": "a", "slug": "a"}, 3: {"name": "C" * 40, "slug": "c"}}
    chart = chart_points(
        [
            {"stakeholder_id": 1, "power": 5, "interest": 5},
            {"stakeholder_id": 2, "power": 5, "interest": 5},
            {"stakeholder_id": 3, "power": 1, "interest": 2},
        ],
        names,
    )
    by_name = {point.name: point for point in chart.points}
    top_cell_y = (TOP, TOP + CELL_HEIGHT)
    assert by_name["a"].y < by_name["B"].y  # by name, case aside
    for point in (by_name["a"], by_name["B"]):
        assert top_cell_y[0] < point.y < top_cell_y[1]
        assert LEFT + 4 * CELL_WIDTH < point.x < LEFT + 5 * CELL_WIDTH
    long = by_name["C" * 40]
    assert long.label.endswith("…")
    assert len(long.label) <= 22
    assert TOP + 4 * CELL_HEIGHT < long.y < TOP + 5 * CELL_HEIGHT
    assert [box.name for box in chart.quadrants] == ["keep satisfied", "manage closely", "monitor", "keep informed"]


@pytest.mark.django_db
def test_topic_and_stakeholder_pages_carry_every_relationship_and_the_chart(client):
    cache.clear()
    call_command("load_demo", verbosity=0)
    topic = Topic.objects.get(slug="microsoft-openai-control")
    html = client.get(topic.get_absolute_url()).content.decode()
    data = json.loads(re.search(r'<script id="network-data" type="application/json">(.*?)</script>', html, re.S)[1])
    drawn = {rid for edge in data["edges"] for rid in edge["relationships"]}
    involved = {int(node["id"][1:]) for node in data["nodes"]}
    expected = set(
        Relationship.objects.filter(from_stakeholder__in=involved, to_stakeholder__in=involved).values_list(
            "pk", flat=True
        )
    )
    assert drawn == expected
    assert expected
    assert html.count('class="chart-mark"') == topic.saliences.count()
    # The table beside the picture has a row for every relationship.
    table = re.search(r'<table class="relationship-table">(.*?)</table>', html, re.S)[1]
    assert table.count("<tr>") - 1 == len(expected)
    openai = Stakeholder.objects.get(slug="openai")
    page = client.get(openai.get_absolute_url()).content.decode()
    ego = json.loads(re.search(r'<script id="network-data" type="application/json">(.*?)</script>', page, re.S)[1])
    ties = (
        Relationship.objects.filter(from_stakeholder=openai).count()
        + Relationship.objects.filter(to_stakeholder=openai).count()
    )
    assert len({rid for edge in ego["edges"] for rid in edge["relationships"]}) == ties
