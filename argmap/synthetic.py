"""Synthetic argument maps for tests and benchmarks: deterministic from a seed, shaped
like real debates (deep, branching, some claims used in two places, mutual opposition),
and obeying every rule of DOMAIN.md.

Every link points from a newer claim to an older claim or a position, so support can
never close a cycle; the only backward links are "opposes", which may be mutual.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.db import transaction

from argmap.history import record_history
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


def sentence(rng: random.Random) -> str:
    subject = " ".join(rng.sample(WORDS, 2))
    obj = " ".join(rng.sample(WORDS, rng.randint(2, 4)))
    return f"The {subject} {rng.choice(VERBS)} {obj} for the public {rng.choice(WORDS)}."


def generate_map(*, claims: int, seed: int, slug: str | None = None, publish: bool = False) -> GeneratedMap:
    """Create a topic with `claims` claims (and positions, stakeholders, stances, sources,
    citations, relationships and salience to match) in one transaction."""
    if claims < 1:
        raise ValueError("A map needs at least one claim.")
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    slug = slug or f"synthetic-{claims}-{seed}"
    if Topic.objects.filter(slug=slug).exists():
        raise ValueError(f"A topic with the slug “{slug}” already exists.")

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
        topic.save()
        positions = Position.objects.bulk_create(
            Position(topic=topic, title=f"Position {i + 1}: {sentence(rng)}"[:200], order=i)
            for i in range(rng.randint(3, 5))
        )

        claim_rows = Claim.objects.bulk_create(
            (Claim(topic=topic, text=sentence(rng), base_score=round(rng.uniform(0.2, 0.9), 2)) for _ in range(claims)),
            batch_size=2000,
        )
        # Links, citations and stances are given their topic, which the database would
        # otherwise look up row by row (migration 0005).
        links: dict[tuple, Link] = {}

        def add(link: Link) -> None:
            key = (link.claim.pk, link.target_position_id, link.target_claim_id, link.polarity)
            links.setdefault(key, link)

        for index, claim in enumerate(claim_rows):
            polarity = Polarity.SUPPORTS if rng.random() < 0.6 else Polarity.OPPOSES
            if index < len(positions) * 2 or rng.random() < 0.02:
                add(Link(claim=claim, target_position=rng.choice(positions), polarity=polarity, topic=topic))
            else:
                # A uniformly random older claim: a random recursive tree, depth about ln(n) on
                # average and a few times that at its deepest, wide near the root.
                add(Link(claim=claim, target_claim=claim_rows[rng.randrange(index)], polarity=polarity, topic=topic))
            if index > 2 and rng.random() < 0.05:  # the same claim used in a second place
                other = claim_rows[rng.randrange(index)]
                add(Link(claim=claim, target_claim=other, polarity=rng.choice(list(Polarity)), topic=topic))
            if index > 2 and rng.random() < 0.01:  # a rebuttal of a newer claim: mutual opposition is fine
                add(
                    Link(
                        claim=claim_rows[rng.randrange(index)],
                        target_claim=claim,
                        polarity=Polarity.OPPOSES,
                        topic=topic,
                    )
                )
        links = Link.objects.bulk_create(links.values(), batch_size=2000)

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
        sources = Source.objects.bulk_create(
            Source(
                title=f"Report {i + 1}: {sentence(rng)}"[:300],
                url=f"https://example.org/{slug}/report-{i + 1}",
                publisher=f"Publisher {i % 7 + 1}",
                kind=rng.choice(list(SourceKind)),
            )
            for i in range(max(3, claims // 20))
        )
        citations = Citation.objects.bulk_create(
            (
                Citation(
                    claim=claim,
                    source=rng.choice(sources),
                    quote=claim.text,
                    locator=f"p. {rng.randint(1, 80)}",
                    topic=topic,
                )
                for claim in claim_rows
                if rng.random() < 0.75  # a quarter of claims lack a source: real maps have gaps
            ),
            batch_size=2000,
        )
        stances = []
        for stakeholder in stakeholders:
            for position in rng.sample(positions, rng.randint(1, len(positions))):
                stances.append(stance_for(rng, stakeholder, sources, position=position, topic=topic))
            for claim in rng.sample(claim_rows, min(len(claim_rows), rng.randint(0, 5))):
                stances.append(stance_for(rng, stakeholder, sources, claim=claim, topic=topic))
        stances = Stance.objects.bulk_create(stances, batch_size=2000)
        relationships = Relationship.objects.bulk_create(
            Relationship(
                from_stakeholder=stakeholders[i],
                to_stakeholder=stakeholders[(i + 1 + rng.randrange(stakeholder_count - 1)) % stakeholder_count],
                kind=rng.choice(list(RelationshipKind)),
                source=rng.choice(sources),
            )
            for i in range(stakeholder_count)
        )
        saliences = Salience.objects.bulk_create(
            Salience(topic=topic, stakeholder=s, power=rng.randint(1, 5), interest=rng.randint(1, 5))
            for s in stakeholders
        )
        for rows in [positions, claim_rows, links, stakeholders, sources, citations, stances, relationships, saliences]:
            record_history(rows, reason=f"generated (seed {seed})")
    return GeneratedMap(topic=topic, claims=len(claim_rows), links=len(links), stakeholders=len(stakeholders))


def stance_for(rng: random.Random, stakeholder, sources, **subject) -> Stance:
    basis = rng.choice(list(Basis))
    return Stance(
        stakeholder=stakeholder,
        stance=rng.choice(list(Attitude)),
        basis=basis,
        quote=sentence(rng) if basis != Basis.INFERRED else "",
        source=rng.choice(sources) if basis != Basis.INFERRED else None,
        **subject,
    )
