"""The certificate and the notice as PDF: text, QR code, revocation mark, fonts (no database)."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pypdf
import pypdfium2
import pytest
import zxingcpp
from reportlab.pdfbase import pdfmetrics

from app.core.config import get_settings
from app.core.documents import fonts
from app.core.documents.pdf import (
    CERTIFICATE_TITLE,
    NOTICE_TITLE,
    area_text,
    chinese_date,
    chinese_ordinal,
    investment_text,
    render_certificate_pdf,
    render_notice_pdf,
)
from tests.core.documents import samples

IN_CI = os.environ.get("CI") == "true"


def squeeze(text: str) -> str:
    """Text without whitespace: wrapped lines come back with line breaks inside sentences."""
    return "".join(text.split())


def page_text(pdf: bytes) -> str:
    return squeeze(pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text())


def qr_texts(pdf: bytes) -> list[str]:
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=3).to_pil()
    return [barcode.text for barcode in zxingcpp.read_barcodes(image)]


def page_fonts(pdf: bytes) -> list[pypdf.generic.DictionaryObject]:
    resources = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]
    return [font.get_object() for font in resources["/Font"].values()]


def has_embedded_truetype(font: pypdf.generic.DictionaryObject) -> bool:
    descriptors = [font.get("/FontDescriptor")]
    descriptors += [d.get_object().get("/FontDescriptor") for d in font.get("/DescendantFonts", [])]
    return any(d is not None and "/FontFile2" in d.get_object() for d in descriptors)


@pytest.fixture
def fresh_fonts() -> Iterator[None]:
    """Rediscover fonts for this test, and again afterwards for the tests that follow."""
    fonts.clear_font_cache()
    yield
    fonts.clear_font_cache()


def test_certificate_text_qr_and_metadata() -> None:
    doc = samples.certificate()
    pdf = render_certificate_pdf(doc)

    assert pdf.startswith(b"%PDF")
    text = page_text(pdf)
    for expected in (CERTIFICATE_TITLE, f"证书编号：{doc.number}", doc.project_name, doc.rent_requirement,
                     doc.issuer, "2026年11月29日", doc.addressee, "（国办发〔2021〕22号）",
                     "现认定昌南新区陶溪川青年人才公寓项目为保障性租赁住房",
                     "凭此认定书，有关部门单位给予办理立项", *doc.benefits,
                     "项目总投资", "0.3500亿元（35,000,000.00元）", "12,345.60m²", "11,000.01m²",
                     "236套（间）", "合作方<联合体>", "扫码核验证书真伪"):
        assert squeeze(expected) in text, expected
    assert "已撤销" not in text
    assert qr_texts(pdf) == [doc.verify_url]

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    assert reader.metadata.title == f"{CERTIFICATE_TITLE}（{doc.number}）"
    assert reader.metadata.author == doc.issuer


def test_revoked_certificate_is_marked_with_date_and_reason() -> None:
    doc = samples.revoked_certificate()
    pdf = render_certificate_pdf(doc)

    text = page_text(pdf)
    assert "已撤销" in text
    assert "2027年2月3日" in text
    assert squeeze(doc.revoked_reason or "") in text
    assert doc.project_name in text
    assert qr_texts(pdf) == [doc.verify_url]


def test_long_cell_text_wraps_inside_the_page() -> None:
    long_rent = "租金不高于同地段同品质市场租赁住房租金的90%，" * 12
    pdf = render_certificate_pdf(samples.certificate(rent_requirement=long_rent))

    assert squeeze(long_rent) in page_text(pdf)
    page = pypdfium2.PdfDocument(pdf)[0]
    width = page.get_width()
    chars = page.get_textpage()
    right_edges = [chars.get_charbox(i)[2] for i in range(chars.count_chars())]
    assert max(right_edges) <= width - 19 * 72 / 25.4  # nothing runs into the 20 mm margin


def test_notice_lists_every_reason_with_its_article() -> None:
    doc = samples.notice()
    pdf = render_notice_pdf(doc)

    assert pdf.startswith(b"%PDF")
    text = page_text(pdf)
    for expected in (NOTICE_TITLE, doc.number, doc.addressee, doc.project_name, doc.stage,
                     doc.comment, doc.issuer, "2026年11月29日", "第二十四条"):
        assert squeeze(expected) in text, expected
    for n, reason in enumerate(doc.reasons, start=1):
        assert squeeze(f"{chinese_ordinal(n)}、{reason.message}（依据：{reason.article}）") in text
    assert qr_texts(pdf) == [doc.verify_url]
    assert pypdf.PdfReader(io.BytesIO(pdf)).metadata.author == doc.issuer


def test_truetype_cjk_font_is_embedded() -> None:
    candidates = [p for p in (get_settings().pdf_font, *fonts.CANDIDATE_PATHS) if p]
    present = [p for p in candidates if Path(p).is_file()]
    if not present:
        message = "no TrueType CJK font installed (apt-get install fonts-wqy-microhei)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)

    assert fonts.font_is_embedded()
    face_name = pdfmetrics.getFont(fonts.cjk_font_name()).face.name.decode()
    for pdf in (render_certificate_pdf(samples.certificate()), render_notice_pdf(samples.notice())):
        cjk = [f for f in page_fonts(pdf) if face_name in str(f.get("/BaseFont"))]
        assert cjk, [f.get("/BaseFont") for f in page_fonts(pdf)]
        assert all(has_embedded_truetype(f) for f in cjk)


@pytest.mark.usefixtures("fresh_fonts")
def test_without_truetype_fonts_falls_back_to_cid_font(monkeypatch: pytest.MonkeyPatch,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(fonts, "CANDIDATE_PATHS", ())
    monkeypatch.setattr(fonts, "BUNDLED_FONT", "/nonexistent/shipped.ttc")  # a stripped install
    monkeypatch.setattr(get_settings(), "pdf_font", None)

    assert fonts.cjk_font_name() == fonts.CID_FALLBACK
    assert not fonts.font_is_embedded()
    assert "No TrueType CJK font found" in caplog.text

    doc = samples.certificate()
    pdf = render_certificate_pdf(doc)
    assert pdf.startswith(b"%PDF")
    text = page_text(pdf)
    for expected in (CERTIFICATE_TITLE, doc.number, doc.project_name, doc.issuer):
        assert squeeze(expected) in text
    assert qr_texts(pdf) == [doc.verify_url]
    base_fonts = [str(f.get("/BaseFont")) for f in page_fonts(pdf)]
    assert f"/{fonts.CID_FALLBACK}" in base_fonts
    assert not any(has_embedded_truetype(f) for f in page_fonts(pdf))


@pytest.mark.usefixtures("fresh_fonts")
def test_unusable_configured_font_is_skipped(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    bogus = tmp_path / "not-a-font.ttf"
    bogus.write_bytes(b"definitely not TrueType")
    monkeypatch.setattr(fonts, "CANDIDATE_PATHS", ())
    monkeypatch.setattr(fonts, "BUNDLED_FONT", "/nonexistent/shipped.ttc")
    monkeypatch.setattr(get_settings(), "pdf_font", str(bogus))

    assert fonts.cjk_font_name() == fonts.CID_FALLBACK
    assert render_notice_pdf(samples.notice()).startswith(b"%PDF")


@pytest.mark.usefixtures("fresh_fonts")
def test_configured_font_comes_first(monkeypatch: pytest.MonkeyPatch) -> None:
    present = [p for p in fonts.CANDIDATE_PATHS if Path(p).is_file()]
    if not present:
        pytest.skip("no TrueType CJK font installed")
    monkeypatch.setattr(fonts, "CANDIDATE_PATHS", ())
    monkeypatch.setattr(get_settings(), "pdf_font", present[0])

    assert fonts.font_is_embedded()
    assert fonts.chosen_font().path == present[0]


@pytest.mark.parametrize(("value", "expected"), [
    (Decimal("12345.6"), "12,345.60 m²"),
    (Decimal("0.005"), "0.01 m²"),
    (Decimal("1234567"), "1,234,567.00 m²"),
])
def test_area_text(value: Decimal, expected: str) -> None:
    assert area_text(value) == expected


def test_investment_in_yi_yuan() -> None:
    assert investment_text(Decimal("35000000")) == "0.3500 亿元（35,000,000.00 元）"
    assert investment_text(Decimal("1234567890.5")) == "12.3457 亿元（1,234,567,890.50 元）"


def test_chinese_forms() -> None:
    assert chinese_date(date(2026, 11, 29)) == "2026年11月29日"
    ordinals = [chinese_ordinal(n) for n in (1, 9, 10, 11, 20, 23)]
    assert ordinals == ["一", "九", "十", "十一", "二十", "二十三"]
