"""组织与人员: the organization tree, people (members and cadres), positions and transfers.

The tree: `parent` is the truth; `path` (fixed-width id segments) and `depth` are kept in step by
orgs.services in the same transaction. A subtree is the index range `path >= p AND path < upper(p)`.
Every row that is counted up the tree (OrgFact) copies its org's ancestors at the upper levels, so
"per child of N" is one GROUP BY and scoping is one equality test.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Manager, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.crypto import EncryptedCharField
from dangjian.core.labels import ChoiceLabels
from dangjian.core.scoping import ScopedManager, ScopedQuerySet
from dangjian.core.validators import normalize_id_number, validate_mobile

from . import choices
from .capabilities import ORG_EDIT, ORG_VIEW, PERSON_EDIT, PERSON_VIEW
from .idcard import id_facts, validate_member_id_number

SEGMENT = 8  # digits per path segment: ids up to 99,999,999


def path_segment(pk: int) -> str:
    return f"{pk:0{SEGMENT}d}"


def path_upper(path: str) -> str:
    """Smallest string above every path in the subtree of `path` (same length, last digits incremented)."""
    return f"{int(path) + 1:0{len(path)}d}"


class Level(models.IntegerChoices):
    PROVINCE = 1, _("Province committee")
    PREFECTURE = 2, _("Prefecture committee")
    COUNTY = 3, _("County committee")
    TOWNSHIP = 4, _("Township committee")
    VILLAGE = 5, _("Village or community organization")
    BRANCH = 6, _("Branch")


# The ancestor column that stands for each level on Org and on every OrgFact.
ANCESTRY_COLUMNS = {
    Level.PROVINCE: "province",
    Level.PREFECTURE: "prefecture",
    Level.COUNTY: "county",
    Level.TOWNSHIP: "township",
    Level.VILLAGE: "village",
}


def _ancestor_fk(verbose_name):
    return models.ForeignKey(
        "orgs.Org", verbose_name=verbose_name, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", db_index=False, editable=False,
    )


class Ancestry(models.Model):
    """Ancestor-or-self at each upper level, copied from the org by the services."""

    province = _ancestor_fk(_("province"))
    prefecture = _ancestor_fk(_("prefecture"))
    county = _ancestor_fk(_("county"))
    township = _ancestor_fk(_("township"))
    village = _ancestor_fk(_("village"))

    class Meta:
        abstract = True

    def copy_ancestry(self, org):
        for column in ANCESTRY_COLUMNS.values():
            setattr(self, f"{column}_id", getattr(org, f"{column}_id"))


def short_name(name):
    """An organization's name without 中共 in front and 委员会/党委 at the end: 中共万寨乡委员会 → 万寨乡."""
    short = name.removeprefix("中共")
    for suffix in ("工作委员会", "委员会", "党委"):
        if short.endswith(suffix) and len(short) > len(suffix):
            short = short.removesuffix(suffix)
            break
    return short or name


class Org(ChoiceLabels, Ancestry):
    class Kind(models.TextChoices):
        COMMITTEE = "committee", _("Party committee")
        WORKING_COMMITTEE = "working_committee", _("Party working committee")
        GENERAL_BRANCH = "general_branch", _("General party branch")
        BRANCH = "branch", _("Party branch")
        JOINT_BRANCH = "joint_branch", _("Joint party branch")

    class Sector(models.TextChoices):
        LEADERSHIP = "leadership", _("Local party committee")
        RURAL = "rural", _("Village")
        COMMUNITY = "community", _("Urban community")
        ORGAN = "organ", _("Government organ")
        INSTITUTION = "institution", _("Public institution")
        ENTERPRISE = "enterprise", _("Enterprise")
        SOCIAL = "social", _("Social organization")

    name = models.CharField(_("organization name"), max_length=100)
    code = models.CharField(_("organization code"), max_length=32, unique=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent organization"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    kind = models.CharField(_("category"), max_length=24, choices=Kind.choices)
    sector = models.CharField(_("sector"), max_length=16, choices=Sector.choices, default=Sector.RURAL)
    division_code = models.CharField(_("administrative division code"), max_length=12, blank=True)
    term_start = models.DateField(_("term start"), null=True, blank=True)
    term_end = models.DateField(_("term end"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    path = models.CharField(max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    pinyin = models.CharField(max_length=200, blank=True, editable=False)
    pinyin_initials = models.CharField(max_length=60, blank=True, editable=False, db_index=True)
    # Other keys it may be typed as (core name without 中共/委员会, other readings): core.pinyin.
    pinyin_alt = models.CharField(max_length=500, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()
    scope_field = ""
    view_capability = ORG_VIEW
    edit_capability = ORG_EDIT

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["path"]
        indexes = [
            models.Index(fields=["parent", "name"]),
            models.Index(fields=["term_end"]),
        ] + [models.Index(fields=[c, "level"], name=f"org_{c}_level") for c in ANCESTRY_COLUMNS.values()] + [
            # 换届提醒: a subtree's ended / ending terms counted, and listed soonest first, from the index alone.
            models.Index(fields=[c, "term_end", "is_active"], name=f"org_{c}_term") for c in ANCESTRY_COLUMNS.values()
        ]
        constraints = [
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=6), name="org_level_valid"),
            models.CheckConstraint(
                condition=Q(term_start__isnull=True) | Q(term_end__isnull=True)
                | Q(term_end__gt=models.F("term_start")),
                name="org_term_order",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        """The term-order rule, for the pages, the API and every service alike (the CHECK constraint behind it
        has no readable message)."""
        if self.term_start and self.term_end and self.term_end <= self.term_start:
            raise ValidationError({"term_end": _("The term must end after it starts.")})

    @property
    def display_name(self):
        """The name with its parent's short name in front for a village or a branch ("万寨乡 · 伍家台村党总支"):
        village names repeat across townships. 中共 is left out; the name stays alone when it already starts
        with the parent's ("万寨乡机关党支部"). Reads the parent (one query unless loaded)."""
        if self.level < Level.VILLAGE or self.parent_id is None:
            return self.name
        parent, name = short_name(self.parent.name), self.name.removeprefix("中共") or self.name
        return self.name if name.startswith(parent) else f"{parent} · {name}"

    # --- tree ---------------------------------------------------------------------------------------
    def subtree_q(self, prefix=""):
        return Q(**{f"{prefix}path__gte": self.path, f"{prefix}path__lt": path_upper(self.path)})

    def ancestry_q(self, prefix=""):
        column = ANCESTRY_COLUMNS.get(self.level)
        if column is None:  # a branch: the lowest level, facts sit on it directly
            return Q(**{f"{prefix}org_id": self.pk})
        return Q(**{f"{prefix}{column}_id": self.pk})

    def ancestor_ids(self):
        """Ids from the root down to the parent, read off the path without a query."""
        segments = [int(self.path[i:i + SEGMENT]) for i in range(0, len(self.path), SEGMENT)]
        return segments[:-1]

    def is_descendant_of(self, other):
        return self.path.startswith(other.path) and self.path != other.path

    @property
    def term_status(self):
        """'ended', 'ending' (within six months) or '' — the 换届提醒."""
        if not self.term_end:
            return ""
        today = timezone.localdate()
        if self.term_end < today:
            return "ended"
        if self.term_end <= today + TERM_WARNING:
            return "ending"
        return ""


TERM_WARNING = datetime.timedelta(days=183)


class OrgFact(Ancestry):
    """A record counted up the tree: it belongs to an org and carries that org's ancestry."""

    org = models.ForeignKey(Org, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="+")

    scope_ancestry = True

    class Meta:
        abstract = True

    def set_org(self, org):
        self.org = org
        self.copy_ancestry(org)


PROBATION_EXTENSIONS = [(0, _("Not extended")), (6, _("6 months")), (12, _("12 months"))]
MAX_AGE = 120


class Person(ChoiceLabels, OrgFact):
    """A party member or cadre, following the national member record."""

    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=1, choices=choices.Gender.choices)
    ethnicity = models.CharField(_("ethnicity"), max_length=2, choices=choices.ETHNICITIES, default="01")
    birth_date = models.DateField(_("birth date"))
    id_number = EncryptedCharField(
        _("ID number"), index_field="id_number_index", mask="id_number", validators=[validate_member_id_number]
    )
    id_number_index = models.CharField(max_length=64, blank=True, editable=False)
    phone = EncryptedCharField(
        _("mobile phone"), index_field="phone_index", mask="phone", validators=[validate_mobile]
    )
    phone_index = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    education = models.CharField(_("education"), max_length=16, choices=choices.Education.choices)
    category = models.CharField(_("category"), max_length=16, choices=choices.Category.choices)
    joined_on = models.DateField(_("date joined the party"))
    full_member_on = models.DateField(_("date of full membership"), null=True, blank=True)
    probation_extended_months = models.PositiveSmallIntegerField(
        _("probation extended by"), choices=PROBATION_EXTENSIONS, default=0,
        help_text=_("Only if the one-year probation was extended (by 6 or 12 months)."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=choices.Status.choices, default=choices.Status.NORMAL
    )
    pinyin = models.CharField(max_length=200, blank=True, editable=False)
    pinyin_initials = models.CharField(max_length=60, blank=True, editable=False)
    pinyin_alt = models.CharField(max_length=500, blank=True, editable=False)  # other readings: core.pinyin
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()
    view_capability = PERSON_VIEW
    edit_capability = PERSON_EDIT
    owner_field, owner_actions = "pk", ("view",)  # a member reads their own record (core.scoping)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["pinyin", "id"]
        indexes = [
            models.Index(fields=[c, "pinyin", "id"], name=f"person_{c}_name") for c in ANCESTRY_COLUMNS.values()
        ] + [
            # Lists count current members of a subtree (the people list's default, the live home figures): a
            # covering index for `ancestor = ? AND status IN (…)`, or every row of a county is read from the table.
            models.Index(fields=[c, "status"], name=f"person_{c}_status") for c in ANCESTRY_COLUMNS.values()
        ] + [
            models.Index(fields=["org", "status"], name="person_org_status"),
            models.Index(fields=["org", "pinyin", "id"], name="person_org_name"),
            models.Index(fields=["pinyin_initials"], name="person_initials"),
            # Name search (orgs.search): prefixes as btree ranges, short substrings as a scan of this narrow index.
            models.Index(fields=["name"], name="person_name"),
            models.Index(fields=["pinyin"], name="person_pinyin"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_index"], condition=~Q(id_number_index=""), name="person_id_number_unique"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        """Cross-field rules of the member record; forms, API and services all get them from full_clean()."""
        errors = {}
        self.id_number = normalize_id_number(self.id_number)
        self.phone = (self.phone or "").strip()
        today = timezone.localdate()
        if self.birth_date and self.birth_date > today:
            errors["birth_date"] = _("The birth date cannot be in the future.")
        facts = id_facts(self.id_number) if self.id_number else None
        if facts and self.birth_date and facts[0] != self.birth_date:
            errors["birth_date"] = _("The birth date does not match the ID number.")
        if facts and self.gender and facts[1] != self.gender:
            errors["gender"] = _("The gender does not match the ID number.")
        if (self.birth_date and self.status in choices.Status.CURRENT
                and self.birth_date <= _add_years(today, -(MAX_AGE + 1))):
            errors.setdefault("birth_date", _("A current member cannot be older than %(max)d years; please check "
                                              "the birth date.") % {"max": MAX_AGE})
        if self.joined_on:
            if self.joined_on > today:
                errors["joined_on"] = _("The date joined cannot be in the future.")
            elif self.birth_date and self.joined_on < self.birth_date:
                errors["joined_on"] = _("The birth date is after the date joined the party.")
            elif self.birth_date and self.joined_on < _add_years(self.birth_date, 18):
                errors["joined_on"] = _("A person joins the party at 18 or older.")
        if self.category == choices.Category.PROBATIONARY and self.full_member_on:
            errors["full_member_on"] = _("A probationary member has no date of full membership yet.")
        if self.category == choices.Category.FULL and not self.full_member_on:
            errors["full_member_on"] = _("Enter the date this member became a full member.")
        if self.full_member_on and self.joined_on:
            earliest = self.earliest_full_membership()
            if self.full_member_on < earliest:
                if self.probation_extended_months:
                    message = _("With the probation extended by %(months)d months, full membership comes on "
                                "%(date)s at the earliest (one year and the extension after joining).")
                else:
                    message = _("The probation lasts one year: full membership comes on %(date)s at the "
                                "earliest.")
                errors["full_member_on"] = message % {"date": earliest.isoformat(),
                                                      "months": self.probation_extended_months or 0}
        if self.full_member_on and self.full_member_on > today:
            errors["full_member_on"] = _("The date of full membership cannot be in the future.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_current_member(self):
        return self.status in choices.Status.CURRENT

    def earliest_full_membership(self):
        """预备期一年 (+ 延长预备期): joined + 12 months + the recorded extension."""
        return _add_months(self.joined_on, 12 + (self.probation_extended_months or 0))


def _add_months(day, months):
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def _add_years(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class Position(ChoiceLabels, OrgFact):
    """A post held by a person in an organization's team, with dates; `end_date` empty means current."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="positions")
    title = models.CharField(_("position"), max_length=24, choices=choices.Title.choices)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    end_reason = models.CharField(_("reason for leaving the post"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    view_capability = PERSON_VIEW
    edit_capability = PERSON_EDIT
    owner_field, owner_actions = "person", ("view",)  # and their own posts

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["org_id", "end_date", "title", "start_date"]
        indexes = [
            models.Index(fields=["org", "title", "end_date"], name="position_org_title"),
            # The default ordering's index: the API's list of a prefecture's posts reads its first page in order
            # instead of sorting 38,000 rows (issue 11).
            models.Index(fields=["org", "end_date", "title", "start_date"], name="position_ordering"),
        ] + [
            models.Index(fields=[c, "start_date"], name=f"position_{c}_date") for c in ANCESTRY_COLUMNS.values()
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["org"], condition=Q(title="secretary", end_date__isnull=True),
                name="one_current_secretary_per_org",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="position_dates_order",
            ),
        ]

    def __str__(self):
        return f"{self.org} {self.get_title_display()} {self.person}"

    @property
    def is_current(self):
        return self.end_date is None


class TransferQuerySet(ScopedQuerySet):
    """`visible_to(user)` / `editable_by(user)` reach both sides (Transfer.in_subtree); `incoming_for` /
    `outgoing_for` narrow them to one side."""

    def incoming_for(self, user):
        """Transfers into an organization of the user's scope from outside it (the receiving side)."""
        org = user.scope_org
        return self.visible_to(user).filter(org.ancestry_q(), external_org_name="").exclude(
            org.subtree_q("from_org__"))

    def outgoing_for(self, user):
        """Transfers issued by an organization of the user's scope (the sending side)."""
        return self.visible_to(user).filter(user.scope_org.subtree_q("from_org__"))


class Transfer(ChoiceLabels, OrgFact):
    """组织关系转接: one move of a person between organizations.

    `org` is the destination when it is on this platform; a transfer out of the installation keeps `org` equal to
    `from_org` and names the destination in `external_org_name`. Inside the sender's scope a transfer is
    `completed` at once; otherwise it stays `pending` until the receiving side accepts or returns it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting acceptance")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned")
        COMPLETED = "completed", _("Completed")

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="transfers")
    from_org = models.ForeignKey(
        Org, verbose_name=_("from organization"), on_delete=models.PROTECT, related_name="+"
    )
    transferred_on = models.DateField(_("transfer date"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.COMPLETED)
    external_org_name = models.CharField(_("destination outside the platform"), max_length=100, blank=True)
    dues_paid_until = models.DateField(_("party dues paid up to"), null=True, blank=True)
    letter_year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    letter_seq = models.PositiveIntegerField(null=True, blank=True, editable=False)
    letter_number = models.CharField(_("letter number"), max_length=40, blank=True, editable=False)
    issued_by = models.ForeignKey(
        "accounts.User", verbose_name=_("issued by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False,
    )
    decided_by = models.ForeignKey(
        "accounts.User", verbose_name=_("decided by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)
    return_reason = models.CharField(_("reason for returning"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = Manager.from_queryset(TransferQuerySet)()
    view_capability = PERSON_VIEW
    edit_capability = PERSON_EDIT

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["-transferred_on", "-id"]
        indexes = [models.Index(fields=["person", "transferred_on"], name="transfer_person_date")] + [
            models.Index(fields=[c, "transferred_on"], name=f"transfer_{c}_date") for c in ANCESTRY_COLUMNS.values()
        ] + [models.Index(fields=["from_org", "status"], name="transfer_from_status")]
        constraints = [
            # One open transfer per person at a time: the service refuses a second, the database backs it.
            models.UniqueConstraint(fields=["person"], condition=Q(status="pending"), name="one_pending_transfer"),
            models.UniqueConstraint(fields=["letter_year", "letter_seq"], condition=Q(letter_seq__isnull=False),
                                    name="transfer_letter_number_unique"),
        ]

    def __str__(self):
        return f"{self.person}: {self.from_org} → {self.destination_name}"

    @classmethod
    def in_subtree(cls, org):
        """Both sides of a transfer reach it (core.scoping): the receiving side through the copied ancestry of
        `org` (the destination), the sending side through the path range of `from_org`."""
        return org.ancestry_q() | org.subtree_q("from_org__")

    @property
    def is_external(self):
        return bool(self.external_org_name)

    @property
    def destination_name(self):
        return self.external_org_name or self.org.name

    @property
    def to_org(self):
        """The destination organization on this platform, or None for a transfer out of the installation."""
        return None if self.is_external else self.org


class TransferLetterCounter(models.Model):
    """The per-year sequence of 介绍信 numbers: one row per year, incremented by an UPDATE (a row lock on
    PostgreSQL, the write lock on SQLite), so two letters issued at once never get the same number."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("letter number sequence")

    def __str__(self):
        return f"{self.year}: {self.last}"


def has_current_secretary(org_ref="pk"):
    """Exists(): the organization (OuterRef `org_ref`) has a current 书记 — the one spelling of that rule, used by
    the metric, the "no current secretary" filter and the home lists."""
    return models.Exists(Position.objects.filter(
        org=models.OuterRef(org_ref), title=choices.Title.SECRETARY, end_date__isnull=True,
    ))
