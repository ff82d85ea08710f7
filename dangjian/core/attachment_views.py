"""Attachment pages: upload to a record, download, delete. Scope is always the owning record's
(core.attachments): outside it the attachment does not exist (404); a read-only role gets 403 on writes."""

import re

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from . import attachments, audit
from .middleware import request_size_limit
from .scoping import get_visible_or_404
from .views import require_capability

# Downloads never run in the platform's origin: no script, no plugin, no form, no same-origin access.
DOWNLOAD_CSP = "sandbox; default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'"


class AttachmentForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File"),
                           error_messages={"required": gettext_lazy("Please choose a file to upload.")})
    purpose = forms.CharField(max_length=32, widget=forms.HiddenInput)


def _owner_or_404(user, owner_type, owner_id):
    app_label, _dot, model_name = owner_type.partition(".")
    try:
        model = ContentType.objects.get_by_natural_key(app_label, model_name).model_class()
    except ContentType.DoesNotExist:
        raise Http404 from None
    if model is None or not attachments.is_attachable(model):
        raise Http404
    return get_visible_or_404(model._default_manager.visible_to(user), pk=owner_id)


def _next(request):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return reverse("home")


@request_size_limit(attachments.largest_upload)
@login_required
@require_POST
def upload(request, owner_type, owner_id):
    owner = _owner_or_404(request.user, owner_type, owner_id)
    require_capability(request.user, type(owner).edit_capability)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(_next(request))
    try:
        attachment = attachments.attachment_add(actor=request.user, owner=owner, file=form.cleaned_data["file"],
                                                purpose=form.cleaned_data["purpose"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("“%(name)s” has been uploaded.") % {"name": attachment.name})
    return redirect(_next(request))


@login_required
@require_GET
def download(request, uuid):
    attachment, _owner = attachments.visible(request.user, uuid)
    try:
        handle = attachments.path_of(attachment).open("rb")
    except FileNotFoundError:
        raise Http404 from None
    inline = request.GET.get("inline") == "1" and attachments.inline_allowed(attachment)
    audit.record("attachment.download", actor=request.user, obj=attachment, after={"inline": inline})
    response = FileResponse(handle, as_attachment=not inline, filename=attachment.name,
                            content_type=attachment.mime_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def delete(request, uuid):
    attachment, owner = attachments.visible(request.user, uuid)
    require_capability(request.user, type(owner).edit_capability)
    attachments.attachment_delete(actor=request.user, attachment=attachment)
    messages.success(request, _("“%(name)s” has been deleted.") % {"name": attachment.name})
    return redirect(_next(request))


# Types a browser plays or pages through in place (<video>, <audio>, a PDF viewer): served in byte ranges.
STREAMED_KINDS = {"mp4", "mp3", "pdf"}
RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _byte_range(header, size):
    """(start, end) inclusive from a single-range `Range` header, None when absent; ValueError when unsatisfiable
    (several ranges are answered as the whole file: players never ask for them)."""
    match = RANGE.match(header.strip()) if header else None
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        length = int(last)
        if length == 0:
            raise ValueError
        return max(0, size - length), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        raise ValueError
    return start, end


def _file_chunks(path, start, length, chunk=64 * 1024):
    with path.open("rb") as handle:
        handle.seek(start)
        while length > 0:
            data = handle.read(min(chunk, length))
            if not data:
                break
            length -= len(data)
            yield data


@login_required
@require_GET
def stream(request, uuid):
    """An attachment a player reads in place (video, audio, PDF), with HTTP range requests (206 Partial Content):
    the same scope as a download (the owner's visible_to), inline, never cached. Only the request that starts
    at the first byte is audited, or a video would write an audit entry per seek."""
    attachment, _owner = attachments.visible(request.user, uuid)
    if attachment.kind not in STREAMED_KINDS:
        raise Http404
    path = attachments.path_of(attachment)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise Http404 from None
    try:
        wanted = _byte_range(request.headers.get("Range", ""), size)
    except ValueError:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    start, end = wanted or (0, size - 1)
    if start == 0:
        audit.record("attachment.download", actor=request.user, obj=attachment, after={"inline": True})
    response = StreamingHttpResponse(_file_chunks(path, start, end - start + 1), status=206 if wanted else 200,
                                     content_type=attachment.mime_type)
    response["Content-Length"] = str(end - start + 1)
    response["Accept-Ranges"] = "bytes"
    if wanted:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    response["Cache-Control"] = "private, no-store"
    return response
