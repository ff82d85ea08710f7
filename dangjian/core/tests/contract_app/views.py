from django.shortcuts import render

from dangjian.core.views import capability_required

from .capabilities import SAMPLE_VIEW
from .models import Sample


@capability_required(SAMPLE_VIEW)
def sample_list(request):
    rows = Sample.objects.visible_to(request.user)
    if request.GET.get("done") == "true":
        rows = rows.filter(done_on__isnull=False)
    return render(request, "contract_app/sample_list.html", {"samples": rows})
