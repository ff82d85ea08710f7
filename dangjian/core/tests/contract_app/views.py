from django.http import HttpResponse

from dangjian.core.views import capability_required

from .capabilities import SAMPLE_VIEW
from .models import Sample


@capability_required(SAMPLE_VIEW)
def sample_list(request):
    rows = Sample.objects.visible_to(request.user)
    if request.GET.get("done") == "true":
        rows = rows.filter(done_on__isnull=False)
    return HttpResponse("\n".join(s.title for s in rows), content_type="text/plain; charset=utf-8")
