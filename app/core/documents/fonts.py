"""The CJK font for generated PDFs (certificates, notices, contracts): one function,
:func:`chosen_font`, returns the font to register and set Chinese text in.

Why a font ships with the code. A PDF that names a font without embedding it (reportlab's
built-in ``STSong-Light``) is only correct where the viewer has a matching font; elsewhere it
substitutes one, and characters outside the CID font's map (``m²``) print as ``m�``. A fresh
clone with ``make run`` must produce a correct, self-contained PDF on a machine without any
CJK font, without root rights or a network download at run time. So the repository ships
文泉驿微米黑 (WenQuanYi Micro Hei, Apache-2.0: redistribution and embedding allowed; see
``font_files/README.md``), a TrueType collection reportlab can read and subset (the Noto/Source
Han CJK fonts on PyPI are CFF outlines, which reportlab cannot embed). It costs 5 MB of the
checkout; PDFs embed only the glyphs they use (a subset, ~100 kB).

Order: ``BAOZU_PDF_FONT`` (Settings.pdf_font), then well-known system files (a city that
prefers 宋体 installs it or names it), then the shipped font. reportlab reads only TrueType
outlines, so CFF fonts fail to load and are skipped. The choice is made again on every call
(a few ``stat`` calls; each file is loaded and registered once per process), so a font
installed or configured later is used without a restart. ``STSong-Light`` (not embedded) is
left only for an installation stripped of the shipped file, with a warning.
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
BUNDLED_FONT = str(Path(__file__).with_name("font_files") / "wqy-microhei.ttc")

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
    """The font to register and set Chinese text in: the first usable of the configured font,
    the system fonts and the shipped one (each loaded once; the choice re-made on each call)."""
    with _lock:
        return _choose()


def clear_font_cache() -> None:
    """Forget loaded files and warnings (tests, a font file replaced in place)."""
    with _lock:
        _load_truetype.cache_clear()
        _fallback.cache_clear()


def has_glyph(char: str) -> bool:
    """Whether the chosen font draws ``char`` (the CID fallback: only CJK and ASCII)."""
    font = chosen_font()
    if not font.embedded:
        return char.isascii()
    return ord(char) in pdfmetrics.getFont(font.name).face.charToGlyph


def _choose() -> ChosenFont:
    configured = get_settings().pdf_font
    if configured:
        name = _load_truetype(configured)
        if name is not None:
            return ChosenFont(name, embedded=True, path=configured)
        _warn_configured(configured)
    for path in (*CANDIDATE_PATHS, BUNDLED_FONT):
        if Path(path).is_file() and (name := _load_truetype(path)) is not None:
            return ChosenFont(name, embedded=True, path=path)
    return _fallback()


@cache
def _warn_configured(path: str) -> None:
    log.warning("BAOZU_PDF_FONT=%s is not a readable TrueType font; looking for a system font", path)


@cache
def _fallback() -> ChosenFont:
    log.warning("No TrueType CJK font found (the shipped %s is missing; install fonts-wqy-microhei "
                "or set BAOZU_PDF_FONT); PDFs name the non-embedded font %s and viewers substitute "
                "their own", BUNDLED_FONT, CID_FALLBACK)
    pdfmetrics.registerFont(UnicodeCIDFont(CID_FALLBACK))
    return ChosenFont(CID_FALLBACK, embedded=False)


@cache
def _load_truetype(path: str) -> str | None:
    """Register a TrueType file (first face of a collection); its name, or None if unusable."""
    options = {"subfontIndex": 0} if path.lower().endswith(".ttc") else {}
    name = f"BaozuCJK-{Path(path).stem}" + ("-shipped" if path == BUNDLED_FONT else "")
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
