"""Job pages: the progress page of a background job, its htmx fragment, and the download of its file.

Only the requester ever sees a job: for anybody else, and after it expired, every URL answers 404.
"""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import audit, jobs
from .models import AuditEntry, Job
from .scoping import get_visible_or_404


@login_required
@require_GET
def job_list(request):
    current = jobs.jobs_of(request.user).filter(expires_at__gt=timezone.now())
    return render(request, "jobs/job_list.html", {"jobs": list(current[:50])})


@login_required
@require_GET
def job_detail(request, pk):
    job = get_visible_or_404(jobs.jobs_of(request.user), pk=pk)
    return render(request, "jobs/job_detail.html", {"job": job, "downloadable": jobs.downloadable(job)})


@login_required
@require_GET
@never_cache
def job_progress(request, pk):
    """The progress fragment: polls itself (htmx, every second) until the job has finished."""
    job = get_visible_or_404(jobs.jobs_of(request.user), pk=pk)
    return render(request, "jobs/_progress.html", {"job": job, "downloadable": jobs.downloadable(job)})


@login_required
@require_GET
@never_cache
def job_download(request, pk):
    job = Job.objects.filter(pk=pk).first()
    if job is None or job.requester_id != request.user.pk or not jobs.downloadable(job):
        if job is not None:  # someone else's job, or expired: refused (404, as if it did not exist) and audited
            audit.record("job.download", actor=request.user, object_type="core.job", object_id=job.pk,
                         object_repr=job.label, outcome=AuditEntry.Outcome.DENIED,
                         after={"expired": job.expired, "requester": job.requester_id == request.user.pk})
        raise Http404
    audit.record("job.download", actor=request.user, object_type="core.job", object_id=job.pk,
                 object_repr=job.label, after={"file": job.download_name, "rows": job.done})
    return FileResponse(jobs.file_path(job).open("rb"), as_attachment=True, filename=job.download_name,
                        content_type=job.content_type or "application/octet-stream")
