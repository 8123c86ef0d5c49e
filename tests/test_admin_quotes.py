"""Quote-first editing: a source holds its text (pasted or uploaded, at most 5 MB), a
citation's quote is checked against it as it is saved (refused by the forms with where it
differs, marked for the API), and the source's text shows the quoted passages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from argmap.models import Citation, Claim, Source, SourceText, Topic
from tests.factories import CitationFactory, ClaimFactory, LinkFactory, PositionFactory, SourceFactory, TopicFactory

pytestmark = pytest.mark.django_db

REPORT = "A report\nThe council’s budget is “stretched”.\nThe bypass would cost £40m over ten years."


def source_form(source, **changes):
    data = {"title": source.title, "kind": source.kind, "url": source.url, "publisher": source.publisher,
            "author": source.author, "published_on": "", "text": "",
            "loaded_at": source.updated_at.isoformat()}  # fmt: skip
    return data | changes


@pytest.fixture
def reported():
    topic = TopicFactory()
    position = PositionFactory(topic=topic, title="Build it")
    source = SourceFactory(title="The council's report")
    SourceText.objects.create(source=source, text=REPORT)
    return {"topic": topic, "position": position, "source": source}


def reason(reported, **fields):
    data = {"target": f"position-{reported['position'].pk}", "polarity": "opposes", "text": "It costs too much.",
            "source": reported["source"].pk, "quote": "", "locator": "", "stance": "supports",
            "basis": "stated"}  # fmt: skip
    return data | fields


def test_a_pasted_text_is_kept_in_history_and_rechecks_the_sources_quotes(editor_client, editor):
    source = SourceFactory()
    citation = CitationFactory(source=source, quote="The bypass would cost £40m")
    url = reverse("admin:argmap_source_change", args=[source.pk])
    response = editor_client.post(url, source_form(source, text=REPORT))
    assert response.status_code == 302
    assert SourceText.objects.get(source=source).text == REPORT
    assert SourceText.history.get().history_user == editor
    citation.refresh_from_db()
    assert citation.quote_verbatim is True


def test_an_uploaded_html_file_becomes_the_text(editor_client):
    source = SourceFactory()
    page = b"<html><body><h1>A report</h1><p>The bypass\nwould cost <b>a lot</b>.</p><script>x()</script></body></html>"
    upload = SimpleUploadedFile("report.html", page, content_type="text/html")
    url = reverse("admin:argmap_source_change", args=[source.pk])
    assert editor_client.post(url, source_form(source, text_file=upload)).status_code == 302
    assert SourceText.objects.get(source=source).text == "A report\nThe bypass would cost a lot."


def test_a_text_over_5_mb_is_refused_with_a_clear_message_and_nothing_saved(editor_client):
    source = SourceFactory()
    upload = SimpleUploadedFile("big.txt", b"word " * (1024 * 1024 + 1), content_type="text/plain")
    url = reverse("admin:argmap_source_change", args=[source.pk])
    response = editor_client.post(url, source_form(source, text_file=upload, title="Renamed"))
    assert response.status_code == 200
    assert "text may be at most 5 MB (5,242,880 bytes)" in response.content.decode()
    assert not SourceText.objects.exists()
    assert Source.objects.get(pk=source.pk).title != "Renamed"


def test_a_pasted_5_mb_text_is_a_413_that_says_to_upload_it_and_nothing_is_saved(editor_client):
    """Without JavaScript nothing stops the paste: the form is over DATA_UPLOAD_MAX_MEMORY_SIZE
    (2 MB), and the answer says what to do instead of Django's bare "Bad Request (400)"."""
    source = SourceFactory()
    url = reverse("admin:argmap_source_change", args=[source.pk])
    response = editor_client.post(url, source_form(source, text="word " * (1024 * 1024), title="Renamed"))
    assert response.status_code == 413
    page = response.content.decode()
    assert "larger than the 2 MB a form may carry here, so nothing was" in page
    assert "upload it as a <code>.txt</code>" in page
    assert not SourceText.objects.exists()
    assert Source.objects.get(pk=source.pk).title != "Renamed"


def test_a_text_too_long_for_the_box_is_kept_when_the_source_is_saved(editor_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 200
    source = SourceFactory()
    SourceText.objects.create(source=source, text=REPORT * 2)
    url = reverse("admin:argmap_source_change", args=[source.pk])
    page = editor_client.get(url)
    assert page.context["adminform"].form["text"].value() in (None, "")
    assert "too long to edit here" in page.content.decode()
    response = editor_client.post(url, source_form(source, title="Renamed", text=""))
    assert response.status_code == 302
    assert SourceText.objects.get(source=source).text == REPORT * 2
    assert Source.objects.get(pk=source.pk).title == "Renamed"


def test_a_file_that_is_not_utf8_is_refused(editor_client):
    source = SourceFactory()
    upload = SimpleUploadedFile("latin.txt", "Caf\u00e9".encode("latin-1"), content_type="text/plain")
    response = editor_client.post(reverse("admin:argmap_source_change", args=[source.pk]),
                                  source_form(source, text_file=upload))  # fmt: skip
    assert "not UTF-8 text" in response.content.decode()


def test_emptying_the_text_removes_it_and_unmarks_the_quotes(editor_client, reported):
    citation = CitationFactory(source=reported["source"], quote='budget is "stretched"')
    Citation.objects.filter(pk=citation.pk).update(quote_verbatim=True)
    source = Source.objects.get(pk=reported["source"].pk)
    response = editor_client.post(reverse("admin:argmap_source_change", args=[source.pk]), source_form(source, text=""))
    assert response.status_code == 302
    assert not SourceText.objects.filter(source=source).exists()
    citation.refresh_from_db()
    assert citation.quote_verbatim is None


def test_a_reason_quoting_the_source_verbatim_gets_its_locator_filled_in(editor_client, reported):
    url = reverse("admin:argmap_topic_map_reason", args=[reported["topic"].pk])
    response = editor_client.post(url, reason(reported, quote='The council\'s budget is "stretched".'))
    assert response.status_code == 302
    citation = Citation.objects.get()
    start = REPORT.index("The council")
    assert citation.locator == f"¶2, characters {start + 1}–{start + len('The council’s budget is “stretched”.')}"
    assert citation.quote_verbatim is True


def test_a_quote_differing_by_one_character_is_refused_with_where_and_nothing_saved(editor_client, reported):
    url = reverse("admin:argmap_topic_map_reason", args=[reported["topic"].pk])
    quote = "The bypass would cost £41m over ten years."
    response = editor_client.post(url, reason(reported, quote=quote))
    assert response.status_code == 400
    errors = response.context["form"].errors["quote"]
    assert f"differs from character {quote.index('41') + 2}" in errors[0]
    assert not Claim.objects.filter(text="It costs too much.").exists()


def test_a_selection_outside_the_text_is_refused(editor_client, reported):
    url = reverse("admin:argmap_topic_map_reason", args=[reported["topic"].pk])
    response = editor_client.post(url, reason(reported, quote="The bypass", locator="¶3, characters 900–910"))
    assert response.status_code == 400
    assert "outside the source's text" in response.context["form"].errors["locator"][0]
    assert not Claim.objects.filter(text="It costs too much.").exists()


def test_the_citation_form_checks_a_changed_quote(editor_client, reported):
    claim = ClaimFactory(topic=reported["topic"])
    LinkFactory(claim=claim, target_position=reported["position"])
    citation = CitationFactory(claim=claim, source=reported["source"], quote="The bypass would cost £40m")
    url = reverse("admin:argmap_citation_change", args=[citation.pk])
    data = {"claim": claim.pk, "source": reported["source"].pk, "locator": "", "quote": "The bypass costs £40m",
            "loaded_at": citation.updated_at.isoformat()}  # fmt: skip
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "The quote is not in the source" in response.content.decode()
    citation.refresh_from_db()
    assert citation.quote == "The bypass would cost £40m"


def claim_with_citation(reported, **citation):
    """The claim admin's add form, as a browser without JavaScript sends it: the claim, a
    link to the position, and one citation row of the source with `citation`'s fields."""
    data = {"topic": reported["topic"].pk, "text": "It costs too much.", "kind": "interpretation",
            "fact_check": "unchecked", "base_score": "0.5", "links-0-polarity": "opposes", "links-0-basis": "stated",
            "links-0-target_position": reported["position"].pk, "citations-0-source": reported["source"].pk,
            "citations-0-quote": "", "citations-0-locator": ""}  # fmt: skip
    for prefix, rows in (("links", 1), ("citations", 1), ("stances", 0)):
        data |= {f"{prefix}-TOTAL_FORMS": rows, f"{prefix}-INITIAL_FORMS": 0}
    return data | {f"citations-0-{name}": value for name, value in citation.items()}


def test_a_claims_citations_and_a_citations_page_offer_the_quote_picker(editor_client, reported):
    claim = ClaimFactory(topic=reported["topic"])
    citation = CitationFactory(claim=claim, source=reported["source"], quote="The bypass would cost £40m")
    text_url = reverse("admin:argmap_source_text", args=[987654321])
    for url in (reverse("admin:argmap_claim_change", args=[claim.pk]), reverse("admin:argmap_claim_add"),
                reverse("admin:argmap_citation_change", args=[citation.pk])):  # fmt: skip
        html = editor_client.get(url).content.decode()
        assert f'<div class="quote-picking" data-source-text-url="{text_url}">' in html, url
        assert 'class="wb-pick-quote"' in html
        assert "argmap/quotes.js" in html
        assert "argmap/workbench.css" in html  # which hides the button where the script does not run
    # The inline's empty row, which "Add another" copies, has its picker too.
    html = editor_client.get(reverse("admin:argmap_claim_change", args=[claim.pk])).content.decode()
    assert 'name="citations-__prefix__-quote"' in html
    assert html.count('class="quote-picking"') == 2


def test_a_claims_citation_quoting_the_source_verbatim_gets_its_locator_filled_in(editor_client, reported):
    quote = 'The council\'s budget is "stretched".'  # as typed, without the picker: straight quotes
    response = editor_client.post(reverse("admin:argmap_claim_add"), claim_with_citation(reported, quote=quote))
    assert response.status_code == 302
    citation = Citation.objects.get(claim__text="It costs too much.")
    start = REPORT.index("The council")
    assert (citation.quote, citation.quote_verbatim) == (quote, True)
    assert citation.locator == f"¶2, characters {start + 1}–{start + len('The council’s budget is “stretched”.')}"


def test_a_claims_citation_differing_by_one_character_is_refused_with_where_and_nothing_saved(editor_client, reported):
    quote = "The bypass would cost £41m over ten years."
    response = editor_client.post(reverse("admin:argmap_claim_add"), claim_with_citation(reported, quote=quote))
    assert response.status_code == 200
    citations = next(f for f in response.context["inline_admin_formsets"] if f.formset.prefix == "citations")
    assert f"differs from character {quote.index('41') + 2}" in citations.formset.errors[0]["quote"][0]
    assert not Claim.objects.filter(text="It costs too much.").exists()
    assert not Citation.objects.exists()


def test_a_claims_citation_selected_outside_the_text_is_refused_and_nothing_saved(editor_client, reported):
    data = claim_with_citation(reported, quote="The bypass", locator="¶3, characters 900–910")
    response = editor_client.post(reverse("admin:argmap_claim_add"), data)
    assert response.status_code == 200
    citations = next(f for f in response.context["inline_admin_formsets"] if f.formset.prefix == "citations")
    assert "outside the source's text" in citations.formset.errors[0]["locator"][0]
    assert not Claim.objects.filter(text="It costs too much.").exists()


def test_a_changed_citation_on_a_claims_page_is_checked_and_nothing_saved(editor_client, reported):
    claim = ClaimFactory(topic=reported["topic"], text="Costly")
    citation = CitationFactory(claim=claim, source=reported["source"], quote="The bypass would cost £40m")
    url = reverse("admin:argmap_claim_change", args=[claim.pk])
    page = editor_client.get(url)
    data = {"text": "Too costly", "kind": claim.kind, "fact_check": claim.fact_check, "base_score": claim.base_score,
            "loaded_at": page.context["adminform"].form["loaded_at"].value(),
            "citations-0-id": citation.pk, "citations-0-claim": claim.pk, "citations-0-source": reported["source"].pk,
            "citations-0-quote": "The bypass would cost £40 m", "citations-0-locator": ""}  # fmt: skip
    for prefix, rows, initial in (("links", 0, 0), ("citations", 1, 1), ("stances", 0, 0)):
        data |= {f"{prefix}-TOTAL_FORMS": rows, f"{prefix}-INITIAL_FORMS": initial}
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "The quote is not in the source" in response.content.decode()
    claim.refresh_from_db()
    citation.refresh_from_db()
    assert (claim.text, citation.quote) == ("Costly", "The bypass would cost £40m")


@pytest.fixture
def editor_api(editor):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=editor).key}")
    return client


def test_the_api_marks_a_quote_not_in_the_text(editor_api, reported):
    claim = ClaimFactory(topic=reported["topic"])
    LinkFactory(claim=claim, target_position=reported["position"])
    url = reverse("api:citation-list")
    body = {"claim": claim.pk, "source": reported["source"].pk, "quote": "The bypass is free", "locator": ""}
    response = editor_api.post(url, body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["quote_verbatim"] is False
    body["quote"] = "The bypass would cost"
    assert editor_api.post(url, body, format="json").json()["quote_verbatim"] is True


def test_the_editors_source_page_highlights_each_quoted_passage_linked_to_its_claim(editor_client, reported):
    citation = CitationFactory(source=reported["source"], quote="The bypass would cost £40m")
    html = editor_client.get(reverse("admin:argmap_source_text", args=[reported["source"].pk])).content.decode()
    assert "<mark>The bypass would cost £40m</mark>" in html
    assert reverse("admin:argmap_claim_change", args=[citation.claim_id]) in html
    # The paragraphs nobody quotes are left plain: the map's gaps.
    assert f'<p id="paragraph-3" data-n="3" data-start="{REPORT.index("The bypass")}" class="cited">' in html
    assert f'<p id="paragraph-2" data-n="2" data-start="{REPORT.index("The council")}">' in html
    assert html.count('class="cited"') == 1
    fragment = editor_client.get(reverse("admin:argmap_source_text", args=[reported["source"].pk]) + "?fragment=1")
    assert 'data-start="' in fragment.content.decode()
    assert "quote-claim" not in fragment.content.decode()  # nothing but the text, for selecting
    other = SourceFactory()
    assert editor_client.get(reverse("admin:argmap_source_text", args=[other.pk]) + "?fragment=1").status_code == 404


def test_the_demo_source_holds_the_report_and_its_public_page_marks_the_quotes(client):
    call_command("load_demo", verbosity=0)
    source = Source.objects.get(body__isnull=False)
    assert source.body.text.startswith("UK government deepens AI ambitions")
    assert not Citation.objects.filter(quote_verbatim=False).exists()
    assert Citation.objects.filter(quote_verbatim=True).count() == Citation.objects.exclude(quote="").count()
    html = client.get(source.get_absolute_url()).content.decode()
    assert html.count("<mark>") >= 10
    claim = Claim.objects.filter(topic__in=Topic.objects.published(), citations__source=source).first()
    assert f'class="quote-claim" href="{claim.get_absolute_url()}"' in html
