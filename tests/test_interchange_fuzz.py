"""Whatever a file holds, an import answers with a report, never an exception (the API will
turn an exception into a 500): random JSON in the shapes of argmap's and AIF's files."""

import io
import re

import orjson
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from argmap.interchange import export_map, import_map
from argmap.interchange.argdown import SYNTAX, _backslashed, _Reader, data_json, escape
from argmap.interchange.checking import SPECS, _Check, _clean_rows
from argmap.interchange.document import COLUMNS, MODELS, PARTS
from argmap.interchange.reading import IncomingMap
from argmap.synthetic import generate_map
from tests.properties import examples

pytestmark = pytest.mark.django_db

FUZZ = settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
UUIDS = st.sampled_from(["9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d", "1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed", "not-a-uid"])
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    UUIDS,
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=12,
)


def row(part):
    """A row with some of the part's own columns (so that the checks go deep) and random values."""
    return st.dictionaries(st.sampled_from([*COLUMNS[part], "id", "claim_id", "extra"]), JSON | UUIDS, max_size=6)


def assert_reports(content: bytes, format: str):
    report = import_map(io.BytesIO(content), format, dry_run=True)
    assert report.ok or report.problems
    assert report.summary()


@FUZZ
@given(
    shape=st.sampled_from(["argmap-export/1", "argmap-map/1"]),
    topic=JSON | st.dictionaries(st.sampled_from(["slug", "title", "question", "status", "published_at"]), JSON),
    parts=st.fixed_dictionaries({}, optional={part: st.lists(row(part), max_size=3) | JSON for part in PARTS}),
)
def test_any_native_document_gets_a_report(shape, topic, parts):
    assert_reports(orjson.dumps({"format": shape, "topic": topic, **parts}), "json")


NODE = st.fixed_dictionaries(
    {"nodeID": st.sampled_from(["1", "2", "3", 4, None, ["x"]])},
    optional={
        "type": st.sampled_from(["I", "RA", "CA", "L", "YA", "TA", "MA", "??"]) | JSON,
        "text": st.sampled_from(["Asserting", "A claim", "Bob : words", ""]) | JSON,
    },
)
EDGE = st.fixed_dictionaries(
    {},
    optional={
        "edgeID": JSON,
        "fromID": st.sampled_from(["1", "2", "3", 9]) | JSON,
        "toID": st.sampled_from(["1", "2", "3"]) | JSON,
    },
)


@FUZZ
@given(
    nodes=st.lists(NODE, max_size=6),
    edges=st.lists(EDGE, max_size=6),
    locutions=JSON,
    participants=JSON,
    extension=st.none()
    | JSON
    | st.fixed_dictionaries(
        {"format": st.just("argmap-aif/1")}, optional={"nodes": JSON, "links": JSON, "stances": JSON, "topic": JSON}
    ),
)
def test_any_aif_document_gets_a_report(nodes, edges, locutions, participants, extension):
    aif = {"nodes": nodes, "edges": edges, "locutions": locutions, "participants": participants, "argmap": extension}
    assert_reports(orjson.dumps(aif), "aif")


@FUZZ
@given(text=st.text(alphabet=st.sampled_from(list('[]:+-<> \n\t#{}"\\/*=_.@()abc')), max_size=120))
def test_any_argdown_text_gets_a_report(text):
    assert_reports(text.encode(), "argdown")


@FUZZ
@given(
    format=st.sampled_from(["json", "aif", "argdown", "graphml", "csv"]),
    content=st.binary(max_size=200) | st.sampled_from([b"PK\x03\x04", b"<graphml>", b"\xef\xbb\xbfref,text\n"]),
)
def test_any_bytes_in_any_format_get_a_report(format, content):
    assert_reports(content, format)


@settings(max_examples=examples(300), deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from(list("[]:+-<> \t#{}\"'\\/*=_.@(),;abcé🧪\u202e")), min_size=1, max_size=60)
)
def test_argdown_escaping_is_undone_exactly_by_the_import(text):
    escaped = escape(text.strip())
    read, tags, data = _Reader().content(1, escaped)
    assert (read, tags, data) == (text.strip(), [], {})


@settings(max_examples=examples(300), deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("[]:+-<> \t#{}\\/*=_.@abc🧪")), max_size=40))
def test_argdown_escaping_skips_only_texts_that_need_no_escape(text):
    # escape() checks first whether a text needs any escape; it must never skip one that does.
    assert escape(text) == SYNTAX.sub(_backslashed, text)


DATA_TEXT = st.text(alphabet=st.sampled_from(list('{}=[]:,"\\ab\x7f\x85\x9f\ufffe\uffff🧪')), max_size=12)
DATA = st.recursive(
    st.none() | st.booleans() | st.integers(-1000, 1000) | st.floats(0, 1) | DATA_TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(DATA_TEXT, inner, max_size=3),
    max_leaves=10,
)


@settings(max_examples=examples(500), deadline=None)
@given(value=DATA)
def test_argdown_data_is_json_of_the_value_with_nothing_argdown_would_read(value):
    # Inside Argdown's data, a brace or = in a string would end it, and YAML refuses C1
    # controls: data_json writes those as \u escapes; the only braces left are the dicts'.
    encoded = data_json(value)
    assert orjson.loads(encoded) == value
    assert not re.search("[=\x7f-\x9f\ufffe\uffff]", encoded)
    assert encoded.count("{") == encoded.count("}") == dicts(value)


def dicts(value) -> int:
    if isinstance(value, dict):
        return 1 + sum(dicts(item) for item in value.values())
    if isinstance(value, list):
        return sum(dicts(item) for item in value)
    return 0


@FUZZ
@given(data=st.data(), part=st.sampled_from(PARTS))
def test_checking_a_column_at_a_time_agrees_with_checking_row_by_row(data, part):
    # checking._clean_rows is the fast path of _Check.check_rows: wherever it answers, it
    # must give exactly the rows that the row-by-row check gives, and no problem.
    spec = SPECS[part]
    model = MODELS[part]
    # Mostly values some column accepts (so that the fast path answers), some that it refuses.
    likely = {
        name: [value for value, _label in model._meta.get_field(name).choices or []]
        + ["9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d", "a-slug", "Some text", "2024-01-02", 0.5, 3, None]
        for name in COLUMNS[part]
    }
    value = {
        name: st.sampled_from(likely[name])
        | st.sampled_from(["", "\x00", "9B1DEB4D3B7D4BAD9BDD2B0D7B3DCB6D", True, -1])
        | JSON
        for name in COLUMNS[part]
    }
    full_row = st.fixed_dictionaries(value)
    rows = data.draw(st.lists(full_row | row(part), max_size=4))
    fast = _clean_rows(spec, rows)
    check = _Check(IncomingMap(), new_uids=False)
    slow = [check.clean(spec, each, f"{part}[{index}]") for index, each in enumerate(rows)]
    if fast is not None:
        assert fast == slow
        assert check.problems == []
    event("checked a column at a time" if fast is not None else "checked row by row")


@pytest.mark.parametrize("part", PARTS)
def test_an_exported_map_is_checked_a_column_at_a_time(part):
    # The fast path is taken for argmap's own files (else the speed is lost silently).
    topic = generate_map(claims=40, seed=3).topic
    document = orjson.loads(b"".join(export_map(topic, "json").content))
    rows = document[part]
    assert rows
    assert _clean_rows(SPECS[part], rows) == rows
