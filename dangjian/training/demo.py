"""抓培训's demo records, through the services, for the report's year (2012) and the current one:
- 州委党校 and the eight county party schools: classes for village secretaries (case, simulation, experiential and
  interactive teaching), entered from their sign-in sheets and finished (completion and hours follow the rule);
- 伍家台基地 (宣恩县万寨乡): regular one-day on-site visits of 宣恩县's village cadres;
- 建始县委党校: the training of organization-department cadres — as many classes as it takes the county's
  organ staff and 组织委员 to add up to more than 300 person-times in 2012 (computed from the attendance);
- 建始讲坛 lectures and distance courses, completed by members of 建始县; a yearly plan for each county's village
  secretaries; an open 州委党校 class that `wujiatai_dy` may enrol in, and a course they have started.
"""

import datetime

from django.db.models import Q
from django.utils import timezone

from dangjian.orgs.choices import Status, Title
from dangjian.orgs.models import Level, Org, Person, Position

from . import checkin, courses, services
from .models import Audience, Course, Enrollment, Method, Topic
from .models import Level as ClassLevel

AFTER = ()
SHEET = "签到表录入"  # the reason recorded for attendance entered from a paper sign-in sheet
TARGET_2012 = 300  # 建始县's organization-department cadres: "300 余人次"
COUNTY_SHORTS = ["恩施市", "利川市", "建始县", "巴东县", "宣恩县", "咸丰县", "来凤县", "鹤峰县"]
SECRETARY_METHODS = [Method.CASE, Method.SIMULATION, Method.EXPERIENTIAL, Method.INTERACTIVE, Method.LECTURE]
TINY_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>"
            b"endobj 3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def _at(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


class Builder:
    def __init__(self, world):
        self.world, self.rng, self.today = world, world.rng("training"), world.today
        self.counts = {"classes": 0, "attendances": 0, "courses": 0}

    def run_class(self, actor, organizer, *, level, title, audience, topic, start, days, people, hours,
                  base=None, place="", methods=(Method.LECTURE,), attend=0.93, open_only=False):
        people = list(people)
        if not people and not open_only:
            return None
        end = start + datetime.timedelta(days=days - 1)
        klass = services.class_create(actor=actor, org=organizer, level=level, title=title, audience=audience,
                                      topic=topic, start_date=start, end_date=end, capacity=max(len(people), 30),
                                      hours=hours, base=base, place=place if base is None else "")
        self.counts["classes"] += 1
        lessons = []
        for d in range(days):
            day = start + datetime.timedelta(days=d)
            for i, hour in enumerate((9, 14)[: 1 if days == 1 else 2]):
                method = methods[(d * 2 + i) % len(methods)]
                lessons.append(services.lesson_create(
                    actor=actor, training_class=klass, starts_at=_at(day, hour), ends_at=_at(day, hour + 2),
                    topic=f"{Topic(topic).label}（{Method(method).label}）", lecturer=self.lecturer(), method=method))
        if open_only:
            services.class_open(actor=actor, training_class=klass)
            return klass
        services.enroll(actor=actor, training_class=klass, people=people)
        now = timezone.now()
        for lesson in lessons:
            if lesson.starts_at > now:
                continue
            for person in people:
                if self.rng.random() < attend:
                    checkin.check_in_manual(actor=actor, lesson=lesson, person=person, reason=SHEET,
                                            at=lesson.ends_at)
                    self.counts["attendances"] += 1
        if end < self.today:
            services.class_finish(actor=actor, training_class=klass)
        return klass

    def lecturer(self):
        return self.rng.choice(["向", "田", "谭", "黄", "杨", "李", "覃", "邓"]) + self.rng.choice(
            ["老师", "教授", "部长", "书记"])

    def sample(self, queryset, n):
        # The suite loads the small demo several times, and the bench generator the 250,000-people one: both get
        # small classes (every record still goes through the services; the bench adds its facts in bulk).
        n = min(n, {"small": 6, "bench": 8}.get(self.world.scale.name, n))
        ids = list(queryset.values_list("pk", flat=True)[:2000])
        self.rng.shuffle(ids)
        return list(Person.objects.filter(pk__in=ids[:n]).select_related("org").order_by("pk"))


def _current(people):
    return people.filter(status__in=Status.CURRENT)


def village_secretaries(root):
    posts = Position.objects.filter(root.ancestry_q(), title=Title.SECRETARY, end_date__isnull=True,
                                    org__level=Level.VILLAGE)
    return _current(Person.objects.filter(pk__in=posts.values("person_id")))


def org_dept_cadres(county):
    """The county's organ staff (组织部 and the other organ branches, the townships' organ branches) and every
    组织委员 of the county: who 建始县's organization-department cadre training is for."""
    organs = Org.objects.filter(county=county, level=Level.BRANCH, sector=Org.Sector.ORGAN)
    posts = Position.objects.filter(county=county, title=Title.ORGANIZATION, end_date__isnull=True)
    return _current(Person.objects.filter(Q(org__in=organs) | Q(pk__in=posts.values("person_id"))))


def build(world):
    b = Builder(world)
    zhou_trainer, jianshi_trainer = world.user("zhou_dangxiao"), world.user("jianshi_dangxiao")
    zhou_school = world.org("organ:州委党校机关党支部")
    counties = {short: world.org(f"county:{short}") for short in COUNTY_SHORTS}
    schools = {short: world.org(f"organ:{short}委党校机关党支部") for short in COUNTY_SHORTS}
    wujiatai = world.org("village:伍家台村")
    base = services.base_create(actor=zhou_trainer, org=wujiatai, name="伍家台基地",
                                place="宣恩县万寨乡伍家台村", capacity=120,
                                description="全省农村党员干部培训示范基地：贡茶产业、村级治理、群众工作现场教学")
    years = [world.report_year, b.today.year] if b.today.year != world.report_year else [world.report_year]
    for year in years:
        last_month = 12 if year < b.today.year else b.today.month
        # 州委党校: two classes a year for village secretaries from every county.
        for month in (3, 9):
            if month <= last_month:
                b.run_class(zhou_trainer, zhou_school, level=ClassLevel.PREFECTURE,
                            audience=Audience.VILLAGE_SECRETARIES,
                            title=f"{year}年全州村党组织书记示范培训班（第{1 if month == 3 else 2}期）",
                            topic=Topic.MASS_WORK, start=datetime.date(year, month, 10), days=2, hours=16,
                            people=b.sample(village_secretaries(world.org("prefecture")), 40),
                            place="州委党校", methods=SECRETARY_METHODS)
        # The county party schools: village secretaries, rural policy and law.
        for short, county in counties.items():
            actor = jianshi_trainer if short == "建始县" else zhou_trainer
            for month in (4, 10):
                if month <= last_month:
                    b.run_class(actor, schools[short], level=ClassLevel.COUNTY,
                                audience=Audience.VILLAGE_SECRETARIES,
                                title=f"{year}年{short}村党组织书记轮训班（{month}月）", topic=Topic.POLICY_LAW,
                                start=datetime.date(year, month, 15), days=2, hours=12, place=f"{short}委党校",
                                people=b.sample(village_secretaries(county), 30), methods=SECRETARY_METHODS)
        # 伍家台基地: on-site visits of 宣恩县's village cadres every other month.
        for month in range(3, last_month + 1, 3):
            b.run_class(zhou_trainer, schools["宣恩县"], level=ClassLevel.COUNTY, audience=Audience.VILLAGE_CADRES,
                        title=f"伍家台基地现场教学（{year}年{month}月）", topic=Topic.INDUSTRY,
                        start=datetime.date(year, month, 25), days=1, hours=4, base=base,
                        people=b.sample(village_secretaries(counties["宣恩县"]), 20),
                        methods=[Method.ONSITE, Method.EXPERIENTIAL])
        org_dept_training(b, jianshi_trainer, schools["建始县"], counties["建始县"], year, last_month)
    distance_courses(b, world, zhou_trainer, jianshi_trainer, zhou_school, schools["建始县"], counties["建始县"],
                     years)
    for short, county in counties.items():
        for year in years:
            courses.plan_create(actor=zhou_trainer, org=county, year=year,
                                title=f"{year}年{short}村党组织书记学习培训计划",
                                group="village_secretaries",
                                requirements={Topic.MASS_WORK: 16, Topic.POLICY_LAW: 12})
    if b.today.year != world.report_year:  # an open class and a started course for the member's own pages
        start = b.today + datetime.timedelta(days=20)
        b.run_class(zhou_trainer, zhou_school, level=ClassLevel.PREFECTURE, audience=Audience.MEMBERS,
                    title="党员应急处置能力提升班", topic=Topic.EMERGENCY, start=start, days=2, hours=12,
                    people=[], place="州委党校", open_only=True)
    return b.counts


def org_dept_training(b, actor, school, county, year, last_month):
    """建始县委党校's one-day classes for organization-department cadres, until the year's person-times pass 300."""
    pool = list(org_dept_cadres(county).select_related("org").order_by("pk")[:400])
    if not pool:
        return
    # Two dates a month that no other class of the demo uses (the clash check would refuse an overlap).
    slots = [datetime.date(year, m, d) for m in range(1, last_month + 1) for d in (5, 20)]
    slots = [day for day in slots if day < b.today or year < b.today.year]
    pairs, target = 0, TARGET_2012 + 20 if year == b.world.report_year else 120
    for number, start in enumerate(slots, 1):
        if pairs >= target:
            break
        people = b.rng.sample(pool, min(len(pool), 80))
        klass = b.run_class(actor, school, level=ClassLevel.COUNTY, audience=Audience.ORG_DEPT_CADRES,
                            title=f"{year}年建始县组工干部业务培训班（第{number}期）", topic=Topic.PARTY_AFFAIRS,
                            start=start, days=1, hours=6, place="建始县委党校",
                            people=people, methods=[Method.CASE, Method.INTERACTIVE, Method.SIMULATION,
                                                    Method.LECTURE], attend=0.97)
        pairs += Enrollment.objects.filter(training_class=klass, first_attended_on__isnull=False).count()


def distance_courses(b, world, zhou_trainer, jianshi_trainer, zhou_school, jianshi_school, jianshi, years):
    from django.core.files.uploadedfile import SimpleUploadedFile

    lectures = ["乡村振兴战略与村级集体经济", "新时代群众工作方法", "基层党组织标准化建设", "农村土地政策解读",
                "突发事件应急处置", "党员发展工作规程"]
    topics = [Topic.INDUSTRY, Topic.MASS_WORK, Topic.PARTY_AFFAIRS, Topic.POLICY_LAW, Topic.EMERGENCY,
              Topic.PARTY_AFFAIRS]
    made = [courses.course_create(actor=jianshi_trainer, org=jianshi_school, title=f"建始讲坛：{title}",
                                  topic=topic, kind=Course.Kind.VIDEO, length=3600, hours=2, series="建始讲坛",
                                  description="建始讲坛专题讲座录像")
            for title, topic in zip(lectures, topics, strict=True)]
    made += [courses.course_create(actor=zhou_trainer, org=zhou_school, title=title, topic=topic,
                                   kind=Course.Kind.PDF, length=12, hours=1, series="远程教育",
                                   file=SimpleUploadedFile(f"{title}.pdf", TINY_PDF))
             for title, topic in (("农村基层干部廉洁履行职责若干规定", Topic.POLICY_LAW),
                                  ("村务公开工作指南", Topic.MASS_WORK))]
    b.counts["courses"] = len(made)
    learners = b.sample(_current(Person.objects.filter(jianshi.ancestry_q())), 40)
    for year in years:
        last = b.today if year == b.today.year else datetime.date(year, 12, 31)
        for person in learners:
            for course in b.rng.sample(made, 2):
                day = datetime.date(year, b.rng.randint(1, last.month), b.rng.randint(1, 28))
                if day > last:
                    continue
                courses.record_progress(person, course, course.length, on=day)
    member = world.user("wujiatai_dy")
    if member.person_id:
        courses.progress_record(actor=member, course=made[-1], position=5)
