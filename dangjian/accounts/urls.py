from django.urls import path

from . import views

app_name = "accounts"
url_prefix = "accounts/"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("me/", views.profile, name="profile"),
    path("otp/verify/", views.otp_verify, name="otp_verify"),
    path("otp/enrol/", views.otp_enrol, name="otp_enrol"),
    # system administrator
    path("users/", views.user_list, name="user_list"),
    path("users/export/", views.user_export, name="user_export"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/edit/", views.user_update, name="user_update"),
    path("users/<int:pk>/reset-password/", views.user_reset_password, name="user_reset_password"),
    path("users/<int:pk>/disable/", views.user_disable, name="user_disable"),
    path("users/<int:pk>/enable/", views.user_enable, name="user_enable"),
    # security administrator
    path("security/", views.security, name="security"),
    path("security/unlock/", views.account_unlock, name="account_unlock"),
    path("security/grants/<int:pk>/approve/", views.grant_approve, name="grant_approve"),
    path("security/grants/<int:pk>/reject/", views.grant_reject, name="grant_reject"),
    path("security/users/<int:pk>/otp-reset/", views.otp_reset, name="otp_reset"),
    path("security/users/<int:pk>/password/", views.security_password_reset, name="security_password_reset"),
    # audit administrator
    path("audit/", views.audit_list, name="audit_list"),
    path("audit/export/", views.audit_export, name="audit_export"),
    path("audit/<int:seq>/", views.audit_detail, name="audit_detail"),
]
