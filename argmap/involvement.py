"""Which stakeholders a topic page shows: the most involved, at most TOPIC_STAKEHOLDERS.

A map may name hundreds of stakeholders (a synthetic map of 10,000 claims names 200),
and the topic page shows them in several places: the stakeholder × position matrix, the
holders of each position, the power/interest chart and its grid, the network of their
relationships. Listing every one in each made those sections two thirds of a large
page's bytes and most of its render time. So the page shows the most involved ones —
most stances in the map, then most power and interest, then by name — with a link to
the topic's stakeholders page, which lists them all, paged, in the same order.

A stakeholder's stances are counted over the whole map: at publish for a publication
(published_map.map_rows keeps the counts with the topic's row), from the map itself for
a live one. A page that has neither (a publication stored before the counts were) counts
the stances it read: those on the positions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from argmap.loading import MapData

Row = dict[str, Any]


def stance_counts(stances: Iterable[Row]) -> dict[int, int]:
    """How many stances each stakeholder takes in a map (on positions and claims)."""
    return dict(Counter(row["stakeholder_id"] for row in stances))


def ranked(data: MapData, counts: Mapping[int, int]) -> list[Row]:
    """The map's stakeholders, the most involved first: most stances (`counts`), then the
    highest power plus interest, then by name."""
    salience = {row["stakeholder_id"]: row["power"] + row["interest"] for row in data.salience}
    return sorted(
        data.stakeholders,
        key=lambda row: (-counts.get(row["id"], 0), -salience.get(row["id"], 0), row["name"].casefold(), row["id"]),
    )


@dataclass(frozen=True)
class Involved:
    """The stakeholders a page shows (`shown`, the most involved first) of the `total`, and
    every stakeholder's place in that order (`rank`, for ordering a position's holders)."""

    shown: list[Row]
    total: int
    rank: dict[int, int]

    @property
    def ids(self) -> set[int]:
        return {row["id"] for row in self.shown}

    @property
    def partial(self) -> bool:
        return len(self.shown) < self.total


def most_involved(data: MapData, counts: Mapping[int, int], limit: int) -> Involved:
    order = ranked(data, counts)
    return Involved(order[:limit], len(order), {row["id"]: index for index, row in enumerate(order)})


def relationships_of(relationships: Iterable[Row], ids: Collection[int], limit: int) -> list[Row]:
    """At most `limit` relationships that involve the stakeholders `ids`: those between two
    of them first, then those with one of them at one end."""
    between, touching = [], []
    for row in relationships:
        ends = (row["from_stakeholder_id"] in ids) + (row["to_stakeholder_id"] in ids)
        if ends == 2:
            between.append(row)
        elif ends == 1:
            touching.append(row)
    return (between + touching)[:limit]


def narrowed(data: MapData, involved: Involved, relationships: int) -> MapData:
    """`data` with only what the page's stakeholder sections show: the salience of the
    stakeholders shown and at most `relationships` of their relationships (every
    stakeholder stays, since a relationship may name one that is not shown)."""
    ids = involved.ids
    return replace(
        data,
        salience=[row for row in data.salience if row["stakeholder_id"] in ids],
        relationships=relationships_of(data.relationships, ids, relationships),
    )
