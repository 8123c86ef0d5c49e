"""factory_boy factories: the test data of every test (no JSON fixtures)."""

import factory
from django.contrib.auth.models import Group, User

from argmap import models


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    is_staff = True
    password = factory.django.Password("correct horse battery staple")


class EditorFactory(UserFactory):
    """A staff user in the Editors group, as `make run` creates one."""

    @factory.post_generation
    def editors_group(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name="Editors"))


class ReviewerFactory(UserFactory):
    """A staff user in the Editors and Reviewers groups: may edit and publish."""

    @factory.post_generation
    def groups_joined(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name="Editors"), Group.objects.get(name="Reviewers"))


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Topic

    title = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")
    question = factory.LazyAttribute(lambda t: f"What about {t.title}?")
    status = models.TopicStatus.PUBLISHED


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Position

    topic = factory.SubFactory(TopicFactory)
    title = factory.Sequence(lambda n: f"Position {n}")


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Claim

    topic = factory.SubFactory(TopicFactory)
    text = factory.Sequence(lambda n: f"Claim number {n} is a reason.")


class LinkFactory(factory.django.DjangoModelFactory):
    """A claim supporting a position of its own topic."""

    class Meta:
        model = models.Link

    claim = factory.SubFactory(ClaimFactory)
    target_position = factory.SubFactory(PositionFactory, topic=factory.SelfAttribute("..claim.topic"))
    polarity = models.Polarity.SUPPORTS


class StakeholderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Stakeholder

    name = factory.Sequence(lambda n: f"Stakeholder {n}")
    slug = factory.Sequence(lambda n: f"stakeholder-{n}")
    kind = models.StakeholderKind.COMPANY


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Source

    title = factory.Sequence(lambda n: f"Report {n}")
    url = factory.Sequence(lambda n: f"https://example.org/report-{n}")
    publisher = "Example News"


class CitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Citation

    claim = factory.SubFactory(ClaimFactory)
    source = factory.SubFactory(SourceFactory)
    quote = "the words the claim rests on"


class StanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Stance

    stakeholder = factory.SubFactory(StakeholderFactory)
    position = factory.SubFactory(PositionFactory)
    stance = models.Attitude.SUPPORTS
    basis = models.Basis.PARAPHRASED
    source = factory.SubFactory(SourceFactory)


class RelationshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Relationship

    from_stakeholder = factory.SubFactory(StakeholderFactory)
    to_stakeholder = factory.SubFactory(StakeholderFactory)
    kind = models.RelationshipKind.INVESTS_IN


class SalienceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Salience

    topic = factory.SubFactory(TopicFactory)
    stakeholder = factory.SubFactory(StakeholderFactory)
    power = 3
    interest = 4


def divided_topic(**topic_fields) -> models.Topic:
    """A position, an objection to it and an answer to the objection (the position stands);
    the industry holds the objection and opposes the position, the ministry holds the answer
    and supports it. `topic_fields` go to the topic (its slug is "divided")."""
    topic = TopicFactory(slug="divided", **topic_fields)
    position = PositionFactory(topic=topic, title="Yes: go ahead")
    objection = ClaimFactory(topic=topic, text="It would cost too much.")
    answer = ClaimFactory(topic=topic, text="The cost is covered by the budget.")
    LinkFactory(claim=objection, target_position=position, polarity="opposes")
    LinkFactory(claim=answer, target_position=None, target_claim=objection, polarity="opposes")
    industry = StakeholderFactory(slug="industry", name="The industry")
    ministry = StakeholderFactory(slug="ministry", name="The ministry")
    StanceFactory(stakeholder=industry, position=position, stance="opposes")
    StanceFactory(stakeholder=industry, position=None, claim=objection, stance="supports")
    StanceFactory(stakeholder=ministry, position=position, stance="supports")
    StanceFactory(stakeholder=ministry, position=None, claim=answer, stance="supports")
    return topic


def published_synthetic(claims: int, reviewer, seed: int = 3):
    """A synthetic map of `claims` claims (generate_map), published by `reviewer`, with the
    caches emptied after publishing: (topic, publication)."""
    from django.core.cache import cache

    from argmap.publishing import publish
    from argmap.synthetic import generate_map

    topic = generate_map(claims=claims, seed=seed).topic
    publication = publish(topic, user=reviewer)
    cache.clear()
    return topic, publication
