from django.urls import path

from . import other_views, views

app_name = "training"
url_prefix = "training/"
urlpatterns = [
    path("", views.class_list, name="class_list"),
    path("classes/new/", views.class_create, name="class_create"),
    path("classes/<int:pk>/", views.class_detail, name="class_detail"),
    path("classes/<int:pk>/open/", views.class_open, name="class_open"),
    path("classes/<int:pk>/finish/", views.class_finish, name="class_finish"),
    path("classes/<int:pk>/enroll/", views.class_enroll, name="class_enroll"),
    path("classes/<int:pk>/enroll-self/", views.enroll_self, name="enroll_self"),
    path("classes/<int:pk>/roster/", views.class_roster, name="class_roster"),
    path("classes/<int:pk>/lessons/new/", views.lesson_create, name="lesson_create"),
    path("roster-template/", views.roster_template, name="roster_template"),
    path("lessons/<int:pk>/qr/", views.lesson_qr, name="lesson_qr"),
    path("lessons/<int:pk>/check-in/", views.check_in, name="check_in"),
    path("lessons/<int:pk>/manual/", views.lesson_manual, name="lesson_manual"),
    path("enrollments/<int:pk>/certificate/", views.certificate, name="certificate"),
    path("mine/", other_views.mine, name="mine"),
    path("bases/", other_views.base_list, name="base_list"),
    path("bases/new/", other_views.base_create, name="base_create"),
    path("plans/", other_views.plan_list, name="plan_list"),
    path("plans/new/", other_views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", other_views.plan_detail, name="plan_detail"),
    path("courses/", other_views.course_list, name="course_list"),
    path("courses/new/", other_views.course_create, name="course_create"),
    path("courses/<int:pk>/", other_views.course_detail, name="course_detail"),
    path("statistics/", other_views.statistics, name="statistics"),
    path("attendance/", other_views.attendance_list, name="attendance_list"),
    path("person-times/", other_views.person_times, name="person_times"),
]
