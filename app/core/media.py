"""Uploaded files, checked by what they contain and stored outside the database — shared by
every domain that takes files (upkeep's photos and plans, approval's 附件5 materials).

**Photos** (at most :data:`MAX_PHOTOS` to one record, each at most :data:`MAX_PHOTO_BYTES`): what
a file *is* is read from its content with Pillow, never from its name or the type the browser
claims: a PNG named ``.jpg`` is a PNG, a text file named ``.jpg`` is refused. Every photo is
decoded and written anew (:func:`process_photo`): turned upright by its EXIF orientation,
scaled down to :data:`LONG_SIDE` pixels on its longer side, and saved from its bare pixels, so
nothing of the original's metadata (EXIF with the camera and its GPS position, XMP, ICC, text
chunks) survives. That is CPU work: services run it through :func:`app.core.db.offload`.

**PDFs** (:func:`check_pdf`): the file starts with ``%PDF-`` and pypdf can read its pages (an
encrypted one is refused: the reader must be able to open it); at most :data:`MAX_PLAN_BYTES`.
They are kept as sent. :func:`check_document` takes either (a PDF, or a photo of a paper
document), as the 附件5 materials are.

A refusal is a 422 naming the file (``file`` in the problem, ``errors[].field`` =
``photos[i]``); nothing is written when any file of a request is refused.

**Storing, and the transaction.** The database keeps only the path (relative to
``BAOZU_MEDIA_DIR``, :attr:`app.core.config.Settings.media_path`) and the SHA-256 of what was
written. A service writes each file to a temporary name beside its final one
(:func:`stage`), adds and flushes its rows, and only then moves the files into place
(:func:`place`, an atomic rename on the same file system); if the flush fails, the temporary
files are removed (:func:`discard`). A placed file is tied to the transaction that placed it: when
that transaction — or a savepoint it was placed in — rolls back (a later refusal, a page's
savepoint, a failed ``COMMIT``), the file is deleted (``after_soft_rollback``); when the
outermost transaction commits, it stays. So a row never points to a missing file, and a
refused request leaves no file behind. What can remain is the reverse: a process killed between
the rename and the ``COMMIT`` leaves a file no row names — harmless, invisible to everyone
(files are only served through their row) and safe to sweep by comparing the folder with the
``path`` columns.

(Moved here from ``app/upkeep/media.py`` by issue 21: approval sits on a lower floor than
upkeep and needs the same checks; ``app.upkeep.media`` re-exports these names.)
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from app.core import clock
from app.core.config import get_settings
from app.core.errors import InvalidInput, NotFound

log = logging.getLogger("baozu.media")

MAX_PHOTOS = 5
MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PLAN_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a photo larger than this is refused before it is decoded
LONG_SIDE = 2560  # stored photos are at most this many pixels on their longer side
JPEG_QUALITY = 85
PHOTO_TYPES = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png")}
PDF_TYPE = "application/pdf"


@dataclass(frozen=True)
class Upload:
    """One file of a request: its name as sent (for messages only), its bytes (at most one more
    than the limit: enough to know it is too large), and the form field it came in."""

    name: str
    content: bytes
    field: str


@dataclass(frozen=True)
class Processed:
    """A file ready to store: the bytes to write and what the database keeps of them."""

    data: bytes
    content_type: str
    extension: str
    sha256: str
    width: int = 0
    height: int = 0
    pages: int = 0


def shown_name(name: str) -> str:
    """A file name fit for a message: no control or format characters, at most 80 characters."""
    cleaned = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()
    return (cleaned[:77] + "…") if len(cleaned) > 80 else (cleaned or "（未命名文件）")


def refuse(upload: Upload, why: str) -> InvalidInput:
    name = shown_name(upload.name)
    return InvalidInput(f"文件“{name}”{why}", field=upload.field, file=name)


def read_limited(stream: Any, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of an uploaded file (enough to tell it is too large)."""
    return bytes(stream.read(limit + 1))


def uploads(files: Iterable[Any], field: str = "photos", limit: int = MAX_PHOTO_BYTES, *,
            indexed: bool = True) -> list[Upload]:
    """The files of a multipart field (Starlette ``UploadFile``s), read up to ``limit + 1`` bytes
    each; an empty file input (a nameless, empty part) is left out. ``field[i]`` names each
    (``field`` alone when not ``indexed``: a field of one file)."""
    found = []
    for i, f in enumerate(files):
        if not hasattr(f, "file") or not (f.filename or (getattr(f, "size", 0) or 0) > 0):
            continue
        found.append(Upload(f.filename or "", read_limited(f.file, limit),
                            f"{field}[{i}]" if indexed else field))
    return found


def check_count(uploads: list[Upload], already: int = 0, limit: int = MAX_PHOTOS) -> None:
    """At most ``limit`` photos to a record, counting those it has: the first one too many is named."""
    if already + len(uploads) > limit:
        extra = uploads[max(0, limit - already)]
        raise refuse(extra, f"超出数量：每条记录最多 {limit} 张照片"
                            + (f"（已有 {already} 张）" if already else ""))


# ---- photos ---------------------------------------------------------------------------------

def process_photo(upload: Upload, limit: int = MAX_PHOTO_BYTES) -> Processed:
    """The photo decoded, turned upright, scaled down and re-encoded without any metadata;
    refused (422 naming the file) if it is empty, over ``limit`` bytes, or not a JPEG or PNG."""
    content = upload.content
    if not content:
        raise refuse(upload, "是空文件")
    if len(content) > limit:
        raise refuse(upload, f"超过 {limit // (1024 * 1024)} MB")
    try:
        with Image.open(io.BytesIO(content), formats=tuple(PHOTO_TYPES)) as opened:
            kind = opened.format or ""
            width, height = opened.size
            if width * height > MAX_PIXELS:
                raise refuse(upload, f"像素过多（{width}×{height}），请缩小后上传")
            if kind == "JPEG":  # decode at a reduced scale when that is enough
                opened.draft("RGB", (LONG_SIDE, LONG_SIDE))
            opened.load()
            upright = ImageOps.exif_transpose(opened)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError,
            Image.DecompressionBombError):
        raise refuse(upload, "不是 JPEG 或 PNG 图片（按文件内容判断，与文件名无关）") from None
    upright.thumbnail((LONG_SIDE, LONG_SIDE))
    if kind == "JPEG":
        mode = upright.mode if upright.mode in ("RGB", "L") else "RGB"
    else:
        has_alpha = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
        mode = upright.mode if upright.mode in ("RGB", "RGBA", "L", "LA") else (
            "RGBA" if has_alpha else "RGB")
    pixels = upright.convert(mode) if upright.mode != mode else upright
    # A new image from the bare pixels: no EXIF (GPS), XMP, ICC profile or text chunk survives.
    bare = Image.frombytes(mode, pixels.size, pixels.tobytes())
    out = io.BytesIO()
    if kind == "JPEG":
        bare.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    else:
        bare.save(out, "PNG", optimize=True)
    data = out.getvalue()
    content_type, extension = PHOTO_TYPES[kind]
    return Processed(data, content_type, extension, hashlib.sha256(data).hexdigest(),
                     width=bare.width, height=bare.height)


# ---- PDFs (emergency plans, materials) --------------------------------------------------------

def check_pdf(upload: Upload, what: str = "预案文件") -> Processed:
    """The file as sent, if it is a readable PDF of at most :data:`MAX_PLAN_BYTES`."""
    content = upload.content
    if not content and not upload.name:
        raise InvalidInput(f"请选择要上传的{what}（PDF）", field=upload.field)
    if not content:
        raise refuse(upload, "是空文件")
    if len(content) > MAX_PLAN_BYTES:
        raise refuse(upload, f"超过 {MAX_PLAN_BYTES // (1024 * 1024)} MB")
    if not content.startswith(b"%PDF-"):
        raise refuse(upload, "不是 PDF 文件（按文件内容判断，与文件名无关）")
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            raise refuse(upload, "已加密，须上传可直接打开的 PDF 文件")
        pages = len(reader.pages)
        if pages:
            reader.pages[0].mediabox  # noqa: B018  (the first page is readable)
    except InvalidInput:
        raise
    except Exception:  # pypdf raises many kinds of error on a damaged file
        raise refuse(upload, "无法解析，不是完整有效的 PDF 文件") from None
    if pages < 1:
        raise refuse(upload, "没有页面")
    return Processed(content, PDF_TYPE, ".pdf", hashlib.sha256(content).hexdigest(), pages=pages)


def check_document(upload: Upload, what: str = "材料") -> Processed:
    """A document as a PDF (kept as sent) or a photo of it (JPEG/PNG, re-encoded without
    metadata), told apart by content; at most :data:`MAX_PLAN_BYTES` either way."""
    content = upload.content
    if not content and not upload.name:
        raise InvalidInput(f"请选择要上传的{what}（PDF 或 JPEG/PNG 图片）", field=upload.field)
    if content.startswith(b"%PDF-"):
        return check_pdf(upload, what)
    if len(content) > MAX_PLAN_BYTES:
        raise refuse(upload, f"超过 {MAX_PLAN_BYTES // (1024 * 1024)} MB")
    try:
        return process_photo(Upload(upload.name, content, upload.field), limit=MAX_PLAN_BYTES)
    except InvalidInput as exc:
        if "不是 JPEG 或 PNG" in exc.detail:
            raise refuse(upload, "不是 PDF 文件或 JPEG/PNG 图片（按文件内容判断，与文件名无关）") from None
        raise


# ---- storing ----------------------------------------------------------------------------------

def media_root() -> Path:
    return get_settings().media_path


@dataclass(frozen=True)
class Staged:
    """A file written to its temporary name, to be moved to ``final`` once its row is flushed."""

    path: str  # relative to the media folder, as the row keeps it
    temp: Path
    final: Path


def stage(processed: Processed, folder: str) -> Staged:
    """Write ``processed`` under ``folder/YYYY/MM/`` with a random name, as a temporary file."""
    root = media_root()
    today = clock.today()
    directory = root / folder / f"{today.year:04d}" / f"{today.month:02d}"
    directory.mkdir(parents=True, exist_ok=True)
    name = secrets.token_hex(16) + processed.extension
    final = directory / name
    temp = directory / f".{name}.part"
    with temp.open("xb") as handle:
        handle.write(processed.data)
        handle.flush()
        os.fsync(handle.fileno())
    return Staged(final.relative_to(root).as_posix(), temp, final)


def discard(staged: Iterable[Staged]) -> None:
    """Remove files staged but not placed (their rows were never written)."""
    for item in staged:
        item.temp.unlink(missing_ok=True)


_PLACED = "baozu_media_placed"


def place(session: Session, staged: Iterable[Staged]) -> None:
    """Move staged files into place, tied to the session's current transaction: they are
    deleted if it (or an enclosing one) rolls back, and kept when the outermost commits."""
    transaction = session.get_nested_transaction() or session.get_transaction()
    placed: list[tuple[Path, SessionTransaction | None]] = session.info.setdefault(_PLACED, [])
    for item in staged:
        os.replace(item.temp, item.final)
        placed.append((item.final, transaction))


def _within(transaction: SessionTransaction | None, ended: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ended:
            return True
        transaction = transaction.parent
    return False


@event.listens_for(Session, "after_soft_rollback")
def _remove_rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    placed = session.info.get(_PLACED)
    if not placed:
        return
    kept = []
    for path, transaction in placed:
        if _within(transaction, previous_transaction):
            path.unlink(missing_ok=True)
        else:
            kept.append((path, transaction))
    session.info[_PLACED] = kept


@event.listens_for(Session, "after_commit")
def _keep_committed(session: Session) -> None:
    if session.info.get(_PLACED) and not session.in_nested_transaction():
        session.info[_PLACED] = []  # the outermost transaction committed: the files stay


def read(path: str) -> bytes:
    """A stored file's bytes (404 if it is not there: logged, as it should never happen)."""
    root = media_root().resolve()
    target = (root / path).resolve()
    if not target.is_relative_to(root) or not target.is_file():
        log.error("stored file missing: %s", path)
        raise NotFound("未找到该文件")
    return target.read_bytes()
