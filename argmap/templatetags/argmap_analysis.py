"""Template tags for the analysis on the topic page (analysis.py): the strength bar with
the standing badge, the "why" disclosure, and the rows of the coalition matrix.

They build their HTML in Python, escaping every value, rather than in a template: a topic
page shows them for a few hundred claims and stakeholders, and the template engine spent
some 150 µs per claim on them. Plain f-strings and the standard library's html.escape
(which Django's escape calls) cost a fraction of format_html's wrappers.
"""

import html

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


def escape_html(value) -> str:
    """`value` escaped as a template would (Django's escape is this, behind a wrapper that
    costs more than the escaping on a page of a few hundred claims)."""
    return html.escape(str(value))


@register.simple_tag
def assessment(standing: Standing) -> SafeString:
    """The strength as a bar (a <meter>: no inline style) and a number, and the standing as a
    badge whose glyph and plain words say what its colour says (the formal label is in the why)."""
    return SafeString(_assessment(standing))


def _assessment(standing: Standing) -> str:
    strength = escape_html(standing.strength)
    return (
        f'<span class="assessment"><meter class="strength-bar" min="0" max="1" value="{strength}" aria-hidden="true">'
        f'</meter> <span class="strength"><span class="visually-hidden">strength </span>{strength}</span> '
        f'<span class="standing standing--{escape_html(standing.label)}">'
        f'<span aria-hidden="true">{escape_html(standing.word_glyph)}</span> '
        f"{escape_html(standing.words)}</span></span>"
    )


def _href(claim: Mention, claim_url: str) -> str:
    return f"#claim-{escape_html(claim.ref)}" if claim.on_page else f"{escape_html(claim_url)}{escape_html(claim.ref)}/"


@register.simple_tag(takes_context=True)
def why(context, standing: Standing) -> SafeString:
    """Why a position or claim has its strength and standing, in plain words, in a <details>."""
    return why_html(standing, context["urls"].claim)


def why_html(standing: Standing, claim_url: str, with_assessment: bool = False) -> SafeString:
    """The "why" disclosure; claims not on the page link to `claim_url`<id>/. With
    `with_assessment`, the strength bar and badge open it (the tree's claims show them
    there only, so that the tree stays scannable)."""
    out = [
        f'<details class="why"><summary>Why {escape_html(standing.strength)}, {escape_html(standing.label)}?</summary>'
        '<div class="why-body">'
    ]
    if with_assessment:
        out.append(f"<p>{_assessment(standing)}</p>")
    out.append(f"<p>{escape_html(standing.sentence)}</p>")
    if standing.effects:
        out.append('<ul class="effects" role="list">')
        out.extend(
            f'<li>{POLARITY.get(effect.polarity, "")} <a href="{_href(effect.claim, claim_url)}">'
            f'{escape_html(effect.claim.text)}</a> <span class="note">(strength {escape_html(effect.strength)})</span> '
            f"{escape_html(effect.change)}</li>"
            for effect in standing.effects
        )
        if standing.unlisted:
            out.append(f'<li class="note">and {escape_html(standing.unlisted)} more, each moving it less</li>')
        out.append("</ul>")
    out.append(f"<p>{escape_html(standing.verdict)}</p>")
    if standing.because:
        out.append('<ul class="because" role="list">')
        out.extend(f'<li><a href="{_href(c, claim_url)}">{escape_html(c.text)}</a></li>' for c in standing.because)
        if standing.because_unlisted:
            out.append(f'<li class="note">and {standing.because_unlisted} more</li>')
        out.append("</ul>")
    if with_assessment:  # how fragile it is, and what a lens changes (the position's are shown beside it)
        said = (("robustness", standing.robustness), ("lens-difference", standing.lens))
        out.extend(f'<p class="{css}">{escape_html(text)}</p>' for css, text in said if text)
    out.append("</div></details>")
    return SafeString("".join(out))


def duplicates_html(standing: Standing, claim_url: str) -> SafeString:
    """ "Possibly the same as …": the claims this one may count one reason with twice."""
    if not standing.duplicates:
        return SafeString("")
    claims = ", ".join(f'“<a href="{_href(c, claim_url)}">{escape_html(c.text)}</a>”' for c in standing.duplicates)
    return SafeString(
        f'<p class="duplicate-note"><span aria-hidden="true">≈</span> Possibly the same as {claims}: '
        f"{escape_html(standing.duplicate_reason)}, so the map may count one reason twice.</p>"
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
