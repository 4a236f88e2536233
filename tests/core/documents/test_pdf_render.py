"""Issue 21: every PDF the approval service makes (certificate valid / revoked / exited / with a
long policy list, the notice) rendered to PNG: one page for a certificate, no replacement
characters, "m²" as typed, the font embedded — also on a machine without any CJK font (the
shipped font), and a font installed later used without a restart."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pypdf
import pypdfium2
import pytest

from app.core.config import get_settings
from app.core.documents import fonts
from app.core.documents.pdf import render_certificate_pdf, render_notice_pdf
from tests.core.documents import samples

MANY_BENEFITS = tuple(f"第{n}项支持政策：" + "按照有关规定落实相应的税费减免、价格优惠与资金补助政策，" * 3
                      for n in range(1, 9))


def documents() -> dict[str, bytes]:
    return {
        "certificate": render_certificate_pdf(samples.certificate()),
        "revoked": render_certificate_pdf(samples.revoked_certificate()),
        "exited": render_certificate_pdf(samples.certificate(status="exited")),
        "many benefits": render_certificate_pdf(samples.certificate(benefits=MANY_BENEFITS)),
        "notice": render_notice_pdf(samples.notice()),
    }


def embedded_only(pdf: bytes) -> bool:
    """Every font on every page is embedded (FontFile2 in its descriptor)."""
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if font.get("/Subtype") == "/Type1" and str(font.get("/BaseFont")) in {
                    "/Helvetica", "/Times-Roman", "/Courier"}:  # the 14 standard fonts need none
                continue
            descriptors = [font.get("/FontDescriptor")] + [
                d.get_object().get("/FontDescriptor") for d in font.get("/DescendantFonts", [])]
            if not any(d is not None and "/FontFile2" in d.get_object() for d in descriptors):
                return False
    return True


def check(name: str, pdf: bytes) -> None:
    document = pypdfium2.PdfDocument(pdf)
    if name != "notice":
        assert len(document) == 1, f"{name}: {len(document)} pages"
    text = "".join(page.get_textpage().get_text_range() for page in document)
    assert "\ufffd" not in text, name
    if name != "notice":  # (the notice states no area)
        assert "m²" in "".join(text.split()), name
    for page in document:  # renders (a broken font or stream fails here)
        image = page.render(scale=1).to_pil()
        assert image.size[0] > 500 and image.getextrema() != ((255, 255),) * 3
    assert embedded_only(pdf), name


@pytest.fixture
def fresh_fonts() -> Iterator[None]:
    fonts.clear_font_cache()
    yield
    fonts.clear_font_cache()


def test_every_pdf_renders_on_one_correct_page_with_its_font_embedded() -> None:
    for name, pdf in documents().items():
        check(name, pdf)


@pytest.mark.usefixtures("fresh_fonts")
def test_a_machine_without_any_cjk_font_uses_the_shipped_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "CANDIDATE_PATHS", ("/nonexistent/font.ttc",))
    monkeypatch.setattr(get_settings(), "pdf_font", None)
    assert fonts.chosen_font().path == fonts.BUNDLED_FONT and fonts.font_is_embedded()
    for name, pdf in documents().items():
        check(name, pdf)


@pytest.mark.usefixtures("fresh_fonts")
def test_a_font_installed_later_is_used_without_a_restart(monkeypatch: pytest.MonkeyPatch,
                                                          tmp_path: Path) -> None:
    later = tmp_path / "later.ttc"
    monkeypatch.setattr(fonts, "CANDIDATE_PATHS", (str(later),))
    monkeypatch.setattr(get_settings(), "pdf_font", None)
    assert fonts.chosen_font().path == fonts.BUNDLED_FONT
    later.write_bytes(Path(fonts.BUNDLED_FONT).read_bytes())  # "installed" while running
    assert fonts.chosen_font().path == str(later)
    check("certificate", render_certificate_pdf(samples.certificate()))
