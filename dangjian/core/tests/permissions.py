"""Permission matrix rows of the project-wide endpoints (see dangjian.core.testing)."""

from dangjian.core.testing import API_ANONYMOUS, LOGIN, Row

SIGNED_IN = ("zhou_admin", "leader", "member", "auditor")

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
    # --- background jobs
    Row("jobs:list", setup=_job, expect={"anonymous": LOGIN, JOB_OWNER: 200, **dict.fromkeys(NOT_OWNER, 200)},
        marker=lambda w: "矩阵任务", insiders=(JOB_OWNER,), outsiders=NOT_OWNER),
    job_row("jobs:detail"),
    job_row("jobs:progress"),
    job_row("jobs:download"),
]
