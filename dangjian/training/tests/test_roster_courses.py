"""The Excel roster (all or nothing, errors by row), online courses (forward only, completion at 90 %), plans."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from dangjian.conftest import make_person, make_user
from dangjian.core.exceptions import NotInScope
from dangjian.core.permissions import Role
from dangjian.core.testing import assert_summary_matches_facts
from dangjian.training import checkin, courses, roster, selectors, services
from dangjian.training.models import CourseProgress, Enrollment

from .conftest import TODAY, add_lessons


def workbook(rows, header=("姓名", "身份证号")):
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("花名册.xlsx", out.getvalue())


def test_roster_enrols_every_row(trainer, klass, trainees):
    created = roster.roster_import(actor=trainer, training_class=klass,
                                   file=workbook([(p.name, p.id_number) for p in trainees]))
    assert len(created) == 4 and all(e.source == Enrollment.Source.ROSTER for e in created)


def test_roster_with_one_bad_row_imports_nothing_and_lists_the_rows(trainer, klass, trainees, tree):
    outsider = make_person(tree["yunlong"])
    rows = [(p.name, p.id_number) for p in trainees[:2]]
    rows += [("错名字", trainees[2].id_number), (outsider.name, outsider.id_number),
             (trainees[0].name, trainees[0].id_number), ("无证号", "")]
    with pytest.raises(roster.RosterErrors) as info:
        roster.roster_import(actor=trainer, training_class=klass, file=workbook(rows))
    assert [n for n, _m in info.value.rows] == [4, 5, 6, 7]
    assert Enrollment.objects.count() == 0


def test_roster_wrong_type_size_or_header(trainer, klass):
    for file in (SimpleUploadedFile("x.xlsx", b"not a workbook"), workbook([], header=("名字", "号码")),
                 SimpleUploadedFile("big.xlsx", b"PK\x03\x04" + b"0" * (roster.MAX_BYTES + 1))):
        with pytest.raises(ValidationError):
            roster.roster_import(actor=trainer, training_class=klass, file=file)
    assert Enrollment.objects.count() == 0


def test_roster_over_capacity_lists_the_class_wide_reason(trainer, school, trainees):
    from .conftest import new_class

    small = new_class(trainer, school, capacity=2)
    with pytest.raises(roster.RosterErrors) as info:
        roster.roster_import(actor=trainer, training_class=small, file=workbook([(p.name, p.id_number)
                                                                                 for p in trainees]))
    assert info.value.rows[-1][0] == 0 and Enrollment.objects.count() == 0


@pytest.fixture
def course(trainer, school):
    return courses.course_create(actor=trainer, org=school, title="建始讲坛：群众工作", topic="mass_work", kind="pdf",
                                 length=20, hours=2, file=SimpleUploadedFile("讲义.pdf", b"%PDF-1.4\n% x\n"))


def test_course_progress_forward_only_and_completion_at_90_percent(member_user, course):
    courses.progress_record(actor=member_user, course=course, position=10)
    for bad in (5, 21, -1, "x"):
        with pytest.raises(ValidationError):
            courses.progress_record(actor=member_user, course=course, position=bad)
    assert CourseProgress.objects.get().position == 10
    progress = courses.progress_record(actor=member_user, course=course, position=17)
    assert progress.completed_on is None
    progress = courses.progress_record(actor=member_user, course=course, position=18)  # 90 % of 20
    assert progress.completed_on == TODAY and progress.hours == 2
    assert_summary_matches_facts()


def test_course_of_another_county_is_not_found(tree, course):
    far = make_user(tree["yunlong"], Role.MEMBER, "far", person=make_person(tree["yunlong"]))
    with pytest.raises(NotInScope):
        courses.progress_record(actor=far, course=course, position=1)


def test_courseware_must_match_the_kind(trainer, school):
    with pytest.raises(ValidationError):
        courses.course_create(actor=trainer, org=school, title="视频课", topic="theory", kind="video", length=60,
                              hours=1, file=SimpleUploadedFile("讲义.pdf", b"%PDF-1.4\n% x\n"))


def test_plan_progress_lists_who_is_behind(trainer, tree, users, school, trainees, course):
    from dangjian.orgs import services as org_services

    secretary = trainees[1]
    org_services.position_appoint(actor=users["xuanen_admin"], person=secretary, org=tree["wujiatai"],
                                  title="secretary",
                                  start_date=TODAY.replace(year=TODAY.year - 1))
    plan = courses.plan_create(actor=trainer, org=tree["xuanen"], year=TODAY.year, title="计划",
                               group="village_secretaries", requirements={"mass_work": 16})
    progress = selectors.plan_progress(plan, tree["xuanen"], with_people=True)
    assert (progress.total, progress.done) == (1, 0) and progress.behind[0]["person"] == secretary
    klass = services.class_create(actor=trainer, org=school, level="county", title="书记班",
                                  audience="village_secretaries", topic="mass_work", start_date=TODAY,
                                  end_date=TODAY, capacity=10, hours=16, place="党校")
    lesson = add_lessons(trainer, klass, 1)[0]
    services.enroll(actor=trainer, training_class=klass, people=[secretary])
    checkin.check_in_manual(actor=trainer, lesson=lesson, person=secretary, reason="补签", at=lesson.ends_at)
    services.class_finish(actor=trainer, training_class=klass)
    progress = selectors.plan_progress(plan, tree["xuanen"], with_people=True)
    assert (progress.total, progress.done, progress.behind) == (1, 1, [])
