"""Attachments: files uploaded to any scoped record (minutes, photos, evidence, courseware).

- The type is recognised from the content (a small signature table, structural checks for ZIP/OLE2 containers,
  UTF-8 for text); the name the user gave is never trusted. Allowed types: settings.ATTACHMENT_TYPES.
- Size limits (settings.ATTACHMENT_MAX_SIZE, per type ATTACHMENT_MAX_SIZES) are enforced while the upload is
  copied chunk by chunk into the store, never by reading the file into memory.
- Files live under settings.ATTACHMENTS_DIR by a random name without extension, mode 0600, no public URL; the
  attachment view serves them after checking the owner's scope.
- `attachment_add` / `attachment_delete` check the owner through `Model.objects.visible_to` / `editable_by`
  (core.scoping) and are audited in the same transaction. A file written by a transaction that fails inside the
  service is removed at once; one whose enclosing transaction rolls back later is left without a row and is
  removed by `sweep()` (`manage.py attachments_sweep`). A deleted attachment's file is removed after commit.

An owning app declares its models with `register_owner(Model)` in its AppConfig.ready(), and shows a record's
attachments with `{% load attachment_tags %}{% attachments owner "purpose" %}`
(template core/_attachments.html).
"""

import codecs
import hashlib
import os
import re
import secrets
import time
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import audit
from .models import Attachment
from .scoping import require, require_editable

CHUNK_SIZE = 64 * 1024
HEAD_SIZE = 8 * 1024  # bytes sniffed before the type is known
PURPOSE = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")


@dataclass(frozen=True)
class FileType:
    key: str
    mime: str
    extensions: tuple
    label: object
    inline: bool = False  # may be shown in the browser (?inline=1)


TYPES = {t.key: t for t in (
    FileType("pdf", "application/pdf", (".pdf",), "PDF", inline=True),
    FileType("jpeg", "image/jpeg", (".jpg", ".jpeg"), "JPEG", inline=True),
    FileType("png", "image/png", (".png",), "PNG", inline=True),
    FileType("webp", "image/webp", (".webp",), "WebP", inline=True),
    FileType("gif", "image/gif", (".gif",), "GIF", inline=True),
    FileType("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",),
             gettext_lazy("Word")),
    FileType("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",),
             gettext_lazy("Excel")),
    FileType("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", (".pptx",),
             gettext_lazy("PowerPoint")),
    FileType("doc", "application/msword", (".doc",), gettext_lazy("Word 97-2003")),
    FileType("xls", "application/vnd.ms-excel", (".xls",), gettext_lazy("Excel 97-2003")),
    FileType("ppt", "application/vnd.ms-powerpoint", (".ppt",), gettext_lazy("PowerPoint 97-2003")),
    FileType("mp4", "video/mp4", (".mp4", ".m4v"), "MP4"),
    FileType("mp3", "audio/mpeg", (".mp3",), "MP3"),
    FileType("txt", "text/plain; charset=utf-8", (".txt",), gettext_lazy("plain text")),
)}

# ISO base media brands that are MP4 video (HEIF/AVIF images and QuickTime share the container: not these).
MP4_BRANDS = {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ", b"MSNV", b"dash",
              b"3gp4", b"3gp5", b"3g2a", b"mmp4", b"f4v "}
MARKUP = re.compile(rb"<\s*(!doctype|html|head|body|script|svg|iframe|object|embed|\?xml|meta|style|a\s)", re.I)
# Control characters that never occur in a text document (tab, line feed, form feed and return are allowed).
BINARY_CONTROLS = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
OLE_STREAMS = {  # UTF-16LE stream names in an OLE2 compound file's directory
    "doc": "WordDocument".encode("utf-16-le"),
    "xls": "Workbook".encode("utf-16-le"),
    "ppt": "PowerPoint Document".encode("utf-16-le"),
}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


# --- settings -------------------------------------------------------------------------------------------------

def storage_dir() -> Path:
    return Path(settings.ATTACHMENTS_DIR)


def allowed_types():
    return [TYPES[key] for key in settings.ATTACHMENT_TYPES]


def max_size(key):
    return getattr(settings, "ATTACHMENT_MAX_SIZES", {}).get(key, settings.ATTACHMENT_MAX_SIZE)


def largest_upload():
    """The largest file any allowed type may have: the request size the upload URL accepts (plus form fields)."""
    return max(max_size(t.key) for t in allowed_types()) + 64 * 1024


def accept_attribute():
    """The file input's `accept`: a hint for the browser's picker; the content check is what decides."""
    return ",".join(ext for t in allowed_types() for ext in t.extensions)


# --- recognising the content -----------------------------------------------------------------------------------

class Refused(ValidationError):
    pass


def _not_accepted():
    labels = "、".join(str(t.label) for t in allowed_types())
    return Refused(_("This type of file is not accepted (the content decides, not the file name). "
                     "Accepted: %(types)s.") % {"types": labels}, code="type")


def sniff(head: bytes):
    """The type key from the first bytes, or a container to inspect further ("zip", "ole", "text").

    Raises Refused for what is never accepted (programs, markup, archives are refused later)."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp":
        if head[8:12] in MP4_BRANDS:
            return "mp4"
        raise _not_accepted()
    if head.startswith(b"ID3") or _mp3_frame(head):
        return "mp3"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(OLE_MAGIC):
        return "ole"
    if head.startswith((b"Rar!\x1a\x07", b"7z\xbc\xaf\x27\x1c", b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00")):
        raise _archive_refused()
    if head.startswith((b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa", b"#!")):
        raise Refused(_("Programs and scripts are not accepted."), code="program")
    return "text"


def _mp3_frame(head):
    """An MPEG-1/2 layer III frame header at the start of the file."""
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version, layer = (head[1] >> 3) & 3, (head[1] >> 1) & 3
    bitrate, rate = head[2] >> 4, (head[2] >> 2) & 3
    return version != 1 and layer == 1 and bitrate not in (0, 15) and rate != 3


def _check_text_head(head):
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text.startswith(b"<") or MARKUP.search(head[:4096]):
        raise Refused(_("HTML, SVG and other web page or markup files are not accepted."), code="markup")


def _archive_refused():
    return Refused(_("Compressed archives are not accepted (Word, Excel and PowerPoint documents are)."),
                   code="archive")


def _ooxml_kind(path):
    """docx/xlsx/pptx from a ZIP's central directory (nothing is decompressed); Refused for any other ZIP."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        names = set()
    kind = None
    if "[Content_Types].xml" in names:
        for key, main_part in (("docx", "word/document.xml"), ("xlsx", "xl/workbook.xml"),
                               ("pptx", "ppt/presentation.xml")):
            if main_part in names:
                kind = key
                break
    if kind is None:
        raise _archive_refused()
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise Refused(_("Documents containing macros are not accepted."), code="macro")
    return kind


# --- names and storage ---------------------------------------------------------------------------------------

UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')


def clean_name(raw, kind):
    """The user's file name, safe to show and to send back: no path, no control or reserved characters, at most
    200 characters, and an extension that matches the detected type (the given one is kept only if it does)."""
    name = unicodedata.normalize("NFC", str(raw or ""))
    name = re.split(r"[/\\]", name)[-1]
    name = UNSAFE_NAME.sub("", name)
    name = re.sub(r"\s+", " ", name).strip().lstrip(".").strip()
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    file_type = TYPES[kind]
    extension = f".{ext.lower()}" if ext else ""
    if extension not in file_type.extensions:
        if not re.fullmatch(r"[A-Za-z0-9]{1,5}", ext):  # "2024.05.01 会议": a dot, not an extension
            stem = name
        extension = file_type.extensions[0]  # a wrong extension is replaced by the real one
    stem = (stem.strip() or _("attachment"))[: 200 - len(extension)]
    return stem + extension


def path_of(attachment):
    return storage_dir() / attachment.storage_name


def _new_storage_name():
    token = secrets.token_hex(16)
    return f"{token[:2]}/{token}"


def _remove(storage_name):
    try:
        (storage_dir() / storage_name).unlink()
    except FileNotFoundError:
        pass


@dataclass
class Stored:
    storage_name: str
    kind: str
    size: int
    sha256: str


def store(file):
    """Copy an uploaded file into the store chunk by chunk, recognising its type from the first bytes and
    refusing it as soon as it passes its type's size limit. Returns Stored; on refusal nothing is left behind."""
    declared = getattr(file, "size", None)
    if declared == 0:
        raise Refused(_("The file is empty."), code="empty")
    allowed = {t.key for t in allowed_types()}
    storage_name = _new_storage_name()
    path = storage_dir() / storage_name
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    digest, size, kind, limit = hashlib.sha256(), 0, None, None
    decoder, ole_found, tail = None, set(), b""
    chunks = _rechunk(file)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(fd, "wb") as out:
            os.fchmod(out.fileno(), 0o600)
            for chunk in chunks:
                if kind is None:
                    kind = sniff(chunk)
                    limit = _limit_for(kind, allowed)
                    if kind == "text":
                        _check_text_head(chunk)
                        decoder = codecs.getincrementaldecoder("utf-8")()
                    if declared is not None and declared > limit:
                        raise _too_large(kind, limit)
                size += len(chunk)
                if size > limit:
                    raise _too_large(kind, limit)
                if decoder is not None:
                    _check_text_chunk(decoder, chunk)
                elif kind == "ole":
                    window = tail + chunk
                    ole_found |= {key for key, marker in OLE_STREAMS.items() if marker in window}
                    tail = window[-64:]
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise Refused(_("The file is empty."), code="empty")
        if decoder is not None:
            _check_text_chunk(decoder, b"", final=True)
            kind = "txt"
        if kind == "zip":
            kind = _ooxml_kind(path)
        elif kind == "ole":
            kind = next((key for key in ("doc", "xls", "ppt") if key in ole_found), None)
            if kind is None:
                raise _not_accepted()
        if kind not in allowed:
            raise _not_accepted()
        if size > max_size(kind):
            raise _too_large(kind, max_size(kind))
    except BaseException:
        _remove(storage_name)
        raise
    return Stored(storage_name=storage_name, kind=kind, size=size, sha256=digest.hexdigest())


def _rechunk(file):
    """The upload's chunks, the first one at least HEAD_SIZE long (or the whole file if shorter)."""
    if hasattr(file, "seek"):
        try:
            file.seek(0)
        except (OSError, ValueError):
            pass
    head = b""
    iterator = file.chunks(CHUNK_SIZE) if hasattr(file, "chunks") else iter(lambda: file.read(CHUNK_SIZE), b"")
    for chunk in iterator:
        if head is not None:
            head += chunk
            if len(head) < HEAD_SIZE:
                continue
            chunk, head = head, None
        yield chunk
    if head:
        yield head


def _limit_for(kind, allowed):
    containers = {"text": ["txt"], "ole": ["doc", "xls", "ppt"], "zip": ["docx", "xlsx", "pptx"]}
    if kind in containers:
        candidates = containers[kind]
        keys = [k for k in candidates if k in allowed]
        if not keys:
            raise _not_accepted()
        return max(max_size(k) for k in keys)
    if kind not in allowed:
        raise _not_accepted()
    return max_size(kind)


def _check_text_chunk(decoder, chunk, final=False):
    if BINARY_CONTROLS.search(chunk):
        raise _not_accepted()
    try:
        decoder.decode(chunk, final)
    except UnicodeDecodeError:
        raise Refused(_("Text files must be encoded in UTF-8; this one is not text or uses another encoding."),
                      code="encoding") from None


def _too_large(kind, limit):
    label = TYPES[kind].label if kind in TYPES else _("document")
    return Refused(_("The file is too large: %(type)s files may have at most %(size)s.")
                   % {"type": label, "size": filesizeformat(limit)}, code="size")


def sweep(min_age_seconds=3600):
    """Remove stored files that no attachment row names (left by a rolled-back transaction); only files older
    than `min_age_seconds`, so a transaction still under way keeps its file. Returns the number removed."""
    root = storage_dir()
    if not root.exists():
        return 0
    cutoff = time.time() - min_age_seconds
    candidates = {}
    for path in root.glob("??/*"):
        if path.is_file() and path.stat().st_mtime <= cutoff:
            candidates[f"{path.parent.name}/{path.name}"] = path
    removed = 0
    names = list(candidates)
    for start in range(0, len(names), 500):
        batch = names[start:start + 500]
        known = set(Attachment.objects.filter(storage_name__in=batch).values_list("storage_name", flat=True))
        for name in batch:
            if name not in known:
                candidates[name].unlink(missing_ok=True)
                removed += 1
    return removed


# --- services ------------------------------------------------------------------------------------------------

def _summary(attachment):
    return {"name": attachment.name, "purpose": attachment.purpose, "type": attachment.kind,
            "size": attachment.size, "sha256": attachment.sha256,
            "owner": f"{attachment.owner_type.app_label}.{attachment.owner_type.model}:{attachment.owner_id}"}


def attachment_add(*, actor, owner, file, purpose):
    """Attach an uploaded file to `owner`, which the actor must be able to edit (outside scope: not found;
    read-only: PermissionDenied). The type comes from the content; refusals are ValidationError."""
    if not is_attachable(type(owner)):
        raise TypeError(f"{owner._meta.label} cannot own attachments: call core.attachments.register_owner()")
    require_editable(actor, owner)
    if not PURPOSE.match(purpose or ""):
        raise ValidationError(_("Invalid attachment purpose."), code="purpose")
    stored = store(file)
    try:
        with transaction.atomic():
            attachment = Attachment(
                owner_type=ContentType.objects.get_for_model(owner), owner_id=owner.pk, purpose=purpose,
                name=clean_name(getattr(file, "name", ""), stored.kind), mime_type=TYPES[stored.kind].mime,
                kind=stored.kind, size=stored.size, sha256=stored.sha256, storage_name=stored.storage_name,
                uploaded_by=actor,
            )
            attachment.full_clean()
            attachment.save()
            audit.record("attachment.add", actor=actor, obj=attachment, after=_summary(attachment))
    except BaseException:
        _remove(stored.storage_name)
        raise
    return attachment


@transaction.atomic
def attachment_delete(*, actor, attachment):
    """Remove an attachment of a record the actor may edit; the file goes once the deletion is committed."""
    owner = owner_of(attachment)
    if owner is None:
        require(None, None)  # not found
    require_editable(actor, owner)
    attachment = require(Attachment.objects.select_for_update(), attachment)
    before = _summary(attachment)
    storage_name = attachment.storage_name
    audit.record("attachment.delete", actor=actor, obj=attachment, before=before)
    attachment.delete()
    transaction.on_commit(lambda: _remove(storage_name))


@transaction.atomic
def attachment_delete_all(*, actor, owner):
    """Remove every attachment of `owner` (an owning app's delete service calls it: a generic reference does not
    cascade). Each removal is audited; the files go once the deletion is committed."""
    require_editable(actor, owner)
    names = []
    queryset = Attachment.objects.filter(owner_type=ContentType.objects.get_for_model(owner), owner_id=owner.pk)
    for attachment in queryset.select_related("owner_type").select_for_update(of=("self",)):
        audit.record("attachment.delete", actor=actor, obj=attachment, before=_summary(attachment))
        names.append(attachment.storage_name)
        attachment.delete()
    transaction.on_commit(lambda: [_remove(name) for name in names])
    return len(names)


# --- reads ---------------------------------------------------------------------------------------------------

# Labels ("app_label.model") of the models whose records may own attachments, declared by their apps.
OWNER_MODELS = set()


def register_owner(*models):
    """Let records of these scoped models own attachments (an app calls it from its AppConfig.ready())."""
    for model in models:
        manager = model._default_manager
        if not (hasattr(manager, "visible_to") and hasattr(manager, "editable_by")
                and getattr(model, "edit_capability", None)):
            raise TypeError(f"{model._meta.label} is not scoped (core.scoping): it cannot own attachments")
        OWNER_MODELS.add(model._meta.label_lower)


def is_attachable(model):
    """Registered with register_owner(): scoped, and declared by its app as an owner of attachments."""
    return model is not None and model._meta.label_lower in OWNER_MODELS


def owner_of(attachment):
    """The owning record, looked up without scope (callers check it): None when it no longer exists."""
    model = attachment.owner_type.model_class()
    if model is None or not is_attachable(model):
        return None
    return model._default_manager.filter(pk=attachment.owner_id).first()


def for_owner(owner, purpose=None):
    queryset = Attachment.objects.filter(owner_type=ContentType.objects.get_for_model(owner), owner_id=owner.pk)
    if purpose:
        queryset = queryset.filter(purpose=purpose)
    return queryset.select_related("uploaded_by")


def visible(user, uuid):
    """The attachment with this uuid if the user can see its owner; raises not-found otherwise."""
    attachment = Attachment.objects.select_related("owner_type").filter(uuid=uuid).first()
    owner = owner_of(attachment) if attachment is not None else None
    model = type(owner)
    require(model._default_manager.visible_to(user) if owner is not None else None, owner)
    return attachment, owner


def can_edit(user, owner):
    return type(owner)._default_manager.editable_by(user).filter(pk=owner.pk).exists()


def inline_allowed(attachment):
    return TYPES.get(attachment.kind, TYPES["txt"]).inline
