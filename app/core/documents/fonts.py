"""The CJK font for generated PDFs: an embedded TrueType subset, or Adobe's STSong-Light as a last resort.

Order: ``BAOZU_PDF_FONT`` (Settings.pdf_font), then well-known system files. reportlab reads
only TrueType outlines, so CFF fonts (e.g. Noto CJK ``.ttc``) fail to load and are skipped.
Without any usable file the built-in CID font ``STSong-Light`` is used: the PDF still renders
and its text extracts, but the font is not embedded and viewers substitute their own.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont

from app.core.config import get_settings

log = logging.getLogger(__name__)

CID_FALLBACK = "STSong-Light"

CANDIDATE_PATHS: tuple[str, ...] = (
    # Debian / Ubuntu (CI installs fonts-wqy-microhei)
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    # Fedora / Arch
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc",
    # macOS
    "/System/Library/Fonts/Supplemental/Songti.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
    "/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
    # Windows
    "C:/Windows/Fonts/simsun.ttc",
    "C:/Windows/Fonts/simhei.ttf",
    "C:/Windows/Fonts/msyh.ttc",
)

_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class ChosenFont:
    name: str                 # the name registered with reportlab
    embedded: bool
    path: str | None = None   # the TrueType file, when embedded


def cjk_font_name() -> str:
    """The registered reportlab font name to set Chinese text in (registers it on first call)."""
    return chosen_font().name


def font_is_embedded() -> bool:
    """Whether PDFs embed the font (TrueType subset) rather than naming STSong-Light."""
    return chosen_font().embedded


def chosen_font() -> ChosenFont:
    """The font in use, chosen and registered once per process (see ``clear_font_cache``)."""
    with _lock:
        return _choose()


def clear_font_cache() -> None:
    """Forget the choice so the next call discovers again (tests, a changed setting)."""
    with _lock:
        _choose.cache_clear()


@cache
def _choose() -> ChosenFont:
    configured = get_settings().pdf_font
    if configured:
        name = _load_truetype(configured)
        if name is not None:
            return ChosenFont(name, embedded=True, path=configured)
        log.warning("BAOZU_PDF_FONT=%s is not a readable TrueType font; looking for a system font",
                    configured)
    for path in CANDIDATE_PATHS:
        if Path(path).is_file() and (name := _load_truetype(path)) is not None:
            return ChosenFont(name, embedded=True, path=path)
    log.warning("No TrueType CJK font found (install fonts-wqy-microhei or set BAOZU_PDF_FONT); "
                "PDFs name the non-embedded font %s and viewers substitute their own", CID_FALLBACK)
    pdfmetrics.registerFont(UnicodeCIDFont(CID_FALLBACK))
    return ChosenFont(CID_FALLBACK, embedded=False)


@cache
def _load_truetype(path: str) -> str | None:
    """Register a TrueType file (first face of a collection); its name, or None if unusable."""
    options = {"subfontIndex": 0} if path.lower().endswith(".ttc") else {}
    name = f"BaozuCJK-{Path(path).stem}"
    try:
        font = TTFont(name, path, **options)
    except Exception as exc:  # missing, unreadable, CFF outlines, restricted embedding …
        log.info("skipping font %s: %s", path, exc)
        return None
    if ord("中") not in font.face.charToGlyph:
        log.info("skipping font %s: no CJK glyphs", path)
        return None
    pdfmetrics.registerFont(font)
    return name
