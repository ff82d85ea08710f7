"""The demo's year of 抓书记 for every county (the app contract's demo data, dangjian/demo/registry.py).

For the report's year (2012) and the current year: topics of every county and township committee in every step
(some stalled), study sessions and plenary reports (some committees behind), contact points of each committee's
leading cadres with their visits (some behind), and the secretaries' reviews with ballots whose grade the rule
computes. The records are written in bulk with the services' rules (dates never in the future, visits within
their point's year, at most two points a leader, one undertaking per organization, the grade from
rules.review_grade); figures are never stored. The named accounts' own part is played through the services:
巴东县's topic through its four steps (badong, badong_shuji, badong_buzhang, xinling_cun), badong_shuji's contact
point at xinling_cun's village and the village secretary's review — so their audit trail is real.
"""

import datetime
from collections import defaultdict

from dangjian.orgs.choices import Title
from dangjian.orgs.models import Level, Org, Position

from . import actors, rules, services
from .models import (
    CommitteeSession,
    ContactPoint,
    ContactVisit,
    Grade,
    SecretaryReview,
    Topic,
    Undertaking,
    UndertakingReport,
)

S = Topic.Status
AFTER = ("supervision",)  # the task a visit's problem becomes is issued after supervision's own demo tasks
WEAKNESSES = [
    ("村级集体经济“空壳村”清零", "部分村集体经济收入不足5万元", "发展茶叶、烟叶等特色产业"),
    ("软弱涣散村党组织整顿", "个别村党组织战斗力不强、班子不团结", "基层治理水平提升"),
    ("农村党员队伍结构优化", "党员老龄化、35岁以下党员偏少", "培养乡村振兴带头人"),
    ("村干部报酬和保障落实", "村干部待遇偏低、后备力量不足", "稳定村干部队伍"),
    ("党建引领易地扶贫搬迁社区治理", "安置社区党组织覆盖不全", "搬迁群众稳得住、能致富"),
    ("非公企业党组织覆盖", "小微企业党的工作覆盖率低", "民营经济健康发展"),
]
AGENDAS = ["研究部署基层党组织建设工作", "专题研究村级党组织书记队伍建设", "听取抓党建述职评议情况汇报",
           "研究软弱涣散基层党组织整顿工作", "研究党员教育培训计划"]
VISIT_CONTENT = [("召开院坝会，听取群众意见", "产业路未硬化", "协调交通部门纳入年度计划"),
                 ("走访困难党员和群众", "", "送去慰问金"),
                 ("指导村党组织召开组织生活会", "“三会一课”记录不规范", "现场指导整改"),
                 ("调研茶叶专业合作社", "缺少加工设备", "对接农业部门项目资金"),
                 ("参加村“两委”联席会议", "", "")]
LEADER_TITLES = {Level.COUNTY: (Title.SECRETARY, Title.DEPUTY_SECRETARY, Title.MINISTER),
                 Level.TOWNSHIP: (Title.SECRETARY, Title.DEPUTY_SECRETARY, Title.ORGANIZATION)}


def _day(rng, year, today, first_month=1, last_month=12):
    """A random day of `year` within the months given, never after today."""
    last = min(datetime.date(year, last_month, 28), today)
    first = datetime.date(year, first_month, 1)
    if last < first:
        return None
    return first + datetime.timedelta(days=rng.randint(0, (last - first).days))


class Builder:
    def __init__(self, world):
        self.world, self.rng, self.today = world, world.rng("secretaries"), world.today
        self.bench = world.scale.name == "bench"
        orgs = list(Org.objects.filter(is_active=True, level__gte=Level.PREFECTURE).order_by("path"))
        self.children = defaultdict(list)
        for org in orgs:
            self.children[org.parent_id].append(org)
        self.counties = [o for o in orgs if o.level == Level.COUNTY and o.sector == Org.Sector.LEADERSHIP]
        self.prefecture = next(o for o in orgs if o.level == Level.PREFECTURE)
        self.posts = defaultdict(dict)  # org id -> {title: [person ids]}
        committee_ids = [o.pk for o in orgs if o.level <= Level.TOWNSHIP] + [
            o.pk for o in orgs if o.level == Level.VILLAGE]
        for org_id, title, person_id in (Position.objects.filter(end_date__isnull=True, org_id__in=committee_ids)
                                         .order_by("start_date", "id").values_list("org_id", "title", "person_id")):
            self.posts[org_id].setdefault(title, []).append(person_id)
        self.rows = defaultdict(list)
        self.points_per_leader = defaultdict(int)

    def holder(self, org, *titles):
        return next((self.posts[org.pk][t][0] for t in titles if self.posts[org.pk].get(t)), None)

    def townships(self, county):
        return [o for o in self.children[county.pk] if o.level == Level.TOWNSHIP]

    def villages(self, township):
        return [o for o in self.children[township.pk] if o.level == Level.VILLAGE]

    def add(self, obj, org):
        obj.set_org(org)
        self.rows[type(obj)].append(obj)
        return obj

    # --- topics --------------------------------------------------------------------------------------------------
    def topics(self, committee, year, statuses):
        grassroots = [v for t in ([committee] if committee.level == Level.TOWNSHIP else self.townships(committee))
                      for v in self.villages(t)]
        for status in statuses:
            title, weakness, goal = self.rng.choice(WEAKNESSES)
            listed = _day(self.rng, year, self.today, 1, 3) or self.today
            stalled = year == self.today.year and status != S.COMPLETED and self.rng.random() < 0.3
            step_on = listed if stalled else max(listed, _day(self.rng, year, self.today, 4) or listed)
            if not stalled and year == self.today.year and status != S.COMPLETED:
                step_on = max(listed, self.today - datetime.timedelta(days=self.rng.randint(0, 20)))
            owner = self.holder(committee, Title.MINISTER, Title.ORGANIZATION) if status != S.PROPOSED else None
            topic = self.add(Topic(
                year=year, title=title, weakness=weakness, goal=goal, status=status, listed_on=listed, step_on=step_on,
                owner_id=owner, difficulty="" if status == S.PROPOSED else "基层党组织书记能力参差不齐",
                key_point="选优配强村党组织书记" if status in (S.CLAIMED, S.UNDERTAKEN, S.COMPLETED) else "",
                plan="一村一策、挂图作战、季度调度" if status in (S.CLAIMED, S.UNDERTAKEN, S.COMPLETED) else "",
                evaluation="完成预期目标，形成可复制经验" if status == S.COMPLETED else "",
                completed_on=step_on if status == S.COMPLETED else None), committee)
            if status in (S.UNDERTAKEN, S.COMPLETED) and grassroots:
                for village in self.rng.sample(grassroots, min(len(grassroots), self.rng.randint(1, 3))):
                    done = status == S.COMPLETED or self.rng.random() < 0.3
                    undertaking = self.add(Undertaking(
                        topic=topic, started_on=listed, status="done" if done else "active",
                        highlight="“党支部+合作社+农户”带动增收" if done else "", done_on=step_on if done else None),
                        village)
                    self.add(UndertakingReport(undertaking=undertaking, content="召开党员大会部署，制定实施方案",
                                               reported_on=step_on), village)

    # --- sessions -------------------------------------------------------------------------------------------------
    def sessions(self, committee, year, diligence):
        for quarter in range(4):
            if self.rng.random() < diligence:
                held = _day(self.rng, year, self.today, quarter * 3 + 1, quarter * 3 + 3)
                if held:
                    self.add(CommitteeSession(kind="study", held_on=held, agenda=self.rng.choice(AGENDAS),
                                              attendance="应到9人，实到8人", decisions="形成会议纪要，明确责任分工"),
                             committee)
        if self.rng.random() < diligence:
            held = _day(self.rng, year, self.today, 11, 12) or _day(self.rng, year, self.today, 1)
            if held:
                self.add(CommitteeSession(kind="plenary_report", held_on=held, agenda="常委会向全委会报告基层党建工作",
                                          attendance="全体委员"), committee)

    # --- contact points and visits ------------------------------------------------------------------------------
    def points(self, committee, year, diligence):
        grassroots = [v for t in ([committee] if committee.level == Level.TOWNSHIP else self.townships(committee))
                      for v in self.villages(t)]
        if not grassroots:
            return
        limit = rules.setting("SECRETARIES_POINTS_PER_LEADER")
        leaders = {p for t in LEADER_TITLES[committee.level] for p in self.posts[committee.pk].get(t, [])}
        for leader in sorted(leaders):
            for village in self.rng.sample(grassroots, min(len(grassroots), self.rng.randint(1, limit))):
                if self.points_per_leader[(leader, year)] >= limit:
                    break
                self.points_per_leader[(leader, year)] += 1
                point = self.add(ContactPoint(leader_id=leader, committee=committee, year=year), village)
                visits = self.rng.randint(0, 5) if self.rng.random() > diligence else self.rng.randint(4, 6)
                for _i in range(visits):
                    day = _day(self.rng, year, self.today)
                    content, problems, help_given = self.rng.choice(VISIT_CONTENT)
                    if day:
                        self.add(ContactVisit(point=point, visited_on=day, content=content, problems=problems,
                                              help=help_given), village)

    # --- reviews ------------------------------------------------------------------------------------------------------
    def review(self, org, year, status):
        person = self.holder(org, Title.SECRETARY)
        if person is None:
            return
        review = SecretaryReview(person_id=person, year=year, status=status,
                                 report=f"{year}年度抓基层党建工作述职报告：围绕“三抓三促”，落实第一责任人职责。")
        if status in ("graded", "published"):
            n = self.rng.randint(15, 35)
            weights = self.rng.choice([(0.7, 0.2, 0.08, 0.02), (0.4, 0.4, 0.15, 0.05), (0.2, 0.3, 0.4, 0.1),
                                       (0.1, 0.2, 0.3, 0.4)])
            ballots = dict.fromkeys(Grade.values, 0)
            for _i in range(n):
                ballots[self.rng.choices(Grade.values, weights)[0]] += 1
            for grade, count in ballots.items():
                setattr(review, f"ballots_{grade}", count)
            review.grade = rules.review_grade(ballots)
            review.reviewed_on = _day(self.rng, year, self.today, 12) or _day(self.rng, year, self.today, 1)
            review.comment = "履行第一责任人职责到位，抓基层打基础有成效。"
        self.add(review, org)

    def reviews(self, county, year, current):
        statuses = (["draft", "submitted", "graded", "published"] if current else ["published"])
        self.review(county, year, self.rng.choice(statuses))
        for township in self.townships(county):
            self.review(township, year, self.rng.choice(statuses))
            villages = self.villages(township)
            for village in villages[:5] if self.bench else villages:
                self.review(village, year, self.rng.choice(statuses))

    def build(self):
        report, current = self.world.report_year, self.today.year
        for county in self.counties:
            diligence = self.rng.choice([1.0, 1.0, 0.9, 0.7])
            for year in (report, current):
                is_current = year == current
                steps = [S.PROPOSED, S.SELECTED, S.CLAIMED, S.UNDERTAKEN, S.COMPLETED] if is_current \
                    else [S.COMPLETED] * 3
                self.topics(county, year, steps)
                self.sessions(county, year, diligence)
                self.points(county, year, diligence)
                for township in self.townships(county):
                    self.topics(township, year, [self.rng.choice(steps)])
                    self.sessions(township, year, self.rng.choice([1.0, 0.9, 0.75, 0.5]))
                    self.points(township, year, diligence)
                self.reviews(county, year, is_current)
        for model in (Topic, Undertaking, UndertakingReport, CommitteeSession, ContactPoint, ContactVisit,
                      SecretaryReview):
            model.objects.bulk_create(self.rows[model], batch_size=2000)  # parents first: children take their ids
        return {f"secretaries.{model._meta.model_name}": len(rows) for model, rows in self.rows.items()}


def named_accounts(world):
    """The named accounts' part, through the services (rules and audit entries as in daily use)."""
    today = world.today
    badong, shuji, buzhang = world.user("badong"), world.user("badong_shuji"), world.user("badong_buzhang")
    cun, xinling = world.user("xinling_cun"), world.user("xinling")
    county, village = world.org("county:巴东县"), Org.objects.get(pk=cun.org_id)
    topic = services.topic_propose(actor=badong, org=county, year=today.year, title="书记领办“村级集体经济提质”项目",
                                   weakness="部分村集体经济依赖转移支付、自我造血能力弱",
                                   goal="年内村级集体经济收入全部达到10万元以上")
    services.topic_select(actor=shuji, topic=topic, difficulty="产业项目选择难、村干部经营能力不足")
    services.topic_claim(actor=buzhang, topic=topic, key_point="选派懂经营的驻村第一书记，盘活闲置资产",
                         plan="一村一策，季度调度，年底考核")
    undertaking = services.topic_undertake(actor=cun, topic=topic, org=village)
    services.undertaking_report(actor=cun, undertaking=undertaking, content="成立村集体经济合作社，流转土地120亩")
    services.topic_propose(actor=badong, org=county, year=today.year, title="党建引领网格化基层治理",
                           weakness="网格员队伍不稳定，党员作用发挥不充分")
    # badong_shuji's points this year are his own: xinling_cun's village, visited once so far.
    ContactVisit.objects.filter(point__leader_id=shuji.person_id, point__year=today.year).delete()
    ContactPoint.objects.filter(leader_id=shuji.person_id, year=today.year).delete()
    point = services.point_assign(actor=badong, leader=shuji.person, org=village, year=today.year)
    visit = services.visit_log(actor=shuji, point=point, visited_on=today.replace(month=min(today.month, 3), day=15),
                               content="调研村集体经济发展", problems="合作社缺少冷链设施", help="协调县农业农村局支持")
    # The county's organization department passes the problem on as a supervised task (supervision's service).
    services.visit_pass_on(actor=badong, visit=visit, deadline=today + datetime.timedelta(days=45))
    review = SecretaryReview.objects.filter(org=village, year=today.year - 1).first()
    if review is None and actors.secretary_of(village):
        review = services.review_create(actor=cun, org=village, year=today.year - 1,
                                        report="上年度抓基层党建工作述职报告")
        services.review_submit(actor=cun, review=review)
        services.review_grade(actor=xinling, review=review, reviewed_on=today.replace(year=today.year - 1, month=12,
                                                                                      day=28),
                              ballots={"good": 12, "fairly_good": 6, "fair": 2, "poor": 0}, comment="工作扎实")
        services.review_publish(actor=xinling, review=review)


def build(world):
    counts = Builder(world).build()
    named_accounts(world)
    return counts

