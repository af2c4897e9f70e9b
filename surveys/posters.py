"""Printable A4 posters with a QR code that opens a survey for one library branch."""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, replace

import qrcode
from PIL import Image, ImageDraw, ImageFont
from qrcode.constants import ERROR_CORRECT_M

from surveys.i18n import N_, _

# A4 at 150 dots per inch: sharp enough to print, small enough to send.
WIDTH, HEIGHT = 1240, 1754
BRAND = (0, 98, 94)
INK = (11, 12, 12)


# A font with every Welsh letter (ŵ, ŷ, â …), from Debian's fonts-liberation (make install);
# Pillow's own font where it is missing.
_FONT_FILES = (
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
)


@dataclass(frozen=True)
class PosterText:
    """A poster's words in one language."""

    language: str
    headline: str  # "Have your say"
    title: str  # the survey's title in this language
    scan: str  # "Scan the code with your phone's camera"
    or_go_to: str  # "or go to"
    ask_staff: str  # "Ask library staff for a paper copy or help"


def in_language(language: str, title: str) -> PosterText:
    """The poster's words in the language the translator is set to (the web app sets it)."""
    return PosterText(
        language=language,
        headline=_(ENGLISH.headline),
        title=title,
        scan=_(ENGLISH.scan),
        or_go_to=_(ENGLISH.or_go_to),
        ask_staff=_(ENGLISH.ask_staff),
    )


ENGLISH = PosterText(
    language="en",
    headline=N_("Have your say"),
    title="",
    scan=N_("Scan the code with your phone's camera"),
    or_go_to=N_("or go to"),
    ask_staff=N_("Ask library staff for a paper copy or help"),
)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in _FONT_FILES:
        try:
            return ImageFont.truetype(path, size=size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def _centred(
    draw: ImageDraw.ImageDraw, y: int, text: str, size: int, fill: tuple[int, int, int], width: int
) -> int:
    font = _font(size)
    for line in textwrap.wrap(text, width=width) or [""]:
        left, top, right, bottom = draw.textbbox((0, 0), line, font=font)
        draw.text(((WIDTH - (right - left)) / 2, y), line, font=font, fill=fill)
        y += int((bottom - top) * 1.35) if line else size
    return y


def render_poster(
    *,
    url: str,
    council: str,
    place: str,
    texts: Sequence[PosterText] = (),
    title: str = "",
    fmt: str = "png",
) -> bytes:
    """The poster as PNG or PDF bytes. The URL is printed too, for people who cannot scan.

    ``texts``: the poster's words in each language it is in, first language first (a
    survey in Welsh and English gets a bilingual poster, Welsh first, as Welsh councils'
    signs are); by default English with ``title``.
    """
    texts = list(texts) or [replace(ENGLISH, title=title)]
    bilingual = len(texts) > 1
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=20, border=2)
    qr.add_data(url)
    qr.make(fit=True)
    code = qr.make_image(fill_color="black", back_color="white").get_image().convert("RGB")
    side = 560 if bilingual else 760
    code = code.resize((side, side), Image.Resampling.NEAREST)

    poster = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(poster)
    draw.rectangle((0, 0, WIDTH, 170), fill=BRAND)
    _centred(draw, 55, council, 56, (255, 255, 255), 40)
    y = 210 if bilingual else 230
    for n, words in enumerate(texts):
        y = _centred(draw, y, words.headline, 96 if n == 0 else 64, INK, 24 if n == 0 else 36)
    for words in texts:
        y = _centred(draw, y + 10, words.title, 54 if not bilingual else 46, INK, 38 if not bilingual else 44)
    y = _centred(draw, y + 10, place, 44 if not bilingual else 38, BRAND, 44)
    poster.paste(code, ((WIDTH - code.width) // 2, y + 30))
    y += 30 + code.height + 30
    for words in texts:
        y = _centred(draw, y, words.scan, 40 if not bilingual else 34, INK, 50 if not bilingual else 60)
    y = _centred(draw, y + 10, " / ".join(words.or_go_to for words in texts), 36, INK, 60)
    _centred(draw, y + 5, url, 34, INK, 60)
    footer = HEIGHT - (90 if not bilingual else 140)
    draw.rectangle((0, footer, WIDTH, HEIGHT), fill=BRAND)
    y = footer + 22
    for words in texts:
        y = _centred(
            draw,
            y,
            words.ask_staff,
            36 if not bilingual else 32,
            (255, 255, 255),
            60 if not bilingual else 66,
        )

    out = io.BytesIO()
    if fmt == "pdf":
        poster.save(out, format="PDF", resolution=150.0)
    else:
        poster.save(out, format="PNG", optimize=True)
    return out.getvalue()


def qr_svg(url: str) -> str:
    """A QR code for ``url`` as inline SVG (black on white, with its quiet zone), for screens."""
    import qrcode.image.svg

    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, border=4)
    svg: str = image.to_string(encoding="unicode")
    return (
        svg.replace("<svg ", '<svg role="img" aria-label="QR code" class="engage-qr" ', 1)
        .replace('width="', 'data-width="', 1)
        .replace('height="', 'data-height="', 1)
    )
