"""Pages of the transfer workflow: transfers in progress, one transfer with its actions and the 介绍信 (the
installation-wide destination is picked with the organization picker's "directory" source).

A transfer is seen by its sender (from_org in scope) and its receiving side (destination in scope); anyone else
gets 404. Accepting and returning belong to the receiving side, withdrawing and the letter to the sender: the
other side gets 404 there too. Until accepted the receiving side sees only the person's name, gender, category
and the sending organization.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangjian.core.forms import add_service_errors
from dangjian.core.views import capability_required, perform_action, require_capability

from .. import services
from ..capabilities import PERSON_EDIT, PERSON_VIEW
from ..forms.people import TransferReturnForm
from ..letters import letter_pdf
from ..models import Transfer
from ..selectors import transfers as transfer_selectors


def letter_response(context):
    transfer = context["transfer"]
    response = HttpResponse(letter_pdf(context), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="transfer-letter-{transfer.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


def _incoming_or_404(request, pk):
    transfer = transfer_selectors.get_transfer_or_404(request.user, pk)
    if not transfer_selectors.is_incoming(request.user, transfer):
        raise Http404
    require_capability(request.user, PERSON_EDIT)
    return transfer


@capability_required(PERSON_VIEW)
@require_GET
def transfer_list(request):
    return render(request, "orgs/transfer_list.html", {
        **transfer_selectors.in_transit(request.user),
        "can_edit": request.user.has_capability(PERSON_EDIT),
    })


@login_required
@require_GET
def transfer_detail(request, pk):
    transfer = transfer_selectors.get_transfer_or_404(request.user, pk)
    incoming = transfer_selectors.is_incoming(request.user, transfer)
    return render(request, "orgs/transfer_detail.html", {
        "transfer": transfer,
        "incoming": incoming,
        "pending": transfer.status == Transfer.Status.PENDING,
        # The receiving side reaches the member record only once the person has moved to it.
        "person_link": not incoming or transfer.status == Transfer.Status.ACCEPTED,
        "can_edit": request.user.has_capability(PERSON_EDIT),
        "return_form": TransferReturnForm(),
    })


@login_required
@require_POST
def transfer_accept(request, pk):
    transfer = _incoming_or_404(request, pk)
    perform_action(request, services.transfer_accept,
                   _("%(name)s has joined %(org)s.") % {"name": transfer.person.name, "org": transfer.org.name},
                   transfer=transfer)
    return redirect("orgs:transfer_detail", pk=transfer.pk)


@login_required
@require_http_methods(["GET", "POST"])
def transfer_return(request, pk):
    transfer = _incoming_or_404(request, pk)
    form = TransferReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.transfer_return(actor=request.user, transfer=transfer, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The transfer has been returned to %(org)s.")
                             % {"org": transfer.from_org.name})
            return redirect("orgs:transfer_detail", pk=transfer.pk)
    return render(request, "orgs/transfer_return.html", {"transfer": transfer, "form": form})


@login_required
@require_POST
def transfer_withdraw(request, pk):
    transfer = transfer_selectors.get_transfer_or_404(request.user, pk)
    if transfer_selectors.is_incoming(request.user, transfer):
        raise Http404
    require_capability(request.user, PERSON_EDIT)
    perform_action(request, services.transfer_withdraw, _("The transfer has been withdrawn."), transfer=transfer)
    return redirect("orgs:transfer_detail", pk=transfer.pk)


@login_required
@require_GET
@never_cache
def transfer_letter(request, pk):
    transfer = transfer_selectors.get_transfer_or_404(request.user, pk)
    return letter_response(services.transfer_letter(actor=request.user, transfer=transfer))
