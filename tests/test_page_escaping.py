"""The topic page writes its tree, whys, holders and sources in Python (templatetags/
argmap_tree.py, argmap_analysis.py) rather than in templates: every value from the map
must come out escaped there as a template would escape it. Markup in every text an
editor or an import can set is shown as text on the public page, never run."""

import pytest
from django.urls import reverse

from argmap.publishing import publish
from tests.factories import (
    CitationFactory,
    ClaimFactory,
    LinkFactory,
    PositionFactory,
    ReviewerFactory,
    SalienceFactory,
    SourceFactory,
    StakeholderFactory,
    StanceFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert(1)</script><img src=x onerror="alert(2)">'


def test_markup_in_every_text_of_the_map_is_shown_as_text_on_the_topic_page(client):
    topic = TopicFactory(title=f"Topic {HOSTILE}", slug="hostile", summary=f"Summary {HOSTILE}")
    position = PositionFactory(topic=topic, title=f"Position {HOSTILE}")
    claim = ClaimFactory(topic=topic, text=f"Claim {HOSTILE}")
    LinkFactory(claim=claim, target_position=position)
    objection = ClaimFactory(topic=topic, text=f"Objection {HOSTILE}")
    LinkFactory(claim=objection, target_position=None, target_claim=claim, polarity="opposes")
    source = SourceFactory(title=f"Source {HOSTILE}", publisher=f"Publisher {HOSTILE}")
    CitationFactory(claim=claim, source=source, quote=f"Quote {HOSTILE}")
    stakeholder = StakeholderFactory(name=f"Stakeholder {HOSTILE}", slug="hostile-stakeholder")
    SalienceFactory(stakeholder=stakeholder, topic=topic, power=5, interest=5)
    StanceFactory(stakeholder=stakeholder, position=position, quote=f"Said {HOSTILE}", note=f"Note {HOSTILE}")
    StanceFactory(stakeholder=stakeholder, position=None, claim=claim)
    publish(topic, user=ReviewerFactory())

    response = client.get(reverse("argmap:topic-detail", args=[topic.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert" not in html
    assert 'onerror="alert' not in html
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    for text in ("Claim", "Objection", "Position", "Source", "Publisher", "Stakeholder", "Said", "Note"):
        assert f"{text} {escaped}" in html, text
