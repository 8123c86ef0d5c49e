"""Synthetic argument maps for tests and benchmarks: deterministic from a seed, shaped
like real debates (deep, branching, some claims used in two places, mutual opposition),
and obeying every rule of DOMAIN.md.

Every link points from a newer claim to an older claim or a position, so support can
never close a cycle; the only backward links are "opposes", which may be mutual.
"""

from __future__ import annotations

import random
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db import transaction

from argmap import bulk
from argmap.bulk import copy_rows, ids_in_order
from argmap.history import record_history_for
from argmap.models import (
    Attitude,
    Basis,
    Citation,
    Claim,
    Link,
    Polarity,
    Position,
    Relationship,
    RelationshipKind,
    Salience,
    Source,
    SourceKind,
    Stakeholder,
    StakeholderKind,
    Stance,
    Topic,
    TopicStatus,
)

WORDS = [
    "access",
    "adoption",
    "agency",
    "analysis",
    "benefit",
    "budget",
    "capacity",
    "cloud",
    "competition",
    "compute",
    "consent",
    "copyright",
    "cost",
    "creators",
    "data",
    "dependency",
    "deployment",
    "duty",
    "efficiency",
    "energy",
    "evidence",
    "fairness",
    "funding",
    "growth",
    "harm",
    "infrastructure",
    "innovation",
    "investment",
    "jobs",
    "licence",
    "market",
    "model",
    "oversight",
    "partnership",
    "privacy",
    "procurement",
    "productivity",
    "public",
    "research",
    "resilience",
    "risk",
    "safety",
    "scale",
    "security",
    "services",
    "skills",
    "sovereignty",
    "standards",
    "supply",
    "talent",
    "transparency",
    "trust",
    "value",
]
VERBS = [
    "raises",
    "lowers",
    "protects",
    "threatens",
    "delays",
    "accelerates",
    "weakens",
    "strengthens",
    "ignores",
    "requires",
]


@dataclass(frozen=True)
class GeneratedMap:
    topic: Topic
    claims: int
    links: int
    stakeholders: int


Progress = Callable[[str, int, int], None]  # (stage, done, total), as for imports
CHUNK = 20_000  # claims generated and written at a time


def sentence(rng: random.Random) -> str:
    subject = " ".join(rng.sample(WORDS, 2))
    obj = " ".join(rng.sample(WORDS, rng.randint(2, 4)))
    return f"The {subject} {rng.choice(VERBS)} {obj} for the public {rng.choice(WORDS)}."


def generate_map(
    *, claims: int, seed: int, slug: str | None = None, publish: bool = False, progress: Progress | None = None
) -> GeneratedMap:
    """Create a topic with `claims` claims (and positions, stakeholders, stances, sources,
    citations, relationships and salience to match) in one transaction.

    Rows are generated and written in chunks (bulk.copy_rows: COPY on PostgreSQL), so
    that memory holds the claims' ids and not the claims; the support rule is checked
    once at the end (bulk.support_checked_at_the_end), and history is written per table
    in one statement each. The random draws come in the same order as they always did:
    a seed gives the same map as before."""
    if claims < 1:
        raise ValueError("A map needs at least one claim.")
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    slug = slug or f"synthetic-{claims}-{seed}"
    if Topic.objects.filter(slug=slug).exists():
        raise ValueError(f"A topic with the slug “{slug}” already exists.")

    def report(stage: str) -> Callable[[int], None] | None:
        return (lambda done: progress(stage, done, claims)) if progress else None

    with transaction.atomic():
        topic = Topic(
            title=f"Synthetic map: {claims:,} claims (seed {seed})",
            slug=slug,
            question=f"Should the public {rng.choice(WORDS)} programme go ahead? (synthetic, seed {seed})",
            summary="A generated map for tests and benchmarks. Its text is random.",
            status=TopicStatus.DRAFT,
        )
        if publish:
            topic.publish()
        topic.skip_history_when_saving = True
        topic.save()
        on_topic = {"topic": topic.pk}
        positions = Position.objects.bulk_create(
            Position(topic=topic, title=f"Position {i + 1}: {sentence(rng)}"[:200], order=i)
            for i in range(rng.randint(3, 5))
        )
        position_ids = [position.pk for position in positions]

        copy_rows(
            Claim,
            ["text", "base_score"],
            ((sentence(rng), round(rng.uniform(0.2, 0.9), 2)) for _ in range(claims)),
            fixed=on_topic,
            progress=report("claims"),
        )
        claim_ids = array("q", ids_in_order(Claim.objects.filter(topic=topic)))
        # Links are given their topic, which the database would otherwise look up row by
        # row (migration 0005). The support rule is checked once, when all are written.
        with bulk.support_checked_at_the_end(topic.pk):
            link_count = copy_rows(
                Link,
                ["claim", "target_position", "target_claim", "polarity"],
                _links(rng, claim_ids, position_ids),
                fixed=on_topic,
                progress=report("links"),
            )

        stakeholder_count = max(4, min(200, claims // 50))
        kinds = list(StakeholderKind)
        stakeholders = Stakeholder.objects.bulk_create(
            Stakeholder(
                name=f"Stakeholder {i + 1} ({slug})",
                slug=f"{slug}-stakeholder-{i + 1}"[:100],
                kind=kinds[i % len(kinds)],
                summary=sentence(rng),
            )
            for i in range(stakeholder_count)
        )
        source_ids = _sources(rng, slug, count=max(3, claims // 20))
        # A citation quotes its claim: the claims' texts are read back a chunk at a time.
        cited = 0
        for start in range(0, len(claim_ids), CHUNK):
            chunk = claim_ids[start : start + CHUNK]
            texts = dict(
                Claim.objects.filter(topic=topic, pk__gte=chunk[0], pk__lte=chunk[-1]).values_list("pk", "text")
            )
            cited += copy_rows(
                Citation,
                ["claim", "source", "quote", "locator"],
                (
                    (claim_id, rng.choice(source_ids), texts[claim_id], f"p. {rng.randint(1, 80)}")
                    for claim_id in chunk
                    if rng.random() < 0.75  # a quarter of claims lack a source: real maps have gaps
                ),
                fixed=on_topic,
            )
            if progress:
                progress("citations", start + len(chunk), claims)
        stances = []
        for stakeholder in stakeholders:
            for position in rng.sample(positions, rng.randint(1, len(positions))):
                stances.append(stance_for(rng, stakeholder, source_ids, position_id=position.pk, topic=topic))
            for index in rng.sample(range(len(claim_ids)), min(len(claim_ids), rng.randint(0, 5))):
                stances.append(stance_for(rng, stakeholder, source_ids, claim_id=claim_ids[index], topic=topic))
        Stance.objects.bulk_create(stances, batch_size=2000)
        Relationship.objects.bulk_create(
            Relationship(
                from_stakeholder=stakeholders[i],
                to_stakeholder=stakeholders[(i + 1 + rng.randrange(stakeholder_count - 1)) % stakeholder_count],
                kind=rng.choice(list(RelationshipKind)),
                source_id=rng.choice(source_ids),
            )
            for i in range(stakeholder_count)
        )
        Salience.objects.bulk_create(
            Salience(topic=topic, stakeholder=s, power=rng.randint(1, 5), interest=rng.randint(1, 5))
            for s in stakeholders
        )
        if progress:
            progress("history", 0, 1)
        reason = f"generated (seed {seed})"
        stakeholder_ids = [s.pk for s in stakeholders]
        for queryset in [
            Topic.objects.filter(pk=topic.pk),
            Position.objects.filter(topic=topic),
            Claim.objects.filter(topic=topic),
            Link.objects.filter(topic=topic),
            Stakeholder.objects.filter(pk__in=stakeholder_ids),
            Source.objects.filter(url__startswith=f"https://example.org/{slug}/report-"),
            Citation.objects.filter(topic=topic),
            Stance.objects.filter(topic=topic),
            Relationship.objects.filter(from_stakeholder__in=stakeholder_ids),
            Salience.objects.filter(topic=topic),
        ]:
            record_history_for(queryset, reason=reason)
        if progress:
            progress("history", 1, 1)
    topic.refresh_from_db()
    return GeneratedMap(topic=topic, claims=len(claim_ids), links=link_count, stakeholders=stakeholder_count)


def _links(rng: random.Random, claim_ids: array, position_ids: list[int]) -> Iterator[tuple]:
    """(claim, target position, target claim, polarity) of every link, as generated: each
    claim joins a position or an older claim; some are used in a second place; a few
    older claims rebut a newer one. A pair is linked once with a polarity (the first)."""
    seen: set[tuple[int, int, int]] = set()

    def link(claim: int, position: int | None, target: int | None, polarity: str) -> tuple | None:
        key = (claim, -position if position else target, polarity == Polarity.SUPPORTS)
        if key in seen:
            return None
        seen.add(key)
        return (claim, position, target, polarity)

    for index, claim in enumerate(claim_ids):
        polarity = Polarity.SUPPORTS if rng.random() < 0.6 else Polarity.OPPOSES
        if index < len(position_ids) * 2 or rng.random() < 0.02:
            row = link(claim, rng.choice(position_ids), None, polarity)
        else:
            # A uniformly random older claim: a random recursive tree, depth about ln(n) on
            # average and a few times that at its deepest, wide near the root.
            row = link(claim, None, claim_ids[rng.randrange(index)], polarity)
        if row:
            yield row
        if index > 2 and rng.random() < 0.05:  # the same claim used in a second place
            other = claim_ids[rng.randrange(index)]
            if row := link(claim, None, other, rng.choice(list(Polarity))):
                yield row
        # A rebuttal of a newer claim: mutual opposition is fine.
        rebuttal = index > 2 and rng.random() < 0.01
        if rebuttal and (row := link(claim_ids[rng.randrange(index)], None, claim, Polarity.OPPOSES)):
            yield row


def _sources(rng: random.Random, slug: str, *, count: int) -> list[int]:
    """Write `count` sources; their ids, in order."""
    kinds = list(SourceKind)
    copy_rows(
        Source,
        ["title", "url", "publisher", "kind"],
        (
            (
                f"Report {i + 1}: {sentence(rng)}"[:300],
                f"https://example.org/{slug}/report-{i + 1}",
                f"Publisher {i % 7 + 1}",
                rng.choice(kinds),
            )
            for i in range(count)
        ),
    )
    return list(
        Source.objects.filter(url__startswith=f"https://example.org/{slug}/report-")
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def stance_for(rng: random.Random, stakeholder, source_ids: list[int], **subject) -> Stance:
    basis = rng.choice(list(Basis))
    return Stance(
        stakeholder=stakeholder,
        stance=rng.choice(list(Attitude)),
        basis=basis,
        quote=sentence(rng) if basis != Basis.INFERRED else "",
        source_id=rng.choice(source_ids) if basis != Basis.INFERRED else None,
        **subject,
    )
