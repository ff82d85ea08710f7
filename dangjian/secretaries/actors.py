"""Who acts, found from the records: the current holders of a committee's posts (orgs.Position) and the user's
place in the tree. One spelling of each rule, for the services, the pages' buttons and the to-dos."""

from django.db.models import Q

from dangjian.orgs.choices import Title
from dangjian.orgs.models import Level, Position

from .capabilities import SECRETARIES_ADMIN, UNDERTAKING_EDIT

COMMITTEE_LEVELS = (Level.PROVINCE, Level.PREFECTURE, Level.COUNTY, Level.TOWNSHIP)
GRASSROOTS_LEVELS = (Level.VILLAGE, Level.BRANCH)
# Whose review goes to the committee above: township committees, villages and communities, counties.
REVIEWED_LEVELS = (Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE)


def is_committee(org):
    return org.level in COMMITTEE_LEVELS


def current_holder(org, *titles):
    """The person id holding the first of `titles` that is currently filled in `org`, or None (one query)."""
    rows = dict(Position.objects.filter(org=org, title__in=titles, end_date__isnull=True)
                .order_by("start_date").values_list("title", "person_id"))
    return next((rows[t] for t in titles if t in rows), None)


def secretary_of(org):
    return current_holder(org, Title.SECRETARY)


def minister_of(org):
    """The 组织部长 of a committee; a township committee has none, its 组织委员 takes the part."""
    return current_holder(org, Title.MINISTER, Title.ORGANIZATION)


def holds_current_post(person_id, org):
    return bool(person_id) and Position.objects.filter(
        org=org, person_id=person_id, end_date__isnull=True).exists()


def is_person(user, person_id):
    return bool(person_id) and getattr(user, "person_id", None) == person_id


def is_committee_staff(user, org):
    """The committee's own staff (its organization department, a township's staff): they list and complete its
    topics, record its sessions and assign its contact points."""
    return user.org_id == org.pk and user.has_capability(SECRETARIES_ADMIN)


def is_staff_above(user, org):
    """Staff of a committee above `org` (whose scope holds org's parent): they grade org's secretary."""
    return (user.has_capability(SECRETARIES_ADMIN) and org.parent_id is not None
            and user.org_id != org.pk and org.path.startswith(user.org.path))


def is_committee_above(user, org):
    """Staff of the committee right above `org` (its parent): the secretary of `org` reports to them, and they
    grade and publish the review."""
    return user.has_capability(SECRETARIES_ADMIN) and org.parent_id is not None and user.org_id == org.parent_id


def acts_for(user, org):
    """The user may act for grassroots organization `org`: its own secretary's account or staff above it."""
    return user.has_capability(UNDERTAKING_EDIT) and org.path.startswith(user.org.path)


def sees_grade(user, review):
    """The reviewed secretary sees the ballots, comment and grade once they are published; the committee above
    (and anyone else in scope) as soon as they are recorded."""
    return review.status == review.Status.PUBLISHED or not is_person(user, review.person_id)


def committee_of_leader(person_id, org):
    """The lowest committee above `org` (or `org` itself) in which the person holds a current post, or None."""
    ancestors = [*org.ancestor_ids(), org.pk]
    posts = (Position.objects.filter(person_id=person_id, end_date__isnull=True, org_id__in=ancestors,
                                     org__level__in=COMMITTEE_LEVELS)
             .select_related("org").order_by("-org__level"))
    post = posts.first()
    return post.org if post else None


def topic_step_q(user):
    """Topics waiting for `user`'s step (for to-dos): listed ones of a committee whose secretary they are,
    selected ones they were named to claim, undertaken ones their committee must evaluate."""
    from .models import Topic

    condition = Q(pk__in=[])
    if user.person_id:
        secretary_of_orgs = Position.objects.filter(person_id=user.person_id, title=Title.SECRETARY,
                                                    end_date__isnull=True).values("org_id")
        condition |= Q(status=Topic.Status.PROPOSED, org_id__in=secretary_of_orgs)
        condition |= Q(status=Topic.Status.SELECTED, owner_id=user.person_id)
    if user.has_capability(SECRETARIES_ADMIN):
        condition |= Q(status__in=[Topic.Status.CLAIMED, Topic.Status.UNDERTAKEN], org_id=user.org_id)
    return condition

