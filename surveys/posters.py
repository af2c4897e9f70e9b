"""Printable A4 posters with a QR code that opens a survey for one library branch."""

from __future__ import annotations

import io
import textwrap

import qrcode
from PIL import Image, ImageDraw, ImageFont
from qrcode.constants import ERROR_CORRECT_M

# A4 at 150 dots per inch: sharp enough to print, small enough to send.
WIDTH, HEIGHT = 1240, 1754
BRAND = (0, 98, 94)
INK = (11, 12, 12)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _centred(
    draw: ImageDraw.ImageDraw, y: int, text: str, size: int, fill: tuple[int, int, int], width: int
) -> int:
    font = _font(size)
    for line in textwrap.wrap(text, width=width) or [""]:
        left, top, right, bottom = draw.textbbox((0, 0), line, font=font)
        draw.text(((WIDTH - (right - left)) / 2, y), line, font=font, fill=fill)
        y += int((bottom - top) * 1.35)
    return y


def render_poster(*, url: str, council: str, title: str, place: str, fmt: str = "png") -> bytes:
    """The poster as PNG or PDF bytes. The URL is printed too, for people who cannot scan."""
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=20, border=2)
    qr.add_data(url)
    qr.make(fit=True)
    code = qr.make_image(fill_color="black", back_color="white").get_image().convert("RGB")
    code = code.resize((760, 760), Image.Resampling.NEAREST)

    poster = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(poster)
    draw.rectangle((0, 0, WIDTH, 170), fill=BRAND)
    _centred(draw, 55, council, 56, (255, 255, 255), 40)
    y = _centred(draw, 230, "Have your say", 96, INK, 24)
    y = _centred(draw, y + 10, title, 54, INK, 38)
    y = _centred(draw, y + 10, place, 44, BRAND, 44)
    poster.paste(code, ((WIDTH - code.width) // 2, y + 30))
    y += 30 + code.height + 30
    y = _centred(draw, y, "Scan the code with your phone's camera", 40, INK, 50)
    y = _centred(draw, y + 10, "or go to", 36, INK, 60)
    _centred(draw, y + 5, url, 34, INK, 60)
    draw.rectangle((0, HEIGHT - 90, WIDTH, HEIGHT), fill=BRAND)
    _centred(draw, HEIGHT - 68, "Ask library staff for a paper copy or help", 36, (255, 255, 255), 60)

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
