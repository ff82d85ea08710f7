"""The demo's 抓示范 (the app contract's demo data, dangjian/demo/registry.py), all through the services.

- Demonstration sites at each level: 伍家台村 a 州级 site (named by the prefecture in 2012, mentoring villages of
  万寨乡), 县级 sites in 利川市, 来凤县 and 巴东县 (one revoked later: history), 乡镇级 sites under 万寨乡;
  meetings held at them in 2012 and this year (a prefecture 现场会 at 伍家台村 with the counties).
- 来凤县's model posts: members' applications entered by the county, recommended, approved after the public
  notice, published in 2012 (one withdrawn later), each with services; a few applications of this year still
  in their steps. wujiatai_dy has none, so the self-service journey can be tried.
- 利川市's 2012 五好基层党组织 campaign (the default five criteria) with its nominations reviewed, noticed and
  named (one not passed, one honour revoked this year), and a 五好党员 campaign.
A fixed number of records at every scale (the bench scale included): cheap, and the same story everywhere.
"""

import datetime

from dangjian.orgs.models import Level, Org, Person

from . import honours, posts, services
from .posts import NOTICE_DAYS

D = datetime.date
MEMBER_CRITERIA = ["政治素质好", "学习工作好", "遵纪守法好", "服务群众好", "家庭邻里好"]
POST_TITLES = [("vanguard", "藤茶产业先锋岗", "带领群众发展藤茶种植，帮助解决技术难题"),
               ("model", "便民服务示范岗", "为群众代办证照、医保、养老保险等事项"),
               ("vanguard", "矛盾调解先锋岗", "及时化解邻里纠纷，做到小事不出组"),
               ("model", "环境卫生示范岗", "带头开展房前屋后环境整治"),
               ("vanguard", "产业致富先锋岗", "结对帮扶困难户发展产业"),
               ("model", "政策宣传示范岗", "向群众宣讲惠农政策")]
SERVICE_NOTES = ["上门指导藤茶管护", "为留守老人代办医保", "调解宅基地纠纷", "组织清理河道垃圾", "帮助销售农产品"]


def _villages(county, count):
    return list(Org.objects.filter(county=county, level=Level.VILLAGE, is_active=True).order_by("path")[:count])


def _children(org, count):
    return list(Org.objects.filter(parent=org, is_active=True).order_by("path")[:count])


def _members(org, count):
    return list(Person.objects.filter(village=org, status="normal").order_by("pk")[:count])  # branches too


def build(world):
    today, year = world.today, world.today.year
    counts = {}
    counts["demo sites"], counts["meetings"] = _sites_and_meetings(world, today, year)
    counts["model posts"], counts["post services"] = _posts(world, today, year)
    counts["nominations"] = _campaigns(world, today)
    return counts


def _sites_and_meetings(world, today, year):
    zhou, lichuan, laifeng, badong = (world.user(n) for n in ("zhou", "lichuan", "laifeng", "badong"))
    wanzhai = world.user("wanzhai")
    wujiatai = world.org("village:伍家台村")
    neighbours = [v for v in _children(wujiatai.parent, 6) if v.pk != wujiatai.pk][:3]
    sites = [services.site_designate(
        actor=zhou, org=wujiatai, level="prefecture", theme="党建引领茶旅融合发展",
        lessons="支部建在产业链上，党员带头种茶、制茶、办农家乐，带动全村增收。", mentored=neighbours,
        designated_on=D(2012, 3, 15))]
    for user, county_name, theme in ((lichuan, "利川市", "党建引领特色产业"), (laifeng, "来凤县", "党员示范岗全覆盖"),
                                     (badong, "巴东县", "村级活动场所规范化建设")):
        villages = _villages(world.org(f"county:{county_name}"), 3)
        for index, village in enumerate(villages[:2]):
            sites.append(services.site_designate(
                actor=user, org=village, level="county", theme=theme, lessons="班子强、制度全、服务好，可复制可推广。",
                mentored=villages[2:] if index == 0 else [], designated_on=D(2012, 4 + index, 10)))
    # History: a county-level site of 巴东县 revoked this year (the village fell behind in its review).
    services.site_revoke(actor=badong, site=sites[-1], reason="年度考评排名靠后，暂停示范资格", revoked_on=today)
    for village in neighbours[:2]:
        sites.append(services.site_designate(
            actor=wanzhai, org=village, level="township", theme="院落党小组建设",
            lessons="以院落为单元设党小组，党员联系农户。", designated_on=D(2012, 6, 1)))
    counties = _children(world.org("prefecture"), 8)
    meetings = [services.meeting_record(
        actor=zhou, org=world.org("prefecture"), kind="onsite", held_on=D(2012, 5, 18), place="宣恩县万寨乡伍家台村",
        headcount=160, sites=[sites[0]], participants=counties,
        summary="全州抓示范促全面现场推进会在伍家台村召开，观摩茶园党小组、党员示范岗和村级便民服务中心。",
        lessons="示范点要在产业发展中见成效，辐射带动周边村。")]
    meetings.append(services.meeting_record(
        actor=wanzhai, org=wujiatai.parent, kind="tour", held_on=min(D(year, 4, 20), today), place="伍家台村",
        headcount=45, sites=[sites[0]], participants=_children(wujiatai.parent, 8),
        summary="全乡村党组织书记到伍家台村观摩学习茶旅融合经验。"))
    for user, site in ((lichuan, sites[1]), (laifeng, sites[3]), (badong, sites[5])):
        meetings.append(services.meeting_record(
            actor=user, org=user.org, kind="exchange", held_on=D(2012, 9, 12), place=site.org.name, headcount=60,
            sites=[site], participants=_children(user.org, 6), summary="各乡镇分管领导交流学习示范点建设经验。"))
        meetings.append(services.meeting_record(
            actor=user, org=user.org, kind="symposium", held_on=min(D(year, 3, 8), today), place=site.org.name,
            headcount=25, sites=[site], participants=_children(user.org, 4),
            summary="座谈示范点建设存在的问题和下一步打算。"))
    return len(sites), len(meetings)


def _posts(world, today, year):
    laifeng = world.user("laifeng")
    rng = world.rng("showcase")
    villages = _villages(world.org("county:来凤县"), 6)
    made = services_count = 0
    for index, village in enumerate(villages):
        for person in _members(village, 2):
            kind, title, duty = POST_TITLES[(index + made) % len(POST_TITLES)]
            applied = D(2012, 3 + index % 4, 5 + made % 20)
            post = posts.post_apply(actor=laifeng, person=person, kind=kind, title=title, duty=duty, applied_on=applied)
            made += 1
            posts.post_recommend(actor=laifeng, post=post, on=applied + datetime.timedelta(days=7))
            posts.post_approve(actor=laifeng, post=post, on=applied + datetime.timedelta(days=14))
            published = applied + datetime.timedelta(days=15 + NOTICE_DAYS)
            post = posts.post_publish(actor=laifeng, post=post, on=published)
            for month in range(published.month + 1, 13, 2):
                posts.service_record(actor=laifeng, post=post, served_on=D(2012, month, rng.randint(1, 28)),
                                     people_served=rng.randint(2, 30), problems_solved=rng.randint(0, 5),
                                     note=rng.choice(SERVICE_NOTES))
                services_count += 1
            if made == 3:
                posts.post_withdraw(actor=laifeng, post=post, reason="本人外出务工，不再担任", on=today)
    # This year's applications, still in their steps.
    for village, steps in zip(villages, (0, 1, 2), strict=False):
        candidates = _members(village, 3)[2:]
        if not candidates:
            continue
        person = candidates[0]
        post = posts.post_apply(actor=laifeng, person=person, kind="vanguard", title="乡村振兴先锋岗",
                                duty="带头发展庭院经济", applied_on=today)
        made += 1
        if steps >= 1:
            post = posts.post_recommend(actor=laifeng, post=post, on=today)
        if steps >= 2:
            posts.post_approve(actor=laifeng, post=post, on=today)
    return made, services_count


def _campaigns(world, today):
    lichuan = world.user("lichuan")
    campaign = honours.campaign_create(actor=lichuan, name="2012年利川市五好基层党组织创建", year=2012, target="org",
                                       description="按照五好标准创建，年底考评命名。", on=D(2012, 3, 1))
    villages = _villages(world.org("county:利川市"), 10)
    count = 0
    for index, village in enumerate(villages):
        nomination = honours.nomination_submit(
            actor=lichuan, campaign=campaign, org=village, nominated_on=D(2012, 10, 10),
            evidence=["班子团结，决策民主", "党员发挥作用好", "三会一课制度落实", "村集体经济增收", "群众满意度高"])
        count += 1
        passed = index != len(villages) - 1
        nomination = honours.nomination_review(actor=lichuan, nomination=nomination, passed=passed,
                                               note="材料齐全" if passed else "群众反映问题尚未解决", on=D(2012, 11, 5))
        if passed:
            nomination = honours.nomination_name(actor=lichuan, nomination=nomination, on=D(2012, 11, 20))
        if index == 0:
            honours.nomination_revoke(actor=lichuan, nomination=nomination, reason="班子成员违纪，动态调整", on=today)
    members = honours.campaign_create(actor=lichuan, name="2012年利川市五好党员评选", year=2012, target="member",
                                      criteria=MEMBER_CRITERIA, on=D(2012, 3, 1))
    for village in villages[:4]:
        for person in _members(village, 1):
            nomination = honours.nomination_submit(
                actor=lichuan, campaign=members, person=person, nominated_on=D(2012, 10, 12),
                evidence=["对党忠诚", "带头学习", "遵纪守法", "热心服务群众", "邻里和睦"])
            count += 1
            nomination = honours.nomination_review(actor=lichuan, nomination=nomination, passed=True,
                                                   on=D(2012, 11, 6))
            honours.nomination_name(actor=lichuan, nomination=nomination, on=D(2012, 11, 20))
    return count
