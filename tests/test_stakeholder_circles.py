"""The database refuses a circle of stakeholders (migration 0008), however it is written:
validation bypassed, one row at a time or all at once. Runs on SQLite and PostgreSQL."""

import pytest
from django.db import IntegrityError, transaction

from argmap.models import Stakeholder
from tests.factories import StakeholderFactory

pytestmark = pytest.mark.django_db


def chain(n: int) -> list[Stakeholder]:
    """n stakeholders, each part of the next."""
    people = [StakeholderFactory() for _ in range(n)]
    for child, parent in zip(people, people[1:], strict=False):
        Stakeholder.objects.filter(pk=child.pk).update(parent=parent)
    return people


@pytest.mark.parametrize("length", [2, 3, 6])
def test_closing_a_circle_of_stakeholders_is_refused_by_the_database(length):
    people = chain(length)
    with pytest.raises(IntegrityError, match="argmap_stakeholder_acyclic"), transaction.atomic():
        Stakeholder.objects.filter(pk=people[-1].pk).update(parent=people[0])
    assert Stakeholder.objects.get(pk=people[-1].pk).parent_id is None


def test_a_circle_inserted_at_once_is_refused():
    with pytest.raises(IntegrityError, match="argmap_stakeholder_acyclic"), transaction.atomic():
        Stakeholder.objects.bulk_create(
            [
                Stakeholder(id=9001, slug="a", name="A", kind="company", parent_id=9002),
                Stakeholder(id=9002, slug="b", name="B", kind="company", parent_id=9001),
            ]
        )
    assert not Stakeholder.objects.filter(pk__in=[9001, 9002]).exists()


def test_a_tree_is_stored_and_may_be_rearranged():
    a, b, c = chain(3)  # a part of b, part of c
    d = StakeholderFactory(parent=c)
    Stakeholder.objects.filter(pk=a.pk).update(parent=d)  # a part of d, part of c
    Stakeholder.objects.filter(pk=b.pk).update(parent=a)  # b part of a
    parents = dict(Stakeholder.objects.values_list("pk", "parent_id"))
    assert (parents[a.pk], parents[b.pk], parents[c.pk], parents[d.pk]) == (d.pk, a.pk, None, c.pk)
