"""The state a refusal must leave unchanged: every row of every 抓示范 table, as values."""

from dangjian.showcase.models import DemoSite, HonorCampaign, Meeting, ModelPost, Nomination, PostService


def state():
    return {model.__name__: list(model.objects.order_by("pk").values())
            for model in (DemoSite, Meeting, ModelPost, PostService, HonorCampaign, Nomination)}
