"""How a signed document looks (Decree 30, Appendix I, part II): the signer's signature image at the
place where they sign on paper, the agency's red seal overlapping about a third of it on its left, the
agency's name and the signing time (ISO 8601, +07:00) beside them; and, in the bottom margin of the
first page, the verification code and its QR code. Nothing of the document's own layout moves: the
signature is a widget drawn over the blank space of the signature block."""

from __future__ import annotations

import datetime
import hashlib
import io
import os
import tempfile
import threading
import uuid
import weakref
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import pypdfium2
import segno
from PIL import Image
from pyhanko.pdf_utils import content as pdf_content
from pyhanko.pdf_utils import generic, layout
from pyhanko.pdf_utils import images as pdf_images
from pyhanko.pdf_utils.font import api as font_api
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.stamp import TextStamp, TextStampStyle
from pyhanko.stamp import base as stamp_base

from signing.images import font_path

VN = ZoneInfo("Asia/Ho_Chi_Minh")
SEAL_RED_PDF = (0.78, 0.09, 0.16)
# pyHanko formats the signing time with this; Decree30StampStyle turns it into ISO 8601 at +07:00.
_TS_FORMAT = "%Y-%m-%dT%H:%M:%S%z"

SEAL_DIAMETER = 72  # pt (25 mm): as large as the blank of the signature block allows
SIGNATURE_HEIGHT = 54
TEXT_WIDTH = 92
TEXT_SIZE = 7
BOX_HEIGHT = SEAL_DIAMETER


def iso_time(moment: datetime.datetime) -> str:
    """ "2026-05-10T09:12:33+07:00"."""
    return moment.astimezone(VN).replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class Placement:
    page: int  # index from 0
    box: tuple[float, float, float, float]  # x1, y1, x2, y2 in PDF points from the bottom left


def find_signing_place(pdf_bytes: bytes, signer_name: str, signer_title: str, box_width: int) -> Placement:
    """The blank room above the signer's printed name in the last page's signature block (or under
    the title when no name is printed): the signature image over the middle of the name, so the
    widget's box starts left of it by the seal's overlap."""
    document = pypdfium2.PdfDocument(pdf_bytes)
    try:
        index = len(document) - 1
        page = document[index]
        width, height = page.get_size()
        text = page.get_textpage()
        anchor = _last_match(text, signer_name) if signer_name.strip() else None
        if anchor is not None:
            left, bottom, right, top = anchor
            centre = (left + right) / 2
            y1 = top + 2
        else:
            title = _last_match(text, signer_title.upper()) if signer_title.strip() else None
            if title is not None:
                left, bottom, right, top = title
                centre = (left + right) / 2
                y1 = bottom - 4 - BOX_HEIGHT
            else:  # nothing to anchor on: the right half of the page, above the bottom margin
                centre, y1 = width * 0.68, 80.0
        x1 = centre - (box_width - TEXT_WIDTH) * 0.6
        x1 = min(max(x1, 10.0), width - box_width - 40.0)  # within the 15 mm right margin
        y1 = min(max(y1, 10.0), height - BOX_HEIGHT - 10.0)
        return Placement(index, (x1, y1, x1 + box_width, y1 + BOX_HEIGHT))
    finally:
        document.close()


def _last_match(text: pypdfium2.PdfTextPage, needle: str) -> tuple[float, float, float, float] | None:
    searcher = text.search(" ".join(needle.split()), match_case=True)
    found = None
    while (hit := searcher.get_next()) is not None:
        found = hit
    if found is None:
        return None
    start, count = found
    boxes = [text.get_charbox(i) for i in range(start, start + count)]
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


@lru_cache(maxsize=64)
def composite_image(seal_png: bytes, signature_png: bytes) -> Image.Image:
    """The seal overlapping the left third of the signature, as one transparent image at 3 px per pt (216 dpi)."""
    scale = 3
    seal = Image.open(io.BytesIO(seal_png)).convert("RGBA")
    signature = Image.open(io.BytesIO(signature_png)).convert("RGBA")
    diameter = SEAL_DIAMETER * scale
    seal = seal.resize((diameter, diameter), Image.Resampling.LANCZOS)
    sig_h = SIGNATURE_HEIGHT * scale
    sig_w = max(1, round(signature.width * sig_h / signature.height))
    signature = signature.resize((sig_w, sig_h), Image.Resampling.LANCZOS)
    # The seal's right edge lies a third of the way into the signature.
    sig_x = diameter - sig_w // 3
    canvas = Image.new("RGBA", (sig_x + sig_w, diameter), (0, 0, 0, 0))
    canvas.alpha_composite(signature, (sig_x, (diameter - sig_h) // 2))
    canvas.alpha_composite(seal, (0, 0))
    return canvas


def images_width(image: Image.Image) -> int:
    return round(image.width * SEAL_DIAMETER / image.height)


# Latin letters, digits, punctuation and every precomposed Vietnamese letter (Latin Extended
# Additional and the few in Latin-1/Extended-A/B).
_VIETNAMESE = (
    list(range(0x20, 0x7F))
    + list(range(0xC0, 0x17F))
    + [0x1A0, 0x1A1, 0x1AF, 0x1B0]
    + list(range(0x1EA0, 0x1EFA))
    + [0x2013, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2026, 0x2605]
)


def lean_font(source: str) -> str:
    """A copy of ``source`` with only the glyphs the stamps print and no layout tables, made once
    and kept on disk: pyHanko subsets the font on every signature, and a whole Tinos (with its
    GSUB/GPOS tables) takes over a second to subset, the lean copy a few milliseconds."""
    from fontTools import subset
    from fontTools.ttLib.scaleUpem import scale_upem

    stat = Path(source).stat()
    key = hashlib.sha256(f"{source}|{stat.st_size}|{stat.st_mtime_ns}|1000".encode()).hexdigest()[:16]
    target = Path(tempfile.gettempdir()) / "portal-signing-fonts" / f"{Path(source).stem}-{key}.ttf"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        options = subset.Options()
        options.layout_features = []
        options.hinting = False
        options.notdef_outline = True
        font = subset.load_font(source, options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=_VIETNAMESE)
        subsetter.subset(font)
        # pyHanko writes glyph widths and kerning as if the font had 1000 units per em.
        scale_upem(font, 1000)
        partial = target.with_suffix(f".{os.getpid()}.tmp")
        subset.save_font(font, str(partial), options)
        partial.replace(target)  # atomic: two processes making it at once both succeed
    return str(target)


_ENGINES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class SharedFontFactory(GlyphAccumulatorFactory):
    """One embedded font per PDF writer for all the text we add (the footer and the signature), so
    the font is subset and written once per document rather than once per text box."""

    def create_font_engine(self, writer: BasePdfFileWriter, obj_stream: object = None) -> GlyphAccumulator:
        engine = _ENGINES.get(writer)
        if engine is None:
            engine = _ENGINES[writer] = super().create_font_engine(writer, obj_stream)
            # The embedded subset keeps the lean font's date instead of "saved now" (same PDF, same bytes).
            engine.tt.recalcTimestamp = False
        return engine


@lru_cache(maxsize=4)
def _font_factory(path: str) -> SharedFontFactory:
    # The factory's size places the glyphs, so every text box uses TEXT_SIZE.
    return SharedFontFactory(lean_font(path), font_size=TEXT_SIZE)


@dataclass(frozen=True)
class Decree30StampStyle(TextStampStyle):
    """pyHanko's text stamp, with the signing time as ISO 8601 in Viet Nam's time zone."""

    timestamp_format: str = _TS_FORMAT

    def create_stamp(self, writer: BasePdfFileWriter, box: layout.BoxConstraints, text_params: dict) -> TextStamp:
        params = dict(text_params)
        if "ts" in params:
            params["ts"] = iso_time(datetime.datetime.strptime(params["ts"], _TS_FORMAT))
        return super().create_stamp(writer, box, params)


def wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def signature_style(agency_name: str, seal_png: bytes, signature_png: bytes) -> tuple[Decree30StampStyle, int]:
    """The stamp style of the signature widget, and the widget's width in points."""
    image = composite_image(seal_png, signature_png)
    width = images_width(image)
    name = "\n".join(wrap(agency_name.upper(), 21))
    style = Decree30StampStyle(
        stamp_text=f"Ký bởi: {name}\nThời gian ký:\n%(ts)s",
        text_box_style=TextBoxStyle(
            font=_font_factory(font_path()),
            font_size=TEXT_SIZE,
            leading=TEXT_SIZE + 2,
            text_color=SEAL_RED_PDF,
        ),
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins(left=width - 4, right=0, top=0, bottom=0),
        ),
        background=PdfImage(image),
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins(left=0, right=TEXT_WIDTH, top=0, bottom=0),
        ),
        background_opacity=1.0,
        border_width=0,
    )
    return style, width + TEXT_WIDTH


def qr_image(url: str) -> Image.Image:
    out = io.BytesIO()
    # A fixed mask: choosing the best of eight costs more than the rest of the footer.
    segno.make(url, error="m", micro=False, mask=0, boost_error=False).save(out, kind="png", scale=8, border=2)
    out.seek(0)
    return Image.open(out).convert("L")


class _StampNames:
    """pyHanko names the stamps and images it places with ``uuid4()``. While the footer is placed the
    names are derived from the document's code instead (one after the other), so an issued PDF rendered
    again from the same record (its first write failed) is the same bytes; elsewhere they stay random."""

    seed = threading.local()

    def __getattr__(self, name: str) -> object:
        return getattr(uuid, name)

    def uuid4(self) -> uuid.UUID:
        seed = getattr(self.seed, "value", None)
        if not seed:
            return uuid.uuid4()
        self.seed.count = getattr(self.seed, "count", 0) + 1
        return uuid.uuid5(uuid.NAMESPACE_URL, f"{seed}:{self.seed.count}")

    def subset_prefix(self) -> str:
        """The six capitals that name an embedded font subset (random in pyHanko)."""
        if not getattr(self.seed, "value", None):
            return _random_subset_prefix()
        digest = self.uuid4().bytes
        return "".join(font_api.ALPHABET[b % 26] for b in digest[:6])


_random_subset_prefix = font_api.generate_subset_prefix
_stamp_names = _StampNames()
for _module in (stamp_base, pdf_images, pdf_content):
    _module.uuid = _stamp_names  # type: ignore[attr-defined]
font_api.generate_subset_prefix = _stamp_names.subset_prefix


def reproducible(writer: IncrementalPdfFileWriter, pdf_bytes: bytes) -> None:
    """No "modified now" and no random file identifier in what ``writer`` adds: the stored PDF of an
    issued document is the record, and one rendered again from the same record (its first write failed
    on a full disk) must be the same bytes. (pyHanko has no option for either; both are its internals.)"""
    digest = hashlib.sha256(pdf_bytes).digest()
    writer._update_meta = lambda: None  # type: ignore[method-assign]
    writer._document_id = generic.ArrayObject(
        [generic.ByteStringObject(digest[:16]), generic.ByteStringObject(digest[16:])]
    )


def add_verification_footer(writer: BasePdfFileWriter, *, code: str, url: str, signed_by: str) -> None:
    """The code and its QR code in the bottom margin of the first page (20 mm of Decree 30's margin
    that nothing else uses), left-aligned with the text."""
    _stamp_names.seed.value, _stamp_names.seed.count = f"footer:{code}", 0
    try:
        _place_footer(writer, code=code, url=url, signed_by=signed_by)
    finally:
        _stamp_names.seed.value = None


def _place_footer(writer: BasePdfFileWriter, *, code: str, url: str, signed_by: str) -> None:
    lines = [f"Mã xác thực: {code}", f"Kiểm tra văn bản tại: {url}"]
    lines.append(f"Bản điện tử có chữ ký số của {signed_by}." if signed_by else "Bản điện tử không có chữ ký số.")
    style = TextStampStyle(
        stamp_text="\n".join(lines),
        text_box_style=TextBoxStyle(font=_font_factory(font_path()), font_size=TEXT_SIZE, leading=TEXT_SIZE + 2),
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins(left=44, right=0, top=0, bottom=0),
        ),
        background=PdfImage(qr_image(url)),
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins(left=0, right=420, top=0, bottom=0),
        ),
        background_opacity=1.0,
        border_width=0,
    )
    width, height = 468, 42
    stamp = TextStamp(writer, style, box=layout.BoxConstraints(width=width, height=height))
    # x: the 30 mm left margin; y: inside the 20 mm bottom margin.
    stamp.apply(0, 85.0, 8.0)  # type: ignore[arg-type]  # PDF points; pyHanko takes floats
