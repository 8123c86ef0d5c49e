"""The Carneades worked example, in argmap's terms: where argmap's evaluation gives the
documented outcome, and where its semantics differ (docs/analysis.md, "Carneades").

The example is the murder case of Gordon, Prakken & Walton, "The Carneades model of
argument and burden of proof" (Artificial Intelligence 171, 2007), with the argument
weights and proof standards that van Gijzel & Nilsson gave it in their Carneades DSL
("Haskell gets argumentative", TFP 2011; the CarneadesDSL package, ExampleCAES):

- arg1: kill, intent ⇒ murder, weight 0.8
- arg2: witness ⇒ intent, exception unreliable, weight 0.3
- arg3: witness2 ⇒ ¬intent, exception unreliable2, weight 0.8
- assumptions: kill, witness, witness2, unreliable2
- standard(intent) = beyond reasonable doubt, every other statement scintilla;
  α = 0.4, β = 0.3, γ = 0.2

Documented outcome: arg2 is the one applicable argument (arg3 is not: its exception
unreliable2 is assumed; arg1 is not: its premise intent is not acceptable); intent fails
beyond reasonable doubt (its one pro argument weighs 0.3, not above α = 0.4) though it
passes scintilla; murder and ¬murder are both not acceptable.

In argmap each argument is a claim whose base score is its weight, linked to its
conclusion; an exception is a claim that opposes the argument; an assumption is a fact
checked confirmed (base 1); a statement that is neither assumed nor argued for is
assumed rejected (the what-if); intent, which holds only by argument, starts at 0.
"""

import pytest

from argmap.graph import ArgumentGraph

ALPHA, BETA, GAMMA = 0.4, 0.3, 0.2
MURDER = 1  # the position
ARG1, ARG2, ARG3, INTENT, UNRELIABLE, UNRELIABLE2 = 11, 12, 13, 20, 31, 32
SUP, OPP = "supports", "opposes"


@pytest.fixture
def murder_case():
    graph = ArgumentGraph(
        positions=[MURDER],
        claims=[(ARG1, 0.8), (ARG2, 0.3), (ARG3, 0.8), (INTENT, 0.0), (UNRELIABLE, 0.5), (UNRELIABLE2, 1.0)],
        links=[
            (ARG1, MURDER, None, SUP),  # kill, intent ⇒ murder
            (INTENT, None, ARG1, SUP),  # its premise intent
            (ARG2, None, INTENT, SUP),  # witness ⇒ intent
            (ARG3, None, INTENT, OPP),  # witness2 ⇒ ¬intent
            (UNRELIABLE, None, ARG2, OPP),  # arg2's exception
            (UNRELIABLE2, None, ARG3, OPP),  # arg3's exception
        ],
        facts={UNRELIABLE2: "confirmed"},  # assumed
    )
    # unreliable is neither assumed nor argued for: it does not hold.
    return graph.evaluate(rejected=[UNRELIABLE], explain=True)


def test_an_exception_that_is_assumed_makes_its_argument_inapplicable(murder_case):
    # Carneades: no applicable argument for ¬intent (unreliable2 is assumed).
    assert murder_case.claims[ARG3].label == "rejected"
    assert murder_case.claims[ARG3].strength == pytest.approx(0.0)  # 0.8 − 0.8 × 1


def test_an_exception_that_does_not_hold_leaves_its_argument_applicable(murder_case):
    # Carneades: arg2 is applicable for intent (unreliable is not assumed).
    assert murder_case.claims[ARG2].label == "accepted"
    assert murder_case.claims[ARG2].strength == pytest.approx(0.3)  # its weight, untouched


def test_intent_meets_scintilla_but_not_beyond_reasonable_doubt(murder_case):
    intent = murder_case.claims[INTENT]
    # From 0, one pro argument of weight 0.3 and no applicable con: 0 + (1 − 0) × 0.3.
    assert intent.strength == pytest.approx(0.3)
    pro, con = intent.why.support, intent.why.opposition
    assert (pro, con) == (pytest.approx(0.3), pytest.approx(0.0))
    scintilla = pro > 0
    clear_and_convincing = pro > ALPHA and pro - con > BETA
    beyond_reasonable_doubt = clear_and_convincing and con < GAMMA
    assert scintilla
    assert not beyond_reasonable_doubt  # 0.3 is not above α = 0.4, as documented
    # Where argmap differs: it has no proof standards, and its label (grounded, over
    # objections alone) accepts intent, since the one objection to it is rejected.
    assert intent.label == "accepted"


def test_where_argmap_differs_an_argument_is_not_gated_by_its_premises(murder_case):
    # Carneades: arg1 is not applicable (its premise intent is not acceptable), so murder is
    # not acceptable. argmap's links are not linked premises: intent only raises arg1,
    # 0.8 + 0.2 × 0.3 = 0.86, and arg1 raises murder to 0.5 + 0.5 × 0.86 = 0.93.
    assert murder_case.claims[ARG1].strength == pytest.approx(0.86)
    assert murder_case.positions[MURDER].strength == pytest.approx(0.93)
    assert murder_case.positions[MURDER].label == "accepted"


def test_with_the_inapplicable_argument_rejected_murder_stays_at_even_odds():
    # Applying Carneades' verdicts by hand (intent fails its standard, so arg1 is rejected):
    # murder keeps its starting score, neither established nor refuted, as ¬murder is not.
    graph = ArgumentGraph(positions=[MURDER], claims=[(ARG1, 0.8)], links=[(ARG1, MURDER, None, SUP)])
    evaluation = graph.evaluate(rejected=[ARG1])
    assert evaluation.positions[MURDER].strength == pytest.approx(0.5)
