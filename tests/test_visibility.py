"""Visibility lives on the QuerySets (models.VisibleQuerySet): `Model.objects.visible_to(user)`
is every row for an editor, and for everyone else what a published map shows."""

import pytest
from django.contrib.auth.models import AnonymousUser, Permission

from argmap import models
from tests.factories import (
    CitationFactory,
    LinkFactory,
    RelationshipFactory,
    SalienceFactory,
    StanceFactory,
    TopicFactory,
    UserFactory,
)

EXPOSED = [
    models.Topic, models.Position, models.Claim, models.Link, models.Stance, models.Source,
    models.Citation, models.Relationship, models.Salience, models.Stakeholder,
]  # fmt: skip


@pytest.fixture
def draft_map(db):
    """A draft topic with one row of every kind, none of them in a published map."""
    topic = TopicFactory(status=models.TopicStatus.DRAFT)
    link = LinkFactory(claim__topic=topic)
    stance = StanceFactory(position=link.target_position)
    CitationFactory(claim=link.claim)
    RelationshipFactory(from_stakeholder=stance.stakeholder, to_stakeholder=SalienceFactory(topic=topic).stakeholder)
    return topic


@pytest.mark.parametrize("model", EXPOSED, ids=lambda model: model.__name__)
def test_the_public_sees_nothing_of_a_draft_until_it_is_published(draft_map, model):
    assert model.objects.count() > 0
    assert not model.objects.visible_to(AnonymousUser()).exists()
    assert not model.objects.visible_to(None).exists()
    draft_map.status = models.TopicStatus.PUBLISHED
    draft_map.save()
    assert model.objects.visible_to(AnonymousUser()).count() == model.objects.count()


@pytest.mark.parametrize("model", EXPOSED, ids=lambda model: model.__name__)
def test_the_models_view_permission_shows_drafts(draft_map, model):
    user = UserFactory()
    assert not model.objects.visible_to(user).exists()
    user.user_permissions.add(Permission.objects.get(codename=f"view_{model._meta.model_name}"))
    user = type(user).objects.get(pk=user.pk)  # permissions are cached on the instance
    assert model.objects.visible_to(user).count() == model.objects.count()
