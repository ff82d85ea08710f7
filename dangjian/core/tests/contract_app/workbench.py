from django.urls import reverse

from dangjian.core import metrics
from dangjian.core.workbench import CardData, Figure, card, menu_entry, menu_group, todos

from .capabilities import SAMPLE_VIEW
from .metrics import DONE
from .models import Sample

menu_group("contract", "Contract", order=50)
menu_entry("contract", "Samples", "contract_app:list", "ti-flask", capability=SAMPLE_VIEW)


def samples_card(user):
    value = metrics.values([DONE], user.org)[DONE]
    return CardData([Figure("done", "Samples done", value, reverse("contract_app:list") + "?done=true",
                            reverse("sample-list") + "?done=true")])


card("contract.samples", "Samples", samples_card, capability=SAMPLE_VIEW, icon="ti-flask", order=90)


def open_samples(user):
    rows = Sample.objects.visible_to(user).filter(done_on__isnull=True).order_by("due_on")[:10]
    return [{"label": f"Sample: {s.title}", "url": reverse("contract_app:list"), "due": s.due_on} for s in rows]


todos("Samples", open_samples, capability=SAMPLE_VIEW)
