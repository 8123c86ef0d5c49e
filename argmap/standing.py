"""How a position or claim stands, in words: what the topic page's tree (tree.py) holds
for each node it shows, and the analysis (analysis.py) fills in. Plain types, apart
from both, so that neither module imports the other to name them.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Mention:
    """A claim (or position) named in an explanation: its id as text and its text, shortened."""

    ref: str
    text: str
    on_page: bool  # rendered on this page (link to #claim-<ref>), else link to its own page


@dataclass(slots=True)
class Effect:
    """What one supporter or opponent does to a position or claim, in words."""

    claim: Mention
    polarity: str
    strength: str
    change: str  # "raises it by 0.12"


@dataclass(slots=True)
class Standing:
    """How a position or claim stands, and why, ready for a template."""

    strength: str  # "0.62"
    label: str  # accepted, rejected or undecided
    glyph: str
    words: str  # the same for the public (analysis.plain_words)
    word_glyph: str
    sentence: str  # where it starts, what moves it and where it ends
    effects: list[Effect]  # the supporters and opponents that move it most
    unlisted: int  # how many more supporters and opponents there are
    verdict: str  # why it has its label
    because: list[Mention]  # the claims that decide its label
    robustness: str = ""  # how fragile its standing is, in words ("" if not checked)
    duplicates: list[Mention] = field(default_factory=list)  # claims that may count the same reason
    duplicate_reason: str = ""  # why they may ("they cite the same passage")
    lens: str = ""  # through a lens: how its verdict differs from the map's without one ("" if it does not)
    because_unlisted: int = 0  # how many more claims decide its label than `because` names
