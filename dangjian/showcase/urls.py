from django.urls import path, re_path

from . import views

app_name = "showcase"
url_prefix = "showcase/"
urlpatterns = [
    path("sites/", views.site_list, name="site_list"),
    path("sites/new/", views.site_create, name="site_create"),
    path("sites/<int:pk>/", views.site_detail, name="site_detail"),
    path("sites/<int:pk>/revoke/", views.site_revoke, name="site_revoke"),
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("posts/", views.post_list, name="post_list"),
    path("posts/mine/", views.post_apply, name="post_apply"),
    path("posts/<int:pk>/", views.post_detail, name="post_detail"),
    re_path(r"^posts/(?P<pk>[0-9]+)/(?P<step>recommend|approve|publish)/$", views.post_step, name="post_step"),
    path("posts/<int:pk>/withdraw/", views.post_withdraw, name="post_withdraw"),
    path("posts/<int:pk>/services/new/", views.service_create, name="service_create"),
    path("posts/<int:pk>/plate.pdf", views.post_plate, name="post_plate"),
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/nominate/", views.nomination_create, name="nomination_create"),
    path("nominations/<int:pk>/", views.nomination_detail, name="nomination_detail"),
    re_path(r"^nominations/(?P<pk>[0-9]+)/(?P<step>review|name|revoke)/$", views.nomination_step,
            name="nomination_step"),
]
