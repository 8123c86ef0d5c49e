"""What a request may see, for every resource (DOMAIN.md rule 8): those who may view
drafts (editors) see everything; everyone else sees published topics and what belongs
to them, nothing else. Stakeholders, sources and relationships are shared by every
map, so the public sees those that a published map involves, as the map document does
(argmap.loading): stakeholders with a stance or salience there (and their parents),
relationships among them, and the sources cited there.

Each function returns a queryset; a draft is therefore a 404, never a 403, so its
existence does not leak. Views built on the API (or next to it) start from these.
"""

from django.db.models import Q, QuerySet

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
    TopicStatus,
)

PUBLISHED = TopicStatus.PUBLISHED


def sees_drafts(user) -> bool:
    return user is not None and user.has_perm("argmap.view_topic")


def visible_topics(user) -> QuerySet[Topic]:
    return Topic.objects.visible_to(user)


def visible_positions(user) -> QuerySet[Position]:
    return Position.objects.all() if sees_drafts(user) else Position.objects.filter(topic__status=PUBLISHED)


def visible_claims(user) -> QuerySet[Claim]:
    return Claim.objects.all() if sees_drafts(user) else Claim.objects.filter(topic__status=PUBLISHED)


def visible_links(user) -> QuerySet[Link]:
    return Link.objects.all() if sees_drafts(user) else Link.objects.filter(claim__topic__status=PUBLISHED)


def visible_citations(user) -> QuerySet[Citation]:
    return Citation.objects.all() if sees_drafts(user) else Citation.objects.filter(claim__topic__status=PUBLISHED)


def visible_salience(user) -> QuerySet[Salience]:
    return Salience.objects.all() if sees_drafts(user) else Salience.objects.filter(topic__status=PUBLISHED)


def visible_stances(user) -> QuerySet[Stance]:
    if sees_drafts(user):
        return Stance.objects.all()
    return Stance.objects.filter(Q(position__topic__status=PUBLISHED) | Q(claim__topic__status=PUBLISHED))


def _public_stakeholders() -> QuerySet[Stakeholder]:
    involved = Q(pk__in=visible_stances(None).values("stakeholder_id")) | Q(
        pk__in=visible_salience(None).values("stakeholder_id")
    )
    parents = Stakeholder.objects.filter(involved).exclude(parent=None).values("parent_id")
    return Stakeholder.objects.filter(involved | Q(pk__in=parents))


def visible_stakeholders(user) -> QuerySet[Stakeholder]:
    return Stakeholder.objects.all() if sees_drafts(user) else _public_stakeholders()


def visible_relationships(user) -> QuerySet[Relationship]:
    if sees_drafts(user):
        return Relationship.objects.all()
    public = _public_stakeholders().values("pk")
    return Relationship.objects.filter(from_stakeholder__in=public, to_stakeholder__in=public)


def visible_sources(user) -> QuerySet[Source]:
    if sees_drafts(user):
        return Source.objects.all()
    return Source.objects.filter(
        Q(pk__in=visible_citations(None).values("source_id"))
        | Q(pk__in=visible_stances(None).exclude(source=None).values("source_id"))
        | Q(pk__in=visible_relationships(None).exclude(source=None).values("source_id"))
    )
