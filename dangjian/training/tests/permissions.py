"""Permission matrix rows of 抓培训 (see dangjian.core.testing).

Editor: 宣恩县 organization-department admin (runs training in its county); reader: a leading cadre in 宣恩县
(views training, runs none); outsider: 巴东县 admin. The class is organized by 宣恩县委党校机关党支部 and offered
to 宣恩县; the trainee is the world's person in 伍家台村.
"""

import datetime

from dangjian.core.testing import ANONYMOUS, API_ANONYMOUS, LOGIN, Row, api, page, write

ROLES = {"editor": "xuanen_admin", "reader": "leader", "outsider": "badong_admin"}
EDITOR = "xuanen_admin"
CLASS_TITLE = "矩阵培训班"


def training(w):
    """A class with one lesson (now), the world's person enrolled and checked in, a base, a plan, a course."""
    if "klass" in w:
        return
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from dangjian.conftest import make_org
    from dangjian.orgs.models import Level, Org
    from dangjian.training import checkin, courses, services

    actor = w["users"][EDITOR]
    school = make_org(w["xuanen"], "宣恩县委党校机关党支部", "422825903", Level.BRANCH, kind=Org.Kind.BRANCH,
                      sector=Org.Sector.ORGAN)
    today = timezone.localdate()
    w["base"] = services.base_create(actor=actor, org=w["wujiatai"], name="矩阵基地", place="伍家台村", capacity=80)
    w["klass"] = services.class_create(
        actor=actor, org=school, level="county", title=CLASS_TITLE, audience="village_secretaries",
        topic="mass_work", start_date=today, end_date=today, capacity=20, hours=8, base=w["base"])
    now = timezone.localtime()
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    w["lesson"] = services.lesson_create(actor=actor, training_class=w["klass"], starts_at=start,
                                         ends_at=start + datetime.timedelta(hours=23, minutes=59), topic="矩阵课",
                                         lecturer="王老师", method="case")
    w["enrollment"] = services.enroll(actor=actor, training_class=w["klass"], people=[w["person"]])[0]
    checkin.check_in_manual(actor=actor, lesson=w["lesson"], person=w["person"], reason="矩阵补签")
    w["plan"] = courses.plan_create(actor=actor, org=w["xuanen"], year=today.year, title="矩阵计划",
                                    group="village_secretaries", requirements={"mass_work": 8})
    w["course"] = courses.course_create(actor=actor, org=school, title="矩阵课程", topic="policy_law", kind="pdf",
                                        length=10, hours=2, file=SimpleUploadedFile("课件.pdf", b"%PDF-1.4\n% x\n"))


def finished(w):
    training(w)
    if w["klass"].status != "finished":
        from dangjian.training import services

        w["klass"] = services.class_finish(actor=w["users"][EDITOR], training_class=w["klass"])


def progress(w):
    training(w)
    if "progress" not in w:
        from dangjian.conftest import make_user
        from dangjian.training import courses

        learner = make_user(w["wujiatai"], "member", "matrix_learner", person=w["person"])
        w["progress"] = courses.progress_record(actor=learner, course=w["course"], position=5)


def pk(key):
    return lambda w: {"pk": w[key].pk}


def courseware(w):
    from dangjian.core import attachments

    return {"uuid": attachments.for_owner(w["course"]).first().uuid}


XUANEN = lambda w: {"org": w["xuanen"].pk}  # noqa: E731
MARK_CLASS = lambda w: CLASS_TITLE  # noqa: E731
MARK_PERSON = lambda w: w["person"].name  # noqa: E731
ANY_TRAINER = {ANONYMOUS: LOGIN, EDITOR: 200, "leader": 403, "badong_admin": 200}  # capability only, no object

ROWS = [
    # --- pages
    page("training:class_list", outsider_status=200, setup=training, marker=MARK_CLASS, **ROLES),
    Row("training:class_create", setup=training, expect=ANY_TRAINER),
    page("training:class_detail", setup=training, kwargs=pk("klass"), marker=MARK_PERSON, **ROLES),
    write("training:class_open", method="post", setup=training, kwargs=pk("klass"), editor_status=302, **ROLES),
    write("training:class_finish", method="post", setup=training, kwargs=pk("klass"), editor_status=302, **ROLES),
    write("training:class_enroll", setup=training, kwargs=pk("klass"), **ROLES),
    write("training:class_roster", setup=training, kwargs=pk("klass"), **ROLES),
    write("training:lesson_create", setup=training, kwargs=pk("klass"), **ROLES),
    Row("training:enroll_self", method="post", setup=training, kwargs=pk("klass"),
        expect={ANONYMOUS: LOGIN, EDITOR: 302, "leader": 302, "badong_admin": 404}),
    Row("training:roster_template", expect={ANONYMOUS: LOGIN, EDITOR: 200, "leader": 403, "member": 403}),
    write("training:lesson_qr", setup=training, kwargs=pk("lesson"), **ROLES),
    page("training:check_in", setup=training, kwargs=pk("lesson"), **ROLES),
    write("training:lesson_manual", setup=training, kwargs=pk("lesson"), **ROLES),
    page("training:certificate", setup=finished, kwargs=pk("enrollment"), **ROLES),
    Row("training:mine", expect={ANONYMOUS: LOGIN, EDITOR: 200, "member": 200}),
    Row("training:base_list", setup=training,
        expect={ANONYMOUS: LOGIN, EDITOR: 200, "leader": 200, "badong_admin": 200, "member": 403}),
    Row("training:base_create", expect={ANONYMOUS: LOGIN, EDITOR: 200, "leader": 403, "member": 403}),
    page("training:plan_list", outsider_status=200, setup=training, marker=lambda w: "矩阵计划", **ROLES),
    Row("training:plan_create", expect=ANY_TRAINER),
    page("training:plan_detail", setup=training, kwargs=pk("plan"), **ROLES),
    page("training:course_list", outsider_status=200, setup=training, marker=lambda w: "矩阵课程", **ROLES),
    Row("training:course_create", expect=ANY_TRAINER),
    page("training:course_detail", setup=training, kwargs=pk("course"), **ROLES),
    page("attachments:stream", setup=training, kwargs=courseware, **ROLES),
    page("training:statistics", setup=training, query=XUANEN, **ROLES),
    page("training:attendance_list", outsider_status=200, setup=training, marker=MARK_PERSON, **ROLES),
    page("training:person_times", outsider_status=200, setup=training, marker=MARK_PERSON, **ROLES),
    # --- API
    Row("training-base-list", api=True, setup=training,
        expect={ANONYMOUS: API_ANONYMOUS, EDITOR: 200, "leader": 200, "badong_admin": 200}),
    Row("training-base-detail", api=True, setup=training, kwargs=pk("base"),
        expect={ANONYMOUS: API_ANONYMOUS, EDITOR: 200, "leader": 200, "badong_admin": 200}),
    api("training-class-list", outsider_status=200, setup=training, marker=MARK_CLASS, **ROLES),
    api("training-class-detail", setup=training, kwargs=pk("klass"), **ROLES),
    api("training-class-enroll", method="post", setup=training, kwargs=pk("klass"), editor_status=400,
        data=lambda w: {"people": [w["person"].pk]}, **ROLES),  # already enrolled: refused with the reason
    api("training-class-import-roster", method="post", setup=training, kwargs=pk("klass"), editor_status=415,
        **ROLES),  # JSON instead of a workbook
    api("training-class-finish", method="post", setup=training, kwargs=pk("klass"), **ROLES),
    api("training-class-open", method="post", setup=training, kwargs=pk("klass"), editor_status=400,
        **ROLES),  # running since the check-in: refused with the reason
    api("training-class-enroll-self", method="post", setup=training, kwargs=pk("klass"), editor_status=400,
        reader_status=400, **ROLES),  # the staff accounts are not linked to a member record
    api("lesson-list", outsider_status=200, setup=training, marker=lambda w: "矩阵课", **ROLES),
    api("lesson-detail", setup=training, kwargs=pk("lesson"), **ROLES),
    api("lesson-qr", setup=training, kwargs=pk("lesson"), reader_status=403, **ROLES),
    api("lesson-check-in", method="post", setup=training, kwargs=pk("lesson"), editor_status=400,
        data=lambda w: {"person": w["person"].pk, "reason": "再次补签"}, **ROLES),  # twice: refused
    api("enrollment-list", outsider_status=200, setup=training, marker=lambda w: f'"person":{w["person"].pk}',
        **ROLES),
    api("enrollment-detail", setup=training, kwargs=pk("enrollment"), **ROLES),
    api("training-plan-list", outsider_status=200, setup=training, marker=lambda w: "矩阵计划", **ROLES),
    api("training-plan-detail", setup=training, kwargs=pk("plan"), **ROLES),
    api("course-list", outsider_status=200, setup=training, marker=lambda w: "矩阵课程", **ROLES),
    api("course-detail", setup=training, kwargs=pk("course"), **ROLES),
    api("course-progress-list", outsider_status=200, setup=progress, marker=lambda w: '"position":5', **ROLES),
    api("course-progress-detail", setup=progress, kwargs=pk("progress"), **ROLES),
    api("attendance-list", outsider_status=200, setup=training, marker=lambda w: "矩阵补签", **ROLES),
    api("training-summary", setup=training, query=XUANEN, **ROLES),
    api("training-person-times", outsider_status=200, setup=training, marker=MARK_PERSON, **ROLES),
]
