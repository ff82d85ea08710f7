"""Attachments (core.attachments): types by content, size limits while streaming, storage, scope through the
owning record, audit, rollback cleanup, the download's headers, and the include for detail pages.

The owner is an organization (orgs.Org): the 宣恩县 administrator edits 伍家台, the leading cadre of 宣恩县 reads
it, the 巴东县 administrator does not see it."""

import hashlib
import io
import stat
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from dangjian.core import attachments
from dangjian.core.exceptions import NotInScope
from dangjian.core.models import Attachment, AuditEntry

# --- sample files -------------------------------------------------------------------------------------------


def ooxml(main_part, extra=()):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr(main_part, "<document/>")
        for name in extra:
            archive.writestr(name, b"\x00macro")
    return buffer.getvalue()


def xlsx():
    buffer = io.BytesIO()
    book = Workbook()
    book.active["A1"] = "伍家台村"
    book.save(buffer)
    return buffer.getvalue()


def ole(stream_name):
    """An OLE2 compound file header followed by a directory entry naming `stream_name`."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + stream_name.encode("utf-16-le") + b"\x00" * 600


def plain_zip():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return buffer.getvalue()


SAMPLES = {
    "pdf": b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n",
    "jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 100,
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 100,
    "gif": b"GIF89a\x01\x00\x01\x00" + b"\x00" * 50,
    "webp": b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 50,
    "mp4": b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 100,
    "mp3": b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x64" + b"\x00" * 100,
    "docx": ooxml("word/document.xml"),
    "pptx": ooxml("ppt/presentation.xml"),
    "xlsx": xlsx(),
    "doc": ole("WordDocument"),
    "xls": ole("Workbook"),
    "txt": "三会一课会议记录\n时间：2024年5月1日\n".encode(),
}


def upload(content, name="file.bin"):
    return SimpleUploadedFile(name, content)


def zh(message):
    with translation.override("zh-hans"):
        return translation.gettext(message)


@pytest.fixture
def org(tree):
    return tree["wujiatai"]


@pytest.fixture
def editor(users):
    return users["xuanen_admin"]


def add(actor, owner, content, name="file.bin", purpose="evidence"):
    return attachments.attachment_add(actor=actor, owner=owner, file=upload(content, name), purpose=purpose)


def stored_files(settings):
    root = settings.ATTACHMENTS_DIR
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def state():
    return Attachment.objects.count(), AuditEntry.objects.filter(action__startswith="attachment.").count()


# --- accepted types ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(SAMPLES))
def test_every_default_type_is_recognised_by_its_content(kind, org, editor, settings):
    attachment = add(editor, org, SAMPLES[kind], name="上传的文件")
    assert attachment.kind == kind
    assert attachment.mime_type == attachments.TYPES[kind].mime
    assert attachment.size == len(SAMPLES[kind])
    assert attachment.sha256 == hashlib.sha256(SAMPLES[kind]).hexdigest()
    assert attachment.name == "上传的文件" + attachments.TYPES[kind].extensions[0]
    assert attachment.owner == org and attachment.purpose == "evidence" and attachment.uploaded_by == editor


def test_the_name_is_sanitised_and_its_extension_follows_the_content(org, editor):
    assert add(editor, org, SAMPLES["pdf"], name="../../etc/会议\x00纪要.PDF").name == "会议纪要.pdf"
    assert add(editor, org, SAMPLES["png"], name="照片.pdf").name == "照片.png"  # a wrong extension is replaced
    assert add(editor, org, SAMPLES["txt"], name="2024.05.01 记录").name == "2024.05.01 记录.txt"
    assert add(editor, org, SAMPLES["jpeg"], name='C:\\Users\\a<b>|"c".jpg').name == "abc.jpg"
    with translation.override("zh-hans"):
        assert add(editor, org, SAMPLES["pdf"], name="...").name == "附件.pdf"
    assert len(add(editor, org, SAMPLES["pdf"], name="长" * 300 + ".pdf").name) == 200


# --- refusals: by content, by size, empty -------------------------------------------------------------------

REFUSED = {
    "exe renamed pdf": (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "报告.pdf", "Programs and scripts"),
    "elf": (b"\x7fELF\x02\x01\x01" + b"\x00" * 100, "a.pdf", "Programs and scripts"),
    "shell script": (b"#!/bin/sh\nrm -rf /\n", "a.txt", "Programs and scripts"),
    "html": (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "a.txt", "markup"),
    "html after text": (b"hello\n<script>alert(1)</script>", "a.txt", "markup"),
    "svg": (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "a.png", "markup"),
    "svg with bom": (b"\xef\xbb\xbf  <svg onload=alert(1)>", "a.svg", "markup"),
    "zip": (plain_zip(), "a.docx", "Compressed archives"),
    "zip with content types but no document": (ooxml("other/part.xml"), "a.docx", "Compressed archives"),
    "docm (macros)": (ooxml("word/document.xml", ["word/vbaProject.bin"]), "a.docx", "macros"),
    "rar": (b"Rar!\x1a\x07\x01\x00" + b"\x00" * 50, "a.doc", "Compressed archives"),
    "gzip": (b"\x1f\x8b\x08\x00" + b"\x00" * 50, "a.pdf", "Compressed archives"),
    "gbk text": ("三会一课".encode("gbk"), "a.txt", "UTF-8"),
    "binary": (bytes(range(256)) * 4, "a.txt", "not accepted"),
    "ole without document (msi)": (ole("SummaryInformation"), "a.doc", "not accepted"),
    "heic image": (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 50, "a.mp4", "not accepted"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_refused_content_changes_nothing(case, org, editor, settings):
    content, name, fragment = REFUSED[case]
    before = state()
    with pytest.raises(ValidationError) as info, translation.override("zh-hans"):
        add(editor, org, content, name=name)
    chinese = " ".join(info.value.messages)
    assert state() == before
    assert stored_files(settings) == []
    # The message is Chinese, and (in English) names the rule that refused the file.
    assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese), chinese
    with translation.override("en"), pytest.raises(ValidationError) as again:
        add(editor, org, content, name=name)
    assert fragment in " ".join(again.value.messages)


def test_not_accepted_message_lists_the_accepted_types(org, editor):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as info:
        add(editor, org, REFUSED["binary"][0])
    message = info.value.messages[0]
    assert "不接受" in message and "PDF" in message and "Word" in message


def test_a_type_left_out_of_the_settings_is_refused(org, editor, settings):
    settings.ATTACHMENT_TYPES = ["pdf"]
    with pytest.raises(ValidationError):
        add(editor, org, SAMPLES["png"], name="a.png")
    with pytest.raises(ValidationError):
        add(editor, org, SAMPLES["txt"])
    assert add(editor, org, SAMPLES["pdf"]).kind == "pdf"
    assert stored_files(settings) and len(stored_files(settings)) == 1


def test_empty_file_is_refused(org, editor, settings):
    before = state()
    with translation.override("zh-hans"), pytest.raises(ValidationError) as info:
        add(editor, org, b"")
    assert info.value.messages == [zh("The file is empty.")]
    assert state() == before and stored_files(settings) == []


def test_size_limit_per_type(org, editor, settings):
    settings.ATTACHMENT_MAX_SIZE = 1000
    settings.ATTACHMENT_MAX_SIZES = {"mp4": 5000}
    pdf = SAMPLES["pdf"] + b"0" * (1001 - len(SAMPLES["pdf"]))
    with translation.override("zh-hans"), pytest.raises(ValidationError) as info:
        add(editor, org, pdf)
    assert "太大" in info.value.messages[0] and "1000" in info.value.messages[0]
    assert add(editor, org, pdf[:1000]).size == 1000
    video = SAMPLES["mp4"] + b"\x00" * (5000 - len(SAMPLES["mp4"]))
    assert add(editor, org, video).size == 5000
    with pytest.raises(ValidationError):
        add(editor, org, video + b"\x00")
    assert len(stored_files(settings)) == 2


class Endless(File):
    """An upload that does not say its size and would go on for 100 MB: only what was read is counted."""

    def __init__(self, head):
        super().__init__(io.BytesIO(), name="stream.pdf")
        self.head, self.read_bytes = head, 0

    @property
    def size(self):
        return None

    def chunks(self, chunk_size=None):
        yield self.head
        self.read_bytes += len(self.head)
        for _ in range(100 * 16):
            self.read_bytes += 64 * 1024
            yield b"0" * (64 * 1024)


def test_the_size_limit_is_checked_while_streaming(org, editor, settings):
    settings.ATTACHMENT_MAX_SIZE = 256 * 1024
    file = Endless(SAMPLES["pdf"])
    with pytest.raises(ValidationError):
        attachments.attachment_add(actor=editor, owner=org, file=file, purpose="evidence")
    assert file.read_bytes < 512 * 1024  # stopped right after the limit, not at the end of the stream
    assert stored_files(settings) == []


def test_a_declared_size_above_the_limit_is_refused_before_copying(org, editor, settings):
    settings.ATTACHMENT_MAX_SIZE = 100
    file = upload(SAMPLES["pdf"])
    file.size = 10**9
    with pytest.raises(ValidationError):
        attachments.attachment_add(actor=editor, owner=org, file=file, purpose="evidence")
    assert stored_files(settings) == []


def test_purpose_is_a_short_code(org, editor, settings):
    for purpose in ("", "Minutes", "会议", "x" * 33, "a/b"):
        with pytest.raises(ValidationError):
            add(editor, org, SAMPLES["pdf"], purpose=purpose)
    assert stored_files(settings) == []
    assert add(editor, org, SAMPLES["pdf"], purpose="minutes_2").purpose == "minutes_2"


# --- storage -------------------------------------------------------------------------------------------------


def test_stored_outside_static_files_by_a_random_name_mode_0600(org, editor, settings):
    first = add(editor, org, SAMPLES["pdf"], name="a.pdf")
    second = add(editor, org, SAMPLES["pdf"], name="a.pdf")
    path = attachments.path_of(first)
    assert path.is_relative_to(settings.ATTACHMENTS_DIR)
    assert path.read_bytes() == SAMPLES["pdf"]
    assert path.suffix == "" and "a" != path.name and len(path.name) == 32
    assert first.storage_name != second.storage_name
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) & 0o077 == 0


def test_default_storage_is_in_the_data_folder_not_static():
    from django.conf import settings as real

    from dangjian import settings as module

    assert module.ATTACHMENTS_DIR == module.VAR_DIR / "attachments"
    assert not module.ATTACHMENTS_DIR.is_relative_to(real.STATIC_ROOT)
    assert not getattr(real, "MEDIA_ROOT", "") or not module.ATTACHMENTS_DIR.is_relative_to(real.MEDIA_ROOT)


# --- scope and capability (service) ---------------------------------------------------------------------------


def test_outsider_cannot_attach_and_reader_is_refused(org, users, settings):
    before = state()
    with pytest.raises(NotInScope):
        add(users["badong_admin"], org, SAMPLES["pdf"])
    with pytest.raises(PermissionDenied):
        add(users["leader"], org, SAMPLES["pdf"])
    assert state() == before and stored_files(settings) == []


def test_delete_checks_the_owner(org, editor, users, settings, django_capture_on_commit_callbacks):
    attachment = add(editor, org, SAMPLES["pdf"])
    with pytest.raises(NotInScope):
        attachments.attachment_delete(actor=users["badong_admin"], attachment=attachment)
    with pytest.raises(PermissionDenied):
        attachments.attachment_delete(actor=users["leader"], attachment=attachment)
    assert Attachment.objects.filter(pk=attachment.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        attachments.attachment_delete(actor=editor, attachment=attachment)
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    assert stored_files(settings) == []


def test_delete_keeps_the_file_until_commit(org, editor, settings, django_capture_on_commit_callbacks):
    attachment = add(editor, org, SAMPLES["pdf"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        attachments.attachment_delete(actor=editor, attachment=attachment)
    assert attachments.path_of(attachment).exists()  # a rolled-back delete would still find its file
    callbacks[0]()
    assert not attachments.path_of(attachment).exists()


def test_delete_all_of_an_owner(org, tree, editor, users, settings, django_capture_on_commit_callbacks):
    add(editor, org, SAMPLES["pdf"])
    add(editor, org, SAMPLES["png"], purpose="photos")
    other = add(editor, tree["wanzhai"], SAMPLES["pdf"])
    with pytest.raises(PermissionDenied):
        attachments.attachment_delete_all(actor=users["leader"], owner=org)
    with django_capture_on_commit_callbacks(execute=True):
        assert attachments.attachment_delete_all(actor=editor, owner=org) == 2
    assert list(Attachment.objects.all()) == [other]
    assert stored_files(settings) == [attachments.path_of(other)]
    assert AuditEntry.objects.filter(action="attachment.delete").count() == 2


# --- audit ----------------------------------------------------------------------------------------------------


def test_add_delete_and_download_are_audited(org, editor, users, django_capture_on_commit_callbacks):
    attachment = add(editor, org, SAMPLES["pdf"], name="会议纪要.pdf")
    entry = AuditEntry.objects.get(action="attachment.add")
    assert entry.actor == editor and entry.object_type == "core.attachment" and entry.object_id == str(attachment.pk)
    assert entry.after["name"] == "会议纪要.pdf" and entry.after["owner"] == f"orgs.org:{org.pk}"
    assert entry.after["sha256"] == attachment.sha256

    client = Client()
    client.force_login(users["leader"])
    client.get(reverse("attachments:download", kwargs={"uuid": attachment.uuid}))
    download = AuditEntry.objects.get(action="attachment.download")
    assert download.actor == users["leader"] and download.object_id == str(attachment.pk)

    with django_capture_on_commit_callbacks(execute=True):
        attachments.attachment_delete(actor=editor, attachment=attachment)
    deleted = AuditEntry.objects.get(action="attachment.delete")
    assert deleted.before["name"] == "会议纪要.pdf"
    from dangjian.core import audit

    assert audit.verify() is None


# --- rollback cleanup ---------------------------------------------------------------------------------------


def test_a_failure_inside_the_service_removes_the_file(org, editor, settings, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("audit unavailable")

    monkeypatch.setattr(attachments.audit, "record", broken)
    before = state()
    with pytest.raises(RuntimeError):
        add(editor, org, SAMPLES["pdf"])
    assert state() == before
    assert stored_files(settings) == []


def test_a_rolled_back_enclosing_transaction_leaves_a_file_the_sweep_removes(org, editor, settings):
    kept = add(editor, org, SAMPLES["pdf"], name="kept.pdf")
    with pytest.raises(RuntimeError), transaction.atomic():
        add(editor, org, SAMPLES["png"], name="lost.png")
        raise RuntimeError("the calling service fails afterwards")
    assert Attachment.objects.count() == 1
    assert len(stored_files(settings)) == 2
    assert attachments.sweep(min_age_seconds=3600) == 0  # recent files may belong to a transaction under way
    assert attachments.sweep(min_age_seconds=0) == 1
    assert stored_files(settings) == [attachments.path_of(kept)]


def test_sweep_command(org, editor, settings):
    from django.core.management import call_command

    with pytest.raises(RuntimeError), transaction.atomic():
        add(editor, org, SAMPLES["pdf"])
        raise RuntimeError
    out = io.StringIO()
    call_command("attachments_sweep", "--min-age", "0", stdout=out)
    assert out.getvalue().startswith("1 ")
    assert stored_files(settings) == []


# --- views ----------------------------------------------------------------------------------------------------


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def upload_url(owner, owner_type="orgs.org"):
    return reverse("attachments:upload", kwargs={"owner_type": owner_type, "owner_id": owner.pk})


def download_url(attachment, **query):
    url = reverse("attachments:download", kwargs={"uuid": attachment.uuid})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def body(response):
    return b"".join(response.streaming_content)


def test_download_headers(org, editor, users):
    attachment = add(editor, org, SAMPLES["docx"], name="支部 会议纪要.docx")
    response = client_for(users["leader"]).get(download_url(attachment))
    assert response.status_code == 200
    assert body(response) == SAMPLES["docx"]
    assert response["Content-Type"] == attachments.TYPES["docx"].mime
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E6%94%AF%E9%83%A8%20%E4%BC%9A%E8%AE%AE%E7%BA%AA%E8%A6%81.docx")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["Content-Length"] == str(len(SAMPLES["docx"]))


def test_text_is_sent_as_utf8_plain_text(org, editor, users):
    attachment = add(editor, org, SAMPLES["txt"], name="notes.txt")
    response = client_for(editor).get(download_url(attachment))
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="notes.txt"'


@pytest.mark.parametrize(("kind", "inline"), [("png", True), ("pdf", True), ("jpeg", True), ("docx", False),
                                              ("txt", False), ("mp4", False)])
def test_inline_only_for_images_and_pdf(kind, inline, org, editor):
    attachment = add(editor, org, SAMPLES[kind], name="x")
    response = client_for(editor).get(download_url(attachment, inline=1))
    assert response["Content-Disposition"].startswith("inline" if inline else "attachment")
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert AuditEntry.objects.get(action="attachment.download").after == {"inline": inline}


def test_download_scope(org, editor, users, tree):
    attachment = add(editor, org, SAMPLES["pdf"])
    assert client_for(users["badong_admin"]).get(download_url(attachment)).status_code == 404
    assert client_for(users["member"]).get(download_url(attachment)).status_code == 404
    assert client_for(users["leader"]).get(download_url(attachment)).status_code == 200
    assert client_for(users["zhou_admin"]).get(download_url(attachment)).status_code == 200
    assert Client().get(download_url(attachment)).status_code == 302
    unknown = reverse("attachments:download", kwargs={"uuid": "00000000-0000-0000-0000-000000000000"})
    assert client_for(editor).get(unknown).status_code == 404
    assert AuditEntry.objects.filter(action="attachment.download").count() == 2


def test_a_missing_file_is_404(org, editor):
    attachment = add(editor, org, SAMPLES["pdf"])
    attachments.path_of(attachment).unlink()
    assert client_for(editor).get(download_url(attachment)).status_code == 404


def test_upload_view(org, editor, settings):
    next_url = reverse("orgs:detail", kwargs={"pk": org.pk})
    response = client_for(editor).post(upload_url(org), {
        "file": upload(SAMPLES["png"], "现场照片.png"), "purpose": "photos", "next": next_url})
    assert response.status_code == 302 and response["Location"] == next_url
    attachment = Attachment.objects.get()
    assert (attachment.name, attachment.kind, attachment.purpose) == ("现场照片.png", "png", "photos")
    assert len(stored_files(settings)) == 1


def test_upload_view_refusal_is_a_chinese_message(org, editor, settings):
    client = client_for(editor)
    response = client.post(upload_url(org), {"file": upload(REFUSED["html"][0], "a.txt"), "purpose": "photos",
                                             "next": "https://evil.example/"}, follow=True)
    assert response.redirect_chain[0][0] == reverse("home")  # no redirect to another site
    text = response.content.decode()
    assert "HTML" in text and "不接受" in text
    assert not Attachment.objects.exists() and stored_files(settings) == []
    response = client.post(upload_url(org), {"purpose": "photos"}, follow=True)
    assert "请选择要上传的文件" in response.content.decode()


def test_upload_scope_and_capability(org, users, settings):
    data = {"file": upload(SAMPLES["pdf"], "a.pdf"), "purpose": "evidence"}
    assert client_for(users["badong_admin"]).post(upload_url(org), data).status_code == 404
    data["file"] = upload(SAMPLES["pdf"], "a.pdf")
    assert client_for(users["leader"]).post(upload_url(org), data).status_code == 403
    data["file"] = upload(SAMPLES["pdf"], "a.pdf")
    assert client_for(users["member"]).post(upload_url(org), data).status_code == 404
    assert not Attachment.objects.exists() and stored_files(settings) == []


def test_only_registered_scoped_models_own_attachments(tree, users, monkeypatch):
    from dangjian.accounts.models import User
    from dangjian.core.models import Summary
    from dangjian.orgs.models import Position

    with pytest.raises(TypeError):
        attachments.register_owner(Summary)  # not scoped
    with pytest.raises(TypeError):  # scoped but not declared an owner: a programming error, not a refusal
        add(users["sysadmin"], users["member"], SAMPLES["pdf"])
    url = upload_url(users["member"], "accounts.user")
    response = client_for(users["sysadmin"]).post(url, {"file": upload(SAMPLES["pdf"]), "purpose": "evidence"})
    assert response.status_code == 404
    assert not attachments.is_attachable(Position) and attachments.is_attachable(User) is False


@pytest.mark.parametrize("owner_type", ["nope.nope", "auth.group", "core.auditentry", "accounts.user", "orgs", ""])
def test_upload_to_something_that_cannot_own_attachments_is_404(owner_type, org, editor):
    url = f"/attachments/upload/{owner_type}/{org.pk}/" if owner_type else f"/attachments/upload/x/{org.pk}/"
    response = client_for(editor).post(url, {"file": upload(SAMPLES["pdf"]), "purpose": "evidence"})
    assert response.status_code == 404


def test_upload_to_another_scoped_model(editor, tree, person_factory):
    person = person_factory(tree["wujiatai"], name="附件测试")
    response = client_for(editor).post(upload_url(person, "orgs.person"),
                                       {"file": upload(SAMPLES["jpeg"], "证件照.jpg"), "purpose": "photo"})
    assert response.status_code == 302
    assert Attachment.objects.get().owner == person


def test_delete_view(org, editor, users, settings, django_capture_on_commit_callbacks):
    attachment = add(editor, org, SAMPLES["pdf"])
    url = reverse("attachments:delete", kwargs={"uuid": attachment.uuid})
    assert client_for(users["badong_admin"]).post(url).status_code == 404
    assert client_for(users["leader"]).post(url).status_code == 403
    assert client_for(editor).get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(editor).post(url, {"next": "/orgs/"}).status_code == 302
    assert not Attachment.objects.exists() and stored_files(settings) == []


# --- request size: large multipart bodies only on the upload URL ----------------------------------------------


def test_upload_url_accepts_bodies_above_the_global_limit(org, editor, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    video = SAMPLES["mp4"] + b"\x00" * 4000
    response = client_for(editor).post(upload_url(org), {"file": upload(video, "v.mp4"), "purpose": "video"})
    assert response.status_code == 302
    assert Attachment.objects.get().size == len(video)


def test_other_urls_and_other_content_types_keep_the_global_limit(org, editor, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client = client_for(editor)
    big = {"file": upload(SAMPLES["pdf"] + b"0" * 4000, "a.pdf"), "purpose": "evidence"}
    assert client.post(reverse("orgs:update", kwargs={"pk": org.pk}), big).status_code == 413
    response = client.post(upload_url(org), "x" * 4000, content_type="application/json")
    assert response.status_code == 413


def test_upload_url_refuses_bodies_above_the_attachment_limit(org, editor, settings):
    settings.ATTACHMENT_MAX_SIZE = 1000
    settings.ATTACHMENT_MAX_SIZES = {}
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client_for(editor).post(upload_url(org), {
        "file": upload(SAMPLES["pdf"] + b"0" * (attachments.largest_upload() + 10), "a.pdf"), "purpose": "e"})
    assert response.status_code == 413
    assert not Attachment.objects.exists() and stored_files(settings) == []


# --- the include for detail pages -----------------------------------------------------------------------------

INCLUDE = Template('{% load attachment_tags %}{% attachments owner "minutes" %}')


def render_for(user, owner):
    request = RequestFactory().get(f"/orgs/{owner.pk}/")
    request.user = user
    return INCLUDE.render(Context({"request": request, "owner": owner}))


def test_include_lists_attachments_and_offers_upload_to_editors(org, editor, users, django_assert_max_num_queries):
    for index in range(5):
        add(editor, org, SAMPLES["pdf"], name=f"纪要{index}.pdf", purpose="minutes")
    add(editor, org, SAMPLES["png"], name="照片.png", purpose="photos")
    with translation.override("zh-hans"), django_assert_max_num_queries(3):
        html = render_for(editor, org)
    assert html.count('action="/attachments/') == 6  # 5 delete buttons + the upload form
    assert "纪要4.pdf" in html and "照片.png" not in html  # only this purpose
    assert 'name="purpose" value="minutes"' in html and 'enctype="multipart/form-data"' in html
    assert "?inline=1" in html and "测试用户" in html

    with translation.override("zh-hans"):
        reader = render_for(users["leader"], org)
    assert "纪要4.pdf" in reader
    assert 'type="file"' not in reader and "/delete/" not in reader


def test_include_without_attachments(org, users):
    with translation.override("zh-hans"):
        html = render_for(users["leader"], org)
    assert "还没有附件" in html
