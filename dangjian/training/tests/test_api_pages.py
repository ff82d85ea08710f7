"""The API contract (paths, fields, actions), the pages' numbers equal the API's, range requests, certificates,
query counts of the lists."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from dangjian.core import attachments
from dangjian.training import checkin, courses, services
from dangjian.training.models import Attendance, Enrollment

from .conftest import add_lessons, new_class
from .test_roster_courses import workbook


@pytest.fixture
def api(trainer):
    client = APIClient()
    client.force_authenticate(trainer)
    return client


def test_class_contract_fields_and_actions(api, trainer, klass, trainees, school):
    body = api.get("/api/v1/training-classes/").json()["results"][0]
    assert set(body) >= {"id", "organizer", "level", "title", "audience", "start_date", "end_date", "base", "place",
                         "capacity", "hours", "status"}
    assert body["organizer"] == school.pk and body["status"] == "planned"
    response = api.post(f"/api/v1/training-classes/{klass.pk}/enroll/", {"people": [trainees[0].pk]}, format="json")
    assert response.status_code == 201 and response.json()[0]["status"] == "enrolled"
    again = api.post(f"/api/v1/training-classes/{klass.pk}/enroll/", {"people": [trainees[0].pk]}, format="json")
    assert again.status_code == 400 and "已" in str(again.json())
    file = workbook([(p.name, p.id_number) for p in trainees[1:]])
    response = api.post(f"/api/v1/training-classes/{klass.pk}/import-roster/", {"file": file}, format="multipart")
    assert response.status_code == 201 and len(response.json()) == 3
    lesson = add_lessons(trainer, klass, 1)[0]
    qr = api.get(f"/api/v1/lessons/{lesson.pk}/qr/").json()
    assert set(qr) == {"token", "url", "expires_at"} and qr["token"] in qr["url"]
    response = api.post(f"/api/v1/lessons/{lesson.pk}/check-in/", {"person": trainees[0].pk, "reason": "手机没电"},
                        format="json")
    assert response.status_code == 201
    response = api.post(f"/api/v1/training-classes/{klass.pk}/finish/")
    assert response.status_code == 200 and response.json()["status"] == "finished"
    enrollment = api.get(f"/api/v1/enrollments/?person={trainees[0].pk}").json()["results"][0]
    assert set(enrollment) >= {"id", "training_class", "person", "status", "attended", "completed_on"}
    assert enrollment["status"] == "completed" and enrollment["attended"] == 1


def test_trainee_checks_in_with_the_token_through_the_api(member_user, trainer, klass, trainees, api):
    lesson = add_lessons(trainer, klass, 1)[0]
    services.enroll(actor=trainer, training_class=klass, people=trainees)
    token = api.get(f"/api/v1/lessons/{lesson.pk}/qr/").json()["token"]
    member = APIClient()
    member.force_authenticate(member_user)
    if lesson.starts_at - checkin.EARLY <= timezone.now() <= lesson.ends_at:
        assert member.post(f"/api/v1/lessons/{lesson.pk}/check-in/", {"token": token}, format="json").status_code == 201
    else:  # outside the lesson the same token is refused, with the reason
        response = member.post(f"/api/v1/lessons/{lesson.pk}/check-in/", {"token": token}, format="json")
        assert response.status_code == 400 and Attendance.objects.count() == 0
    forged = member.post(f"/api/v1/lessons/{lesson.pk}/check-in/", {"token": token + "x"}, format="json")
    assert forged.status_code == 400
    # a member cannot check someone else in
    other = member.post(f"/api/v1/lessons/{lesson.pk}/check-in/", {"person": trainees[1].pk, "reason": "代签"},
                        format="json")
    assert other.status_code in (403, 404)


def test_summary_api_equals_the_page(client, api, trainer, klass, trainees, tree, users):
    lessons = add_lessons(trainer, klass, 2)
    services.enroll(actor=trainer, training_class=klass, people=trainees)
    for person in trainees[:3]:
        checkin.check_in_manual(actor=trainer, lesson=lessons[0], person=person, reason="补签",
                                at=lessons[0].starts_at)
    body = api.get(f"/api/v1/training/summary/?org={tree['xuanen'].pk}").json()
    assert body["person_times"] == 3 and body["trainees"] == 3 and sum(body["by_method"].values()) == 3
    assert set(body) == {"person_times", "trainees", "hours", "completion_rate", "by_method", "by_level"}
    client.force_login(trainer)
    page = client.get(reverse("training:statistics"), {"org": tree["xuanen"].pk}).content.decode()
    assert 'id="stat-person-times"' in page and ">3</a>" in page
    listed = api.get(f"/api/v1/training/person-times/?org={tree['xuanen'].pk}").json()
    assert listed["count"] == 3
    assert api.get(f"/api/v1/attendances/?org={tree['xuanen'].pk}&method={lessons[0].method}").json()["count"] == 3
    assert api.get(f"/api/v1/training/summary/?org={tree['badong'].pk}").status_code == 404
    bad = api.get("/api/v1/attendances/?from=yesterday")
    assert bad.status_code == 400


def test_summary_of_another_county_is_not_found(users, tree):
    client = APIClient()
    client.force_authenticate(users["badong_admin"])
    assert client.get(f"/api/v1/training/summary/?org={tree['xuanen'].pk}").status_code == 404


def test_progress_api_only_moves_forward(member_user, trainer, school):
    course = courses.course_create(actor=trainer, org=school, title="课", topic="theory", kind="video", length=100,
                                   hours=1)
    client = APIClient()
    client.force_authenticate(member_user)
    assert client.post("/api/v1/course-progress/", {"course": course.pk, "position": 50}, format="json").status_code \
        == 201
    back = client.post("/api/v1/course-progress/", {"course": course.pk, "position": 40}, format="json")
    beyond = client.post("/api/v1/course-progress/", {"course": course.pk, "position": 101}, format="json")
    assert back.status_code == beyond.status_code == 400 and "position" in back.json()
    done = client.post("/api/v1/course-progress/", {"course": course.pk, "position": 90}, format="json").json()
    assert done["completed_on"] and done["hours"] == 1


def test_video_is_served_in_byte_ranges(client, member_user, trainer, school):
    video = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40
    course = courses.course_create(actor=trainer, org=school, title="视频", topic="theory", kind="video", length=60,
                                   hours=1, file=SimpleUploadedFile("课.mp4", video))
    url = reverse("attachments:stream", args=[attachments.for_owner(course).first().uuid])
    client.force_login(member_user)
    whole = client.get(url)
    assert whole.status_code == 200 and whole["Accept-Ranges"] == "bytes"
    part = client.get(url, HTTP_RANGE="bytes=100-199")
    assert part.status_code == 206 and part["Content-Range"] == f"bytes 100-199/{len(video)}"
    assert b"".join(part.streaming_content) == video[100:200]
    tail = client.get(url, HTTP_RANGE="bytes=-10")
    assert b"".join(tail.streaming_content) == video[-10:]
    assert client.get(url, HTTP_RANGE=f"bytes={len(video)}-").status_code == 416


def test_certificate_pdf_for_a_completed_trainee(client, trainer, klass, trainees, member_user):
    lesson = add_lessons(trainer, klass, 1)[0]
    services.enroll(actor=trainer, training_class=klass, people=trainees[:1])
    checkin.check_in_manual(actor=trainer, lesson=lesson, person=trainees[0], reason="补签", at=lesson.starts_at)
    services.class_finish(actor=trainer, training_class=klass)
    enrollment = Enrollment.objects.get()
    client.force_login(member_user)  # the trainee's own certificate
    response = client.get(reverse("training:certificate", args=[enrollment.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_lists_have_a_fixed_query_count(client, trainer, school, base, trainees, django_assert_max_num_queries):
    client.force_login(trainer)
    for i in range(3):
        klass = new_class(trainer, school, base, title=f"班{i}",
                          start_date=timezone.localdate().replace(month=1, day=1 + 7 * i),
                          end_date=timezone.localdate().replace(month=1, day=2 + 7 * i))
        lesson = add_lessons(trainer, klass, 1)[0]
        services.enroll(actor=trainer, training_class=klass, people=trainees)
        for person in trainees:
            checkin.check_in_manual(actor=trainer, lesson=lesson, person=person, reason="补签", at=lesson.starts_at)
    for name in ("training:class_list", "training:attendance_list", "training:person_times", "training:course_list",
                 "training:plan_list", "training:base_list", "training:statistics"):
        with django_assert_max_num_queries(30):
            assert client.get(reverse(name)).status_code == 200, name
    with django_assert_max_num_queries(30):
        assert client.get(reverse("training:class_detail", args=[klass.pk])).status_code == 200
    api = APIClient()
    api.force_authenticate(trainer)
    for url in ("/api/v1/training-classes/", "/api/v1/enrollments/", "/api/v1/attendances/", "/api/v1/lessons/",
                "/api/v1/training/person-times/", "/api/v1/training/summary/"):
        with django_assert_max_num_queries(20):
            assert api.get(url).status_code == 200, url
