"""Reads for the people pages: scoped querysets, sorting, masking for display, pickers and export rows.

Everything starts from `Person.objects.visible_to(user)` / `Org.objects.visible_to(user)`, so nothing outside
the user's subtree is ever counted, listed, suggested or exported.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core.crypto import blind_indexes
from dangjian.core.lists import sort_queryset
from dangjian.core.validators import normalize_id_number

from ..capabilities import PERSON_EDIT
from ..choices import Status
from ..filters import PersonFilter, name_q, search_rank
from ..models import Org, Person

# ?sort= value -> ORDER BY (a leading "-" reverses); every ordering ends on id so pages never overlap.
SORTS = {
    "name": ("pinyin", "id"),
    "joined_on": ("joined_on", "id"),
    "birth_date": ("birth_date", "id"),
    "org": ("org__path", "pinyin", "id"),
}
PICKER_LIMIT = 20


def people_for(user):
    return Person.objects.visible_to(user).select_related("org")


def filtered_people(user, params):
    """(filterset, queryset) for the list and the export: the same filters, sorted by `params["sort"]`."""
    filterset = PersonFilter(params, queryset=people_for(user), user=user)
    queryset, text = filterset.qs, (params.get("q") or "").strip()
    if text and not params.get("sort"):  # a search without a chosen sort: the most relevant first
        queryset = queryset.annotate(rank=search_rank(text)).order_by("rank", "pinyin", "id")
    return filterset, sort_queryset(queryset, params.get("sort", ""), SORTS)


def by_id_number(people, value):
    """The person of `people` with exactly this ID number, or None: the one way a member record is found by its
    number (normalized, then the blind index under each configured data key, so that a key rotation in progress
    finds every row: nothing is decrypted, nothing scanned)."""
    value = normalize_id_number(value or "")
    return people.filter(id_number_index__in=blind_indexes(value)).first() if value else None


def find_by_id_number(user, value):
    """The visible person with exactly this ID number, or None."""
    return by_id_number(Person.objects.visible_to(user), value)


def masked(person, field):
    return Person._meta.get_field(field).masked(getattr(person, field))


def with_masks(people):
    """Attach `id_number_masked`, `phone_masked` and `age` for templates; returns a list."""
    people = list(people)
    today = timezone.localdate()
    for person in people:
        person.age = age(person.birth_date, today)
        person.id_number_masked = masked(person, "id_number")
        person.phone_masked = masked(person, "phone")
    return people


def age(birth_date, today=None):
    today = today or timezone.localdate()
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


def person_positions(person):
    return list(person.positions.select_related("org").order_by("end_date", "-start_date"))


def person_transfers(person):
    return list(person.transfers.select_related("from_org", "org").order_by("-transferred_on", "-id"))


def new_member_orgs(user, limit=PICKER_LIMIT):
    """The active organizations the user may add members to, in tree order, when there are at most `limit` of
    them (a village secretary's own few: listed straight away on the new-member page); None when there are
    more (the page offers the search). One query."""
    if not user.has_capability(PERSON_EDIT):
        return None
    orgs = list(Org.objects.visible_to(user).filter(is_active=True).order_by("path")[:limit + 1])
    return orgs if len(orgs) <= limit else None


def person_choices(user, text, limit=PICKER_LIMIT):
    """Visible current members by name or pinyin, for appointing someone to a post: the most relevant first,
    then by name (surname reading)."""
    text = (text or "").strip()
    if not text:
        return []
    queryset = people_for(user).filter(name_q(text), status__in=Status.CURRENT)
    return list(queryset.annotate(rank=search_rank(text)).order_by("rank", "pinyin", "id")[:limit])


def export_headers():
    return [
        _("Name"), _("Gender"), _("Ethnicity"), _("Birth date"), _("ID number"), _("Mobile phone"),
        _("Education"), _("Category"), _("Date joined the party"), _("Date of full membership"),
        _("Status"), _("Organization"), _("Organization code"),
    ]


def export_rows(queryset):
    """One masked row per person, read in chunks so memory stays flat on a prefecture-wide export."""
    for person in queryset.iterator(chunk_size=2000):
        yield [
            person.name, person.get_gender_display(), person.get_ethnicity_display(), person.birth_date,
            masked(person, "id_number"), masked(person, "phone"), person.get_education_display(),
            person.get_category_display(), person.joined_on, person.full_member_on,
            person.get_status_display(), person.org.name, person.org.code,
        ]
