"""The API's resources, with how to make one of each for tests: a published object that
the public may see, one that nothing depends on (to delete), a valid body to create one,
and a change to make."""

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from argmap import models
from tests import factories


@dataclass(frozen=True)
class Resource:
    name: str  # the URL basename: api:<name>-list
    model: type
    lookup: str = "pk"

    def list_url(self) -> str:
        return reverse(f"api:{self.name}-list")

    def detail_url(self, obj) -> str:
        return reverse(f"api:{self.name}-detail", args=[getattr(obj, self.lookup)])


RESOURCES = [
    Resource("topic", models.Topic, lookup="slug"),
    Resource("position", models.Position),
    Resource("claim", models.Claim),
    Resource("link", models.Link),
    Resource("stakeholder", models.Stakeholder, lookup="slug"),
    Resource("stance", models.Stance),
    Resource("source", models.Source),
    Resource("citation", models.Citation),
    Resource("relationship", models.Relationship),
    Resource("salience", models.Salience),
]
BY_NAME = {resource.name: resource for resource in RESOURCES}


def public_object(name: str, topic=None):
    """An object of `name` that the public may see: it belongs to a published topic (or,
    for shared objects, a published topic involves it)."""
    topic = topic or factories.TopicFactory()
    position = factories.PositionFactory(topic=topic)
    stance = factories.StanceFactory(position=position)
    made = {
        "topic": lambda: topic,
        "position": lambda: position,
        "claim": lambda: factories.ClaimFactory(topic=topic),
        "link": lambda: factories.LinkFactory(claim__topic=topic, target_position=position),
        "stakeholder": lambda: stance.stakeholder,
        "stance": lambda: stance,
        "source": lambda: stance.source,
        "citation": lambda: factories.CitationFactory(claim__topic=topic),
        "relationship": lambda: factories.RelationshipFactory(
            from_stakeholder=stance.stakeholder,
            to_stakeholder=factories.StanceFactory(position=position).stakeholder,
        ),
        "salience": lambda: factories.SalienceFactory(topic=topic),
    }
    return made[name]()


def deletable_object(name: str):
    """An object of `name` that nothing depends on."""
    return {
        "topic": factories.TopicFactory,
        "position": factories.PositionFactory,
        "claim": factories.ClaimFactory,
        "link": factories.LinkFactory,
        "stakeholder": factories.StakeholderFactory,
        "stance": factories.StanceFactory,
        "source": factories.SourceFactory,
        "citation": factories.CitationFactory,
        "relationship": factories.RelationshipFactory,
        "salience": factories.SalienceFactory,
    }[name]()


def new_body(name: str) -> dict[str, Any]:
    """A valid body to create an object of `name` (its related objects are made here)."""
    topic = factories.TopicFactory()
    if name == "topic":
        return {"slug": "a-new-topic", "title": "A new topic", "question": "Should we?"}
    if name == "position":
        return {"topic": topic.pk, "title": "Yes, with safeguards"}
    if name == "claim":
        return {"topic": topic.pk, "text": "It would speed up public services.", "base_score": 0.6}
    if name == "link":
        claim = factories.ClaimFactory(topic=topic)
        return {"claim": claim.pk, "target_position": factories.PositionFactory(topic=topic).pk, "polarity": "supports"}
    if name == "stakeholder":
        return {"slug": "creative-industries", "name": "Creative industries", "kind": "sector"}
    if name == "stance":
        return {
            "stakeholder": factories.StakeholderFactory().pk,
            "position": factories.PositionFactory(topic=topic).pk,
            "stance": "opposes",
            "basis": "inferred",
        }
    if name == "source":
        return {"title": "A report", "url": "https://example.org/report", "kind": "news_report"}
    if name == "citation":
        return {"claim": factories.ClaimFactory(topic=topic).pk, "source": factories.SourceFactory().pk, "quote": "…"}
    if name == "relationship":
        a, b = factories.StakeholderFactory(), factories.StakeholderFactory()
        return {"from_stakeholder": a.pk, "to_stakeholder": b.pk, "kind": "invests_in", "amount": "$13bn"}
    if name == "salience":
        return {"topic": topic.pk, "stakeholder": factories.StakeholderFactory().pk, "power": 4, "interest": 5}
    raise KeyError(name)


# A change to make to each resource: (field, new value).
CHANGES = {
    "topic": ("title", "A better title"),
    "position": ("title", "A better position"),
    "claim": ("text", "A better reason."),
    "link": ("polarity", "opposes"),
    "stakeholder": ("name", "A better name"),
    "stance": ("note", "On reflection."),
    "source": ("title", "A better title"),
    "citation": ("quote", "the exact words"),
    "relationship": ("description", "Reported in July."),
    "salience": ("rationale", "Holds the purse strings."),
}
