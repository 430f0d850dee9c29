"""Demo images of a unit's digital signature, drawn in code with Pillow: a red round seal with the
unit's name around its rim and a blue handwritten-like signature, both transparent PNGs (Decree 30,
Appendix I: the seal red and actual size, the signature blue). Real units upload their own."""

from __future__ import annotations

import io
import math
import random
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageDraw, ImageFont

SEAL_RED = (200, 22, 40, 255)
SIGNATURE_BLUE = (20, 45, 160, 255)
SEAL_SIZE = 600  # px; printed 34 mm wide (a round seal of a procuracy is 34-36 mm)


def font_path(bold: bool = False) -> str:
    """The first of the configured fonts that exists (Tinos, the Times-like font of the documents)."""
    candidates = settings.SIGNING_FONTS_BOLD if bold else settings.SIGNING_FONTS
    for candidate in candidates:
        if Path(candidate).exists():
            return candidate
    raise FileNotFoundError(f"Không tìm thấy phông chữ cho chữ ký số: {', '.join(candidates)}")


@lru_cache(maxsize=8)
def _font(size: int, bold: bool = True) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(font_path(bold), size)


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _arc_text(image: Image.Image, text: str, radius: float, font: ImageFont.FreeTypeFont, span: float) -> None:
    """Write ``text`` clockwise along the top of a circle, centred on 12 o'clock, over ``span`` degrees."""
    centre = image.width / 2
    widths = [font.getlength(ch) for ch in text]
    total = sum(widths)
    # Angle per pixel of text; never looser than the natural spacing along the circle.
    per_px = min(math.radians(span) / total, 1 / radius)
    angle = -per_px * total / 2
    for ch, width in zip(text, widths, strict=True):
        mid = angle + per_px * width / 2
        size = int(font.size * 2)
        tile = Image.new("RGBA", (size, size), (0, 0, 0, 0))
        ImageDraw.Draw(tile).text((size / 2, size / 2), ch, font=font, fill=SEAL_RED, anchor="mm")
        tile = tile.rotate(-math.degrees(mid), resample=Image.Resampling.BICUBIC)
        x = centre + radius * math.sin(mid) - size / 2
        y = centre - radius * math.cos(mid) - size / 2
        image.alpha_composite(tile, (int(x), int(y)))
        angle += per_px * width


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, outer: float) -> None:
    inner = outer * 0.382
    points = []
    for i in range(10):
        r = outer if i % 2 == 0 else inner
        a = math.radians(-90 + i * 36)
        points.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    draw.polygon(points, fill=SEAL_RED)


def seal_png(unit_name: str, place: str = "") -> bytes:
    """A round red seal: the unit's name along the rim, a star in the middle, the place below it."""
    size = SEAL_SIZE
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    c = size / 2
    draw.ellipse((8, 8, size - 8, size - 8), outline=SEAL_RED, width=14)
    draw.ellipse((130, 130, size - 130, size - 130), outline=SEAL_RED, width=6)
    name = " ".join(unit_name.upper().split())
    _arc_text(image, f"★ {name} ★", radius=c - 62, font=_font(44 if len(name) < 36 else 36), span=310)
    _star(draw, c, c - 18, 70)
    if place:
        draw.text((c, c + 88), place.upper()[:18], font=_font(36), fill=SEAL_RED, anchor="mm")
    return _png(image)


def signature_png(seed: str) -> bytes:
    """A blue signature-like scribble, the same for the same ``seed`` (the unit's code)."""
    rng = random.Random(seed)
    width, height = 720, 360
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    # A fast handwriting-like stroke: a few loops of shrinking size drifting up to the right.
    loops = rng.randint(2, 3)
    a, b = rng.uniform(30, 45), rng.uniform(70, 95)
    phase = rng.uniform(0.3, 1.2)
    points = []
    steps = 400
    for i in range(steps + 1):
        t = i / steps
        x = 60 + t * (width - 180) + a * math.sin(2 * math.pi * loops * t + phase) * (1 - 0.5 * t)
        y = height * 0.55 - b * math.sin(2 * math.pi * loops * t) * (1 - 0.7 * t) - 70 * t
        points.append((x, y))
    draw.line(points, fill=SIGNATURE_BLUE, width=9, joint="curve")
    # The closing flourish under the name.
    draw.line(
        [(90, height * 0.82), (width * 0.5, height * 0.7), (width - 40, height * 0.5)],
        fill=SIGNATURE_BLUE,
        width=7,
        joint="curve",
    )
    return _png(image)


def check_png(data: bytes) -> tuple[int, int]:
    """The size of a PNG, or ValueError with a Vietnamese message when it is not one."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != "PNG":
                raise ValueError("Hình phải là tệp PNG.")
            image.verify()
            return image.size
    except ValueError:
        raise
    except Exception as exc:  # Pillow raises many kinds for a broken file
        raise ValueError("Tệp không phải hình PNG đọc được.") from exc
