from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Labels of the audit actions this app records (core.audit.register_actions).
AUDIT_ACTIONS = {
    "showcase.site.designate": _("Designate a demonstration site"),
    "showcase.site.revoke": _("Revoke a demonstration site"),
    "showcase.meeting.record": _("Record a meeting or tour"),
    "showcase.post.apply": _("Apply for a model post"),
    "showcase.post.recommend": _("Recommend a model post"),
    "showcase.post.approve": _("Approve a model post"),
    "showcase.post.publish": _("Publish a model post"),
    "showcase.post.withdraw": _("Withdraw a model post"),
    "showcase.post.plate": _("Print a model post plate"),
    "showcase.service.record": _("Record a model post service"),
    "showcase.campaign.create": _("Create a 五好 campaign"),
    "showcase.nomination.submit": _("Nominate for a 五好 campaign"),
    "showcase.nomination.review": _("Review a nomination"),
    "showcase.nomination.name": _("Name an honour"),
    "showcase.nomination.revoke": _("Revoke an honour"),
}


class ShowcaseConfig(AppConfig):
    name = "dangjian.showcase"
    label = "showcase"
    verbose_name = _("Demonstration")

    def ready(self):
        from dangjian.core.attachments import register_owner
        from dangjian.core.audit import register_actions

        from .models import Meeting

        register_actions(AUDIT_ACTIONS)
        register_owner(Meeting)  # photos and documents of a meeting or tour
