"""Photos and plans (app.upkeep.media): checked by content, re-encoded without metadata, too many
or too large refused naming the file, served to the parties only, and nothing half-written when
an upload fails midway or the transaction rolls back after the files were placed."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from app.core.config import get_settings
from app.upkeep import media
from app.upkeep import service as upkeep_service
from app.upkeep.models import RepairRequest, UpkeepPhoto
from tests.conftest import count
from tests.upkeep.conftest import API, Home, jpeg, noise_jpeg, pdf, png


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A media folder of this test's own, to see exactly what was written."""
    monkeypatch.setattr(get_settings(), "media_dir", tmp_path / "media")
    return tmp_path / "media"


def files_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def test_a_png_named_jpg_is_accepted_as_a_png(home: Home, folder: Path) -> None:
    made = home.report(photos=[("photo.jpg", png(), "image/jpeg")])
    [photo] = made["photos"]
    assert photo["content_type"] == "image/png"
    served = home.client.get(f"{API}/photos/{photo['id']}", headers=home.person.headers)
    assert served.status_code == 200 and served.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(served.content)).format == "PNG"
    [stored] = files_in(folder)
    assert stored.suffix == ".png" and hashlib.sha256(stored.read_bytes()).hexdigest() == photo["sha256"]


@pytest.mark.parametrize(("name", "content", "why"), [
    ("notes.jpg", "这不是图片，只是一段文字".encode(), "不是 JPEG 或 PNG 图片"),
    ("fake.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "不是 JPEG 或 PNG 图片"),
    ("plan.jpg", None, "不是 JPEG 或 PNG 图片"),  # a PDF named .jpg
    ("empty.jpg", b"", "空文件"),
])
def test_a_file_that_is_not_an_image_is_refused_naming_it(home: Home, folder: Path, session,
                                                           name: str, content: bytes | None,
                                                           why: str) -> None:
    before = count(session, "repair_request")
    body = home.report(photos=[("ok.jpg", jpeg(), "image/jpeg"),
                               (name, content if content is not None else pdf(), "image/jpeg")],
                       expect=422)
    assert name in body["detail"] and why in body["detail"] and body["file"] == name
    assert body["errors"][0]["field"] == "photos[1]"
    assert count(session, "repair_request") == before and files_in(folder) == []


def test_exif_and_gps_are_gone_after_upload(home: Home) -> None:
    original = jpeg((80, 60), gps=True)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the camera's GPS is there
    assert b"TestCam" in original
    [photo] = home.report(photos=[("with-gps.jpg", original, "image/jpeg")])["photos"]
    served = home.client.get(f"{API}/photos/{photo['id']}", headers=home.person.headers).content
    image = Image.open(io.BytesIO(served))
    assert image.format == "JPEG" and dict(image.getexif()) == {}
    assert image.getexif().get_ifd(0x8825) == {}
    assert "exif" not in image.info and "icc_profile" not in image.info
    assert b"TestCam" not in served and b"PhoneOS" not in served and b"Exif" not in served


def test_orientation_is_applied_before_the_metadata_goes(home: Home) -> None:
    image = Image.new("RGB", (80, 40), (10, 10, 10))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° to display
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    [photo] = home.report(photos=[("sideways.jpg", buffer.getvalue(), "image/jpeg")])["photos"]
    assert (photo["width"], photo["height"]) == (40, 80)


def test_six_photos_are_refused(home: Home, folder: Path, session) -> None:
    before = count(session, "upkeep_photo")
    photos = [(f"p{n}.jpg", jpeg(), "image/jpeg") for n in range(1, 7)]
    body = home.report(photos=photos, expect=422)
    assert "p6.jpg" in body["detail"] and "最多 5 张" in body["detail"]
    assert body["errors"][0]["field"] == "photos[5]"
    assert count(session, "upkeep_photo") == before and files_in(folder) == []
    assert len(home.report(photos=photos[:5])["photos"]) == 5


def test_five_in_all_counting_those_already_there(home: Home) -> None:
    made = home.report(photos=[(f"p{n}.jpg", jpeg(), "image/jpeg") for n in range(4)])
    more = home.client.post(f"{API}/repairs/{made['id']}/photos", headers=home.person.headers,
                            files=[("photos", ("a.jpg", jpeg(), "image/jpeg")),
                                   ("photos", ("b.jpg", jpeg(), "image/jpeg"))])
    assert more.status_code == 422
    assert "b.jpg" in more.json()["detail"] and "已有 4 张" in more.json()["detail"]
    one = home.client.post(f"{API}/repairs/{made['id']}/photos", headers=home.person.headers,
                           files=[("photos", ("a.jpg", jpeg(), "image/jpeg"))])
    assert one.status_code == 200 and len(one.json()["photos"]) == 5
    assert "add_photos" not in one.json()["allowed_actions"]


def test_a_photo_over_5_mb_is_refused(home: Home, folder: Path) -> None:
    big = noise_jpeg(media.MAX_PHOTO_BYTES + 1)
    assert Image.open(io.BytesIO(big)).format == "JPEG"
    body = home.report(photos=[("huge.jpg", big, "image/jpeg")], expect=422)
    assert "huge.jpg" in body["detail"] and "5 MB" in body["detail"]
    assert files_in(folder) == []


def test_a_stranger_gets_404_on_the_photo(home: Home, tenant, make_user, login, session) -> None:
    [photo] = home.report(photos=[("leak.jpg", jpeg(), "image/jpeg")])["photos"]
    url = f"{API}/photos/{photo['id']}"
    cast = home.city.cast
    parties = {"tenant": home.person.headers, "operator": cast.as_("developer"),
               "zhujian": cast.as_("zhujian"), "office": cast.as_("office"), "admin": cast.as_("admin"),
               "auditor": login(make_user("auditor"))}
    for who, headers in parties.items():
        assert home.client.get(url, headers=headers).status_code == 200, who
    missing = home.client.get(f"{API}/photos/999999", headers=home.person.headers)
    strangers = {"another tenant": tenant(name="路人").headers,
                 "another operator": login(make_user("developer")),
                 "fagai": cast.as_("fagai"), "leader": cast.as_("leader"),
                 "employer": login(make_user("employer"))}
    for who, headers in strangers.items():
        response = home.client.get(url, headers=headers)
        assert response.status_code == 404, who
        assert response.json() == home.client.get(f"{API}/photos/999999", headers=headers).json(), who
    assert missing.status_code == 404
    assert home.client.get(url).status_code == 401


def test_a_failure_after_the_files_were_placed_leaves_nothing(home: Home, folder: Path, session,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The photos are in place and their rows flushed; then the request fails: the transaction
    rolls back, and with it the files go."""
    before = count(session, "repair_request")
    placed: list[int] = []
    real = media.place

    def place_then_fail(s, staged):
        real(s, staged)
        placed.append(len(files_in(folder)))
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(upkeep_service.media, "place", place_then_fail)
    response = home.client.post(f"{API}/repairs", headers=home.person.headers,
                                data={"unit_id": str(home.unit_id), "category": "other",
                                      "urgency": "normal", "description": "测试"},
                                files=[("photos", ("a.jpg", jpeg(), "image/jpeg")),
                                       ("photos", ("b.png", png(), "image/png"))])
    assert response.status_code == 500
    assert placed == [2]  # both were in place when it failed
    assert files_in(folder) == [] and count(session, "repair_request") == before


def test_a_failure_before_the_rows_are_flushed_removes_the_temporary_files(
        home: Home, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_flush(*_: object, **__: object) -> None:
        raise RuntimeError("constraint")

    real_stage = media.stage
    staged: list[media.Staged] = []

    def stage(processed, where):
        item = real_stage(processed, where)
        staged.append(item)
        return item

    monkeypatch.setattr(upkeep_service.media, "stage", stage)
    monkeypatch.setattr(upkeep_service, "UpkeepPhoto", lambda **_: no_flush())
    response = home.client.post(f"{API}/repairs", headers=home.person.headers,
                                data={"unit_id": str(home.unit_id), "category": "other",
                                      "urgency": "normal", "description": "测试"},
                                files=[("photos", ("a.jpg", jpeg(), "image/jpeg"))])
    assert response.status_code == 500
    assert staged and all(not s.temp.exists() and not s.final.exists() for s in staged)
    assert files_in(folder) == []


def test_only_the_path_and_hash_are_in_the_database(home: Home, session, folder: Path) -> None:
    made = home.report(photos=[("leak.jpg", jpeg(), "image/jpeg")])
    row = session.scalar(select(UpkeepPhoto).where(UpkeepPhoto.repair_id == made["id"]))
    assert row is not None and not row.path.startswith("/") and ".." not in row.path
    assert (folder / row.path).read_bytes().startswith(b"\xff\xd8")
    assert hashlib.sha256((folder / row.path).read_bytes()).hexdigest() == row.sha256
    assert session.scalar(select(RepairRequest.id).where(RepairRequest.id == made["id"])) == made["id"]


def test_a_pdf_is_checked_by_content() -> None:
    good = media.check_pdf(media.Upload("plan.pdf", pdf(pages=2), "file"))
    assert good.pages == 2 and good.content_type == "application/pdf"
    for name, content, why in [("plan.pdf", png(), "不是 PDF 文件"),
                               ("broken.pdf", b"%PDF-1.7\n garbage that is no pdf", "无法解析"),
                               ("big.pdf", b"%PDF-" + b"0" * media.MAX_PLAN_BYTES, "10 MB")]:
        with pytest.raises(Exception) as refused:
            media.check_pdf(media.Upload(name, content, "file"))
        assert name in refused.value.detail and why in refused.value.detail  # type: ignore[attr-defined]
