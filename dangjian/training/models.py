"""抓培训: training bases, classes with lessons, enrolments and attendance, yearly plans, online courses.

Fact rows that are counted up the tree (enrolments, attendance, course progress) belong to the *trainee's*
organization and carry its ancestry (orgs.OrgFact): a county's figures are its own people's training, whoever
organized it. Classes, courses and plans belong to the organization that runs them (the organizer), and are
shown to the organizer's subtree (its staff manage them; its members see them, to enrol and to study).
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.core import permissions
from dangjian.core.scoping import ScopedManager, ScopedQuerySet, scope_filter
from dangjian.orgs.models import ANCESTRY_COLUMNS, Org, OrgFact, Person
from dangjian.orgs.models import Level as OrgLevel

from .capabilities import TRAINING_MANAGE, TRAINING_VIEW


class Level(models.TextChoices):
    PREFECTURE = "prefecture", _("Prefecture level")
    COUNTY = "county", _("County level")
    TOWNSHIP = "township", _("Township level")


class Method(models.TextChoices):
    CASE = "case", _("Case study")
    SIMULATION = "simulation", _("Simulation")
    EXPERIENTIAL = "experiential", _("Experiential")
    INTERACTIVE = "interactive", _("Interactive")
    LECTURE = "lecture", _("Lecture")
    ONSITE = "onsite", _("On-site teaching")


class Topic(models.TextChoices):
    MASS_WORK = "mass_work", _("Mass work")
    EMERGENCY = "emergency", _("Emergency response")
    POLICY_LAW = "policy_law", _("Rural policy and law")
    THEORY = "theory", _("Party theory")
    PARTY_AFFAIRS = "party_affairs", _("Party affairs")
    INDUSTRY = "industry", _("Industry and development")


class Audience(models.TextChoices):
    VILLAGE_SECRETARIES = "village_secretaries", _("Village secretaries")
    VILLAGE_CADRES = "village_cadres", _("Village cadres")
    ORG_DEPT_CADRES = "org_dept_cadres", _("Organization-department cadres")
    TOWNSHIP_CADRES = "township_cadres", _("Township cadres")
    MEMBERS = "members", _("Party members")


def offering_org(org):
    """The subtree a class, course or plan of `org` is offered to: the organization itself when it is a committee
    (down to a township), else its committee — 宣恩县委党校机关党支部 offers its classes to the whole of 宣恩县."""
    while org.level > OrgLevel.TOWNSHIP and org.parent_id is not None:
        org = org.parent
    return org


def reachable_q(user, prefix=""):
    """Rows offered to the user's own organization or one above it (`offered_to`): its members see them (to
    enrol, to study), and so do staff below it."""
    org = getattr(user, "org", None)
    if org is None or not user.is_authenticated:
        return None
    if not (user.has_capability(TRAINING_VIEW) or user.has_capability(permissions.SELF_SERVICE)):
        return None
    return Q(**{f"{prefix}offered_to_id__in": [*org.ancestor_ids(), org.pk]})


class OfferedQuerySet(ScopedQuerySet):
    """Visible: run inside the user's subtree (staff), or offered to the user's organization or one above it."""

    def visible_to(self, user):
        own = scope_filter(self.model, user, "view")
        offered = reachable_q(user)
        conditions = [q for q in (own, offered) if q is not None]
        if not conditions:
            return self.none()
        condition = conditions[0]
        for q in conditions[1:]:
            condition |= q
        return self.filter(condition)


OfferedManager = models.Manager.from_queryset(OfferedQuerySet)


class OfferedFact(OrgFact):
    """A class, course or plan: run by `org`, offered to `offered_to`'s subtree (offering_org)."""

    offered_to = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+", editable=False)

    objects = OfferedManager()

    class Meta:
        abstract = True

    def set_org(self, org):
        super().set_org(org)
        self.offered_to = offering_org(org)


def fact_indexes(prefix, *date_fields, include=()):
    """(ancestor, date[, include…]) indexes of a fact table, one per ancestry column and date (docs/decisions.md);
    `include` makes them covering for a count of distinct people."""
    return [
        models.Index(fields=[column, field, *include], name=f"{prefix}_{column[:4]}_{field[:10]}")
        for column in ANCESTRY_COLUMNS.values() for field in date_fields
    ]


class TrainingBaseQuerySet(ScopedQuerySet):
    """Every role that views training sees every base (a directory of places, no personal data); only the base's
    own subtree edits it."""

    def visible_to(self, user):
        if user.is_authenticated and user.is_active and user.has_capability(TRAINING_VIEW):
            return self.all()
        return self.none()


class TrainingBase(OrgFact):
    """培训基地 (伍家台基地): a place that hosts classes and visits. Every training manager may choose any base
    (the directory has no personal data); its own organization's subtree edits it."""

    name = models.CharField(_("name"), max_length=100)
    place = models.CharField(_("place"), max_length=200)
    description = models.TextField(_("what it teaches"), blank=True)
    capacity = models.PositiveIntegerField(_("capacity"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = models.Manager.from_queryset(TrainingBaseQuerySet)()
    view_capability = TRAINING_VIEW
    edit_capability = TRAINING_MANAGE

    class Meta:
        verbose_name = _("training base")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class TrainingClass(OfferedFact):
    """培训班: `org` is the organizer (州委党校机关党支部, a county's party school, a township committee)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        OPEN = "open", _("Open for enrolment")
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")

    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    title = models.CharField(_("title"), max_length=120)
    audience = models.CharField(_("audience"), max_length=24, choices=Audience.choices)
    topic = models.CharField(_("topic"), max_length=16, choices=Topic.choices)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    base = models.ForeignKey(TrainingBase, verbose_name=_("training base"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="classes")
    place = models.CharField(_("place"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"))
    hours = models.PositiveSmallIntegerField(_("credit hours"))
    completion_share = models.PositiveSmallIntegerField(
        _("lessons to attend for completion (%)"), default=80,
        help_text=_("A trainee completes the class by attending at least this share of its lessons."))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OfferedManager()
    view_capability = TRAINING_VIEW
    edit_capability = TRAINING_MANAGE

    class Meta:
        verbose_name = _("training class")
        ordering = ["-start_date", "-id"]
        indexes = fact_indexes("tclass", "start_date")

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The class cannot end before it starts.")
        if self.completion_share is not None and not 1 <= self.completion_share <= 100:
            errors["completion_share"] = _("The share must be between 1 and 100.")
        if self.base_id and self.capacity and self.base.capacity < self.capacity:
            errors["capacity"] = _("The base %(base)s holds at most %(n)d trainees.") % {
                "base": self.base.name, "n": self.base.capacity}
        if not self.base_id and not self.place:
            errors["place"] = _("Choose a training base or enter the place.")
        if errors:
            raise ValidationError(errors)

    @property
    def where(self):
        return self.base.name if self.base_id else self.place


class LessonQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        return self.filter(training_class__in=TrainingClass.objects.visible_to(user).values("pk"))

    def editable_by(self, user):
        return self.filter(training_class__in=TrainingClass.objects.editable_by(user).values("pk"))


class Lesson(models.Model):
    """课程: one session of a class, with its teaching method (案例式、模拟式、体验式、互动式…)."""

    training_class = models.ForeignKey(TrainingClass, verbose_name=_("training class"), on_delete=models.CASCADE,
                                       related_name="lessons")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    topic = models.CharField(_("topic"), max_length=120)
    lecturer = models.CharField(_("lecturer"), max_length=50)
    method = models.CharField(_("teaching method"), max_length=16, choices=Method.choices)

    objects = models.Manager.from_queryset(LessonQuerySet)()
    view_capability = TRAINING_VIEW
    edit_capability = TRAINING_MANAGE

    class Meta:
        verbose_name = _("lesson")
        ordering = ["starts_at", "id"]

    def __str__(self):
        return self.topic

    def clean(self):
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The lesson must end after it starts.")
        klass = self.training_class if self.training_class_id else None
        if klass and self.starts_at and self.ends_at:
            first, last = timezone.localdate(self.starts_at), timezone.localdate(self.ends_at)
            if first < klass.start_date or last > klass.end_date:
                errors["starts_at"] = _("The lesson must fall within the class dates (%(start)s to %(end)s).") % {
                    "start": klass.start_date.isoformat(), "end": klass.end_date.isoformat()}
        if errors:
            raise ValidationError(errors)


class Enrollment(OrgFact):
    """学员: a person on a class. `org` is the trainee's organization. `attended`, `first_attended_on` and the
    class's level, topic and end are copied here by the services so that the figures are counts of one table."""

    class Status(models.TextChoices):
        ENROLLED = "enrolled", pgettext_lazy("enrolment status", "Enrolled")
        COMPLETED = "completed", _("Completed")
        DROPPED = "dropped", _("Dropped")

    class Source(models.TextChoices):
        PICK = "pick", _("Chosen by staff")
        ROSTER = "roster", _("Excel roster")
        SELF = "self", _("Self-enrolment")

    training_class = models.ForeignKey(TrainingClass, verbose_name=_("training class"), on_delete=models.PROTECT,
                                       related_name="enrollments")
    person = models.ForeignKey(Person, verbose_name=_("trainee"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ENROLLED)
    attended = models.PositiveSmallIntegerField(_("lessons attended"), default=0)
    first_attended_on = models.DateField(null=True, blank=True, editable=False)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    hours = models.PositiveSmallIntegerField(_("hours credited"), default=0)
    class_level = models.CharField(max_length=16, choices=Level.choices, editable=False)
    class_topic = models.CharField(max_length=16, choices=Topic.choices, editable=False)
    class_end = models.DateField(editable=False)
    class_finished = models.BooleanField(default=False, editable=False)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices, default=Source.PICK)
    enrolled_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    view_capability = TRAINING_VIEW
    edit_capability = TRAINING_MANAGE
    owner_field, owner_actions = "person", ("view",)

    class Meta:
        verbose_name = _("enrolment")
        ordering = ["training_class", "person__pinyin", "id"]
        constraints = [models.UniqueConstraint(fields=["training_class", "person"], name="enrollment_unique")]
        indexes = [*fact_indexes("enrol", "first_attended_on", include=["person"]),
                   *fact_indexes("enrol", "completed_on", "class_end"),
                   models.Index(fields=["person", "class_end"], name="enrol_person_end")]

    def __str__(self):
        return f"{self.person} · {self.training_class}"


class Attendance(OrgFact):
    """签到: one trainee at one lesson (人次 counts (person, class) pairs with at least one of these). The lesson's
    method, the class's level, base and organizer are copied for the statistics."""

    class Way(models.TextChoices):
        QR = "qr", _("QR code")
        MANUAL = "manual", _("By staff")

    lesson = models.ForeignKey(Lesson, on_delete=models.PROTECT, related_name="attendances")
    enrollment = models.ForeignKey(Enrollment, on_delete=models.PROTECT, related_name="attendances")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    training_class = models.ForeignKey(TrainingClass, on_delete=models.PROTECT, related_name="+")
    on = models.DateField(_("date"))
    at = models.DateTimeField(_("checked in at"))
    method = models.CharField(_("teaching method"), max_length=16, choices=Method.choices)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    organizer = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    base = models.ForeignKey(TrainingBase, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    way = models.CharField(_("how"), max_length=8, choices=Way.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+")

    objects = ScopedManager()
    view_capability = TRAINING_VIEW
    edit_capability = TRAINING_MANAGE
    owner_field, owner_actions = "person", ("view",)

    class Meta:
        verbose_name = _("attendance")
        ordering = ["-on", "-id"]  # newest first, served by the (ancestor, on) index
        constraints = [models.UniqueConstraint(fields=["lesson", "person"], name="attendance_unique")]
        indexes = fact_indexes("attend", "on")


class TrainingPlan(OfferedFact):
    """学习培训计划: a year's required hours per topic for a target group of a subtree (`org`)."""

    class Group(models.TextChoices):
        VILLAGE_SECRETARIES = "village_secretaries", _("Village secretaries")
        SECRETARIES = "secretaries", _("All grassroots secretaries")
        MEMBERS = "members", _("All party members")

    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=120)
    group = models.CharField(_("target group"), max_length=24, choices=Group.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OfferedManager()
    view_capability = TRAINING_VIEW
    edit_capability = TRAINING_MANAGE

    class Meta:
        verbose_name = _("training plan")
        ordering = ["-year", "id"]

    def __str__(self):
        return self.title

    @property
    def total_hours(self):
        return sum(r.hours for r in self.requirements.all())


class PlanRequirement(models.Model):
    plan = models.ForeignKey(TrainingPlan, on_delete=models.CASCADE, related_name="requirements")
    topic = models.CharField(_("topic"), max_length=16, choices=Topic.choices)
    hours = models.PositiveSmallIntegerField(_("required hours"))

    class Meta:
        ordering = ["plan", "topic"]
        constraints = [models.UniqueConstraint(fields=["plan", "topic"], name="plan_topic_unique")]

    def __str__(self):
        return f"{self.get_topic_display()} {self.hours}"


class Course(OfferedFact):
    """远程教育 course: a video (length in seconds) or a PDF (length in pages), its courseware an attachment
    (core.attachments, purpose "courseware"); completing it (90 %) credits its hours."""

    class Kind(models.TextChoices):
        VIDEO = "video", _("Video")
        PDF = "pdf", _("PDF document")

    title = models.CharField(_("title"), max_length=120)
    topic = models.CharField(_("topic"), max_length=16, choices=Topic.choices)
    kind = models.CharField(_("courseware"), max_length=8, choices=Kind.choices)
    length = models.PositiveIntegerField(_("length"), help_text=_("Seconds of video, or pages of the document."))
    hours = models.PositiveSmallIntegerField(_("credit hours"))
    description = models.TextField(_("description"), blank=True)
    series = models.CharField(_("series"), max_length=50, blank=True, help_text=_("e.g. 建始讲坛"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OfferedManager()
    view_capability = TRAINING_VIEW
    edit_capability = TRAINING_MANAGE

    class Meta:
        verbose_name = _("online course")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title

    def clean(self):
        if self.length is not None and self.length < 1:
            raise ValidationError({"length": _("The length must be at least 1.")})


COMPLETION_SHARE = 0.9  # of a course's length: completed


class CourseProgress(OrgFact):
    """学习进度: how far a member got in a course. `position` only ever increases, never past the length."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="progress")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField(_("position"), default=0)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    hours = models.PositiveSmallIntegerField(_("hours credited"), default=0)
    topic = models.CharField(max_length=16, choices=Topic.choices, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()
    view_capability = TRAINING_VIEW
    edit_capability = TRAINING_MANAGE
    owner_field, owner_actions = "person", ("view", "edit")

    class Meta:
        verbose_name = _("course progress")
        ordering = ["-updated_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["course", "person"], name="progress_unique")]
        indexes = fact_indexes("cprog", "completed_on", include=["person"])

    @property
    def percent(self):
        return min(100, round(100 * self.position / self.course.length)) if self.course.length else 0


def local_date(moment):
    return timezone.localdate(moment) if isinstance(moment, datetime.datetime) else moment


class TraineeYear(OrgFact):
    """A person trained in a year (their first attendance or course completion of that year, dated by it): distinct
    trainees of a year are then a count that adds up the tree, kept in the summary table like the other figures."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    first_on = models.DateField()

    objects = ScopedManager()
    view_capability = TRAINING_VIEW
    edit_capability = TRAINING_MANAGE

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "year"], name="trainee_year_unique")]

    def __str__(self):
        return f"{self.person_id} {self.year}"


# Module-level names of the nested choice sets, for settings.SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].
ClassStatus, CourseKind = TrainingClass.Status, Course.Kind
