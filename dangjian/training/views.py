"""抓培训 pages: classes, lessons, enrolment and check-in (bases, plans, courses and statistics: other_views.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian.core import audit
from dangjian.core.forms import add_service_errors
from dangjian.core.lists import paginate
from dangjian.core.scoping import get_visible_or_404
from dangjian.core.views import capability_required, perform_action
from dangjian.orgs.models import Person

from . import certificates, checkin, roster, services
from .capabilities import TRAINING_MANAGE
from .forms import ClassForm, LessonForm, ManualCheckInForm, PickForm, RosterForm
from .models import Attendance, Enrollment, Lesson, TrainingClass

PICK_LIMIT = 100


def _may_manage(user, klass):
    return user.has_capability(TRAINING_MANAGE) and TrainingClass.objects.editable_by(user).filter(
        pk=klass.pk).exists()


@login_required
def class_list(request):
    classes = TrainingClass.objects.visible_to(request.user).select_related("base", "org").annotate(
        enrolled=Count("enrollments", filter=~Q(enrollments__status=Enrollment.Status.DROPPED))).order_by(
        "-start_date", "-id")
    status = request.GET.get("status", "")
    if status in TrainingClass.Status.values:
        classes = classes.filter(status=status)
    mine = set()
    if request.user.person_id:
        mine = set(Enrollment.objects.filter(person_id=request.user.person_id).exclude(
            status=Enrollment.Status.DROPPED).values_list("training_class_id", flat=True))
    return render(request, "training/class_list.html", {
        "page": paginate(request, classes), "statuses": TrainingClass.Status.choices, "status": status,
        "mine": mine, "may_manage": request.user.has_capability(TRAINING_MANAGE)})


@capability_required(TRAINING_MANAGE)
def class_create(request):
    form = ClassForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            klass = services.class_create(actor=request.user, org=data.pop("organizer"), **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The class has been created; now add its lessons."))
            return redirect("training:class_detail", klass.pk)
    return render(request, "training/form.html", {"form": form, "title": _("New training class"),
                                                  "multipart": False})


@login_required
def class_detail(request, pk):
    klass = get_visible_or_404(TrainingClass.objects.visible_to(request.user).select_related("base", "org"), pk=pk)
    manage = _may_manage(request.user, klass)
    lessons = list(klass.lessons.annotate(present=Count("attendances")))
    enrollments = Enrollment.objects.visible_to(request.user).filter(training_class=klass).select_related(
        "person", "org")
    own = None
    if request.user.person_id:
        own = Enrollment.objects.filter(training_class=klass, person_id=request.user.person_id).first()
    taken = klass.enrollments.filter(status__in=services.OCCUPYING).count()
    return render(request, "training/class_detail.html", {
        "klass": klass, "lessons": lessons, "page": paginate(request, enrollments, per_page=50), "manage": manage,
        "own": own, "taken": taken, "now": timezone.now(),
        "may_self_enrol": klass.status == TrainingClass.Status.OPEN and own is None and request.user.person_id})


def _managed_class(request, pk):
    """The class of the URL for staff who run it: outside the user's view 404, visible but not theirs 403."""
    klass = get_visible_or_404(TrainingClass.objects.visible_to(request.user), pk=pk)
    if not _may_manage(request.user, klass):
        raise PermissionDenied
    return klass


@require_POST
@login_required
def class_open(request, pk):
    klass = _managed_class(request, pk)
    perform_action(request, services.class_open, _("The class is open for enrolment."), training_class=klass)
    return redirect("training:class_detail", pk)


@require_POST
@login_required
def class_finish(request, pk):
    klass = _managed_class(request, pk)
    perform_action(request, services.class_finish, _("The class is finished; completions and hours are credited."),
                   training_class=klass)
    return redirect("training:class_detail", pk)


@require_POST
@login_required
def enroll_self(request, pk):
    klass = get_visible_or_404(TrainingClass.objects.visible_to(request.user), pk=pk)
    perform_action(request, services.enroll_self, _("You are enrolled."), training_class=klass)
    return redirect("training:class_detail", pk)


@login_required
def class_enroll(request, pk):
    """Pick people: a name search inside the user's scope, then tick the trainees."""
    klass = _managed_class(request, pk)
    query = (request.GET.get("q") or "").strip()[:20]
    people = Person.objects.none()
    if query:
        people = Person.objects.visible_to(request.user).filter(
            Q(name__contains=query) | Q(pinyin_initials__startswith=query.lower())).select_related("org")
    people = list(people.order_by("pinyin", "pk")[:PICK_LIMIT])
    choices = [(p.pk, f"{p.name} · {p.org.name}") for p in people]
    form = PickForm(request.POST or None, choices=choices)
    if request.method == "POST":
        form.fields["people"].choices = [(int(v), v) for v in request.POST.getlist("people") if v.isdigit()]
        if form.is_valid():
            chosen = list(Person.objects.visible_to(request.user).filter(pk__in=form.cleaned_data["people"]))
            try:
                services.enroll(actor=request.user, training_class=klass, people=chosen)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("%(n)d trainees enrolled.") % {"n": len(chosen)})
                return redirect("training:class_detail", pk)
    return render(request, "training/enroll.html", {"klass": klass, "form": form, "q": query, "people": people})


@login_required
def class_roster(request, pk):
    klass = _managed_class(request, pk)
    form = RosterForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            created = roster.roster_import(actor=request.user, training_class=klass, file=form.cleaned_data["file"])
        except roster.RosterErrors as exc:
            errors = exc.rows
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(n)d trainees enrolled from the roster.") % {"n": len(created)})
            return redirect("training:class_detail", pk)
    return render(request, "training/roster.html", {"klass": klass, "form": form, "errors": errors})


@capability_required(TRAINING_MANAGE)
def roster_template(request):
    response = HttpResponse(roster.template_workbook(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = "attachment; filename*=UTF-8''%E8%8A%B1%E5%90%8D%E5%86%8C.xlsx"
    return response


@login_required
def lesson_create(request, pk):
    klass = _managed_class(request, pk)
    form = LessonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.lesson_create(actor=request.user, training_class=klass, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The lesson has been added."))
            return redirect("training:class_detail", pk)
    return render(request, "training/form.html", {"form": form, "title": _("New lesson"), "klass": klass})


def _managed_lesson(request, pk):
    lesson = get_visible_or_404(Lesson.objects.visible_to(request.user).select_related("training_class"), pk=pk)
    if not _may_manage(request.user, lesson.training_class):
        raise PermissionDenied
    return lesson


@login_required
def lesson_qr(request, pk):
    """The QR code the trainer shows (projector or phone): the platform draws it; the token expires with the
    lesson. `data-token` carries the token for the page's own tests and for copying."""
    lesson = _managed_lesson(request, pk)
    payload = checkin.qr_payload(actor=request.user, lesson=lesson, request=request)
    present = lesson.attendances.count()
    return render(request, "training/lesson_qr.html", {
        "lesson": lesson, "klass": lesson.training_class, "payload": payload, "svg": checkin.qr_svg(payload["url"]),
        "present": present, "now": timezone.now()})


@login_required
def check_in(request, pk):
    """Where the QR code leads: signed in (the login page brings the trainee back), one tap checks in."""
    lesson = get_visible_or_404(Lesson.objects.visible_to(request.user).select_related("training_class"), pk=pk)
    token = request.POST.get("t") or request.GET.get("t", "")
    done = None
    if request.method == "POST":
        try:
            done = checkin.check_in(actor=request.user, lesson=lesson, token=token)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    elif request.user.person_id:
        done = Attendance.objects.filter(lesson=lesson, person_id=request.user.person_id).first()
    return render(request, "training/check_in.html", {"lesson": lesson, "klass": lesson.training_class,
                                                      "token": token, "done": done})


@login_required
def lesson_manual(request, pk):
    lesson = _managed_lesson(request, pk)
    present = Attendance.objects.filter(lesson=lesson).values("person_id")
    waiting = (Enrollment.objects.filter(training_class_id=lesson.training_class_id)
               .exclude(status=Enrollment.Status.DROPPED).exclude(person_id__in=present)
               .select_related("person").order_by("person__pinyin"))
    form = ManualCheckInForm(request.POST or None, choices=[(e.person_id, e.person.name) for e in waiting])
    if request.method == "POST" and form.is_valid():
        person = get_visible_or_404(Person.objects.visible_to(request.user), pk=form.cleaned_data["person"])
        try:
            checkin.check_in_manual(actor=request.user, lesson=lesson, person=person,
                                    reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(name)s is checked in.") % {"name": person.name})
            return redirect("training:lesson_manual", pk)
    return render(request, "training/form.html", {"form": form, "title": _("Check in by hand"),
                                                  "klass": lesson.training_class, "subtitle": str(lesson)})


@login_required
def certificate(request, pk):
    enrollment = get_visible_or_404(Enrollment.objects.visible_to(request.user).select_related(
        "person", "training_class", "training_class__org", "training_class__base"), pk=pk)
    if enrollment.status != Enrollment.Status.COMPLETED:
        messages.error(request, _("Only a completed class has a certificate."))
        return redirect("training:class_detail", enrollment.training_class_id)
    pdf = certificates.certificate_pdf(enrollment)
    audit.record("training.certificate", actor=request.user, obj=enrollment)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename=certificate-{enrollment.pk}.pdf"
    return response
