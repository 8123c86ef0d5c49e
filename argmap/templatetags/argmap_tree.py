"""The topic page's argument tree as HTML: `{% claim_arguments arguments %}` writes the
claims for and against a position or claim (tree.Node), each with its sources, other
links, holders, strength and why, and (in a <details>) the arguments about it, down to
the branches the page leaves to load later.

Written in Python rather than as templates: a topic page shows a few hundred claims, and
the template engine (an include per claim and per level) took some 200 µs per claim, most
of a 10,000-claim page's time. Every value from the map is escaped here, as a template
would; the markup is the one described by includes/claim_arguments.html.
"""

from django import template
from django.conf import settings
from django.utils.formats import localize
from django.utils.safestring import SafeString

from argmap.models import web_url
from argmap.templatetags.argmap_analysis import POLARITY, duplicates_html, why_html
from argmap.templatetags.argmap_analysis import escape_html as escape

register = template.Library()


@register.simple_tag(takes_context=True)
def claim_arguments(context, arguments) -> SafeString:
    """A <ul> of claim nodes: `arguments`, and below each, while `expanded` says so, its own."""
    writer = _TreeWriter(context["urls"], context["expanded"], context["sources_listed"])
    writer.arguments(arguments)
    return SafeString("".join(writer.out))


class _TreeWriter:
    def __init__(self, urls, expanded: set[int], sources_listed: int):
        self.claim = escape(urls.claim)
        self.source = escape(urls.source)
        self.stakeholder = escape(urls.stakeholder)
        self.branch = escape(urls.branch)
        self.branch_query = escape(urls.branch_query)  # the page's ?lens=, which its branches keep
        self.claim_url = urls.claim
        self.expanded = expanded
        self.sources_listed = sources_listed
        self.out: list[str] = []

    def arguments(self, nodes) -> None:
        self.out.append('<ul class="arguments" role="list">')
        for node in nodes:
            self.node(node)
        self.out.append("</ul>")

    def node(self, node) -> None:
        out, ref = self.out, node.ref
        polarity = POLARITY.get(node.polarity, "")
        if node.is_reference:
            out.append(
                f'<li class="argument argument--{escape(node.polarity)} argument--reference">{polarity} '
                f'<a class="reference" href="#claim-{ref}">{escape(node.short_text)}</a> '
                '<span class="note">(shown in full elsewhere in the tree)</span></li>'
            )
            return
        arguments = node.arguments
        expanded = node.claim_id in self.expanded
        out.append(f'<li class="argument argument--{escape(node.polarity or "root")}" id="claim-{ref}">')
        if arguments:
            out.append("<details open><summary>" if node.depth < 2 and expanded else "<details><summary>")
        else:
            out.append('<div class="leaf">')
        out.append(f'<span class="claim-line">{polarity} ' if polarity else '<span class="claim-line">')
        out.append(f'<span class="claim-text">{escape(node.text)}</span>')
        if arguments:
            out.append(f' <span class="counts">{escape(node.counts)}</span>')
        standing = node.standing  # its strength and standing sit in the "why" disclosure, to keep the tree scannable
        out.append("</span></summary>" if arguments else "</span>")
        self.meta(node, standing)
        if arguments:
            if expanded:
                self.arguments(arguments)
            else:
                out.append(
                    f'<div class="branch" data-branch-url="{self.branch}{ref}/{self.branch_query}">'
                    f'<a href="{self.claim}{ref}/">'
                    f"Show the claims below ({node.descendants})</a></div>"
                )
            out.append("</details></li>")
        else:
            out.append("</div></li>")

    def meta(self, node, standing) -> None:
        """Its sources, other links, holders, page and why."""
        out, ref = self.out, node.ref
        out.append('<div class="claim-meta">')
        citations = node.citations
        if citations:
            links = "".join(
                f'<a href="{f"#source-{label}" if number <= self.sources_listed else f"{self.source}{source}/"}"'
                f' class="cite" aria-label="source {label}">[{label}]</a>'
                for number, label, source in citations
            )
            out.append(f'<span class="cites">Sources {links}</span>')
        else:
            out.append('<span class="unsourced">No source</span>')
        for also in node.also:
            out.append(
                f'<span class="also">Also {escape(also.polarity)} '
                f'<a href="#{also.kind}-{also.target_id}">{escape(also.text)}</a></span>'
            )
        stances = node.stances
        if stances:
            held = ", ".join(
                f'<a href="{self.stakeholder}{escape(s["stakeholder_slug"])}/">{escape(s["stakeholder_name"])}</a>'
                f" ({escape(s['stance'])}, {escape(s['basis'])})"
                for s in stances
            )
            out.append(f'<span class="held-by">Held by {held}</span>')
        out.append(f'<a class="claim-link" href="{self.claim}{ref}/">Claim page</a>')
        if standing is not None:
            out.append(why_html(standing, self.claim_url, with_assessment=True))
            if standing.duplicates:
                out.append(duplicates_html(standing, self.claim_url))
        out.append("</div>")


@register.simple_tag(takes_context=True)
def stance_items(context, stances, position_id=None) -> SafeString:
    """The <li>s of the stakeholders holding a position (tree.PositionNode.stances): who, what
    stance, on what basis, and their words or the editor's note in a <details>. At most
    TOPIC_STAKEHOLDERS, the most involved first (the page's `stakeholder_rank`,
    involvement.py), and a link to the position's own page, which lists them all."""
    stakeholder = escape(context["urls"].stakeholder)
    rank = context.get("stakeholder_rank")
    if rank:
        stances = sorted(stances, key=lambda s: rank.get(s["stakeholder_id"], len(rank)))
    limit = settings.TOPIC_STAKEHOLDERS
    more = len(stances) - limit
    out = []
    for s in stances[:limit]:
        attitude, basis = escape(s["stance"]), escape(s["basis"])
        out.append(
            f'<li class="stance stance--{attitude}"><a href="{stakeholder}{escape(s["stakeholder_slug"])}/">'
            f'{escape(s["stakeholder_name"])}</a> <span class="stance-label">{attitude}</span> '
            f'<span class="basis basis--{basis}">{basis}</span>'
        )
        quote, note = s["quote"], s["note"]
        if quote or note:
            out.append(f'<details class="quote"><summary>{"Quote" if quote else "Editor’s note"}</summary>')
            if quote:
                out.append(f"<blockquote>“{escape(quote)}”</blockquote>")
            if note:
                out.append(f'<p class="note">{escape(note)}</p>')
            if s["held_on"]:
                out.append(f'<p class="note">Held on {escape(s["held_on"])}</p>')
            out.append("</details>")
        out.append("</li>")
    if more > 0 and position_id is not None:
        out.append(
            f'<li class="stance stance--more"><a href="{escape(context["urls"].topic)}positions/{position_id}/">'
            f'All {len(stances)} holders</a> <span class="note">({more} not shown here)</span></li>'
        )
    return SafeString("".join(out))


@register.simple_tag(takes_context=True)
def source_items(context, sources) -> SafeString:
    """The <li>s of the topic's numbered sources (the first `sources_listed` of the tree's):
    number, title (its page), publisher, date and the original if it is a web address."""
    source_url = escape(context["urls"].source)
    out = []
    for number, source in enumerate(sources, start=1):
        out.append(
            f'<li id="source-{number}"><span class="source-number">[{number}]</span> '
            f'<a href="{source_url}{escape(source["id"])}/">{escape(source["title"])}</a>'
        )
        if source.get("publisher"):
            out.append(f", {escape(source['publisher'])}")
        if source.get("published_on"):
            out.append(f", {escape(localize(source['published_on']))}")  # a date as a template prints it
        url = web_url(source.get("url"))
        if url:
            out.append(
                f' <a class="external" href="{escape(url)}" rel="noopener noreferrer nofollow">original'
                '<span class="visually-hidden"> (external site)</span></a>'
            )
        out.append("</li>")
    return SafeString("".join(out))
