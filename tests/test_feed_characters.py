"""The feed survives every character the write paths accept, and every C0 control
character that raw SQL may still store: it answers 200 with well-formed XML, and shows
the text as given (what XML 1.0 cannot hold as U+FFFD)."""

import pytest
from defusedxml import ElementTree
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from argmap.models import Topic, xml_safe
from tests.factories import TopicFactory
from tests.properties import examples

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
FUZZ = settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Characters worth a special try: emoji (with joiners and variation selectors), right-to-left
# text and marks, combining marks, every C0 control, noncharacters and XML's own syntax.
SPECIAL = "👩‍👩‍👧🇬🇧❤️שלום مرحبا\u200f\u202ee\u0301\u0308\u20dd" + "".join(map(chr, range(1, 32))) + "\ufffe\uffff<&>\"'"
TEXT = st.text(
    alphabet=st.one_of(st.sampled_from(SPECIAL), st.characters(exclude_categories=["Cs"], exclude_characters="\x00")),
    min_size=1,
    max_size=120,
)


def feed_titles(client) -> list[str]:
    response = client.get(reverse("argmap:feed"))
    assert response.status_code == 200
    return [entry.findtext(f"{ATOM}title") for entry in ElementTree.fromstring(response.content).iter(f"{ATOM}entry")]


def as_xml_reads_it(text: str) -> str:
    """What an XML parser reads back: line breaks normalised (XML 1.0, section 2.11)."""
    return xml_safe(text).replace("\r\n", "\n").replace("\r", "\n")


@FUZZ
@given(text=TEXT)
@example(text="👩‍👩‍👧 שלום e\u0301")
@example(text="a\x01b\x1fc\x0bd")
def test_the_feed_shows_any_title_the_write_paths_accept(client, text):
    topic = TopicFactory.build(title=text, slug="fuzzed")
    try:
        topic.full_clean()
    except ValidationError:
        return  # refused on write: the next test stores it past validation
    Topic.objects.filter(slug="fuzzed").delete()
    topic.save()
    assert feed_titles(client) == [as_xml_reads_it(text)]


@FUZZ
@given(text=TEXT)
@example(text="".join(map(chr, range(1, 32))))
def test_the_feed_survives_any_title_stored_past_validation(client, text):
    topic, _ = Topic.objects.get_or_create(
        slug="stored", defaults={"title": "x", "question": "x?", "status": Topic.Status.PUBLISHED}
    )
    with connection.cursor() as cursor:
        cursor.execute("UPDATE argmap_topic SET title = %s, question = %s WHERE id = %s", [text, text, topic.pk])
    assert feed_titles(client) == [as_xml_reads_it(text)]
