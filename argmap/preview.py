"""A topic's preview image (Open Graph / Twitter card): a 1200 × 630 PNG drawn with Pillow
from plain values, no browser at request time. The view caches it per version of the
topic's map (argmap.sharing), so each version is drawn once.

Text is set in DejaVu Sans when the system has it (Debian's fonts-dejavu-core, which
the Chromium package brings), otherwise in Pillow's bundled font, which lacks a few
typographic characters: those are drawn as their plain lookalikes (– as -, ’ as ').
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
MARGIN = 64
BACKGROUND = (255, 255, 255)
INK = (23, 26, 31)
MUTED = (80, 86, 95)
ACCENT = (30, 64, 175)
FOR = (22, 101, 52)
AGAINST = (180, 35, 24)


@dataclass(frozen=True)
class PositionSummary:
    """One position as the preview shows it: its title and how many claims argue for and against it."""

    title: str
    supporting: int
    opposing: int


# What Pillow's bundled font cannot draw, as the nearest character it can.
_PLAIN = str.maketrans({"–": "-", "—": "-", "−": "-", "‘": "'", "’": "'", "“": '"', "”": '"'})


@lru_cache(maxsize=16)
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    try:
        return ImageFont.truetype("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf", size)
    except OSError:
        return ImageFont.load_default(size=size)


def _drawable(text: str, font: ImageFont.FreeTypeFont) -> str:
    """`text` as `font` can draw it."""
    name = (font.getname()[0] or "") if hasattr(font, "getname") else ""
    return text if "DejaVu" in name else text.translate(_PLAIN)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int, lines: int) -> list[str]:
    """`text` in at most `lines` lines of whole words no wider than `width`; an ellipsis
    ends the last line when the text does not fit."""
    words = _drawable(text, font).split()
    result: list[str] = []
    line = ""
    for index, word in enumerate(words):
        candidate = f"{line} {word}" if line else word
        if line and draw.textlength(candidate, font=font) > width:
            result.append(line)
            line = word
            if len(result) == lines:
                rest = " ".join(words[index:])
                return _ellipsised(draw, result, rest, font, width)
        else:
            line = candidate
    if line:
        result.append(line)
    return result


def _ellipsised(draw, lines: list[str], rest: str, font, width: int) -> list[str]:
    last = lines[-1]
    while last and draw.textlength(last + " …", font=font) > width:
        last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
    return [*lines[:-1], (last + " …") if rest else last]


def render_preview(*, title: str, question: str, positions: list[PositionSummary], site: str) -> bytes:
    """The preview image of a topic, as PNG bytes."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    width = WIDTH - 2 * MARGIN
    draw.rectangle([0, 0, WIDTH, 12], fill=ACCENT)

    y = 44
    draw.text((MARGIN, y), _drawable("argmap · who argues what, and why", _font(26)), font=_font(26), fill=MUTED)
    y += 52
    title_font = _font(54, bold=True)
    for line in _wrap(draw, title, title_font, width, 2):
        draw.text((MARGIN, y), line, font=title_font, fill=INK)
        y += 64
    y += 8
    question_font = _font(32)
    for line in _wrap(draw, question, question_font, width, 2):
        draw.text((MARGIN, y), line, font=question_font, fill=MUTED)
        y += 42
    y += 18

    position_font, count_font = _font(30), _font(26)
    for position in positions[: max(0, (HEIGHT - 70 - y) // 46)]:
        against = _drawable(f"−{position.opposing}", count_font)
        counts = f"+{position.supporting}  {against}"
        counts_width = int(draw.textlength(counts, font=count_font))
        draw.rounded_rectangle([MARGIN, y + 6, MARGIN + 14, y + 28], radius=3, fill=ACCENT)
        (line,) = _wrap(draw, position.title, position_font, width - counts_width - 48, 1) or [""]
        draw.text((MARGIN + 28, y), line, font=position_font, fill=INK)
        x = WIDTH - MARGIN - counts_width
        plus = f"+{position.supporting}"
        draw.text((x, y + 3), plus, font=count_font, fill=FOR)
        draw.text((x + draw.textlength(plus + "  ", font=count_font), y + 3), against, font=count_font,
                  fill=AGAINST)  # fmt: skip
        y += 46

    draw.text((MARGIN, HEIGHT - 52), site, font=_font(24), fill=MUTED)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
