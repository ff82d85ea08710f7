"""The star-rating demo records: 巴东县's scheme with Badong's 2010 thresholds and twenty indicators (the report
year 2012, then copied year by year), assessments carried to the award in 2012 and in the last two years, and
in progress this year; score events through the year; rectification for organizations two years below three
stars.

The indicators that the agreed metric keys of the pillars compute are automatic; a key that no installed app
registers yet is created as a manual indicator (and logged), so that once every pillar is installed the same demo
reaches its 80 % of automatic points. The named accounts take their steps through the services (xinling_cun
self-assesses, xinling reviews, badong approves, publicizes and awards); the other villages have no account of
their own, so their self-assessment and review points are written in bulk with the services' validation
(rules.check_points) and history rows without an author, and their steps are set the same way.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from dangjian.orgs.models import Level

from . import consequences, rules, scoring, services, workflow
from .models import Assessment, AssessmentItem, Indicator, ScoreChange, StarAward

# (category, name, max points, metric key or "", points table) — 100 points, 73 automatic once all are installed.
# A village's scheme counts what a village's own records hold (its visits, cases, trainees, its secretary's
# review); committee-level work (topics, study sessions, demonstration sites) is assessed at the committees.
INDICATORS = [
    ("班子建设", "书记配备到位", 5, "orgs.no_secretary", [(0, 5), (1, 0)]),
    ("班子建设", "按期换届", 4, "orgs.term_ended", [(0, 4), (1, 0)]),
    ("班子建设", "党建联系点走访", 8, "secretaries.visits", [(1, 4), (4, 8)]),
    ("班子建设", "书记述职评议等次", 8, "secretaries.reviews.grade", [(1, 2), (2, 4), (3, 6), (4, 8)]),
    ("示范创建", "党员示范岗", 5, "showcase.posts", [(1, 5)]),
    ("示范创建", "五好创建荣誉", 3, "showcase.honours", [(1, 3)]),
    ("三进三帮", "走访群众", 10, "outreach.visits", [(1, 4), (3, 7), (6, 10)]),
    ("三进三帮", "帮助解决问题", 10, "outreach.problems_solved", [(1, 4), (3, 7), (5, 10)]),
    ("三进三帮", "群众满意率", 8, "outreach.satisfaction_rate", [(60, 3), (80, 6), (90, 8)]),
    ("教育培训", "党员培训人次", 8, "training.person_times", [(1, 4), (2, 8)]),
    ("跟踪督办", "督办事项无逾期", 4, "supervision.tasks.overdue", [(0, 4), (1, 0)]),
    ("阵地建设", "活动场所规范使用", 10, "", []),
    ("党员管理", "三会一课落实", 10, "", []),
    ("特色工作", "特色亮点工作", 7, "", []),
]
VETOES = ["发生严重违纪违法案件", "发生重大群体性事件"]


def build(world):
    rng = world.rng("stars")
    county = world.user("badong")
    badong = world.org("county:巴东县")
    this_year = world.today.year
    quality = {}  # each village's steady level of work, so that some stay below three stars year after year
    years = [this_year] if world.scale.name == "bench" else [world.report_year, this_year - 2, this_year - 1,
                                                             this_year]
    counts = {"star schemes": 0, "assessments": 0, "star awards": 0}
    previous = None
    for year in years:
        scheme = _scheme(world, county, badong, year, previous)
        previous = scheme
        scheme = services.scheme_publish(actor=county, scheme=scheme)
        counts["star schemes"] += 1
        assessments = list(Assessment.objects.filter(scheme=scheme).order_by("pk"))
        counts["assessments"] += len(assessments)
        for a in assessments:
            quality.setdefault(a.org_id, 0.62 + 0.38 * rng.random() ** 0.6)
        scoring.score(scheme, assessments)
        named = world.org("village-of:信陵镇").pk
        _events(world, rng, scheme, year)
        if year < this_year:
            _fill(rng, scheme, [a for a in assessments if a.org_id != named], quality, until="approval")
            _walk(world, scheme, named, until="award")
            _award(rng, scheme, quality)
        else:
            others = [a for a in assessments if a.org_id != named]
            rng.shuffle(others)
            cut = [int(len(others) * share) for share in (0.35, 0.65, 0.9)]
            _fill(rng, scheme, others[cut[0]:cut[1]], quality, until="review")
            _fill(rng, scheme, others[cut[1]:], quality, until="approval")
            _notice(world, scheme, [a.pk for a in others[cut[2]:]])
        counts["star awards"] = StarAward.objects.filter(assessment__scheme__org=badong).count()
    share = _automatic_share(previous)
    world.log(f"    automatic share of the scheme's points here: {share} %")
    return counts


def _scheme(world, county, badong, year, previous):
    if previous is not None:
        return services.scheme_copy(actor=county, scheme=previous, year=year)
    scheme = services.scheme_create(actor=county, org=badong, year=year, name=f"巴东县{year}年度基层党组织星级评定方案",
                                    levels=[Level.VILLAGE], targets=rules.badong_targets(year))
    for order, (category, name, points, key, table) in enumerate(INDICATORS):
        automatic = bool(key) and scoring.registered_metric(key) is not None
        if key and not automatic:
            world.log(f"    stars: metric {key} is not installed: “{name}” is scored by hand")
        services.indicator_create(
            actor=county, scheme=scheme, category=category, name=name, max_points=points, order=order,
            method=Indicator.Method.METRIC if automatic else Indicator.Method.MANUAL, metric=key if automatic else "",
            table=[{"at_least": v, "points": p} for v, p in table] if automatic else (),
            guidance=f"自动计算：{key}" if automatic else "")
    for name in VETOES:
        services.indicator_create(actor=county, scheme=scheme, category="一票否决", name=name, max_points=1,
                                  veto=True)
    return scheme


def _automatic_share(scheme):
    from .selectors import automatic_share

    return automatic_share(list(Indicator.objects.filter(scheme=scheme)))


def _events(world, rng, scheme, year):
    """A few 加分/扣分 through the year by the township and the county (services)."""
    township, county = world.user("xinling"), world.user("badong")
    indicators = list(Indicator.objects.filter(scheme=scheme, veto=False, method=Indicator.Method.MANUAL))
    targets = list(Assessment.objects.filter(scheme=scheme).order_by("pk"))
    reasons = [(2, "获评县级先进基层党组织"), (1, "党建信息被县委组织部采用"), (-2, "三会一课记录不全"),
               (-1, "党费收缴不及时"), (3, "承办全县党建现场会")]
    for a in rng.sample(targets, min(8, len(targets))):
        points, reason = rng.choice(reasons)
        actor = township if a.township_id == township.org_id else county
        day = min(datetime.date(year, rng.randint(3, 11), rng.randint(1, 28)), world.today)
        workflow.score_event_record(actor=actor, assessment=a, indicator=rng.choice(indicators), points=points,
                                    reason=reason, recorded_on=day)


def _fill(rng, scheme, assessments, quality, until):
    """Self-assessment (and review) points of the organizations without an account, in bulk: drawn around each
    one's level of work, validated like the services validate them."""
    manual = list(Indicator.objects.filter(scheme=scheme, method=Indicator.Method.MANUAL))
    items, history = [], []
    for a in assessments:
        for indicator in manual:
            if indicator.veto:
                points = Decimal(1) if rng.random() < 0.01 else Decimal(0)
            else:
                level = min(1.0, max(0.0, quality[a.org_id] + rng.uniform(-0.08, 0.08)))
                points = rules.check_points(round(float(indicator.max_points) * level), indicator.max_points)
            items.append(AssessmentItem(assessment=a, indicator=indicator, points=points, note="见台账",
                                        source=AssessmentItem.Source.MANUAL))
            history.append(ScoreChange(assessment=a, indicator=indicator, step="self", new_points=points))
    AssessmentItem.objects.bulk_create(items, batch_size=2000)
    ScoreChange.objects.bulk_create(history, batch_size=2000)
    status = Assessment.Status.REVIEW if until == "review" else Assessment.Status.APPROVAL
    Assessment.objects.filter(pk__in=[a.pk for a in assessments]).update(status=status)
    scoring.score(scheme, list(Assessment.objects.filter(pk__in=[a.pk for a in assessments])))


def _walk(world, scheme, org_id, until):
    """The named accounts' organization, every step through the services (xinling_cun, xinling, badong)."""
    a = Assessment.objects.filter(scheme=scheme, org_id=org_id).first()
    if a is None:
        return
    items = [{"indicator": i.pk, "points": i.max_points - (1 if i.max_points > 5 else 0), "note": "见台账"}
             for i in Indicator.objects.filter(scheme=scheme, method=Indicator.Method.MANUAL, veto=False)]
    workflow.assessment_self_assess(actor=world.user("xinling_cun"), assessment=a, items=items)
    workflow.assessment_review(actor=world.user("xinling"), assessment=a)
    if until == "award":
        county = world.user("badong")
        workflow.assessment_approve(actor=county, assessment=a)
        start = datetime.date(scheme.year, 12, 20)
        workflow.assessment_publicize(actor=county, assessment=a, today=start)
        workflow.assessment_award(actor=county, assessment=a, today=start + datetime.timedelta(days=7))


def _award(rng, scheme, quality):
    """Approval, a five-day notice and the award for the year's other organizations, in bulk (as the county
    would, step by step); then the consequences, through the same function the award service calls."""
    thresholds = rules.clean_thresholds(scheme.thresholds)
    start = datetime.date(scheme.year, 12, 20)
    until = start + datetime.timedelta(days=scheme.notice_days - 1)
    awarded_on = until + datetime.timedelta(days=3)
    pending = list(Assessment.objects.filter(scheme=scheme, status=Assessment.Status.APPROVAL)
                   .select_related("org", "scheme__org").order_by("pk"))
    now = timezone.now()
    awards = []
    for a in pending:
        a.stars = rules.final_stars(a.score, thresholds, vetoed=a.vetoed, previous=a.previous_stars,
                                    max_promotion=scheme.max_promotion)
        a.status, a.approved_at, a.notice_from, a.notice_until, a.awarded_on = (
            Assessment.Status.AWARDED, now, start, until, awarded_on)
        if a.stars:
            award = StarAward(assessment=a, year=a.year, stars=a.stars, awarded_on=awarded_on,
                              certificate_no=workflow.certificate_number(a.year),
                              issuer_name=f"{scheme.org.name}组织部")
            award.set_org(a.org)
            awards.append(award)
    Assessment.objects.bulk_update(pending, ["stars", "status", "approved_at", "notice_from", "notice_until",
                                             "awarded_on"], batch_size=500)
    StarAward.objects.bulk_create(awards, batch_size=1000)
    for a in pending:
        consequences.after_award(a)


def _notice(world, scheme, ids):
    """Some of this year's assessments approved and in their public notice (through the services)."""
    county = world.user("badong")
    for a in Assessment.objects.filter(pk__in=ids, status=Assessment.Status.APPROVAL).order_by("pk"):
        workflow.assessment_approve(actor=county, assessment=a)
        workflow.assessment_publicize(actor=county, assessment=a, today=world.today - datetime.timedelta(days=2))
