"""Background jobs: long work (a large export…) runs as a django-tasks task while the user watches a progress bar.

    job = jobs.start(requester=request.user, runner=my_runner, label=_("…"), params={...})
    return redirect("jobs:detail", pk=job.pk)

A *runner* is a module-level function marked `@jobs.runner`, called in the worker as
`runner(job=job, progress=progress, out=binary_file)`; it writes the result into `out`, calls
`progress(done, total=None, message=None)` as it goes, and returns `(download file name, content type)`.
The job stores the runner's dotted path and JSON parameters only, so the worker rebuilds everything (the scoped
queryset of an export, for the requester) from data. Results live in `settings.JOBS_DIR` (under the data folder,
never under static), are served only to the requester by `jobs:download` (audited), and expire after
`settings.JOB_RESULT_TTL`; `manage.py jobs_purge` deletes expired files and rows.

Tasks run in `manage.py db_worker` (django-tasks-db); tests use the immediate backend, so a job has finished when
`start()` returns.
"""

import logging
import os
import time
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from .models import Job

logger = logging.getLogger(__name__)

# The progress bar is written to the database at most this often (seconds), and always at the end.
PROGRESS_INTERVAL = 0.5


def runner(func):
    """Mark a module-level function as a job runner (only marked functions can be named by a job row)."""
    func.is_job_runner = True
    return func


def _runner_path(func):
    if not getattr(func, "is_job_runner", False) or "<" in func.__qualname__:
        raise ValueError(f"{func!r} is not a module-level @jobs.runner")
    return f"{func.__module__}.{func.__qualname__}"


def _load_runner(path):
    func = import_string(path)
    if not getattr(func, "is_job_runner", False):
        raise ValueError(f"{path} is not a job runner")
    return func


def jobs_dir():
    return Path(settings.JOBS_DIR)


def file_path(job):
    return jobs_dir() / job.file_name


def jobs_of(user):
    """The jobs a user may see: their own, nobody else's."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Job.objects.none()
    return Job.objects.filter(requester=user)


def downloadable(job):
    return job.status == Job.Status.DONE and not job.expired and bool(job.file_name) and file_path(job).exists()


def start(*, requester, runner, label, params=None, total=0):
    """Create the job row and enqueue the task that runs `runner` for it. Returns the job (refreshed: with the
    immediate backend it has already finished)."""
    kind = _runner_path(runner)
    job = Job.objects.create(requester=requester, kind=kind, label=str(label)[:200], params=params or {},
                             total=total, expires_at=timezone.now() + settings.JOB_RESULT_TTL)
    run_job.enqueue(str(job.pk))
    job.refresh_from_db()
    return job


class Progress:
    """The callback a runner reports through; writes to the job row at most every PROGRESS_INTERVAL."""

    def __init__(self, job):
        self.job = job
        self._written = 0.0

    def __call__(self, done, total=None, message=None, force=False):
        fields = {"done": done}
        if total is not None:
            fields["total"] = total
        if message is not None:
            fields["message"] = str(message)[:500]
        for name, value in fields.items():
            setattr(self.job, name, value)
        now = time.monotonic()
        if force or total is not None or message is not None or now - self._written >= PROGRESS_INTERVAL:
            Job.objects.filter(pk=self.job.pk).update(**fields)
            self._written = now


@task()
def run_job(job_id):
    """The django-tasks task: claim the queued job, run its runner into the job's file, record the outcome."""
    if not Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(status=Job.Status.RUNNING):
        return  # already claimed, or gone
    job = Job.objects.select_related("requester", "requester__org").get(pk=job_id)
    job.file_name = job.pk.hex
    Job.objects.filter(pk=job.pk).update(file_name=job.file_name)  # purge() leaves a running job's file alone
    path = file_path(job)
    try:
        if not job.requester.is_active:
            raise PermissionDenied("the requester's account is disabled")
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        progress = Progress(job)
        with os.fdopen(descriptor, "wb") as out:
            download_name, content_type = _load_runner(job.kind)(job=job, progress=progress, out=out)
    except Exception as exc:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        path.unlink(missing_ok=True)
        message = " ".join(exc.messages) if isinstance(exc, ValidationError) else ""
        Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, finished_at=timezone.now(),
                                             message=message[:500], file_name="")
        return
    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.DONE, finished_at=now, expires_at=now + settings.JOB_RESULT_TTL, file_name=job.file_name,
        done=job.done, total=max(job.total, job.done),
        download_name=str(download_name)[:200], content_type=content_type[:100],
    )


def purge(now=None):
    """Delete expired jobs and their files, and files no job row points at. Returns the number of jobs deleted."""
    now = now or timezone.now()
    expired = Job.objects.filter(expires_at__lte=now)
    for name in expired.exclude(file_name="").values_list("file_name", flat=True):
        (jobs_dir() / name).unlink(missing_ok=True)
    count, _ = expired.delete()
    directory = jobs_dir()
    if directory.exists():
        known = set(Job.objects.exclude(file_name="").values_list("file_name", flat=True))
        for path in directory.iterdir():
            if path.is_file() and path.name not in known:
                path.unlink(missing_ok=True)
    return count
