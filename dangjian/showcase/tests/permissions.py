"""Permission matrix rows of 抓示范's pages and API (see dangjian.core.testing).

Editor: 宣恩县 organization-department admin; reader: a leading cadre in 宣恩县 (reads, writes nothing);
outsider: 巴东县 organization-department admin (another county).
"""

from dangjian.core.testing import ANONYMOUS, LOGIN, Row, api, page, write

from . import factories as f

ROLES = {"editor": "xuanen_admin", "reader": "leader", "outsider": "badong_admin"}


def pk_of(make, *args):
    return lambda w: {"pk": make(w, *args).pk}


def step(make, status, name):
    return lambda w: {"pk": make(w, status).pk, "step": name}


def lists(name, marker, **kw):
    return page(name, outsider_status=200, marker=marker, **ROLES, **kw)


def api_list(name, marker, **kw):
    return api(name, outsider_status=200, marker=marker, **ROLES, **kw)


def create(name):
    """A form page for a new record: any organization's staff may open it (no object yet), readers may not."""
    return Row(name, expect={ANONYMOUS: LOGIN, "xuanen_admin": 200, "leader": 403, "badong_admin": 200})


REASON = lambda w: {"reason": "矩阵撤销原因"}  # noqa: E731

ROWS = [
    # --- demonstration sites and meetings
    lists("showcase:site_list", setup=f.site, marker=lambda w: "矩阵示范点"),
    page("showcase:site_detail", kwargs=pk_of(f.site), **ROLES),
    create("showcase:site_create"),
    write("showcase:site_revoke", method="post", kwargs=pk_of(f.site), data=REASON, editor_status=302, **ROLES),
    lists("showcase:meeting_list", setup=f.meeting, marker=lambda w: "伍家台村委会"),
    page("showcase:meeting_detail", kwargs=pk_of(f.meeting), **ROLES),
    create("showcase:meeting_create"),
    # --- model posts: the member's own page is every working role's (their own records only)
    lists("showcase:post_list", setup=lambda w: f.post(w), marker=lambda w: "茶叶产业先锋岗"),
    Row("showcase:post_apply", expect={ANONYMOUS: LOGIN, "xuanen_admin": 200, "leader": 200, "badong_admin": 200,
                                        "sysadmin": 403}),
    page("showcase:post_detail", kwargs=pk_of(f.post, "applied"), **ROLES),
    write("showcase:post_step", method="post", kwargs=step(f.post, "applied", "recommend"), editor_status=302,
          **ROLES),
    write("showcase:post_withdraw", method="post", kwargs=pk_of(f.post, "applied"), data=REASON, editor_status=302,
          **ROLES),
    write("showcase:service_create", kwargs=pk_of(f.post, "published"), **ROLES),
    page("showcase:post_plate", kwargs=pk_of(f.post, "published"), **ROLES),
    # --- 五好 campaigns
    lists("showcase:campaign_list", setup=f.campaign, marker=lambda w: "矩阵五好org"),
    create("showcase:campaign_create"),
    page("showcase:campaign_detail", kwargs=pk_of(f.campaign), **ROLES),
    write("showcase:nomination_create", kwargs=pk_of(f.campaign), **ROLES),
    page("showcase:nomination_detail", kwargs=pk_of(f.nomination, "nominated"), **ROLES),
    write("showcase:nomination_step", method="post", kwargs=step(f.nomination, "nominated", "review"),
          data=lambda w: {"passed": "yes"}, editor_status=302, **ROLES),
    # --- API
    api_list("demo-site-list", setup=f.site, marker=lambda w: "矩阵示范点"),
    api("demo-site-detail", kwargs=pk_of(f.site), **ROLES),
    api("demo-site-list", method="post", editor_status=201, outsider_status=404,
        data=lambda w: {"org": w["wujiatai"].pk, "level": "county", "theme": "接口示范点", "lessons": "经验"}, **ROLES),
    api("demo-site-revoke", method="post", kwargs=pk_of(f.site), data=REASON, **ROLES),
    api_list("meeting-list", setup=f.meeting, marker=lambda w: "伍家台村委会"),
    api("meeting-detail", kwargs=pk_of(f.meeting), **ROLES),
    api_list("model-post-list", setup=lambda w: f.post(w), marker=lambda w: "茶叶产业先锋岗"),
    api("model-post-detail", kwargs=pk_of(f.post, "applied"), **ROLES),
    api("model-post-recommend", method="post", kwargs=pk_of(f.post, "applied"), **ROLES),
    api("model-post-approve", method="post", kwargs=pk_of(f.post, "recommended"), **ROLES),
    api("model-post-publish", method="post", kwargs=pk_of(f.post, "notice_ended"), **ROLES),
    api("model-post-withdraw", method="post", kwargs=pk_of(f.post, "applied"), data=REASON, **ROLES),
    api_list("post-service-list", setup=f.service, marker=lambda w: "矩阵服务记录"),
    api("post-service-detail", kwargs=pk_of(f.service), **ROLES),
    api_list("honor-campaign-list", setup=f.campaign, marker=lambda w: "矩阵五好org"),
    api("honor-campaign-detail", kwargs=pk_of(f.campaign), **ROLES),
    api_list("nomination-list", setup=lambda w: f.nomination(w), marker=lambda w: "产业兴旺"),
    api("nomination-detail", kwargs=pk_of(f.nomination, "nominated"), **ROLES),
    api("nomination-review", method="post", kwargs=pk_of(f.nomination, "nominated"),
        data=lambda w: {"passed": True}, **ROLES),
    api("nomination-name", method="post", kwargs=pk_of(f.nomination, "notice"), **ROLES),
    api("nomination-revoke", method="post", kwargs=pk_of(f.nomination, "named"), data=REASON, **ROLES),
]
