"""The topic workflow (书记工程): 党委列题 → 书记选题 → 部长领题 → 基层切题 → the committee completes.

Each step has its own actor, found from the records (actors.py); steps cannot be skipped; a topic goes back one
step with a reason. Every function scopes, locks, validates, writes and audits in one transaction.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit, metrics
from dangjian.core.exceptions import NotInScope, PermissionDenied, ValidationError
from dangjian.core.scoping import require
from dangjian.orgs.models import Org, Person

from . import actors
from .capabilities import TOPIC_ACT
from .models import Topic, Undertaking, UndertakingReport

S = Topic.Status
PREVIOUS = {S.SELECTED: S.PROPOSED, S.CLAIMED: S.SELECTED}


def _required(**fields):
    errors = {name: _("This field is required.") for name, value in fields.items() if not (value or "").strip()}
    if errors:
        raise ValidationError(errors)


def _locked(actor, topic):
    """The topic re-read under a row lock, inside the actor's view scope (else NotInScope)."""
    require(Topic.objects.visible_to(actor), topic)
    if not actor.has_capability(TOPIC_ACT):
        raise PermissionDenied(_("Your role does not take part in topics."))
    return Topic.objects.select_for_update().select_related("org").get(pk=topic.pk)


def _expect(topic, *statuses):
    if topic.status not in statuses:
        raise ValidationError(_("This step is not open: the topic is at step “%(status)s”.")
                              % {"status": topic.get_status_display()})


def _step(topic, status, action, actor, before, **extra):
    with metrics.track(topic):
        topic.status = status
        topic.step_on = timezone.localdate()
        topic.full_clean()
        topic.save()
    audit.record(action, actor=actor, obj=topic, before=before, after={"status": status, **extra})
    return topic


@transaction.atomic
def topic_propose(*, actor, org, year, title, weakness, goal=""):
    """党委列题: the committee's own staff list a topic with the weakness it addresses (and the goal it serves)."""
    require(Org.objects.visible_to(actor), org)
    if not actors.is_committee(org):
        raise ValidationError({"org": _("Topics are listed by a party committee (prefecture, county or township).")})
    if not actors.is_committee_staff(actor, org):
        raise PermissionDenied(_("Only the committee's own organization department lists its topics."))
    _required(title=title, weakness=weakness)
    today = timezone.localdate()
    if year and not (today.year - 1 <= year <= today.year + 1):
        raise ValidationError({"year": _("Topics are listed for last year, this year or next year.")})
    topic = Topic(year=year, title=title.strip(), weakness=weakness.strip(), goal=(goal or "").strip(),
                  listed_on=today, step_on=today)
    topic.set_org(org)
    topic.full_clean()
    with metrics.track(topic):
        topic.save()
    audit.record("topic.propose", actor=actor, obj=topic, after=audit.snapshot(topic))
    return topic


@transaction.atomic
def topic_select(*, actor, topic, difficulty, owner=None):
    """书记选题: the committee's current secretary selects the topic, states the difficulty and names who claims
    it (by default the committee's 组织部长, or its 组织委员 in a township)."""
    topic = _locked(actor, topic)
    if not actors.is_person(actor, actors.secretary_of(topic.org)):
        raise PermissionDenied(_("Only the committee's secretary selects its topics."))
    _expect(topic, S.PROPOSED)
    _required(difficulty=difficulty)
    if owner is not None:
        owner_id = owner.pk if isinstance(owner, Person) else owner
        if not actors.holds_current_post(owner_id, topic.org):
            raise ValidationError({"owner": _("Name a cadre who holds a current post in this committee.")})
    else:
        owner_id = actors.minister_of(topic.org)
        if owner_id is None:
            raise ValidationError({"owner": _("The committee has no head of the organization department: name the "
                                              "cadre who claims the topic.")})
    before = {"status": topic.status}
    topic.difficulty, topic.owner_id, topic.return_reason = difficulty.strip(), owner_id, ""
    return _step(topic, S.SELECTED, "topic.select", actor, before, owner=owner_id)


@transaction.atomic
def topic_claim(*, actor, topic, key_point, plan):
    """部长领题: the named cadre claims the topic with its key point and a plan."""
    topic = _locked(actor, topic)
    if not actors.is_person(actor, topic.owner_id):
        raise PermissionDenied(_("Only the cadre the secretary named claims this topic."))
    _expect(topic, S.SELECTED)
    _required(key_point=key_point, plan=plan)
    before = {"status": topic.status}
    topic.key_point, topic.plan, topic.return_reason = key_point.strip(), plan.strip(), ""
    return _step(topic, S.CLAIMED, "topic.claim", actor, before)


@transaction.atomic
def topic_undertake(*, actor, topic, org):
    """基层切题: a grassroots organization of the topic's subtree takes it up (once), through its secretary or
    the staff above it. The first undertaking moves the topic to `undertaken`."""
    topic = _locked(actor, topic)
    require(Org.objects.visible_to(actor), org)
    if not org.is_descendant_of(topic.org):
        raise NotInScope
    if org.level not in actors.GRASSROOTS_LEVELS:
        raise ValidationError({"org": _("Topics are taken up by village, community or branch organizations.")})
    if not actors.acts_for(actor, org):
        raise PermissionDenied(_("Only the organization's secretary or the staff above it take up a topic."))
    _expect(topic, S.CLAIMED, S.UNDERTAKEN)
    if Undertaking.objects.filter(topic=topic, org=org).exists():
        raise ValidationError({"org": _("%(org)s has already taken up this topic.") % {"org": org.name}})
    today = timezone.localdate()
    undertaking = Undertaking(topic=topic, started_on=today)
    undertaking.set_org(org)
    undertaking.full_clean()
    undertaking.save()
    audit.record("topic.undertake", actor=actor, obj=undertaking, after={"topic": topic.pk, "org": org.pk})
    if topic.status == S.CLAIMED:
        _step(topic, S.UNDERTAKEN, "topic.undertaken", actor, {"status": S.CLAIMED})
    else:
        Topic.objects.filter(pk=topic.pk).update(step_on=today)
    return undertaking


@transaction.atomic
def undertaking_report(*, actor, undertaking, content, highlight="", done=False):
    """A progress report; with `done` the undertaking is finished and its highlight (亮点) is required."""
    if not Undertaking.objects.visible_to(actor).filter(pk=undertaking.pk).exists():
        raise NotInScope
    undertaking = Undertaking.objects.select_for_update().select_related("org", "topic").get(pk=undertaking.pk)
    if not actors.acts_for(actor, undertaking.org):
        raise PermissionDenied(_("Only the organization's secretary or the staff above it report on it."))
    if undertaking.topic.status == S.COMPLETED:
        raise ValidationError(_("The topic has been completed: no more reports."))
    if undertaking.status == Undertaking.Status.DONE:
        raise ValidationError(_("This undertaking is already done."))
    _required(content=content)
    if done and not (highlight or "").strip():
        raise ValidationError({"highlight": _("State the highlight when the undertaking is done.")})
    today = timezone.localdate()
    report = UndertakingReport(undertaking=undertaking, content=content.strip(), reported_on=today)
    report.set_org(undertaking.org)
    report.full_clean()
    report.save()
    if highlight:
        undertaking.highlight = highlight.strip()
    if done:
        undertaking.status, undertaking.done_on = Undertaking.Status.DONE, today
    undertaking.full_clean()
    undertaking.save()
    Topic.objects.filter(pk=undertaking.topic_id).update(step_on=today)
    audit.record("undertaking.report", actor=actor, obj=undertaking,
                 after={"report": report.pk, "done": bool(done), "highlight": undertaking.highlight})
    return report


@transaction.atomic
def topic_complete(*, actor, topic, evaluation):
    """The committee evaluates and completes a topic that grassroots organizations took up."""
    topic = _locked(actor, topic)
    if not actors.is_committee_staff(actor, topic.org):
        raise PermissionDenied(_("Only the committee's own organization department completes its topics."))
    if topic.status in (S.PROPOSED, S.SELECTED, S.CLAIMED):
        raise ValidationError(_("No grassroots organization has taken up this topic yet: it cannot be completed."))
    _expect(topic, S.UNDERTAKEN)
    _required(evaluation=evaluation)
    before = {"status": topic.status}
    topic.evaluation = evaluation.strip()
    topic.completed_on = timezone.localdate()
    return _step(topic, S.COMPLETED, "topic.complete", actor, before)


def may_return(user, topic):
    """Who may send a topic back one step: the committee's staff, its secretary, and the cadre named to claim."""
    return (actors.is_committee_staff(user, topic.org) or actors.is_person(user, actors.secretary_of(topic.org))
            or actors.is_person(user, topic.owner_id))


@transaction.atomic
def topic_return(*, actor, topic, reason):
    """Send a selected or claimed topic back one step with a reason (listed ← selected ← claimed); a topic
    already taken up, completed or only listed cannot go back."""
    topic = _locked(actor, topic)
    if not may_return(actor, topic):
        raise PermissionDenied(_("Only the committee, its secretary or the cadre named may return this topic."))
    if topic.status not in PREVIOUS:
        raise ValidationError(_("A topic can be returned only once selected or claimed, before any grassroots "
                                "organization takes it up."))
    _required(reason=reason)
    before = {"status": topic.status}
    topic.return_reason = reason.strip()[:200]
    return _step(topic, PREVIOUS[topic.status], "topic.return", actor, before, reason=topic.return_reason)

