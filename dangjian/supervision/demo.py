"""跟踪督办's demo records: tasks of four counties and two townships in every light — on track, deadline near,
overdue (escalated one level up, then one more) — with progress reports, a return and closings, and the
closed tasks of the report's year (2012), all issued, reported, closed and returned through the services.

The services date what they record today and refuse a deadline in the past, so the history is recorded first and
then re-dated (issue, deadline, report and closing days) by `_redate`; the summary table is rebuilt after every
app's demo. At the bench scale each township also gets a task for all its villages (issued by the platform), so
the lists have thousands of rows to page through.
"""

import datetime

from django.utils import timezone

from dangjian.orgs.models import Level, Org

from . import services
from .models import Escalation, SupervisedTask, TaskAssignment, TaskReport

DAY = datetime.timedelta(days=1)

CURRENT = [
    # (title, requirement, source, issued days ago, deadline in days)
    ("“三会一课”制度落实情况专项整改", "对照督查反馈问题清单，逐项整改，完善会议记录，报送整改台账。", "meeting",
     6, 25),
    ("村级党组织活动场所规范化建设", "按“六有”标准完善活动场所，悬挂制度牌，报送整改前后照片。", "indicator", 20, 2),
    ("群众反映村务公开不及时问题办理", "核实群众反映情况，按季度公开村务、财务，向反映人反馈办理结果。", "complaint",
     45, -10),
    ("联系点走访发现问题整改", "针对联系点走访中发现的发展党员程序不规范问题，逐人复核并补正材料。", "visit", 15, 10),
]
HISTORY = [
    ("软弱涣散村党组织集中整顿", "按“一村一策”制定整顿方案，配强班子，年底前验收。", "meeting", (3, 12), (6, 30)),
    ("党员活动日制度落实督办", "每月固定党员活动日，做到有计划、有记录、有照片。", "indicator", (5, 8), (7, 31)),
    ("村集体经济发展项目推进", "落实发展项目，明确责任人和时间节点，按月报送进度。", "topic", (8, 20), (11, 30)),
]
REPORTS = ["已召开支委会专题研究，制定整改方案，明确责任人。", "已完成整改，相关台账、照片已整理归档。",
           "已逐项对照整改，群众满意，附整改前后对比材料。"]


def _at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def _redate(task, issued_on, deadline):
    SupervisedTask.objects.filter(pk=task.pk).update(issued_on=issued_on, deadline=deadline)
    TaskAssignment.objects.filter(task=task).update(issued_on=issued_on, deadline=deadline)


def _report(actor, assignment, text, day):
    report = services.assignment_report(actor=actor, assignment=assignment, content=text)
    TaskReport.objects.filter(pk=report.pk).update(reported_at=_at(day))
    TaskAssignment.objects.filter(pk=assignment.pk).update(reported_at=_at(day))


def _close(actor, assignment, day):
    services.assignment_close(actor=actor, assignment=assignment)
    TaskAssignment.objects.filter(pk=assignment.pk).update(closed_on=day)


def _children(org, level, limit):
    return list(Org.objects.filter(parent=org, level=level, is_active=True).order_by("path")[:limit])


def _villages(township, limit):
    return _children(township, Level.VILLAGE, limit)


class Issuer:
    """A county or township account issuing the demo tasks, and the account that reports for its assignees (a
    township reports for its villages; nobody on the assignees' side for the counties without one)."""

    def __init__(self, world, username, reporter=None):
        self.world = world
        self.actor = world.user(username)
        self.org = self.actor.org
        self.reporter = world.user(reporter) if reporter else None

    def issue(self, title, requirement, source, orgs, issued_on, deadline):
        today = self.world.today
        task = services.task_issue(actor=self.actor, issuer_org=self.org, title=title, requirement=requirement,
                                   source=source, deadline=max(deadline, today), orgs=orgs)
        return task, list(task.assignments.order_by("org__path"))


def _current(world, issuer, orgs, counts):
    """The four lights of this year on `orgs` (villages or townships of the issuer)."""
    today, rng = world.today, world.rng("supervision")
    for title, requirement, source, ago, days in CURRENT:
        issued, deadline = today - ago * DAY, today + days * DAY
        task, parts = issuer.issue(title, requirement, source, orgs[:2], issued, deadline)
        reporter = issuer.reporter
        if reporter is not None:
            if source == "indicator":  # deadline near: one reported, awaiting verification
                _report(reporter, parts[0], rng.choice(REPORTS), today - DAY)
            elif source == "complaint" and len(parts) > 1:  # overdue: one closed on time, the other still open
                _report(reporter, parts[0], REPORTS[1], deadline - 5 * DAY)
                _close(issuer.actor, parts[0], deadline - 3 * DAY)
            elif source == "visit":  # returned with a reason, to be reported again
                _report(reporter, parts[0], REPORTS[0], today - 3 * DAY)
                services.assignment_return(actor=issuer.actor, assignment=parts[0],
                                           reason="整改材料不完整，请补充复核登记表。")
        _redate(task, issued, deadline)
        counts["tasks"] += 1


def _history(world, issuer, orgs, counts):
    """The report's year: tasks reported and closed (one of them after its deadline)."""
    year = world.report_year
    for i, (title, requirement, source, start, end) in enumerate(HISTORY):
        issued, deadline = datetime.date(year, *start), datetime.date(year, *end)
        task, parts = issuer.issue(title, requirement, source, orgs[:3], issued, deadline)
        for j, part in enumerate(parts):
            _report(issuer.reporter, part, REPORTS[(i + j) % len(REPORTS)], deadline - 10 * DAY)
            late = i == len(HISTORY) - 1 and j == 0
            _close(issuer.actor, part, deadline + (5 if late else -5) * DAY)
        _redate(task, issued, deadline)
        counts["tasks"] += 1


def build(world):
    counts = {"tasks": 0}
    xinling, wanzhai = world.org("township:信陵镇"), world.org("township:万寨乡")
    # Counties whose villages a township account reports for: the whole story, 2012 included.
    for username, township, reporter in (("badong", xinling, "xinling"), ("xuanen", wanzhai, "wanzhai")):
        issuer = Issuer(world, username, reporter)
        villages = _villages(township, 3)
        _current(world, issuer, villages, counts)
        _history(world, issuer, villages, counts)
    # Other counties: their townships and villages have no demo account, so nothing is reported yet.
    for username in ("lichuan", "laifeng"):
        issuer = Issuer(world, username)
        townships = _children(issuer.org, Level.TOWNSHIP, 3)
        villages = [v for t in townships for v in _villages(t, 1)]
        _current(world, issuer, villages or townships, counts)
    # The townships' own tasks: the village secretaries' to-dos.
    today = world.today
    task, _parts = Issuer(world, "wanzhai").issue(
        "伍家台村贡茶产业党建示范点创建", "完善示范点建设方案，月底前报送创建进展及照片。", "topic",
        [world.org("village:伍家台村")], today - 4 * DAY, today + 3 * DAY)
    _redate(task, today - 4 * DAY, today + 3 * DAY)
    village = world.user("xinling_cun").org
    task, _parts = Issuer(world, "xinling").issue(
        "村党组织书记“擂台比武”问题整改", "针对比武中指出的问题制定整改措施，限期报送。", "meeting",
        [village], today - 10 * DAY, today + 12 * DAY)
    _redate(task, today - 10 * DAY, today + 12 * DAY)
    counts["tasks"] += 2
    if world.scale.name == "bench":
        counts["tasks"] += _bench_volume(world)
    # Overdue parts go one level up a day after the deadline, and one more a week later.
    raised = services.escalate_overdue(today=today - 9 * DAY) + services.escalate_overdue(today=today)
    return {"supervised tasks": counts["tasks"],
            "task assignments": TaskAssignment.objects.count(),
            "escalations": raised or Escalation.objects.count()}


def _bench_volume(world):
    """Each township's task for all its villages, issued by the platform, with deadlines spread around today."""
    today, made = world.today, 0
    for i, township in enumerate(Org.objects.filter(level=Level.TOWNSHIP, is_active=True).order_by("path")):
        villages = list(Org.objects.filter(parent=township, is_active=True).values_list("pk", flat=True))
        if not villages:
            continue
        issued, deadline = today - (30 + i % 20) * DAY, today + ((i % 40) - 3) * DAY
        task = services.task_issue(actor=None, issuer_org=township, title=f"党建重点任务督办（第{i + 1}批）",
                                   requirement="按要求推进并按期报送进展。", source="other",
                                   deadline=max(deadline, today), orgs=villages)
        _redate(task, issued, deadline)
        made += 1
    return made
