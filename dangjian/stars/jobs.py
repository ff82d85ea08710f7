"""The yearly scoring of every assessment of a scheme as a background job (core.jobs) with a progress bar."""

import csv
import io

from django.utils.translation import gettext as _

from dangjian.core import audit, jobs
from dangjian.core.exceptions import NotInScope, ValidationError

from . import scoring
from .models import Assessment, Scheme
from .services import require_scheme_owner


@jobs.runner
def score_scheme_runner(*, job, progress, out):
    """Recompute the automatic points and totals of the scheme's open assessments; the result file lists each
    organization's score and projected stars (CSV)."""
    scheme = Scheme.objects.visible_to(job.requester).select_related("org").filter(pk=job.params["scheme"]).first()
    if scheme is None:
        raise NotInScope
    assessments = list(Assessment.objects.filter(scheme=scheme).order_by("pk"))
    progress(0, total=len(assessments), message=_("Computing the metrics…"))
    changed = scoring.score(scheme, assessments, progress=progress)
    audit.record("stars.scheme.score", actor=job.requester, obj=scheme, org=scheme.org_id,
                 after={"assessments": len(assessments), "changed": changed})
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow([_("Organization"), _("Score"), _("Projected stars"), _("Status")])
    rows = Assessment.objects.filter(scheme=scheme).select_related("org").order_by("org__path")
    for assessment in rows.iterator(chunk_size=2000):
        writer.writerow([assessment.org.name, assessment.score, assessment.projected_stars,
                         assessment.get_status_display()])
    out.write(text.getvalue().encode("utf-8-sig"))
    return f"scores-{scheme.year}-{scheme.pk}.csv", "text/csv"


def start_scoring(*, actor, scheme):
    """Start the yearly scoring of a published scheme (its owner only)."""
    require_scheme_owner(actor, scheme)
    if scheme.is_draft:
        raise ValidationError(_("Publish the scheme before scoring it."))
    return jobs.start(requester=actor, runner=score_scheme_runner, params={"scheme": scheme.pk},
                      label=_("Scoring: %(name)s") % {"name": scheme.name})
