"""Quotes and the text of their source, in pure Python (no Django import): the verbatim
check, the locator of a passage, the source's text as paragraphs with the quoted passages
marked, and HTML reduced to text.

The check compares the quote and the text after one normalisation, and only this one
(docs/editing.md): every run of whitespace (spaces, tabs, line breaks, no-break spaces)
counts as one space, and curly quotes and apostrophes count as straight ones. Case,
dashes, ellipses and every other character must be as in the source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

SINGLE_QUOTES = "\u2018\u2019\u201a\u201b\u2032"  # ‘ ’ ‚ ‛ ′
DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u2033"  # “ ” „ ‟ ″
_STRAIGHTEN = str.maketrans({**dict.fromkeys(SINGLE_QUOTES, "'"), **dict.fromkeys(DOUBLE_QUOTES, '"')})
_WHITESPACE = re.compile(r"\s+")
_PARAGRAPH = re.compile(r"[^\n]*\S[^\n]*")  # a line with something on it
_CHARACTERS = re.compile(r"characters?\s+(\d+)\s*[-–—]\s*(\d+)")


def normalise(text: str) -> tuple[str, list[int]]:
    """`text` normalised for the verbatim check, and where each of its characters comes
    from in `text` (an index per character, and one past the end)."""
    out: list[str] = []
    origin: list[int] = []
    for match in re.finditer(r"\s+|\S+", text):
        if match.group().isspace():
            out.append(" ")
            origin.append(match.start())
        else:
            out.append(match.group().translate(_STRAIGHTEN))
            origin.extend(range(match.start(), match.end()))
    origin.append(len(text))
    return "".join(out), origin


def normalised(quote: str) -> str:
    """A quote as the check compares it."""
    return _WHITESPACE.sub(" ", quote.strip()).translate(_STRAIGHTEN)


@dataclass(slots=True, frozen=True)
class QuoteCheck:
    """Where a quote is in its source's text (`start`, `end`: characters of the text), or,
    when it is not there, from which character of the quote (`differs_at`, counted from 1)
    no passage of the text matches it any more."""

    found: bool
    start: int = 0
    end: int = 0
    differs_at: int = 0

    def message(self, quote: str, text: str) -> str:
        """What an editor is told when the quote is not in the text."""
        at = self.differs_at
        near = quote[max(at - 1, 0) : at + 29]
        return (
            f"The quote is not in the source's text: it differs from character {at} "
            f"(“{near}…”). Select the passage in the text, or copy it exactly; only "
            "whitespace and curly or straight quotes may differ."
        )


class NormalisedText:
    """A source's text, normalised once, against which any number of quotes are checked."""

    def __init__(self, text: str):
        self.text = text
        self.normal, self.origin = normalise(text)

    def check(self, quote: str) -> QuoteCheck:
        """Whether `quote` appears verbatim (after normalisation) in the text."""
        needle = normalised(quote)
        at = self.normal.find(needle)
        if needle and at >= 0:
            return QuoteCheck(True, self.origin[at], self.origin[at + len(needle) - 1] + 1)
        # The longest beginning of the quote the text holds: a prefix of a found prefix is
        # found too, so a binary search finds it.
        low, high = 0, len(needle)
        while low < high:
            middle = (low + high + 1) // 2
            if needle[:middle] in self.normal:
                low = middle
            else:
                high = middle - 1
        return QuoteCheck(False, differs_at=_quote_position(quote, low) + 1)


def check_quote(text: str, quote: str) -> QuoteCheck:
    """Whether `quote` appears verbatim (after normalisation) in `text`."""
    return NormalisedText(text).check(quote)


def _quote_position(quote: str, normalised_index: int) -> int:
    """The character of `quote` that its normalised form's character `normalised_index` is."""
    stripped = quote.strip()
    offset = len(quote) - len(quote.lstrip())
    _, origin = normalise(stripped)
    return offset + origin[min(normalised_index, len(origin) - 1)]


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Each paragraph of `text` (a line with something on it) as (start, end)."""
    return [match.span() for match in _PARAGRAPH.finditer(text)]


def locator_for(text: str, start: int, end: int) -> str:
    """The locator of the passage text[start:end]: its paragraph and characters."""
    number = next((n for n, (_, stop) in enumerate(paragraphs(text), 1) if start < stop), 0)
    where = f"¶{number}, " if number else ""
    return f"{where}characters {start + 1}–{end}"


def characters_in(locator: str) -> tuple[int, int] | None:
    """The characters (first, last, counted from 1) a locator names, if it names any."""
    match = _CHARACTERS.search(locator)
    return (int(match.group(1)), int(match.group(2))) if match else None


@dataclass(slots=True)
class Segment:
    """A piece of a paragraph: plain, or inside the quoted passages `marks`; `ends` are
    the passages that end with it (where the link back to their claim goes)."""

    text: str
    marks: list = field(default_factory=list)
    ends: list = field(default_factory=list)


@dataclass(slots=True)
class Paragraph:
    number: int
    start: int
    segments: list[Segment]

    @property
    def cited(self) -> bool:
        return any(segment.marks for segment in self.segments)


def marked_paragraphs(text: str, passages: list[tuple[int, int, object]]) -> list[Paragraph]:
    """`text` as paragraphs, cut where quoted passages (start, end, what quotes it) begin
    and end, each segment knowing which passages cover it."""
    cuts = sorted({0, len(text), *(p for start, end, _ in passages for p in (start, end))})
    result = []
    for number, (start, end) in enumerate(paragraphs(text), 1):
        points = [start, *(c for c in cuts if start < c < end), end]
        segments = []
        for left, right in zip(points, points[1:], strict=False):
            covering = [what for s, e, what in passages if s <= left and right <= e]
            ending = [what for s, e, what in passages if s <= left and e == right]
            segments.append(Segment(text[left:right], covering, ending))
        result.append(Paragraph(number, start, segments))
    return result


# ---------------------------------------------------------------------------
# HTML to text
# ---------------------------------------------------------------------------

BLOCKS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "td",
        "th",
        "tr",
        "ul",
    ]
)
SKIPPED = frozenset(["script", "style", "template", "noscript", "head", "title"])


class _TextParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED:
            self.skipping += 1
        elif tag in BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in SKIPPED:
            self.skipping = max(self.skipping - 1, 0)
        elif tag in BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:  # a line break inside a paragraph is a space, as a browser shows it
            self.parts.append(_WHITESPACE.sub(" ", data))


def html_to_text(html: str) -> str:
    """The text of an HTML document (the standard library's parser, not a regex): a
    paragraph per block element, spaces within one collapsed, scripts and styles left out."""
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)
