"""Records of 抓示范 built through the services, for the tests and the permission matrix. Each takes the shared
`world` dict (dangjian.conftest.world: 宣恩县's tree and its users) and caches what it made in it."""

import datetime

import time_machine
from django.utils import timezone

from dangjian.conftest import make_person, make_user
from dangjian.core.permissions import Role
from dangjian.showcase import honours, posts, services
from dangjian.showcase.posts import NOTICE_DAYS

MEMBER_CRITERIA = ["政治素质好", "学习工作好", "遵纪守法好", "服务群众好", "家庭邻里好"]
EVIDENCE = ["班子团结", "队伍过硬", "制度健全", "产业兴旺", "群众满意"]


def site(world, **kw):
    if "site" not in world:
        world["site"] = services.site_designate(
            actor=world["users"]["xuanen_admin"], org=world["wujiatai"], level="county", theme="矩阵示范点",
            lessons="茶产业党建", mentored=[world["wanzhai"]] if kw.get("mentor") else [])
    return world["site"]


def meeting(world):
    if "meeting" not in world:
        world["meeting"] = services.meeting_record(
            actor=world["users"]["xuanen_admin"], org=world["wanzhai"], kind="onsite",
            held_on=timezone.localdate(), place="伍家台村委会", headcount=40, summary="矩阵现场会",
            sites=[site(world)], participants=[world["wanzhai"], world["xiaohe"]])
    return world["meeting"]


def applicant(world, name="矩阵先锋"):
    """A member of 伍家台村 with a self-service account (cached per name)."""
    key = f"applicant:{name}"
    if key not in world:
        person = make_person(world["wujiatai"], name=name)
        world[key] = make_user(world["wujiatai"], Role.MEMBER, f"dy_{person.pk}", person=person)
    return world[key]


def post(world, status="applied", name="矩阵先锋"):
    """A post of `applicant(world, name)` taken to `status` through the steps (the notice run in the past)."""
    key = f"post:{name}:{status}"
    if key in world:
        return world[key]
    member = applicant(world, name)
    secretary, township = world["users"]["wujiatai"], world["users"]["wanzhai"]
    start = timezone.localdate() - datetime.timedelta(days=NOTICE_DAYS + 5)
    with time_machine.travel(datetime.datetime.combine(start, datetime.time(10)).astimezone(), tick=False):
        made = posts.post_apply(actor=member, kind="vanguard", title="茶叶产业先锋岗", duty="带领群众发展茶产业")
        if status != "applied":
            made = posts.post_recommend(actor=secretary, post=made)
        if status in ("notice", "published", "notice_ended"):
            made = posts.post_approve(actor=township, post=made)
    if status == "notice":  # a notice still running: approved today
        made.notice_until = timezone.localdate() + datetime.timedelta(days=NOTICE_DAYS)
        made.save(update_fields=["notice_until"])
    if status == "published":
        made = posts.post_publish(actor=township, post=made)
    world[key] = made
    return made


def campaign(world, target="org"):
    key = f"campaign:{target}"
    if key not in world:
        world[key] = honours.campaign_create(
            actor=world["users"]["xuanen_admin"], name=f"矩阵五好{target}", year=2012, target=target,
            criteria=None if target == "org" else MEMBER_CRITERIA)
    return world[key]


def nomination(world, status="nominated"):
    key = f"nomination:{status}"
    if key in world:
        return world[key]
    admin = world["users"]["xuanen_admin"]
    start = timezone.localdate() - datetime.timedelta(days=NOTICE_DAYS + 5)
    with time_machine.travel(datetime.datetime.combine(start, datetime.time(10)).astimezone(), tick=False):
        made = honours.nomination_submit(actor=world["users"]["wujiatai"], campaign=campaign(world),
                                         org=world["wujiatai"], evidence=EVIDENCE)
        if status != "nominated":
            made = honours.nomination_review(actor=admin, nomination=made, passed=True)
    if status == "named":
        made = honours.nomination_name(actor=admin, nomination=made)
    world[key] = made
    return made


def service(world):
    if "service" not in world:
        published = post(world, "published")
        world["service"] = posts.service_record(
            actor=applicant(world), post=published, served_on=timezone.localdate(), people_served=3,
            problems_solved=1, note="矩阵服务记录")
    return world["service"]
