"""JSON arrays of many alike objects, written as text a column at a time.

orjson writes a list of dicts quickly, but making the dicts costs Python an object per
row first. When each value of a column is argmap's own (node numbers, uids, fixed
words: nothing to escape), the objects can be written by joining constant text with
those columns, one slice assignment per column and no object per row: the AIF export's
edges (two per link) at 10,000 claims in 0.8 ms instead of 3.1. The text goes into
orjson's output as it is, through orjson.Fragment (see `array`).
"""

from __future__ import annotations

from collections.abc import Sequence

import orjson


def objects(count: int, fields: dict[str, str | Sequence[str]], *, quoted: frozenset[str] = frozenset()) -> str:
    """`count` JSON objects with `fields` in order, separated by commas (the inside of an
    array): each field's value is one JSON text for every object, or a sequence of `count`
    JSON texts, one per object. Columns named in `quoted` hold strings that need no
    escaping (digits, uids), written between quotes. Nothing is checked: the caller vouches
    that what it passes is JSON."""
    constants: list[str] = []  # the text before each column
    columns: list[Sequence[str]] = []
    text = "{"
    for index, (key, value) in enumerate(fields.items()):
        text += f"{',' if index else ''}{orjson.dumps(key).decode()}:"
        if isinstance(value, str):
            text += value
            continue
        if len(value) != count:
            raise ValueError(f"{key}: {len(value)} values for {count} objects")
        quote = '"' if key in quoted else ""
        constants.append(text + quote)
        columns.append(value)
        text = quote
    closing = text + "}"
    if not count:
        return ""
    if not columns:
        return ",".join([closing] * count)
    width = 2 * len(columns)
    parts = [f"{closing},{constants[0]}"] * (width * count)  # between rows: one ends, the next begins
    parts[0] = constants[0]
    for index, column in enumerate(columns):
        if index:
            parts[2 * index :: width] = [constants[index]] * count
        parts[2 * index + 1 :: width] = column
    return "".join(parts) + closing


def array(*insides: str) -> orjson.Fragment:
    """A JSON array of the objects of each inside (as `objects` or `inside` give them),
    for orjson to write as it is."""
    return orjson.Fragment(f"[{','.join(text for text in insides if text)}]")


def inside(values: list) -> str:
    """orjson's JSON of `values`, without the array's brackets."""
    return orjson.dumps(values)[1:-1].decode()
