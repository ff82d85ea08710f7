"""Permission matrix rows of the project-wide endpoints (see dangjian.core.testing)."""

from dangjian.core.testing import API_ANONYMOUS, LOGIN, Row, page, write

SIGNED_IN = ("zhou_admin", "leader", "member", "auditor")
# Attachments of an organization: the 宣恩县 administrator edits it, the leading cadre reads it, the 巴东县
# administrator is outside.
ROLES = {"editor": "xuanen_admin", "reader": "leader", "outsider": "badong_admin"}


def _attachment(w):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dangjian.core import attachments

    if "attachment" not in w:
        w["attachment"] = attachments.attachment_add(
            actor=w["users"]["xuanen_admin"], owner=w["wujiatai"], purpose="evidence",
            file=SimpleUploadedFile("矩阵附件.pdf", b"%PDF-1.4\n% matrix\n"),
        )


def _upload(w):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"file": SimpleUploadedFile("矩阵上传.pdf", b"%PDF-1.4\n% upload\n"), "purpose": "evidence"}


# A job is its requester's alone: everybody else, a superior included, gets 404.
JOB_OWNER = "xuanen_admin"
NOT_OWNER = ("badong_admin", "zhou_admin", "leader")


def _job(world):
    if "job" not in world:
        from dangjian.core import jobs
        from dangjian.core.tests.test_jobs import sample_runner

        world["job"] = jobs.start(requester=world["users"][JOB_OWNER], runner=sample_runner, label="矩阵任务",
                                  params={"items": ["矩阵"]})


def job_row(name):
    return Row(name, setup=_job, kwargs=lambda w: {"pk": w["job"].pk},
               expect={"anonymous": LOGIN, JOB_OWNER: 200, **dict.fromkeys(NOT_OWNER, 404)})


ROWS = [
    Row("api-root", api=True, expect={"anonymous": API_ANONYMOUS, **dict.fromkeys(SIGNED_IN, 200)}),
    Row("api-schema", api=True, expect={"anonymous": API_ANONYMOUS, **dict.fromkeys(SIGNED_IN, 200)}),
    Row("api-docs", api=True, expect={"anonymous": API_ANONYMOUS, **dict.fromkeys(SIGNED_IN, 200)}),
    # --- attachments (core.attachments): the owner's scope decides
    page("attachments:download", setup=_attachment, kwargs=lambda w: {"uuid": w["attachment"].uuid}, **ROLES),
    write("attachments:upload", method="post", data=_upload, editor_status=302,
          kwargs=lambda w: {"owner_type": "orgs.org", "owner_id": w["wujiatai"].pk}, **ROLES),
    write("attachments:delete", method="post", setup=_attachment, editor_status=302,
          kwargs=lambda w: {"uuid": w["attachment"].uuid}, **ROLES),
    # The member (no org.view) does not see the organization, so its attachments do not exist for them.
    Row("attachments:download", setup=_attachment, kwargs=lambda w: {"uuid": w["attachment"].uuid},
        expect={"anonymous": LOGIN, "member": 404}),
    # --- background jobs
    Row("jobs:list", setup=_job, expect={"anonymous": LOGIN, JOB_OWNER: 200, **dict.fromkeys(NOT_OWNER, 200)},
        marker=lambda w: "矩阵任务", insiders=(JOB_OWNER,), outsiders=NOT_OWNER),
    job_row("jobs:detail"),
    job_row("jobs:progress"),
    job_row("jobs:download"),
]
