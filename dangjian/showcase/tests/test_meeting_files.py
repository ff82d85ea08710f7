"""Photos and documents of a meeting: uploaded on its page by those who may record meetings; a file of the wrong
type is refused with a Chinese message and nothing is stored; outside scope the meeting does not exist."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dangjian.core.models import Attachment

from . import factories as f

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 100


@pytest.fixture(autouse=True)
def _attachments_in_tmp(settings, tmp_path):
    settings.ATTACHMENTS_DIR = tmp_path / "attachments"


def upload_url(meeting):
    return reverse("attachments:upload", kwargs={"owner_type": "showcase.meeting", "owner_id": meeting.pk})


def test_photos_of_a_meeting(client, world, settings):
    meeting = f.meeting(world)
    page = reverse("showcase:meeting_detail", args=[meeting.pk])
    client.force_login(world["users"]["wanzhai"])
    response = client.post(upload_url(meeting), {"file": SimpleUploadedFile("现场.png", PNG), "purpose": "photos",
                                                 "next": page}, follow=True)
    assert "现场.png" in response.content.decode()
    assert Attachment.objects.get().purpose == "photos"


def test_wrong_type_is_refused_and_nothing_is_stored(client, world, settings):
    meeting = f.meeting(world)
    client.force_login(world["users"]["wanzhai"])
    response = client.post(upload_url(meeting), {"file": SimpleUploadedFile("议程.exe", b"MZ\x90\x00" + b"\x00" * 200),
                                                 "purpose": "photos", "next": "/"}, follow=True)
    assert "不接受" in response.content.decode()
    assert not Attachment.objects.exists()
    folder = settings.ATTACHMENTS_DIR
    assert not [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else True


def test_outside_scope_and_read_only(client, world):
    meeting = f.meeting(world)
    file = {"file": SimpleUploadedFile("a.png", PNG), "purpose": "photos"}
    client.force_login(world["users"]["badong_admin"])
    assert client.post(upload_url(meeting), file).status_code == 404
    client.force_login(world["users"]["leader"])
    assert client.post(upload_url(meeting), {**file, "file": SimpleUploadedFile("a.png", PNG)}).status_code == 403
    assert not Attachment.objects.exists()
