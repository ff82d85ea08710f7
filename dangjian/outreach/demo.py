"""三进三帮 demo records: the report's year 2012 and the current year.

- 宣恩县 (万寨乡, 伍家台村 among its villages): visits and help cases written through the services by the
  accounts `xuanen` and `wanzhai` — the full workflow (visit → case → resolve → return visit, one reopened).
- Over the whole prefecture, 2012's records add up to the report's figures — more than 8,200 people helped and
  more than 9,600 problems solved — and a smaller current year. At this volume (about 20,000 rows) they are
  written in bulk after the models' own validation (`full_clean` without the per-row database lookups: every
  foreign key comes from rows just read, ID numbers are drawn unique), with people helped set by the services'
  own rule (`services.first_solved_per_year`). The figures are computed from these records by the platform;
  no total is stored.
"""

import datetime

from django.core.management.color import no_style
from django.db import connection
from django.utils import timezone

from dangjian.core.crypto import blind_index
from dangjian.core.validators import id_check_digit
from dangjian.orgs.models import Level, Org

from . import services
from .models import Beneficiary, HelpCase, Visit

PEOPLE_TARGET = 8_300  # people helped in 2012 over the prefecture (the report: more than 8,200)
SOLVED_TARGET = 9_700  # problems solved in 2012 (the report: more than 9,600)
CURRENT_SHARE = 0.08  # the current year's volume, as a share of 2012's

PROBLEMS = {
    "hardship": [
        ("因病致贫，医疗费用负担重", "协助办理大病救助和医保报销"),
        ("房屋漏雨，需维修加固", "组织党员帮助维修屋顶"),
        ("饮水困难，水管老化", "协调水利站更换管道"),
        ("子女上学交通不便", "协调校车接送"),
        ("缺少发展茶叶产业的资金", "协助申请小额贴息贷款"),
        ("农产品销售难", "对接电商平台和合作社收购"),
        ("危房需要改造", "纳入危房改造计划并完成施工"),
        ("家中劳力不足，秋收困难", "组织党员志愿者帮助秋收"),
    ],
    "worry": [
        ("独居老人无人照料", "安排网格员定期上门并对接居家养老服务"),
        ("楼道路灯损坏", "协调物业更换路灯"),
        ("下水道堵塞", "联系市政部门疏通"),
        ("失业人员再就业难", "推荐参加技能培训并介绍岗位"),
        ("邻里纠纷", "调解委员会调解达成协议"),
        ("小区停车难", "协调划定临时停车位"),
    ],
    "business": [
        ("流动资金紧张，贷款难", "协调银行办理信用贷款"),
        ("用工短缺", "组织专场招聘会"),
        ("生产用电需要增容", "协调供电公司完成增容"),
        ("运输道路受阻", "协调交通部门修复道路"),
        ("产品销路不畅", "组织参加农产品展销会"),
    ],
}
ENTERPRISES = ["贡茶有限公司", "茶叶专业合作社", "农产品加工厂", "建材有限公司", "生态农业公司", "魔芋加工厂",
               "油茶专业合作社", "旅游开发公司"]
SATISFACTION = [("satisfied", 80), ("basically", 17), ("unsatisfied", 3)]
VISIT_KIND = {"hardship": "village", "worry": "community", "business": "enterprise"}


class _Synthetic:
    """Valid-format names, ID and mobile numbers for beneficiaries (a domain app may not import the demo app's
    generators: core/tests/test_layers.py)."""

    SURNAMES = "向田谭覃彭冉黄张王李刘陈杨赵周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯董程曹袁邓许沈曾吕苏卢"
    GIVEN = {True: "明华国平建军文勇志强春林杰涛斌波超刚海峰云兵德成荣福贵祥松山江永长生新光辉亮",
             False: "华平文春林云秀英兰芳玉红霞丽敏静燕琴艳凤桂菊梅珍翠娟婷佳欣萍莉娜雪慧"}

    @classmethod
    def name(cls, rng, *, male):
        return rng.choice(cls.SURNAMES) + "".join(rng.choice(cls.GIVEN[male]) for _ in range(rng.choice((1, 2, 2))))

    @staticmethod
    def id_number(birth, male, region="422801", rng=None):
        seq = rng.randrange(0, 1000)
        if (seq % 2 == 1) != male:
            seq = (seq + 1) % 1000
        body = f"{region}{birth:%Y%m%d}{seq:03d}"
        return body + id_check_digit(body)

    @staticmethod
    def mobile(rng):
        return rng.choice(["13", "15", "18", "17", "19"]) + rng.choice("3456789") + f"{rng.randrange(10**8):08d}"


synthetic = _Synthetic


def build(world):
    rng = world.rng("outreach")
    counts = {}
    counts.update(_xuanen_through_services(world, rng))
    counts.update(_prefecture_in_bulk(world, rng))
    return counts


# --- 宣恩县 through the services ------------------------------------------------------------------------------------


def _xuanen_through_services(world, rng):
    county, wanzhai = world.user("xuanen"), world.user("wanzhai")
    villages = list(Org.objects.filter(township=wanzhai.org, level=Level.VILLAGE, is_active=True).order_by("path"))
    if not villages:
        return {}
    cases = 0
    for year, n in ((world.report_year, 12), (world.today.year, 6)):
        for i in range(n):
            village = villages[i % len(villages)]
            actor = wanzhai if i % 2 else county
            kind = rng.choice(["hardship", "hardship", "worry", "business"])
            problem, resolution = rng.choice(PROBLEMS[kind])
            day = _day(rng, year, world.today)
            beneficiary = _service_beneficiary(actor, village, kind, rng, year, i)
            visit = services.visit_create(actor=actor, org=village, kind=VISIT_KIND[kind], whom=beneficiary.name,
                                          findings=problem, visited_on=day)
            case = services.case_open(actor=actor, beneficiary=beneficiary, kind=kind, problem=problem, visit=visit,
                                      opened_on=day)
            cases += 1
            if year == world.today.year and i % 3 == 0:
                continue  # still open this year
            resolved_on = min(day + datetime.timedelta(days=rng.randint(3, 40)), world.today)
            services.case_resolve(actor=actor, case=case, resolution=resolution, resolved_on=resolved_on)
            returned_on = min(resolved_on + datetime.timedelta(days=rng.randint(2, 15)), world.today)
            services.case_return_visit(actor=actor, case=case, satisfaction=_satisfaction(rng), note="回访了解情况",
                                       returned_on=returned_on)
            if year == world.report_year and i == 5:
                services.case_reopen(actor=actor, case=case, reason="问题反复，需要继续跟进")
    return {"outreach cases (宣恩, through the services)": cases}


def _service_beneficiary(actor, village, kind, rng, year, i):
    if kind == "business":
        return services.beneficiary_create(actor=actor, org=village, kind="enterprise",
                                           name=f"{village.name[:3]}{rng.choice(ENTERPRISES)}{year}{i}")
    male = rng.random() < 0.5
    birth = datetime.date(rng.randint(1940, 1990), rng.randint(1, 12), rng.randint(1, 28))
    household = rng.random() < 0.6
    sensitive = kind == "hardship" and rng.random() < 0.3
    return services.beneficiary_create(
        actor=actor, org=village, kind="household" if household else "person", name=synthetic.name(rng, male=male),
        household_size=rng.randint(2, 6) if household else 1, phone=synthetic.mobile(rng),
        id_number=synthetic.id_number(birth, male, region="422825", rng=rng),
        sensitivity="health" if sensitive else "", sensitive_details="慢性病，长期服药" if sensitive else "")


def _satisfaction(rng):
    pick = rng.randrange(100)
    for value, weight in SATISFACTION:
        if pick < weight:
            return value
        pick -= weight
    return "satisfied"


def _day(rng, year, today):
    last = today if year == today.year else datetime.date(year, 12, 31)
    start = datetime.date(year, 1, 1)
    return start + datetime.timedelta(days=rng.randrange(max((last - start).days - 30, 1)))


# --- the prefecture in bulk -------------------------------------------------------------------------------------


class _Bulk:
    """Rows for one year, validated like the services validate them, then inserted in batches."""

    def __init__(self, rng, villages, ids_taken):
        self.rng, self.villages, self.ids_taken = rng, villages, ids_taken
        self.visits, self.beneficiaries, self.cases = [], [], []

    def beneficiary(self, village, kind):
        rng = self.rng
        if kind == "enterprise":
            b = Beneficiary(kind=kind, name=f"{village.name.removeprefix('中共')[:4]}{rng.choice(ENTERPRISES)}")
        else:
            male = rng.random() < 0.5
            birth = datetime.date(rng.randint(1935, 1995), rng.randint(1, 12), rng.randint(1, 28))
            number = synthetic.id_number(birth, male, region=village.division_code[:6] or "422801", rng=rng)
            while blind_index(number) in self.ids_taken:
                number = synthetic.id_number(birth, male, region="422801", rng=rng)
            self.ids_taken.add(blind_index(number))
            household = kind == "household"
            b = Beneficiary(kind=kind, name=synthetic.name(rng, male=male), id_number=number,
                            household_size=rng.choices([2, 3, 4, 5, 6], [15, 30, 30, 17, 8])[0] if household else 1)
        b.set_org(village)
        b.full_clean(exclude=_FK_FIELDS, validate_unique=False, validate_constraints=False)
        self.beneficiaries.append(b)
        return b

    def case(self, beneficiary, kind, year, today, solved=True):
        rng = self.rng
        problem, resolution = rng.choice(PROBLEMS[kind])
        opened = _day(rng, year, today)
        visit = None
        if rng.random() < 0.4:
            visit = Visit(kind=VISIT_KIND[kind] if kind != "hardship" or beneficiary.org.sector != "community"
                          else "community", visited_on=opened, whom=beneficiary.name, findings=problem)
            visit.set_org(beneficiary.org)
            visit.full_clean(exclude=_FK_FIELDS)
            self.visits.append(visit)
        case = HelpCase(kind=kind, problem=problem, opened_on=opened, status=HelpCase.Status.OPEN)
        case.beneficiary_obj, case.visit_obj = beneficiary, visit
        case.set_org(beneficiary.org)
        if solved:
            case.status, case.resolution = HelpCase.Status.RESOLVED, resolution
            case.resolved_on = min(opened + datetime.timedelta(days=rng.randint(2, 25)), _year_end(year, today))
            if rng.random() < 0.85:
                case.status, case.satisfaction = HelpCase.Status.CLOSED, _satisfaction(rng)
                case.returned_on = min(case.resolved_on + datetime.timedelta(days=rng.randint(2, 20)),
                                       _year_end(year, today))
                case.return_note = "回访了解情况"
        case.full_clean(exclude=_FK_FIELDS, validate_constraints=False)  # the database checks the status rule
        self.cases.append(case)
        return case

    def write(self):
        _insert(Beneficiary, self.beneficiaries)
        _insert(Visit, self.visits)
        by_beneficiary = {}
        for case in self.cases:
            case.beneficiary, case.visit = case.beneficiary_obj, case.visit_obj
            by_beneficiary.setdefault(case.beneficiary_id, []).append(case)
        for cases in by_beneficiary.values():
            solved = [(i, c.resolved_on) for i, c in enumerate(cases) if c.status in HelpCase.SOLVED]
            counted = services.first_solved_per_year(solved)
            for i, c in enumerate(cases):
                c.people_helped = c.beneficiary_obj.people if i in counted else 0
        _insert(HelpCase, self.cases)

def _insert(model, objs):
    """INSERT the validated rows with explicit ids in one executemany (Django's bulk_create compiles the SQL of
    every batch of 40 rows: 5 s here for 20,000 rows on SQLite). Values go through each field's
    get_db_prep_save, so ID and phone numbers are encrypted and blind-indexed as on a save; the PostgreSQL
    sequence is moved past the ids afterwards."""
    if not objs:
        return
    next_id = (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    fields = [f for f in model._meta.concrete_fields]
    for offset, obj in enumerate(objs):
        obj.pk = next_id + offset
        for f in fields:
            if getattr(f, "auto_now_add", False):
                setattr(obj, f.attname, timezone.now())
    table, quote = model._meta.db_table, connection.ops.quote_name
    sql = (f"INSERT INTO {quote(table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608 -- names
           f"VALUES ({', '.join(['%s'] * len(fields))})")  # from the model, values as parameters
    rows = [[f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields] for obj in objs]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
        for statement in connection.ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(statement)


_FK_FIELDS = ["org", "beneficiary", "visit", "visitor", "recorded_by", "province", "prefecture", "county", "township",
              "village"]


def _year_end(year, today):
    return today if year == today.year else datetime.date(year, 12, 31)


def _prefecture_in_bulk(world, rng):
    villages = list(Org.objects.filter(level=Level.VILLAGE, is_active=True).order_by("path"))
    if not villages:
        return {}
    ids_taken = set(Beneficiary.objects.exclude(id_number_index="").values_list("id_number_index", flat=True))
    counts = {}
    for year, share in ((world.report_year, 1.0), (world.today.year, CURRENT_SHARE)):
        bulk = _Bulk(rng, villages, ids_taken)
        people, solved = 0, 0
        people_target, solved_target = PEOPLE_TARGET * share, SOLVED_TARGET * share
        # Each beneficiary gets one solved case first (they count once), then the remaining solved cases are
        # spread over them, then a few still open.
        helped = []
        while people < people_target:
            village = rng.choice(villages)
            kind = rng.choices(["household", "person", "enterprise"], [55, 35, 10])[0]
            b = bulk.beneficiary(village, kind)
            helped.append(b)
            people += b.people
        for b in helped:
            bulk.case(b, _help_kind(b), year, world.today)
            solved += 1
        while solved < solved_target:
            b = rng.choice(helped)
            bulk.case(b, _help_kind(b), year, world.today)
            solved += 1
        for _ in range(int(solved_target * 0.03)):
            b = rng.choice(helped)
            bulk.case(b, _help_kind(b), year, world.today, solved=False)
        bulk.write()
        counts[f"outreach {year} visits"] = len(bulk.visits)
        counts[f"outreach {year} beneficiaries"] = len(bulk.beneficiaries)
        counts[f"outreach {year} help cases"] = len(bulk.cases)
    return counts


def _help_kind(beneficiary):
    if beneficiary.kind == "enterprise":
        return "business"
    return "worry" if beneficiary.org.sector == "community" else "hardship"

