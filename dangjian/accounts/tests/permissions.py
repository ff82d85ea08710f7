"""Permission matrix rows of the account, security and audit pages and API (see dangjian.core.testing).

User management: editor the prefecture system administrator, outsider the 巴东县 system administrator (the target
account sits in 宣恩县), and an organization-department admin, who may not manage accounts at all (403).
"""

from dangjian.core.testing import API_ANONYMOUS, LOGIN, Row, api, write

ADMINS = {"editor": "sysadmin", "reader": "xuanen_admin", "outsider": "badong_sysadmin"}
EVERYONE = ("zhou_admin", "leader", "member", "sysadmin", "secadmin", "auditor")
NOT_AUDITOR = dict.fromkeys(("zhou_admin", "sysadmin", "secadmin"), 403)
NOT_SECADMIN = dict.fromkeys(("zhou_admin", "sysadmin", "auditor"), 403)


def target(w):
    return {"pk": w["target_user"].pk}


def listing(name, marker, **kw):
    return Row(name, expect={"anonymous": LOGIN, "sysadmin": 200, "badong_sysadmin": 200, "xuanen_admin": 403},
               marker=marker, insiders=("sysadmin",), outsiders=("badong_sysadmin",), **kw)


def disable_target(w):
    from dangjian.accounts import services

    services.user_disable(actor=w["users"]["sysadmin"], user=w["target_user"])


def pending_grant(w):
    """A request by the system administrator to make a 宣恩县 account an organization-department administrator."""
    if "grant" not in w:
        from dangjian.accounts import services
        from dangjian.accounts.selectors import pending_grant as grant_of

        account = services.user_create(actor=w["users"]["sysadmin"], username="matrix_revealer", name="矩阵揭示",
                                       org=w["xuanen"], role="org_dept", password="Matrix@2026x")
        w["grant"] = grant_of(account)
    return {"pk": w["grant"].pk}


ROWS = [
    Row("accounts:login", expect={"anonymous": 200, "leader": 302}),
    Row("accounts:logout", method="post", expect={"anonymous": 302, "leader": 302}),
    Row("accounts:password_change", expect={"anonymous": LOGIN, **dict.fromkeys(EVERYONE, 200)}),
    Row("accounts:profile", expect={"anonymous": LOGIN, **dict.fromkeys(EVERYONE, 200)}),
    # --- second factor (the code step of a login; enrolment by the account itself)
    Row("accounts:otp_verify", expect={"anonymous": LOGIN, "leader": 302, "zhou_admin": 302}),
    Row("accounts:otp_enrol", expect={"anonymous": LOGIN, **dict.fromkeys(EVERYONE, 200)}),
    # --- user management (system administrator)
    listing("accounts:user_list", marker=lambda w: "matrix_target"),
    listing("accounts:user_export", marker=lambda w: "matrix_target"),
    Row("accounts:user_create", expect={"anonymous": LOGIN, "sysadmin": 200, "xuanen_admin": 403,
                                        "badong_sysadmin": 200}),
    write("accounts:user_detail", kwargs=target, **ADMINS),
    write("accounts:user_update", kwargs=target, **ADMINS),
    write("accounts:user_reset_password", kwargs=target, **ADMINS),
    write("accounts:user_disable", method="post", kwargs=target, editor_status=302, **ADMINS),
    write("accounts:user_enable", method="post", kwargs=target, editor_status=302, setup=disable_target, **ADMINS),
    # --- security administrator
    Row("accounts:security", expect={"anonymous": LOGIN, "secadmin": 200, **NOT_SECADMIN}),
    Row("accounts:account_unlock", method="post", data=lambda w: {"username": "matrix_target"},
        expect={"anonymous": LOGIN, "secadmin": 302, **NOT_SECADMIN}),
    Row("accounts:grant_approve", method="post", kwargs=pending_grant,
        expect={"anonymous": LOGIN, "secadmin": 200, **NOT_SECADMIN}),
    Row("accounts:grant_reject", method="post", kwargs=pending_grant, data=lambda w: {"reason": "不需要"},
        expect={"anonymous": LOGIN, "secadmin": 302, **NOT_SECADMIN}),
    Row("accounts:security_password_reset", method="post", kwargs=lambda w: {"pk": w["users"]["xuanen_admin"].pk},
        expect={"anonymous": LOGIN, "secadmin": 200, **NOT_SECADMIN}),
    Row("accounts:otp_reset", method="post", kwargs=target, data=lambda w: {"reason": "手机丢失"},
        expect={"anonymous": LOGIN, "secadmin": 302, **NOT_SECADMIN}),
    # --- audit administrator (the whole log of the installation, nobody else)
    Row("accounts:audit_list", expect={"anonymous": LOGIN, "auditor": 200, **NOT_AUDITOR}),
    Row("accounts:audit_export", expect={"anonymous": LOGIN, "auditor": 200, **NOT_AUDITOR}),
    Row("accounts:audit_detail", kwargs=lambda w: {"seq": 1},
        expect={"anonymous": LOGIN, "auditor": 200, **NOT_AUDITOR}),
    # --- API
    Row("api-token", method="post", api=True, data=lambda w: {"username": "leader", "password": "Enshi@2012"},
        expect={"anonymous": 200}),
    Row("api-logout", method="post", api=True, expect={"anonymous": API_ANONYMOUS, "leader": (200, 204)}),
    Row("api-otp", api=True, expect={"anonymous": API_ANONYMOUS, **dict.fromkeys(EVERYONE, 200)}),
    Row("api-otp-confirm", method="post", api=True, data=lambda w: {"otp": "000000"},
        expect={"anonymous": API_ANONYMOUS, "leader": 400, "zhou_admin": 400}),
    Row("api-me", api=True, expect={"anonymous": API_ANONYMOUS, **dict.fromkeys(EVERYONE, 200)}),
    api("user-list", outsider_status=200, reader_status=403, marker=lambda w: "matrix_target", **ADMINS),
    api("user-list", method="post", editor_status=201, outsider_status=404, **ADMINS,
        data=lambda w: {"username": "matrix_new", "name": "矩阵新账号", "org": w["wujiatai"].pk,
                        "role": "member", "password": "Matrix@2026x"}),
    api("user-detail", kwargs=target, reader_status=403, **ADMINS),
    api("user-detail", method="patch", kwargs=target, data=lambda w: {"name": "矩阵账号二"}, **ADMINS),
    api("user-disable", method="post", kwargs=target, **ADMINS),
    api("user-enable", method="post", kwargs=target, setup=disable_target, **ADMINS),
    api("user-reset-password", method="post", kwargs=target, data=lambda w: {"password": "Matrix@2026y"},
        **ADMINS),
]
