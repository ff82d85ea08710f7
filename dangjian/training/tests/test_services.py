"""Every rule of classes, lessons, enrolment, check-in and completion: the refusal (nothing changes) and the success."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dangjian.conftest import make_person
from dangjian.core.exceptions import NotInScope
from dangjian.core.metrics import Period
from dangjian.core.testing import assert_summary_matches_facts
from dangjian.training import checkin, selectors, services
from dangjian.training.models import Attendance, Enrollment, Lesson, TrainingClass

from .conftest import TODAY, add_lessons, at, new_class


def snapshot():
    return (list(Enrollment.objects.values_list("pk", "status", "attended", "hours").order_by("pk")),
            list(Attendance.objects.values_list("pk").order_by("pk")),
            list(Lesson.objects.values_list("pk").order_by("pk")),
            list(TrainingClass.objects.values_list("pk", "status").order_by("pk")))


def refused(call, exc=ValidationError):
    before = snapshot()
    with pytest.raises(exc) as info:
        call()
    assert snapshot() == before
    return info.value


def test_class_needs_a_base_or_place_and_dates_in_order(trainer, school):
    refused(lambda: new_class(trainer, school, place=""))
    refused(lambda: new_class(trainer, school, end_date=TODAY - datetime.timedelta(days=1)))
    assert new_class(trainer, school).status == TrainingClass.Status.PLANNED


def test_class_capacity_within_the_base(trainer, school, base):
    error = refused(lambda: new_class(trainer, school, base, capacity=500))
    assert "伍家台基地" in " ".join(error.messages)


def test_class_outside_scope_or_role(users, tree, trainer, school):
    refused(lambda: new_class(users["badong_admin"], school), NotInScope)
    refused(lambda: new_class(users["leader"], school), PermissionDenied)


def test_lesson_inside_the_class_dates_and_after_it_starts(trainer, klass):
    day = klass.start_date
    refused(lambda: services.lesson_create(actor=trainer, training_class=klass, starts_at=at(day, 10),
                                           ends_at=at(day, 9), topic="x", lecturer="y", method="case"))
    late = klass.end_date + datetime.timedelta(days=1)
    error = refused(lambda: services.lesson_create(actor=trainer, training_class=klass, starts_at=at(late, 9),
                                                   ends_at=at(late, 10), topic="x", lecturer="y", method="case"))
    assert "class dates" in str(error) or "培训班日期" in str(error)
    assert len(add_lessons(trainer, klass)) == 3


def test_enrol_over_capacity_twice_or_out_of_scope(trainer, users, tree, school, base, trainees):
    small = new_class(trainer, school, base, capacity=2)
    refused(lambda: services.enroll(actor=trainer, training_class=small, people=trainees[:3]))
    services.enroll(actor=trainer, training_class=small, people=trainees[:1])
    refused(lambda: services.enroll(actor=trainer, training_class=small, people=trainees[:1]))
    outsider = make_person(tree["yunlong"])
    refused(lambda: services.enroll(actor=trainer, training_class=small, people=[outsider]), NotInScope)
    services.enroll(actor=trainer, training_class=small, people=trainees[1:2])
    assert small.enrollments.count() == 2


def test_enrol_refuses_a_clash_of_dates(trainer, school, base, trainees, klass):
    services.enroll(actor=trainer, training_class=klass, people=trainees[:1])
    other = new_class(trainer, school, base, title="另一个班", start_date=klass.end_date,
                      end_date=klass.end_date + datetime.timedelta(days=1))
    error = refused(lambda: services.enroll(actor=trainer, training_class=other, people=trainees[:1]))
    assert klass.title in " ".join(error.messages)


def test_self_enrolment_only_when_open(member_user, trainer, klass):
    refused(lambda: services.enroll_self(actor=member_user, training_class=klass))
    services.class_open(actor=trainer, training_class=klass)
    enrollment = services.enroll_self(actor=member_user, training_class=klass)
    assert enrollment.source == Enrollment.Source.SELF
    refused(lambda: services.enroll_self(actor=member_user, training_class=klass))


def test_self_enrolment_outside_the_organizer_subtree_is_not_found(users, tree, trainer, klass):
    from dangjian.conftest import make_user

    services.class_open(actor=trainer, training_class=klass)
    far = make_user(tree["yunlong"], "member", "far", person=make_person(tree["yunlong"]))
    refused(lambda: services.enroll_self(actor=far, training_class=klass), NotInScope)


def _token_now(lesson):
    return lesson.starts_at + datetime.timedelta(minutes=5)


def test_check_in_with_the_lesson_token(member_user, trainer, klass, trainees):
    lessons = add_lessons(trainer, klass)
    services.enroll(actor=trainer, training_class=klass, people=trainees)
    token = checkin.token_for(lessons[0])
    now = _token_now(lessons[0])
    attendance = checkin.check_in(actor=member_user, lesson=lessons[0], token=token, now=now)
    assert attendance.way == Attendance.Way.QR
    enrollment = Enrollment.objects.get(training_class=klass, person=trainees[0])
    assert enrollment.attended == 1 and enrollment.first_attended_on == now.date()
    assert TrainingClass.objects.get(pk=klass.pk).status == TrainingClass.Status.RUNNING
    # twice
    refused(lambda: checkin.check_in(actor=member_user, lesson=lessons[0], token=token, now=now))
    # another lesson's token
    refused(lambda: checkin.check_in(actor=member_user, lesson=lessons[1], token=token, now=_token_now(lessons[1])))
    # forged
    refused(lambda: checkin.check_in(actor=member_user, lesson=lessons[1], token=token[:-3] + "abc",
                                     now=_token_now(lessons[1])))
    # expired
    later = lessons[1].ends_at + datetime.timedelta(minutes=1)
    refused(lambda: checkin.check_in(actor=member_user, lesson=lessons[1], token=checkin.token_for(lessons[1]),
                                     now=later))
    assert_summary_matches_facts()


def test_check_in_by_someone_not_enrolled(member_user, trainer, klass):
    lesson = add_lessons(trainer, klass, 1)[0]
    error = refused(lambda: checkin.check_in(actor=member_user, lesson=lesson, token=checkin.token_for(lesson),
                                             now=_token_now(lesson)))
    assert error.code == "not_enrolled"


def test_manual_check_in_needs_a_reason_and_the_class_staff(trainer, users, klass, trainees):
    lesson = add_lessons(trainer, klass, 1)[0]
    services.enroll(actor=trainer, training_class=klass, people=trainees[:1])
    refused(lambda: checkin.check_in_manual(actor=trainer, lesson=lesson, person=trainees[0], reason=""))
    refused(lambda: checkin.check_in_manual(actor=users["badong_admin"], lesson=lesson, person=trainees[0],
                                            reason="手机没电"), NotInScope)
    refused(lambda: checkin.check_in_manual(actor=users["leader"], lesson=lesson, person=trainees[0],
                                            reason="手机没电"), PermissionDenied)
    attendance = checkin.check_in_manual(actor=trainer, lesson=lesson, person=trainees[0], reason="手机没电",
                                         at=lesson.starts_at)
    assert attendance.way == Attendance.Way.MANUAL and attendance.reason == "手机没电"
    refused(lambda: checkin.check_in_manual(actor=trainer, lesson=lesson, person=trainees[1], reason="未报名",
                                            at=lesson.starts_at))
    early = lesson.starts_at - datetime.timedelta(hours=1)
    refused(lambda: checkin.check_in_manual(actor=trainer, lesson=lesson, person=trainees[0], reason="提前",
                                            at=early))


def test_finish_credits_completion_and_hours_by_the_rule(trainer, klass, trainees, member_user):
    lessons = add_lessons(trainer, klass, 5)
    services.enroll(actor=trainer, training_class=klass, people=trainees[:2])
    for lesson in lessons[:4]:  # 4 of 5 = 80 %: completes
        checkin.check_in_manual(actor=trainer, lesson=lesson, person=trainees[0], reason="补签", at=lesson.starts_at)
    for lesson in lessons[:3]:  # 3 of 5 = 60 %: does not
        checkin.check_in_manual(actor=trainer, lesson=lesson, person=trainees[1], reason="补签", at=lesson.starts_at)
    services.class_finish(actor=trainer, training_class=klass)
    done, short = (Enrollment.objects.get(training_class=klass, person=p) for p in trainees[:2])
    assert done.status == Enrollment.Status.COMPLETED and done.hours == klass.hours and done.completed_on
    assert short.status == Enrollment.Status.ENROLLED and short.hours == 0
    refused(lambda: services.class_finish(actor=trainer, training_class=klass))
    refused(lambda: services.enroll(actor=trainer, training_class=klass, people=trainees[2:3]))
    assert_summary_matches_facts()


def test_summary_counts_person_times_as_pairs(trainer, klass, trainees, tree):
    lessons = add_lessons(trainer, klass, 3)
    services.enroll(actor=trainer, training_class=klass, people=trainees[:2])
    for lesson in lessons:
        checkin.check_in_manual(actor=trainer, lesson=lesson, person=trainees[0], reason="补签", at=lesson.starts_at)
    checkin.check_in_manual(actor=trainer, lesson=lessons[0], person=trainees[1], reason="补签",
                            at=lessons[0].starts_at)
    period = Period(TODAY.replace(month=1, day=1), TODAY.replace(month=12, day=31))
    for org in (tree["xuanen"], tree["zhou"], tree["wanzhai"]):
        data = selectors.summary(org, period)
        assert data["person_times"] == 2 and data["trainees"] == 2 and data["attendances"] == 4, org
        assert sum(data["by_method"].values()) == 4 and data["by_level"]["county"] == 2
    assert selectors.summary(tree["badong"], period)["person_times"] == 0


def test_check_in_too_early(member_user, trainer, klass, trainees):
    lesson = add_lessons(trainer, klass, 1)[0]
    services.enroll(actor=trainer, training_class=klass, people=trainees[:1])
    refused(lambda: checkin.check_in(actor=member_user, lesson=lesson, token=checkin.token_for(lesson),
                                     now=lesson.starts_at - datetime.timedelta(hours=1)))
    assert checkin.check_in(actor=member_user, lesson=lesson, token=checkin.token_for(lesson),
                            now=lesson.starts_at - datetime.timedelta(minutes=10))
    assert timezone.is_aware(lesson.starts_at)
