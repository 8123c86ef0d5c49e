"""jsontext writes arrays of alike objects as orjson would write them as dicts."""

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from argmap.interchange.jsontext import array, inside, objects

SAFE = st.text(alphabet="0123456789abcdef-", max_size=12)


@given(rows=st.lists(st.tuples(SAFE, st.floats(allow_nan=False), SAFE), max_size=30), stamp=st.text(max_size=10))
def test_objects_are_what_orjson_writes_of_the_dicts(rows, stamp):
    dicts = [{"id": a, "score": b, "fixed": stamp, "to": c, "none": None} for a, b, c in rows]
    text = objects(
        len(rows),
        {
            "id": [a for a, _b, _c in rows],
            "score": [orjson.dumps(b).decode() for _a, b, _c in rows],
            "fixed": orjson.dumps(stamp).decode(),
            "to": [c for _a, _b, c in rows],
            "none": "null",
        },
        quoted=frozenset({"id", "to"}),
    )
    assert orjson.dumps(array(text)) == orjson.dumps(dicts)
    # Beside other objects in one array, as the AIF export puts them.
    assert orjson.dumps(array(inside([{"a": 1}]), text, inside([]))) == orjson.dumps([{"a": 1}, *dicts])


def test_objects_of_constants_only_and_a_column_of_the_wrong_length():
    assert orjson.loads(orjson.dumps(array(objects(2, {"a": "1"})))) == [{"a": 1}, {"a": 1}]
    assert objects(0, {"a": []}) == ""
    with pytest.raises(ValueError, match="a: 1 values for 2 objects"):
        objects(2, {"a": ["1"]})
