"""QR helpers: inline SVG for pages, vector code on a PDF canvas."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pypdfium2
import zxingcpp
from reportlab.pdfgen.canvas import Canvas

from app.core.documents.qr import draw_qr, qr_svg

URL = "https://baozu.jdz.gov.cn/certificates/2026-0042?x=1&y=2"


def test_svg_is_labelled_and_well_formed() -> None:
    svg = qr_svg(URL)

    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert root.get("role") == "img"
    assert root.get("aria-label") == "扫码核验"
    assert svg.count("<title>扫码核验</title>") == 1


def test_canvas_code_decodes_at_any_position() -> None:
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    draw_qr(canvas, URL, 100, 500, 85)  # about 30 mm
    canvas.save()

    image = pypdfium2.PdfDocument(buffer.getvalue())[0].render(scale=3).to_pil()
    assert [barcode.text for barcode in zxingcpp.read_barcodes(image)] == [URL]
