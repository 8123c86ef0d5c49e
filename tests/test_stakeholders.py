"""stakeholders.py is pure Python: these tests need no database."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from argmap.stakeholders import agreement, claims_held_by, coalitions, find_gaps, power_interest_grid, quadrant
from tests.properties import examples


def test_a_stakeholders_claims_are_those_it_puts_forward():
    stances = [
        {"stakeholder_id": 1, "position_id": None, "claim_id": 10, "stance": "supports"},
        {"stakeholder_id": 1, "position_id": None, "claim_id": 11, "stance": "conditional"},
        {"stakeholder_id": 1, "position_id": None, "claim_id": 12, "stance": "opposes"},
        {"stakeholder_id": 1, "position_id": None, "claim_id": 13, "stance": "neutral"},
        {"stakeholder_id": 1, "position_id": 5, "claim_id": None, "stance": "supports"},
        {"stakeholder_id": 2, "position_id": None, "claim_id": 14, "stance": "supports"},
    ]
    assert claims_held_by(1, stances) == {10, 11}


# -- coalitions, grid, gaps --------------------------------------------------------------


def stance(id, stakeholder, *, position=None, claim=None, attitude="supports", basis="paraphrased"):
    return {"id": id, "stakeholder_id": stakeholder, "position_id": position, "claim_id": claim,
            "stance": attitude, "basis": basis}  # fmt: skip


def test_agreement_runs_from_opposite_to_the_same():
    assert agreement("supports", "supports") == 1.0
    assert agreement("supports", "conditional") == 0.75
    assert agreement("supports", "neutral") == 0.5
    assert agreement("conditional", "opposes") == 0.25
    assert agreement("supports", "opposes") == 0.0


@pytest.mark.parametrize(
    ("power", "interest", "expected"),
    [(5, 5, "manage closely"), (4, 3, "keep satisfied"), (3, 4, "keep informed"), (3, 3, "monitor")],
)
def test_quadrants_count_four_and_five_as_high(power, interest, expected):
    assert quadrant(power, interest) == expected


def test_grid_lists_the_most_powerful_first():
    grid = power_interest_grid([{"stakeholder_id": 1, "power": 2, "interest": 5},
                                {"stakeholder_id": 2, "power": 5, "interest": 1}])  # fmt: skip
    assert [(e.stakeholder_id, e.quadrant) for e in grid] == [(2, "keep satisfied"), (1, "keep informed")]


def test_coalitions_join_only_stakeholders_who_all_agree():
    """1 and 2 agree; 3 agrees with 2 (0.75) but less with 1 (0.625): complete linkage keeps
    3 out of 1 and 2's coalition, where single linkage would chain all three."""
    stances = [
        stance(1, 1, position=10, attitude="supports"),
        stance(2, 2, position=10, attitude="supports"),
        stance(3, 2, position=11, attitude="conditional"),
        stance(4, 1, position=11, attitude="supports"),
        stance(5, 3, position=10, attitude="conditional"),
        stance(6, 3, position=11, attitude="neutral"),
        stance(7, 4, position=10, attitude="opposes"),
        stance(8, 5, claim=99),
    ]
    result = coalitions(position_ids=[11, 10], stances=stances, salience=[])
    assert [(c.stakeholder_ids, c.cohesion) for c in result.coalitions] == [([1, 2], 0.875), ([3], 1.0), ([4], 1.0)]
    assert result.coalitions[0].common == {10: "supports"}
    assert result.position_ids == [10, 11]
    assert result.unaligned == [5]
    assert [row.stakeholder_id for row in result.matrix] == [1, 2, 3, 4, 5]
    assert result.matrix[0].stances == {10: "supports", 11: "supports"}
    pairs = {a.stakeholder_ids: (a.agreement, a.shared) for a in result.agreements}
    assert pairs[1, 3] == (0.625, 2)
    assert pairs[2, 3] == (0.75, 2)
    assert pairs[1, 4] == (0.0, 1)
    assert (1, 5) not in pairs


def test_stakeholders_without_a_common_position_are_never_joined():
    stances = [stance(1, 1, position=10), stance(2, 2, position=11)]
    assert [c.stakeholder_ids for c in coalitions(position_ids=[10, 11], stances=stances, salience=[]).coalitions] == [
        [1],
        [2],
    ]


@settings(max_examples=examples(200), deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(1, 8), st.integers(1, 4), st.sampled_from(["supports", "opposes", "conditional", "neutral"])
        ),  # fmt: skip
        max_size=30,
    )
)
def test_every_two_members_of_a_coalition_agree_enough(held):
    latest = {(s, p): a for s, p, a in held}  # one stance per stakeholder and position
    stances = [stance(k, s, position=p, attitude=a) for k, ((s, p), a) in enumerate(latest.items())]
    result = coalitions(position_ids=[1, 2, 3, 4], stances=stances, salience=[])
    pairs = {a.stakeholder_ids: a.agreement for a in result.agreements}
    members = [m for c in result.coalitions for m in c.stakeholder_ids]
    assert sorted(members) == sorted({s for s, _p, _a in held})
    for coalition in result.coalitions:
        for k, a in enumerate(coalition.stakeholder_ids):
            for b in coalition.stakeholder_ids[k + 1 :]:
                assert pairs[a, b] >= 0.75


@settings(max_examples=examples(50), deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(1, 8), st.integers(1, 4), st.sampled_from(["supports", "opposes", "conditional", "neutral"])
        ),  # fmt: skip
        max_size=30,
    )
)
def test_coalitions_without_the_list_of_agreements_are_the_same_coalitions(held):
    latest = {(s, p): a for s, p, a in held}
    stances = [stance(k, s, position=p, attitude=a) for k, ((s, p), a) in enumerate(latest.items())]
    full = coalitions(position_ids=[1, 2, 3, 4], stances=stances, salience=[])
    light = coalitions(position_ids=[1, 2, 3, 4], stances=stances, salience=[], agreements=False)
    assert light.agreements == []
    assert (light.matrix, light.coalitions, light.unaligned) == (full.matrix, full.coalitions, full.unaligned)


def test_a_stance_on_a_position_outside_the_map_is_named():
    with pytest.raises(ValueError, match="not in this map: 12"):
        coalitions(position_ids=[10], stances=[stance(1, 1, position=12)], salience=[])


def test_gaps_list_what_to_research_next():
    gaps = find_gaps(
        position_ids=[10, 11],
        claim_ids=[1, 2, 3],
        links=[
            {"claim_id": 1, "target_position_id": 10, "target_claim_id": None, "polarity": "opposes"},
            {"claim_id": 2, "target_position_id": None, "target_claim_id": 1, "polarity": "opposes"},
            {"claim_id": 3, "target_position_id": 11, "target_claim_id": None, "polarity": "supports"},
        ],
        cited_claim_ids=[2, 2],
        stances=[stance(7, 1, position=10, basis="inferred"), stance(8, 2, claim=3)],
        salience=[
            {"stakeholder_id": 1, "power": 1, "interest": 5},
            {"stakeholder_id": 2, "power": 5, "interest": 4},
            {"stakeholder_id": 3, "power": 5, "interest": 3},
        ],
    )
    assert gaps.claims_without_source == [1, 3]
    assert gaps.stakeholders_without_stance == [2]  # 1 holds one; 3's interest is not high
    assert gaps.positions_unopposed == [11]
    assert gaps.stances_inferred == [7]
