"""The analysis as the topic page words it (analysis.py), in pure Python: the why of a
position or claim in plain words, which claims are explained, which cruxes are shown,
the coalition matrix and the quadrants of the grid. No database needed."""

from dataclasses import replace

from argmap.analysis import (
    BECAUSE_LISTED,
    analyse_page,
    coalition_matrix,
    evaluate_shown,
    grid_quadrants,
    grid_rows,
)
from argmap.loading import MapData, map_coalitions
from argmap.templatetags.argmap_analysis import why_html
from argmap.tree import build_tree
from tests.test_tree import map_data


def shown(tree):
    roots = tree.roots()
    return tree.shown_claims(roots, tree.expanded(roots, 200))


def analysed(data):
    tree = build_tree(data)
    analysis = analyse_page(data, tree, shown(tree))
    return tree, analysis


def test_the_why_of_a_claim_says_where_it_starts_what_moves_it_and_where_it_ends():
    # Claim 10 supports position 1; 11 supports it and 12 (unopposed, so accepted) opposes it.
    data = map_data(claims=(10, 11, 12), links=[(1, 10, "p", 1, "supports"), (2, 11, "c", 10, "supports"),
                                               (3, 12, "c", 10, "opposes")])  # fmt: skip
    tree, _ = analysed(data)
    standing = tree.standing[10]
    assert (standing.strength, standing.label, standing.glyph) == ("0.50", "rejected", "✗")
    assert standing.sentence == (
        "It starts at 0.50, the editors’ estimate of the claim on its own. Its one supporter counts 0.50 for it"
        " and its one opponent counts 0.50 against it; the two sides balance, which leaves it at 0.50."
    )
    assert [(e.claim.text, e.polarity, e.strength, e.change) for e in standing.effects] == [
        ("Claim 11", "supports", "0.50", "raises it by 0.25"),
        ("Claim 12", "opposes", "0.50", "lowers it by 0.25"),
    ]
    assert standing.verdict == "Rejected: this claim against it stands unanswered (it is accepted):"
    assert [(c.ref, c.text, c.on_page) for c in standing.because] == [("12", "Claim 12", True)]


def test_the_why_of_a_position_starts_from_even_odds():
    data = map_data(claims=(10, 11), links=[(1, 10, "p", 1, "supports"), (2, 11, "p", 1, "supports")])
    tree, _ = analysed(data)
    standing = tree.standing[-1]
    assert standing.sentence == (
        "A position starts at 0.50: even odds. Its 2 supporters together count 0.75 for it, which raises it to 0.88."
    )
    assert standing.verdict == "Accepted: nothing opposes it."


def test_a_claim_nobody_argues_about_keeps_its_starting_score():
    data = map_data(claims=(10,), links=[(1, 10, "p", 1, "supports")])
    data.claims[0]["base_score"] = 0.7
    tree, _ = analysed(data)
    assert tree.standing[10].sentence == (
        "It starts at 0.70, the editors’ estimate of the claim on its own."
        " Nothing argues for or against it yet, so it stays at 0.70."
    )
    assert tree.standing[10].effects == []


def test_stronger_opposition_lowers_and_a_rejected_objection_leaves_a_claim_accepted():
    # 11 opposes 10; 12 opposes 11 (so 11 is rejected and 10 accepted, but 10 is still lowered).
    data = map_data(claims=(10, 11, 12), links=[(1, 10, "p", 1, "supports"), (2, 11, "c", 10, "opposes"),
                                               (3, 12, "c", 11, "opposes")])  # fmt: skip
    tree, _ = analysed(data)
    assert tree.standing[10].sentence.endswith("Its one opponent counts 0.25 against it, which lowers it to 0.38.")
    assert tree.standing[10].verdict == "Accepted: every claim against it is itself rejected."
    assert tree.standing[10].label == "accepted"


def test_a_circle_of_contradiction_is_undecided_and_says_so():
    data = map_data(claims=(10, 11), links=[(1, 10, "p", 1, "supports"), (2, 11, "c", 10, "opposes"),
                                           (3, 10, "c", 11, "opposes")])  # fmt: skip
    tree, _ = analysed(data)
    standing = tree.standing[10]
    assert standing.label == "undecided"
    assert "part of a circle of claims that contradict one another; 0.33 is where that circle settles" in (
        standing.sentence
    )
    assert standing.verdict.startswith("Undecided: claims against it are caught in a circle")
    assert [c.ref for c in standing.because] == ["11"]


def test_only_the_claims_shown_are_explained_and_the_rest_link_to_their_own_page():
    data = map_data(claims=(10, 11, 12), links=[(1, 10, "p", 1, "supports"), (2, 11, "c", 10, "supports"),
                                               (3, 12, "c", 11, "opposes")])  # fmt: skip
    tree = build_tree(data)
    evaluate_shown(data, tree, [tree.node(10)])
    assert set(tree.standing) == {-1, 10}
    assert [(e.claim.ref, e.claim.on_page) for e in tree.standing[10].effects] == [("11", False)]


def test_a_why_lists_the_five_that_move_it_most_and_counts_the_rest():
    claims = tuple(range(10, 18))
    data = map_data(claims=claims, links=[(c, c, "p", 1, "supports") for c in claims])
    tree, _ = analysed(data)
    assert len(tree.standing[-1].effects) == 5
    assert tree.standing[-1].unlisted == 3


def test_a_why_names_at_most_ten_of_the_claims_that_decide_its_label_and_counts_the_rest():
    claims = tuple(range(10, 24))  # fourteen accepted objections, nothing for the position
    data = map_data(claims=claims, links=[(c, c, "p", 1, "opposes") for c in claims])
    tree, _ = analysed(data)
    standing = tree.standing[-1]
    assert standing.label == "rejected"
    assert [m.ref for m in standing.because] == [str(c) for c in claims[:BECAUSE_LISTED]]
    assert standing.because_unlisted == len(claims) - BECAUSE_LISTED
    assert f'<li class="note">and {len(claims) - BECAUSE_LISTED} more</li>' in why_html(standing, "/claims/")


def test_cruxes_that_would_hardly_move_a_position_are_not_shown():
    # One objection decides position 1 (a crux that flips it); a supporter of a supporter of
    # position 2, among many supporters, moves it less than 0.005.
    links = [(1, 10, "p", 1, "opposes")] + [(c, c, "p", 2, "supports") for c in range(20, 30)]
    links.append((99, 30, "c", 20, "supports"))
    tree, analysis = analysed(map_data(positions=(1, 2), claims=(10, *range(20, 31)), links=links))
    first, second = analysis.positions
    assert [(c.claim.ref, c.flips, c.if_rejected, c.if_accepted) for c in first.cruxes] == [
        ("10", True, "0.50, accepted", "0.00, rejected")
    ]
    assert second.cruxes == []


def stakeholders_map(stances):
    """A map of two positions and the stances of stakeholders 1 to 4: (stakeholder, position, attitude)."""
    data = map_data(positions=(1, 2))
    people = [{"id": s, "slug": f"body-{s}", "name": f"Body {s}", "kind": "company", "summary": "", "url": "",
               "parent_id": None} for s in (1, 2, 3, 4)]  # fmt: skip
    rows = [
        {"id": i, "uid": "", "stakeholder_id": s, "position_id": p, "claim_id": None, "stance": a, "basis": "stated",
         "quote": "", "source_id": None, "held_on": None, "note": ""}
        for i, (s, p, a) in enumerate(stances, start=1)
    ]  # fmt: skip
    salience = [{"id": 1, "uid": "", "stakeholder_id": 4, "power": 1, "interest": 1, "rationale": ""}]
    return replace(data, stakeholders=people, stances=rows, salience=salience)


def test_the_coalition_matrix_groups_rows_by_coalition_and_names_the_unaligned():
    data: MapData = stakeholders_map(
        [(1, 1, "supports"), (2, 1, "supports"), (2, 2, "conditional"), (3, 1, "opposes"), (3, 2, "neutral")]
    )
    matrix = coalition_matrix(data, map_coalitions(data))
    assert [(c.ref, c.text) for c in matrix.columns] == [("1", "Position 1"), ("2", "Position 2")]
    assert [group.heading for group in matrix.groups] == [
        "Coalition 1: 2 stakeholders who hold the same stance wherever they both hold one",
        "In no coalition: agree with no one else at least 0.75",
    ]
    first, alone = matrix.groups
    assert [row.name for row in first.rows] == ["Body 1", "Body 2"]
    assert [(cell.stance, cell.text, cell.glyph) for cell in first.rows[1].cells] == [
        ("supports", "supports", "+"),
        ("conditional", "with conditions", "±"),
    ]
    assert [(cell.text, cell.glyph) for cell in first.rows[0].cells] == [("supports", "+"), ("no stance", "·")]
    assert [row.name for row in alone.rows] == ["Body 3"]
    assert matrix.unaligned == [{"slug": "body-4", "name": "Body 4"}]
    assert [text for _stance, text, _glyph in matrix.key] == [
        "supports", "with conditions", "neutral", "opposes", "no stance"
    ]  # fmt: skip


def test_a_coalition_that_agrees_less_than_fully_gives_its_lowest_agreement():
    data = stakeholders_map([(1, 1, "supports"), (2, 1, "conditional")])
    assert coalition_matrix(data, map_coalitions(data)).groups[0].heading == (
        "Coalition 1: 2 stakeholders; every two agree at least 0.75"
    )


def test_the_grid_names_each_quadrant_where_it_starts_and_lists_who_is_in_it():
    grid = grid_rows(map_data(salience=[(5, 5)]))
    named = {(power, interest): cell.quadrant for power, cells in grid
             for interest, cell in enumerate(cells, start=1) if cell.names_quadrant}  # fmt: skip
    assert named == {(5, 1): "keep satisfied", (5, 4): "manage closely", (3, 1): "monitor", (3, 4): "keep informed"}
    assert grid[0][1][4].css == "manage-closely"
    assert [(name, [row["name"] for row in rows]) for name, rows in grid_quadrants(grid)] == [
        ("manage closely", ["A body"])
    ]


def test_plain_words_describe_the_argument_and_never_reject_a_fact():
    from argmap.analysis import plain_words

    assert plain_words(label="accepted", strength=0.8) == "well supported"
    assert plain_words(label="accepted", strength=0.8, unsourced=True) == "unsourced"
    assert plain_words(label="accepted", strength=0.8, fragile=True) == "fragile"
    assert plain_words(label="accepted", strength=0.4) == "contested"
    assert plain_words(label="undecided", strength=0.8) == "contested"
    assert plain_words(label="rejected", strength=0.3) == "an objection is unanswered"
    assert plain_words(label="undecided", strength=0.3, check="disputed") == "disputed fact"
    assert plain_words(label="accepted", strength=0.9, check="confirmed") == "confirmed fact"
    assert plain_words(label="rejected", strength=0.0, check="false") == "checked false"


def test_a_fact_an_objection_opposes_is_shown_as_a_disputed_fact():
    # Claim 10 (a fact) backs position 1; claim 11, unopposed, opposes it.
    data = map_data(claims=(10, 11), links=[(1, 10, "p", 1, "supports"), (2, 11, "c", 10, "opposes")])
    data.claims[0]["kind"] = "fact"
    tree, _ = analysed(data)
    standing = tree.standing[10]
    assert (standing.label, standing.words, standing.word_glyph) == ("undecided", "disputed fact", "?")
    assert tree.standing[11].words == "unsourced"  # cites nothing


def test_a_base_score_from_evidence_says_where_it_comes_from():
    data = map_data(
        claims=(10, 11), links=[(1, 10, "p", 1, "supports"), (2, 11, "p", 1, "supports")], citations=[(10, 7)]
    )
    for row in data.claims:
        row["score_reason"] = ""  # no override: the score comes from the evidence
    tree, _ = analysed(data)
    assert tree.standing[10].sentence.startswith("It starts at 0.65, from its evidence: 1 independent source.")
    assert tree.standing[11].sentence.startswith("It starts at 0.20, as a claim that cites no source.")
    assert (tree.standing[10].words, tree.standing[11].words) == ("well supported", "unsourced")
