"""QR codes for verification links: inline SVG for pages, vector modules for PDFs (via segno)."""

from __future__ import annotations

from html import escape

import segno
from reportlab.lib.colors import black, white
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

QUIET_ZONE = 4  # modules of light border on every side (ISO/IEC 18004)
LABEL = "扫码核验"


def make_qr(url: str) -> segno.QRCode:
    """A regular (never micro) QR code at error level M, or higher when it fits the same version."""
    return segno.make(url, error="m", micro=False)


def qr_svg(url: str, *, scale: int = 4, label: str = LABEL) -> str:
    """Inline ``<svg>`` for an HTML page, with a white quiet zone and an accessible label."""
    svg = make_qr(url).svg_inline(scale=scale, border=QUIET_ZONE, title=label, light="#fff",
                                  svgclass="qr")
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)


def draw_qr(canvas: Canvas, url: str, x: float, y: float, size: float) -> None:
    """Draw the code for ``url`` as a ``size``×``size`` square (points) with its lower-left at (x, y).

    The quiet zone is inside ``size``; dark modules are filled rectangles, one per horizontal run.
    """
    matrix = make_qr(url).matrix
    modules = len(matrix) + 2 * QUIET_ZONE
    unit = size / modules
    canvas.saveState()
    canvas.setFillColor(white)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColor(black)
    path = canvas.beginPath()
    for row_index, row in enumerate(matrix):
        top = y + size - (QUIET_ZONE + row_index) * unit
        col = 0
        while col < len(row):
            if not row[col]:
                col += 1
                continue
            start = col
            while col < len(row) and row[col]:
                col += 1
            path.rect(x + (QUIET_ZONE + start) * unit, top - unit, (col - start) * unit, unit)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


class QrFlowable(Flowable):
    """A QR code as a platypus flowable of ``size`` points square."""

    def __init__(self, url: str, size: float) -> None:
        super().__init__()
        self.url = url
        self.width = self.height = size

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        draw_qr(self.canv, self.url, 0, 0, self.width)
