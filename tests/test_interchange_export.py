"""Every export reads the map in one query, whatever its size, and says what it is."""

import pytest

from argmap.interchange import FORMATS, export_map
from argmap.interchange.document import load_complete_map
from argmap.loading import some_columns
from argmap.models import Topic
from argmap.synthetic import generate_map
from tests.factories import StakeholderFactory, StanceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def generated(module_transaction, django_db_blocker):
    """Maps of 10, 200 and 300 claims, made once for the module (conftest.module_transaction)."""
    with django_db_blocker.unblock():
        return {claims: generate_map(claims=claims, seed=claims).topic for claims in (10, 200, 300)}


@pytest.mark.parametrize("format", list(FORMATS))
@pytest.mark.parametrize("claims", [10, 300])
def test_export_reads_the_map_in_one_query(generated, django_assert_num_queries, format, claims):
    topic = generated[claims]
    with django_assert_num_queries(1):  # loading.load_map: one WITH … SELECT, every part as JSON arrays
        content = b"".join(export_map(topic, format).content)
    assert content


@pytest.mark.parametrize("format", list(FORMATS))
def test_a_grandparent_stakeholder_takes_one_more_query(django_assert_num_queries, format):
    # load_map brings the stakeholders involved and their parents; each further level of
    # "part of" is one more query, so that no file refers to a stakeholder it leaves out.
    stance = StanceFactory(stakeholder__parent=StakeholderFactory(parent=StakeholderFactory(slug="grandparent")))
    with django_assert_num_queries(2):  # load_map, then the grandparent
        content = b"".join(export_map(stance.position.topic, format).content)
    assert content


def test_a_grandparent_stakeholder_joins_the_columns_in_order_of_id():
    grandparent = StakeholderFactory(slug="grandparent")
    stance = StanceFactory(stakeholder__parent=StakeholderFactory(parent=grandparent))
    stakeholders = load_complete_map(stance.position.topic)["stakeholders"]
    assert stakeholders["id"] == sorted([stance.stakeholder_id, stance.stakeholder.parent_id, grandparent.pk])
    assert stakeholders["slug"][stakeholders["id"].index(grandparent.pk)] == "grandparent"
    assert {len(values) for values in stakeholders.values()} == {3}


@pytest.mark.parametrize(
    ("format", "content_type", "filename"),
    [
        ("json", "application/json", "t.json"),
        ("aif", "application/json", "t.aif.json"),
        ("argdown", "text/plain; charset=utf-8", "t.argdown"),
        ("graphml", "application/graphml+xml", "t.graphml"),
        ("csv", "application/zip", "t.csv.zip"),
    ],
)
def test_an_export_says_its_content_type_and_file_name(format, content_type, filename):
    topic = generate_map(claims=3, seed=1, slug="t").topic
    exported = export_map(topic, format)
    assert (exported.content_type, exported.filename) == (content_type, filename)


@pytest.mark.parametrize("format", list(FORMATS))
def test_a_format_that_reads_fewer_columns_writes_the_same_file_as_from_the_whole_map(demo_map, generated, format):
    for topic in [Topic.objects.get(slug="uk-openai-partnership"), generated[200]]:
        spec = FORMATS[format]
        assert b"".join(export_map(topic, format).content) == b"".join(spec.write(topic, load_complete_map(topic)))


def test_narrowed_columns_are_known_columns_with_their_id():
    assert some_columns(citations=("claim_id", "id"))["citations"] == ("argmap_citation", ("id", "claim_id"))
    with pytest.raises(ValueError, match="citations"):
        some_columns(citations=("claim_id",))
    with pytest.raises(ValueError, match="salience"):
        some_columns(salience=("id", "nonsense"))
