"""The form pages: the services' refusals appear on the form in Chinese and change nothing; success redirects."""

from django.urls import reverse

from dangjian.showcase.models import DemoSite, HonorCampaign, Nomination

from . import factories as f
from .snapshots import state


def test_site_form(client, world):
    client.force_login(world["users"]["wanzhai"])
    url = reverse("showcase:site_create")
    data = {"org": world["wujiatai"].pk, "theme": "茶园党小组", "lessons": "院落党建", "mentored": []}
    before = state()
    text = client.post(url, {**data, "level": "county"}).content.decode()
    assert "本组织不能命名这一级别的示范点。" in text and state() == before
    response = client.post(url, {**data, "level": "township"})
    site = DemoSite.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("showcase:site_detail", args=[site.pk])


def test_nomination_form_names_the_missing_criterion(client, world):
    campaign = f.campaign(world)
    client.force_login(world["users"]["wujiatai"])
    url = reverse("showcase:nomination_create", args=[campaign.pk])
    evidence = {f"evidence_{i}": text for i, text in enumerate(f.EVIDENCE)}
    before = state()
    text = client.post(url, {"org": world["wujiatai"].pk, **evidence, "evidence_2": ""}).content.decode()
    assert "缺少“工作机制好”的事迹材料。" in text and state() == before
    assert client.post(url, {"org": world["wujiatai"].pk, **evidence}).status_code == 302
    assert Nomination.objects.get().evidence == f.EVIDENCE


def test_campaign_form_and_review_page(client, world):
    client.force_login(world["users"]["xuanen_admin"])
    url = reverse("showcase:campaign_create")
    text = client.post(url, {"name": "五好党员", "year": 2012, "target": "member", "criteria": "一\n二\n三"}).content
    assert "创建活动须有五条互不相同的标准。" in text.decode() and not HonorCampaign.objects.exists()
    client.post(url, {"name": "五好支部", "year": 2012, "target": "org", "criteria": ""})
    assert HonorCampaign.objects.get().criteria[0] == "领导班子好"
    nomination = f.nomination(world)
    step = reverse("showcase:nomination_step", args=[nomination.pk, "review"])
    client.post(step, {"passed": "yes", "note": "材料齐全"})
    nomination.refresh_from_db()
    assert nomination.status == "notice"
