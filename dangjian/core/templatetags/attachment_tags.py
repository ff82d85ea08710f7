"""`{% attachments owner "purpose" %}`: a record's attachments with download links, and for those who may edit
the record an upload form and delete buttons (template core/_attachments.html)."""

from django import template
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.urls import reverse

from dangjian.core import attachments as service

register = template.Library()


@register.inclusion_tag("core/_attachments.html", takes_context=True)
def attachments(context, owner, purpose, title=None):
    request = context["request"]
    allowed = service.allowed_types()
    base = settings.ATTACHMENT_MAX_SIZE
    larger = [f"{t.label} {filesizeformat(service.max_size(t.key))}"
              for t in allowed if service.max_size(t.key) != base]
    items = list(service.for_owner(owner, purpose))
    for item in items:
        item.inline = service.inline_allowed(item)
    return {
        "request": request,
        "owner": owner,
        "purpose": purpose,
        "title": title,
        "items": items,
        "can_edit": service.can_edit(request.user, owner),
        "upload_url": reverse("attachments:upload", kwargs={
            "owner_type": owner._meta.label_lower, "owner_id": owner.pk}),
        "accept": service.accept_attribute(),
        "type_labels": "、".join(str(t.label) for t in allowed),
        "max_size": base,
        "other_limits": "、".join(larger),
        "next": request.get_full_path(),
    }
