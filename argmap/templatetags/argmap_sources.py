"""A source's text with its quoted passages marked (argmap/quotes.py), for the public
source page and the editors' reading of a source in the admin."""

from django import template
from django.urls import reverse

from argmap.models import SourceText
from argmap.quotes import NormalisedText, marked_paragraphs

register = template.Library()


@register.inclusion_tag("argmap/includes/source_text.html")
def source_text(source, citations, links: str = "public"):
    """The text of `source` as paragraphs, the passage each of `citations` quotes marked
    and numbered in their order, with a link to its claim: its public page (`links` is
    "public"), its admin page ("admin"), or none ("" : the text must read as it is stored,
    for an editor selecting a passage). The text comes with the source where the view
    reads it with select_related("body"), else in one query."""
    try:
        text = source.body.text
    except SourceText.DoesNotExist:
        text = ""
    if not text:
        return {"paragraphs": [], "empty": links == "admin"}
    document = NormalisedText(text)
    passages = []
    for number, citation in enumerate(citations, 1):
        found = document.check(citation.quote) if citation.quote.strip() else None
        if found is None or not found.found:
            continue
        if links == "admin":
            url = reverse("admin:argmap_claim_change", args=[citation.claim_id])
        else:
            url = citation.claim.get_absolute_url() if links else ""
        passages.append((found.start, found.end, {"number": number, "url": url, "claim": citation.claim.text}))
    return {"paragraphs": marked_paragraphs(text, passages), "links": bool(links), "passages": len(passages)}
