"""Pages of 抓示范. Each view finds its object in the user's scope (404 outside), calls one service and
redirects; lists read through selectors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian.core import audit
from dangjian.core.forms import add_service_errors
from dangjian.core.lists import paginate
from dangjian.core.permissions import SELF_SERVICE
from dangjian.core.scoping import get_visible_or_404
from dangjian.core.views import capability_required, perform_action, require_capability

from . import honours, posts, selectors, services
from .capabilities import HONOR_MANAGE, MEETING_EDIT, NOMINATE, POST_APPROVE, POST_RECOMMEND, SHOWCASE_VIEW, SITE_MANAGE
from .forms import (
    CampaignForm,
    MeetingForm,
    NominationForm,
    PostApplyForm,
    ReasonForm,
    ReviewForm,
    ServiceForm,
    SiteForm,
)
from .models import DemoSite, HonorCampaign, Meeting, ModelPost, Nomination
from .plates import plate_pdf


def _list(request, name, template, **extra):
    filterset, rows = selectors.filtered(request.user, name, request.GET)
    return render(request, f"showcase/{template}", {
        "page": paginate(request, rows), "filter_form": filterset.form, **extra})


def _form_page(request, form, template, save, **extra):
    """POST: the form, then the service (`save(data)` returns the URL to go to); errors land on the fields."""
    if request.method == "POST" and form.is_valid():
        try:
            return redirect(save(form.cleaned_data))
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(request, f"showcase/{template}", {"form": form, **extra})


# --- demonstration sites ---------------------------------------------------------------------------------

@capability_required(SHOWCASE_VIEW)
def site_list(request):
    return _list(request, "sites", "site_list.html", can_edit=request.user.has_capability(SITE_MANAGE))


@capability_required(SHOWCASE_VIEW)
def site_detail(request, pk):
    try:
        context = selectors.site_page(request.user, pk)
    except DemoSite.DoesNotExist:
        raise Http404 from None
    # Revoking belongs to the level that designated the site or one above it (services.site_revoke).
    can_edit = (request.user.has_capability(SITE_MANAGE)
                and request.user.org.level <= services.DESIGNATOR_LEVEL[context["site"].level])
    return render(request, "showcase/site_detail.html", {**context, "can_edit": can_edit, "revoke_form": ReasonForm()})


@capability_required(SITE_MANAGE)
def site_create(request):
    def save(data):
        site = services.site_designate(actor=request.user, **data)
        messages.success(request, _("The demonstration site was designated."))
        return site_url(site)

    return _form_page(request, SiteForm(request.POST or None, user=request.user), "form.html", save,
                      title=_("Designate a site"), back=reverse("showcase:site_list"))


def site_url(site):
    return reverse("showcase:site_detail", args=[site.pk])


@login_required
@require_POST
def site_revoke(request, pk):
    site = get_visible_or_404(DemoSite.objects.visible_to(request.user), pk=pk)
    require_capability(request.user, SITE_MANAGE)
    perform_action(request, services.site_revoke, _("The site was revoked."), site=site,
                   reason=request.POST.get("reason", ""))
    return redirect(site_url(site))


# --- meetings ----------------------------------------------------------------------------------------------

@capability_required(SHOWCASE_VIEW)
def meeting_list(request):
    return _list(request, "meetings", "meeting_list.html", can_edit=request.user.has_capability(MEETING_EDIT))


@capability_required(SHOWCASE_VIEW)
def meeting_detail(request, pk):
    meeting = get_visible_or_404(Meeting.objects.visible_to(request.user).select_related("org")
                                 .prefetch_related("sites__org", "participants"), pk=pk)
    return render(request, "showcase/meeting_detail.html", {"meeting": meeting})


@capability_required(MEETING_EDIT)
def meeting_create(request):
    def save(data):
        meeting = services.meeting_record(actor=request.user, **data)
        messages.success(request, _("The meeting was recorded; add its photos and documents below."))
        return reverse("showcase:meeting_detail", args=[meeting.pk])

    return _form_page(request, MeetingForm(request.POST or None, user=request.user), "form.html", save,
                      title=_("Record a meeting"), back=reverse("showcase:meeting_list"))


# --- model posts ---------------------------------------------------------------------------------------------

@capability_required(SHOWCASE_VIEW)
def post_list(request):
    return _list(request, "posts", "post_list.html")


@capability_required(SELF_SERVICE)
def post_apply(request):
    """The member's own page (a phone first): their posts, and the application form."""

    def save(data):
        posts.post_apply(actor=request.user, **data)
        messages.success(request, _("Your application was sent to your branch."))
        return reverse("showcase:post_apply")

    return _form_page(request, PostApplyForm(request.POST or None), "post_apply.html", save,
                      mine=selectors.my_posts(request.user), linked=bool(request.user.person_id))


def _visible_post(request, pk):
    return get_visible_or_404(ModelPost.objects.visible_to(request.user).select_related("org", "person"), pk=pk)


@login_required
def post_detail(request, pk):
    post = _visible_post(request, pk)
    user = request.user
    own = bool(user.person_id) and user.person_id == post.person_id
    can_recommend = user.has_capability(POST_RECOMMEND) and not own
    can_approve = user.has_capability(POST_APPROVE) and not own
    S = ModelPost.Status
    return render(request, "showcase/post_detail.html", {
        "post": post, "own": own, "services": post.services.order_by("-served_on", "-id")[:100],
        "can_recommend": can_recommend, "can_approve": can_approve,
        "has_steps": (can_recommend and post.status == S.APPLIED) or (own and post.status == S.PUBLISHED)
        or (can_approve and post.status in (S.RECOMMENDED, S.NOTICE)),
        "can_withdraw": own or user.has_capability(POST_RECOMMEND),
        "service_form": ServiceForm(), "reason_form": ReasonForm(),
    })


POST_STEPS = {
    "recommend": (posts.post_recommend, POST_RECOMMEND, _("Recommended.")),
    "approve": (posts.post_approve, POST_APPROVE, _("Approved: the public notice is open.")),
    "publish": (posts.post_publish, POST_APPROVE, _("Published.")),
}


@login_required
@require_POST
def post_step(request, pk, step):
    post = _visible_post(request, pk)
    service, capability, done = POST_STEPS[step]
    require_capability(request.user, capability)
    perform_action(request, service, done, post=post)
    return redirect("showcase:post_detail", pk=post.pk)


@login_required
@require_POST
def post_withdraw(request, pk):
    post = _visible_post(request, pk)
    if post.person_id != request.user.person_id:
        require_capability(request.user, POST_RECOMMEND)
    perform_action(request, posts.post_withdraw, _("The post was withdrawn."), post=post,
                   reason=request.POST.get("reason", ""))
    return redirect("showcase:post_detail", pk=post.pk)


@login_required
def service_create(request, pk):
    post = _visible_post(request, pk)
    if post.person_id != request.user.person_id:
        require_capability(request.user, POST_RECOMMEND)

    def save(data):
        posts.service_record(actor=request.user, post=post, **data)
        messages.success(request, _("The service was recorded."))
        return reverse("showcase:post_detail", args=[post.pk])

    return _form_page(request, ServiceForm(request.POST or None), "form.html", save,
                      title=_("Record a service"), intro=str(post),
                      back=reverse("showcase:post_detail", args=[post.pk]))


@login_required
def post_plate(request, pk):
    post = _visible_post(request, pk)
    if post.status != ModelPost.Status.PUBLISHED:
        raise Http404
    audit.record("showcase.post.plate", actor=request.user, obj=post)
    response = HttpResponse(plate_pdf(post), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="model-post-{post.pk}.pdf"'
    return response


# --- 五好 campaigns ---------------------------------------------------------------------------------------

@capability_required(SHOWCASE_VIEW)
def campaign_list(request):
    return _list(request, "campaigns", "campaign_list.html", can_edit=request.user.has_capability(HONOR_MANAGE))


@capability_required(HONOR_MANAGE)
def campaign_create(request):
    def save(data):
        campaign = honours.campaign_create(actor=request.user, **data)
        return reverse("showcase:campaign_detail", args=[campaign.pk])

    return _form_page(request, CampaignForm(request.POST or None), "form.html", save,
                      title=_("New campaign"), back=reverse("showcase:campaign_list"))


@capability_required(SHOWCASE_VIEW)
def campaign_detail(request, pk):
    campaign = get_visible_or_404(HonorCampaign.objects.visible_to(request.user).select_related("org"), pk=pk)
    nominations = Nomination.objects.visible_to(request.user).filter(campaign=campaign).select_related(
        "org", "person").order_by("status", "-nominated_on", "-id")
    return render(request, "showcase/campaign_detail.html", {
        "campaign": campaign, "page": paginate(request, nominations),
        "can_nominate": request.user.has_capability(NOMINATE)})


@capability_required(NOMINATE)
def nomination_create(request, pk):
    campaign = get_visible_or_404(HonorCampaign.objects.visible_to(request.user).select_related("org"), pk=pk)
    form = NominationForm(request.POST or None, user=request.user, campaign=campaign)

    def save(data):
        from dangjian.orgs.models import Person

        person = None
        if data.get("person"):
            person = get_visible_or_404(Person.objects.visible_to(request.user), pk=data["person"])
        nomination = honours.nomination_submit(actor=request.user, campaign=campaign, person=person,
                                               org=data.get("org"), evidence=form.evidence())
        return reverse("showcase:nomination_detail", args=[nomination.pk])

    return _form_page(request, form, "form.html", save,
                      title=_("Nominate"), intro=campaign.name,
                      back=reverse("showcase:campaign_detail", args=[campaign.pk]))


@capability_required(SHOWCASE_VIEW)
def nomination_detail(request, pk):
    nomination = get_visible_or_404(Nomination.objects.visible_to(request.user).select_related(
        "campaign__org", "org", "person"), pk=pk)
    return render(request, "showcase/nomination_detail.html", {
        "nomination": nomination, "evidence": list(zip(nomination.campaign.criteria, nomination.evidence,
                                                       strict=False)),
        "can_manage": request.user.has_capability(HONOR_MANAGE),
        "review_form": ReviewForm(), "reason_form": ReasonForm()})


@login_required
@require_POST
def nomination_step(request, pk, step):
    nomination = get_visible_or_404(Nomination.objects.visible_to(request.user).select_related("campaign"), pk=pk)
    require_capability(request.user, HONOR_MANAGE)
    if step == "review":
        form = ReviewForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose the result of the review."))
        else:
            perform_action(request, honours.nomination_review, _("Reviewed."), nomination=nomination,
                           **form.cleaned_data)
    elif step == "name":
        perform_action(request, honours.nomination_name, _("Named."), nomination=nomination)
    else:
        perform_action(request, honours.nomination_revoke, _("The honour was revoked."), nomination=nomination,
                       reason=request.POST.get("reason", ""))
    return redirect("showcase:nomination_detail", pk=nomination.pk)
