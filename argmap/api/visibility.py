"""What a request may see, for every resource (DOMAIN.md rule 8): those who may view
drafts (editors) see everything; everyone else sees published topics and what belongs
to them, nothing else. Stakeholders, sources and relationships are shared by every
map, so the public sees those that a published map involves, as the map document does
(argmap.loading): stakeholders with a stance or salience there (and their parents),
relationships among them, and the sources cited there.

Each function returns a queryset; a draft is therefore a 404, never a 403, so its
existence does not leak. Views built on the API (or next to it) start from these.
"""

from django.db.models import QuerySet

from argmap.models import (
    Citation,
    Claim,
    Link,
    Position,
    Relationship,
    Salience,
    Source,
    Stakeholder,
    Stance,
    Topic,
)


def sees_drafts(user) -> bool:
    return user is not None and user.has_perm("argmap.view_topic")


def visible_topics(user) -> QuerySet[Topic]:
    return Topic.objects.visible_to(user)


def _visible(model, user) -> QuerySet:
    """Everything for those who see drafts; what the public may see (model.objects.public(),
    defined with the model) for everyone else."""
    return model.objects.all() if sees_drafts(user) else model.objects.public()


def visible_positions(user) -> QuerySet[Position]:
    return _visible(Position, user)


def visible_claims(user) -> QuerySet[Claim]:
    return _visible(Claim, user)


def visible_links(user) -> QuerySet[Link]:
    return _visible(Link, user)


def visible_citations(user) -> QuerySet[Citation]:
    return _visible(Citation, user)


def visible_salience(user) -> QuerySet[Salience]:
    return _visible(Salience, user)


def visible_stances(user) -> QuerySet[Stance]:
    return _visible(Stance, user)


def visible_stakeholders(user) -> QuerySet[Stakeholder]:
    return _visible(Stakeholder, user)


def visible_relationships(user) -> QuerySet[Relationship]:
    return _visible(Relationship, user)


def visible_sources(user) -> QuerySet[Source]:
    return _visible(Source, user)
