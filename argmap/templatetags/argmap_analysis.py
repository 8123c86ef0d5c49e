"""Template tags for the analysis on the topic page (analysis.py): the strength bar with
the standing badge, the "why" disclosure, and the rows of the coalition matrix.

They build their HTML in Python with format_html, which escapes every value, rather than
in a template: a topic page shows them for a few hundred claims and stakeholders, and the
template engine spent some 150 µs per claim on them, format_html a tenth of that.
"""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from argmap.analysis import STANCE_CELLS, MatrixGroup
from argmap.standing import Mention, Standing

register = template.Library()

POLARITY = {  # as includes/polarity.html writes it
    "supports": SafeString('<span class="polarity polarity--supports"><span aria-hidden="true">+</span> For</span>'),
    "opposes": SafeString('<span class="polarity polarity--opposes"><span aria-hidden="true">−</span> Against</span>'),
}


@register.simple_tag
def assessment(standing: Standing) -> SafeString:
    """The strength as a bar (a <meter>: no inline style) and a number, and the standing as a
    badge whose glyph and plain words say what its colour says (the formal label is in the why)."""
    return format_html(
        '<span class="assessment"><meter class="strength-bar" min="0" max="1" value="{}" aria-hidden="true">'
        '</meter> <span class="strength"><span class="visually-hidden">strength </span>{}</span> '
        '<span class="standing standing--{}"><span aria-hidden="true">{}</span> {}</span></span>',
        standing.strength,
        standing.strength,
        standing.label,
        standing.word_glyph,
        standing.words,
    )


def _href(claim: Mention, claim_url: str) -> str:
    return f"#claim-{claim.ref}" if claim.on_page else f"{claim_url}{claim.ref}/"


@register.simple_tag(takes_context=True)
def why(context, standing: Standing) -> SafeString:
    """Why a position or claim has its strength and standing, in plain words, in a <details>."""
    return why_html(standing, context["urls"].claim)


def why_html(standing: Standing, claim_url: str, with_assessment: bool = False) -> SafeString:
    """The "why" disclosure; claims not on the page link to `claim_url`<id>/. With
    `with_assessment`, the strength bar and badge open it (the tree's claims show them
    there only, so that the tree stays scannable)."""
    effects = ""
    if standing.effects:
        items = format_html_join(
            "",
            '<li>{} <a href="{}">{}</a> <span class="note">(strength {})</span> {}</li>',
            (
                (
                    POLARITY.get(effect.polarity, ""),
                    _href(effect.claim, claim_url),
                    effect.claim.text,
                    effect.strength,
                    effect.change,
                )
                for effect in standing.effects
            ),
        )
        more = (
            format_html('<li class="note">and {} more, each moving it less</li>', standing.unlisted)
            if standing.unlisted
            else ""
        )
        effects = format_html('<ul class="effects" role="list">{}{}</ul>', items, more)
    because = ""
    if standing.because:
        because = format_html(
            '<ul class="because" role="list">{}</ul>',
            format_html_join(
                "", '<li><a href="{}">{}</a></li>', ((_href(c, claim_url), c.text) for c in standing.because)
            ),
        )
    extra = ""  # how fragile it is, and what a lens changes (the position's are shown beside it)
    if with_assessment:
        said = (("robustness", standing.robustness), ("lens-difference", standing.lens))
        extra = format_html_join("", '<p class="{}">{}</p>', ((css, text) for css, text in said if text))
    return format_html(
        '<details class="why"><summary>Why {}, {}?</summary><div class="why-body">{}<p>{}</p>{}<p>{}</p>{}{}</div>'
        "</details>",
        standing.strength,
        standing.label,
        format_html("<p>{}</p>", assessment(standing)) if with_assessment else "",
        standing.sentence,
        effects,
        standing.verdict,
        because,
        extra,
    )


def duplicates_html(standing: Standing, claim_url: str) -> SafeString:
    """ "Possibly the same as …": the claims this one may count one reason with twice."""
    if not standing.duplicates:
        return SafeString("")
    return format_html(
        '<p class="duplicate-note"><span aria-hidden="true">≈</span> Possibly the same as {}: {}, so the map may count'
        " one reason twice.</p>",
        format_html_join(", ", '“<a href="{}">{}</a>”', ((_href(c, claim_url), c.text) for c in standing.duplicates)),
        standing.duplicate_reason,
    )


CELLS = {  # the matrix's five kinds of cell, written once
    stance: format_html(
        '<td class="stance-cell stance-cell--{}"><span aria-hidden="true">{}</span> {}</td>',
        stance or "none",
        glyph,
        text,
    )
    for stance, (text, glyph) in STANCE_CELLS.items()
}


@register.simple_tag(takes_context=True)
def matrix_rows(context, group: MatrixGroup) -> SafeString:
    """A coalition's rows of the matrix: the stakeholder (a row header) and a cell per position."""
    stakeholder_url = context["urls"].stakeholder
    return format_html_join(
        "",
        '<tr><th scope="row"><a href="{}{}/">{}</a></th>{}</tr>',
        (
            (stakeholder_url, row.slug, row.name, SafeString("".join(CELLS[cell.stance] for cell in row.cells)))
            for row in group.rows
        ),
    )
