"""Model validation (full_clean) gives editors a message they understand for every rule."""

import pytest
from django.core.exceptions import ValidationError

from argmap.models import Claim, Link, Polarity, Source, Stakeholder, Stance
from tests.factories import ClaimFactory, LinkFactory, PositionFactory, SourceFactory, StakeholderFactory, TopicFactory

pytestmark = pytest.mark.django_db


def messages_of(obj) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        obj.full_clean()
    return caught.value.message_dict


def test_cross_topic_link_is_explained():
    claim = ClaimFactory(topic__title="Copyright")
    errors = messages_of(Link(claim=claim, target_claim=ClaimFactory(), polarity=Polarity.SUPPORTS))
    assert errors["target_claim"] == ["The target belongs to another topic; a link must stay within “Copyright”."]


def test_self_link_is_explained():
    claim = ClaimFactory()
    errors = messages_of(Link(claim=claim, target_claim=claim, polarity=Polarity.OPPOSES))
    assert errors["__all__"] == ["A claim cannot support or oppose itself."]


def test_support_cycle_is_rejected():
    a = ClaimFactory()
    b = ClaimFactory(topic=a.topic)
    c = ClaimFactory(topic=a.topic)
    Link.objects.create(claim=a, target_claim=b, polarity=Polarity.SUPPORTS)
    Link.objects.create(claim=b, target_claim=c, polarity=Polarity.SUPPORTS)
    errors = messages_of(Link(claim=c, target_claim=a, polarity=Polarity.SUPPORTS))
    assert errors["target_claim"] == [
        "This link would close a circle of support: the target already supports this claim."
    ]


def test_opposition_closing_a_loop_is_accepted():
    a = ClaimFactory()
    b = ClaimFactory(topic=a.topic)
    Link.objects.create(claim=a, target_claim=b, polarity=Polarity.SUPPORTS)
    Link(claim=b, target_claim=a, polarity=Polarity.OPPOSES).full_clean()


def test_mutual_opposition_is_accepted():
    a = ClaimFactory()
    b = ClaimFactory(topic=a.topic)
    Link.objects.create(claim=a, target_claim=b, polarity=Polarity.OPPOSES)
    Link(claim=b, target_claim=a, polarity=Polarity.OPPOSES).full_clean()


def test_editing_a_link_does_not_count_it_as_its_own_cycle():
    a = ClaimFactory()
    b = ClaimFactory(topic=a.topic)
    link = Link.objects.create(claim=a, target_claim=b, polarity=Polarity.SUPPORTS)
    link.full_clean()


def test_link_without_a_target_is_explained():
    errors = messages_of(Link(claim=ClaimFactory(), polarity=Polarity.SUPPORTS))
    assert errors["__all__"] == ["A link targets exactly one thing: a position or a claim."]


def test_duplicate_link_is_explained():
    link = LinkFactory()
    errors = messages_of(Link(claim=link.claim, target_position=link.target_position, polarity=link.polarity))
    assert "This claim already has this link to this position." in errors["__all__"]


def test_nul_character_is_explained():
    errors = messages_of(Claim(topic=TopicFactory(), text="a\x00b"))
    assert errors["text"] == ["Null characters are not allowed."]


def test_over_long_text_is_explained():
    errors = messages_of(Claim(topic=TopicFactory(), text="x" * 2001))
    assert errors["text"] == ["Ensure this value has at most 2000 characters (it has 2001)."]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<script>", "ftp://example.org/f"])
def test_non_web_url_is_explained(url):
    errors = messages_of(Source(title="A report", url=url))
    assert errors["url"] == ["Enter a valid URL."]


def test_https_url_is_accepted():
    Source(title="A report", url="https://example.org/a?b=c#d").full_clean()


def test_stated_stance_without_quote_is_explained():
    stance = Stance(
        stakeholder=StakeholderFactory(),
        position=PositionFactory(),
        stance="supports",
        basis="stated",
        source=SourceFactory(),
    )
    assert messages_of(stance) == {"quote": ["A stated stance needs the stakeholder's words."]}


def test_unsourced_paraphrase_is_explained():
    stance = Stance(stakeholder=StakeholderFactory(), position=PositionFactory(), stance="opposes", basis="paraphrased")
    assert messages_of(stance) == {
        "source": ["A stated or paraphrased stance needs its source; otherwise mark it inferred."]
    }


def test_stance_about_nothing_is_explained():
    stance = Stance(stakeholder=StakeholderFactory(), stance="neutral", basis="inferred")
    assert messages_of(stance) == {"__all__": ["A stance is about exactly one thing: a position or a claim."]}


def test_parent_cycle_among_stakeholders_is_explained():
    government = StakeholderFactory()
    institute = StakeholderFactory(parent=government)
    government.parent = institute
    assert messages_of(government)["parent"] == ["A stakeholder cannot be part of itself, directly or through others."]


def test_moving_a_claim_with_links_is_explained():
    link = LinkFactory()
    claim = link.claim
    claim.topic = TopicFactory()
    assert messages_of(claim)["topic"] == ["This claim has links in its topic; remove them before moving it."]


def test_salience_outside_the_scale_is_explained():
    from argmap.models import Salience

    errors = messages_of(Salience(topic=TopicFactory(), stakeholder=StakeholderFactory(), power=7, interest=0))
    assert errors["power"] == ["Ensure this value is less than or equal to 5."]
    assert errors["interest"] == ["Ensure this value is greater than or equal to 1."]


def test_stakeholder_slug_must_be_unique():
    StakeholderFactory(slug="openai")
    errors = messages_of(Stakeholder(name="OpenAI again", slug="openai", kind="company"))
    assert errors["slug"] == ["Stakeholder with this Slug already exists."]
