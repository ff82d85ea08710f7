"""One FilterSet per model, shared by the list pages and the API."""


import django_filters
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core import filters as bounded
from dangjian.core.forms import FilterForm

from . import choices
from .metrics import term_q
from .models import Level, Org, Person, Position, has_current_secretary
from .search import ascii_key, matching_ids, starts_with

ALL_STATUSES = "all"


def _pinyin_q(low):
    """The usual reading's keys start with the text (indexed btree ranges), or any other key does (see
    core.pinyin)."""
    return starts_with("pinyin_initials", low) | starts_with("pinyin", low) | Q(pinyin_alt__contains=" " + low)


def name_q(value):
    """Name contains the text, or one of its pinyin keys starts with it (lower-case ASCII: `zhm` finds 张华明,
    `zeng` finds 曾 read as a surname, `ceng` finds it too)."""
    value = value.strip()
    if not value:
        return Q()
    q = Q(name__contains=value)
    low = ascii_key(value)
    if low:
        q |= _pinyin_q(low)
    return q


def org_search_q(value):
    """An organization by name, pinyin, initials or exact code — the one search of the tree, lists and pickers.

    The pinyin keys of an organization include those of its core name, without the 中共 prefix and the
    委员会/支部委员会/党委/党总支/党支部 suffix: `bdx` finds 中共巴东县委, `wujiatai` 中共伍家台村支部委员会.
    """
    value = value.strip()
    if not value:
        return Q(pk__in=[])
    return name_q(value) | Q(code=value)


def search_rank(value, *, code=False):
    """Relevance of a match for ORDER BY: 0 exact name (or code), 1 name starts with the text, 2 a pinyin key
    starts with it, 3 the name merely contains it. Callers add their own tie-break (tree order, name)."""
    value = value.strip()
    exact = Q(name=value) | Q(code=value) if code else Q(name=value)
    whens = [When(exact, then=Value(0)), When(name__startswith=value, then=Value(1))]
    low = ascii_key(value)
    if low:
        whens.append(When(_pinyin_q(low), then=Value(2)))
    return Case(*whens, default=Value(3), output_field=IntegerField())


class OrgFilter(bounded.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    parent = bounded.IdFilter(label=_("Parent organization"), field_name="parent_id")
    level = django_filters.TypedChoiceFilter(label=_("Level"), choices=Level.choices, coerce=int)
    kind = django_filters.ChoiceFilter(label=_("Category"), choices=Org.Kind.choices)
    sector = django_filters.ChoiceFilter(label=_("Sector"), choices=Org.Sector.choices)
    is_active = django_filters.BooleanFilter(label=_("Active"))
    term = django_filters.ChoiceFilter(
        label=_("Term"), method="filter_term",
        choices=[("due", _("Elections due")), ("ending", _("Ends within six months")), ("ended", _("Term ended"))],
    )
    no_secretary = django_filters.ChoiceFilter(
        label=_("Secretary"), method="filter_no_secretary",
        choices=[("true", _("None recorded")), ("false", _("Recorded"))],
    )
    below = bounded.IdFilter(label=_("Below organization"), method="filter_below")

    class Meta:
        model = Org
        fields = ["q", "parent", "level", "kind", "sector", "is_active", "term", "no_secretary", "below"]
        form = FilterForm

    def filter_q(self, queryset, name, value):
        return queryset.filter(org_search_q(value))

    def filter_term(self, queryset, name, value):
        return queryset.filter(term_q(value))

    def filter_no_secretary(self, queryset, name, value):
        return queryset.filter(~has_current_secretary() if value == "true" else has_current_secretary())

    def filter_below(self, queryset, name, value):
        """Strictly below organization `value` (its subtree without itself)."""
        org = Org.objects.filter(pk=int(value)).only("path").first()
        if org is None:
            return queryset.none()
        return queryset.filter(org.subtree_q()).exclude(pk=org.pk)


class PersonFilter(bounded.FilterSet):
    """`org` selects a whole subtree (through the ancestry columns); the queryset is already scoped."""

    q = django_filters.CharFilter(label=_("Name or pinyin initials"), method="filter_q")
    org = django_filters.ModelChoiceFilter(
        label=_("Organization (with sub-organizations)"), queryset=Org.objects.none(), method="filter_org"
    )
    category = django_filters.ChoiceFilter(label=_("Category"), choices=choices.Category.choices)
    gender = django_filters.ChoiceFilter(label=_("Gender"), choices=choices.Gender.choices)
    ethnicity = django_filters.ChoiceFilter(label=_("Ethnicity"), choices=choices.ETHNICITIES)
    education = django_filters.ChoiceFilter(label=_("Education"), choices=choices.Education.choices)
    status = django_filters.ChoiceFilter(
        label=_("Status"), method="filter_status", empty_label=_("Current members"),
        choices=[*choices.Status.choices, (ALL_STATUSES, _("All statuses"))],
    )
    age_min = bounded.AgeFilter(label=_("Age from"), method="filter_age_min")
    age_max = bounded.AgeFilter(label=_("Age to"), method="filter_age_max")
    joined_year = bounded.YearFilter(label=_("Year joined"), field_name="joined_on", lookup_expr="year")

    class Meta:
        model = Person
        fields = ["q", "org", "category", "gender", "ethnicity", "education", "status", "age_min", "age_max",
                  "joined_year"]
        form = FilterForm

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["org"].queryset = Org.objects.visible_to(user) if user is not None else Org.objects.none()

    def filter_q(self, queryset, name, value):
        """Name or pinyin through the search indexes (orgs.search): the ids first, then scope and filters."""
        return queryset.filter(matching_ids(Person, value))

    def filter_queryset(self, queryset):
        """Current members unless a status is chosen: the list counts what the home page's figures count.

        With an organization chosen, its subtree replaces the user's scope: the filter only accepts a visible
        organization, whose subtree lies inside the scope, so its own ancestry column alone decides — and that
        column's indexes serve the page and its count (a second ancestry column in the WHERE makes the planner
        read every row of the subtree from the table)."""
        org = self.form.cleaned_data.get("org")
        if org is not None:
            narrowed = queryset.model._default_manager.filter(org.ancestry_q())
            narrowed.query.select_related = queryset.query.select_related
            narrowed._prefetch_related_lookups = queryset._prefetch_related_lookups
            queryset = narrowed
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.filter(status__in=choices.Status.CURRENT)
        return super().filter_queryset(queryset)

    def filter_status(self, queryset, name, value):
        return queryset if value == ALL_STATUSES else queryset.filter(status=value)

    def filter_org(self, queryset, name, org):
        return queryset  # applied by filter_queryset, in place of the scope

    def filter_age_min(self, queryset, name, value):
        """At least `value` years old today: born on or before today minus value years."""
        return queryset.filter(birth_date__lte=_years_ago(int(value)))

    def filter_age_max(self, queryset, name, value):
        """At most `value` years old: born after today minus value+1 years."""
        return queryset.filter(birth_date__gt=_years_ago(int(value) + 1))


def _years_ago(years):
    today = timezone.localdate()
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


class PositionFilter(bounded.FilterSet):
    org = bounded.IdFilter(label=_("Organization"), field_name="org_id")
    person = bounded.IdFilter(label=_("Person"), field_name="person_id")
    title = django_filters.ChoiceFilter(label=_("Position"), choices=choices.Title.choices)
    current = django_filters.BooleanFilter(label=_("Current"), field_name="end_date", lookup_expr="isnull")

    class Meta:
        model = Position
        fields = ["org", "person", "title", "current"]
        form = FilterForm
